//! Policy variables: `${aws:username}`, `${key, 'default'}`, and the specials `${*}` `${?}` `${$}`.

use compact_str::CompactString;
use smallvec::SmallVec;

/// Where a string is used, which decides whether `*` and `?` are wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcards {
    /// `*` and `?` are wildcards (Like operators, Action, Resource, Arn operators).
    On,
    /// `*` and `?` are literal characters (Equals operators).
    Off,
}

/// One piece of a compiled string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Literal text, compared character by character. Most pattern pieces (`aws`, `ssm`,
    /// `instance/`) are short enough to be stored inline, without an allocation each.
    Text(CompactString),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`. Boxed: variables are rare, and a small token keeps
    /// the usual one- and two-token patterns inline.
    Var(Box<Var>),
}

/// A policy variable in a compiled string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// The key in lower case, as key names are case-insensitive.
    pub key: String,
    /// [`crate::context::key_hash`] of `key`, so a look-up does not hash it again.
    pub hash: u64,
    pub default: Option<String>,
}

impl Token {
    /// A variable token for `key` (any case) with an optional default.
    pub fn var(key: &str, default: Option<String>) -> Token {
        let key = key.to_ascii_lowercase();
        Token::Var(Box::new(Var {
            hash: crate::context::key_hash(&key),
            key,
            default,
        }))
    }
}

/// A compiled string: most are one or two tokens, kept without an allocation of their own.
pub type Tokens = SmallVec<[Token; 2]>;

/// A variable reference found in a string, with its byte range in that string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRef {
    /// The key as written (`aws:username`), or `*`, `?`, `$` for the specials.
    pub key: String,
    pub default: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// A `${` that does not form a valid variable, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableSyntaxError {
    pub start: usize,
    pub message: &'static str,
}

/// Parse the body of `${...}` starting right after `${`; returns the ref and the end offset.
fn parse_one(s: &str, start: usize) -> Result<VariableRef, VariableSyntaxError> {
    let body_start = start + 2;
    let rest = s.get(body_start..).unwrap_or("");
    let Some(close) = rest.find('}') else {
        return Err(VariableSyntaxError {
            start,
            message: "missing closing brace `}` in policy variable",
        });
    };
    let body = rest.get(..close).unwrap_or("");
    let end = body_start + close + 1;
    if body.is_empty() {
        return Err(VariableSyntaxError {
            start,
            message: "empty policy variable `${}`",
        });
    }
    if let "*" | "?" | "$" = body {
        return Ok(VariableRef {
            key: body.to_string(),
            default: None,
            start,
            end,
        });
    }
    let (key, default) = match body.split_once(',') {
        None => (body, None),
        Some((key, tail)) => {
            let tail = tail.trim_start_matches(' ');
            let quoted = tail
                .strip_prefix('\'')
                .and_then(|t| t.strip_suffix('\''))
                .filter(|_| tail.len() >= 2);
            match quoted {
                Some(d) => (key, Some(d.to_string())),
                None => {
                    return Err(VariableSyntaxError {
                        start,
                        message: "the default value of a policy variable must be in single quotes: ${key, 'default'}",
                    })
                }
            }
        }
    };
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return Err(VariableSyntaxError {
            start,
            message: "spaces are not allowed in a policy variable's key",
        });
    }
    Ok(VariableRef {
        key: key.to_string(),
        default,
        start,
        end,
    })
}

/// Every `${...}` in `s`: the valid variables and the malformed ones.
/// The byte offset of the next `${` at or after `from`.
fn next_variable(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while let Some(p) = bytes.get(i..)?.iter().position(|&b| b == b'$') {
        let at = i + p;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

pub fn scan(s: &str) -> (Vec<VariableRef>, Vec<VariableSyntaxError>) {
    let mut refs = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    // Most strings hold no `$`: one byte scan, no searcher set up.
    while let Some(start) = next_variable(s, from) {
        match parse_one(s, start) {
            Ok(r) => {
                from = r.end;
                refs.push(r);
            }
            Err(e) => {
                errors.push(e);
                from = start + 2;
            }
        }
    }
    (refs, errors)
}

/// Whether `s` contains `${`. Most items have no `$` at all, which a byte search settles
/// for less than setting up a substring search.
pub fn has_variable(s: &str) -> bool {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| bytes.get(i + 1) == Some(&b'{'))
}

/// Compile `s` into tokens. With `variables` false, `${...}` is literal text (Version 2008-10-17
/// or no Version); malformed variables are always literal text.
pub fn tokenize(s: &str, wildcards: Wildcards, variables: bool) -> Tokens {
    // A whole part that is `*` (an ARN's Region or account, say): the commonest wildcard.
    if s == "*" && wildcards == Wildcards::On {
        return smallvec::smallvec![Token::Star];
    }
    // The common case, a plain literal: one token, no scanning machinery.
    let special = |b: &u8| *b == b'$' || (wildcards == Wildcards::On && (*b == b'*' || *b == b'?'));
    if !s.as_bytes().iter().any(special) {
        return if s.is_empty() {
            Tokens::new()
        } else {
            smallvec::smallvec![Token::Text(s.into())]
        };
    }
    let mut out = Tokens::new();
    let refs = if variables && has_variable(s) {
        scan(s).0
    } else {
        Vec::new()
    };
    let mut pos = 0;
    for r in refs {
        push_literal(&mut out, s.get(pos..r.start).unwrap_or(""), wildcards);
        match r.key.as_str() {
            // The specials stand for the character itself, never a wildcard.
            "*" | "?" | "$" => push_text(&mut out, &r.key),
            key => out.push(Token::var(key, r.default)),
        }
        pos = r.end;
    }
    push_literal(&mut out, s.get(pos..).unwrap_or(""), wildcards);
    out
}

/// Append text, joined to the text before it.
fn push_text(out: &mut Tokens, t: &str) {
    if t.is_empty() {
        return;
    }
    if let Some(Token::Text(prev)) = out.last_mut() {
        prev.push_str(t);
    } else {
        out.push(Token::Text(t.into()));
    }
}

/// Append text outside variables, where `*` and `?` are wildcards if `wildcards` says so.
fn push_literal(out: &mut Tokens, t: &str, wildcards: Wildcards) {
    if wildcards == Wildcards::Off {
        push_text(out, t);
        return;
    }
    // `*` and `?` are ASCII: their byte offsets are character boundaries.
    let mut run = 0;
    for (i, b) in t.bytes().enumerate() {
        if b == b'*' || b == b'?' {
            push_text(out, t.get(run..i).unwrap_or(""));
            out.push(if b == b'*' { Token::Star } else { Token::One });
            run = i + 1;
        }
    }
    push_text(out, t.get(run..).unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Token {
        Token::Text(s.into())
    }

    #[test]
    fn splits_wildcards_and_variables() {
        assert_eq!(
            tokenize(
                "arn:aws:ssm:*:*:session/${aws:username}-?",
                Wildcards::On,
                true
            )
            .to_vec(),
            vec![
                text("arn:aws:ssm:"),
                Token::Star,
                text(":"),
                Token::Star,
                text(":session/"),
                Token::var("aws:username", None),
                text("-"),
                Token::One,
            ]
        );
    }

    /// "surround the default value with single quotes (' '), and separate the variable
    /// text and the default value with a comma and space (, )" (IAM User Guide, policy variables).
    #[test]
    fn default_values_are_single_quoted_after_comma_space() {
        assert_eq!(
            tokenize(
                "${aws:PrincipalTag/team, 'company-wide'}",
                Wildcards::On,
                true
            )
            .to_vec(),
            vec![Token::var(
                "aws:principaltag/team",
                Some("company-wide".into())
            )]
        );
    }

    /// "${*} ... ${?} ... ${$}": special characters stand for themselves, never wildcards.
    #[test]
    fn special_characters_are_literal() {
        assert_eq!(
            tokenize("a${*}b${?}${$}", Wildcards::On, true).to_vec(),
            vec![text("a*b?$")]
        );
    }

    #[test]
    fn variables_are_literal_when_disabled_or_malformed() {
        assert_eq!(
            tokenize("${aws:username}", Wildcards::Off, false).to_vec(),
            vec![text("${aws:username}")]
        );
        assert_eq!(
            tokenize("x${aws:user name}", Wildcards::Off, true).to_vec(),
            vec![text("x${aws:user name}")]
        );
        let (refs, errors) = scan("${} ${a ${b}");
        assert_eq!(refs.len(), 1);
        assert_eq!(errors.len(), 2);
    }
}
