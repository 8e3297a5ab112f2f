//! Matching compiled tokens (`*`, `?`, literal text, variables) against a string.

use crate::variables::{Token, Tokens};

/// Resolves variable keys (lower-cased) to the request's single value.
pub trait Variables {
    /// The value of `key`, or None when the request has no single value for it.
    fn variable(&self, key: &str) -> Option<&str>;

    /// [`Variables::variable`] with the key's [`crate::context::key_hash`] computed ahead.
    fn variable_hashed(&self, _hash: u64, key: &str) -> Option<&str> {
        self.variable(key)
    }
}

/// No variables at all: every lookup misses.
pub struct NoVariables;

impl Variables for NoVariables {
    fn variable(&self, _key: &str) -> Option<&str> {
        None
    }
}

/// How literal text is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    /// Unicode lower-case comparison (StringEqualsIgnoreCase).
    Insensitive,
}

/// If `text` starts with `lit`, the byte length of the matched prefix of `text`.
fn prefix_len(text: &str, lit: &str, case: Case) -> Option<usize> {
    match case {
        Case::Sensitive => text.starts_with(lit).then_some(lit.len()),
        Case::Insensitive => {
            let mut t = text.char_indices();
            let mut consumed = 0;
            for lc in lit.chars() {
                let (i, tc) = t.next()?;
                if tc != lc && !tc.to_lowercase().eq(lc.to_lowercase()) {
                    return None;
                }
                consumed = i + tc.len_utf8();
            }
            Some(consumed)
        }
    }
}

/// The value a variable token stands for, or None when it has none (and no default).
fn resolve_var<'a>(token: &'a Token, vars: &'a dyn Variables) -> Option<&'a str> {
    match token {
        Token::Var(v) => vars
            .variable_hashed(v.hash, &v.key)
            .or(v.default.as_deref()),
        _ => None,
    }
}

/// Whether every variable in `tokens` has a value (or a default) in `vars`.
pub fn variables_resolve(tokens: &[Token], vars: &dyn Variables) -> bool {
    tokens
        .iter()
        .all(|t| !matches!(t, Token::Var(_)) || resolve_var(t, vars).is_some())
}

/// Tokens of most patterns; the texts of longer ones are looked up as they are needed.
const INLINE_TOKENS: usize = 8;

/// Match `tokens` against the whole of `text`. Substituted values are literal text.
///
/// Returns None when a variable has no value: the pattern is null and matches nothing, and
/// the caller decides what that means for a negated operator.
pub fn matches<'a>(
    tokens: &'a [Token],
    text: &str,
    case: Case,
    vars: &'a dyn Variables,
) -> Option<bool> {
    // Each variable is looked up once, before matching: backtracking retries the tokens after
    // a `*` many times. The first tokens' texts are kept on the stack (no allocation while
    // evaluating); the rare longer patterns look the rest up again when they need them.
    let mut literals: [&str; INLINE_TOKENS] = [""; INLINE_TOKENS];
    for (i, t) in tokens.iter().enumerate() {
        let lit = match t {
            Token::Text(l) => l.as_str(),
            Token::Var(_) => resolve_var(t, vars)?,
            Token::Star | Token::One => "",
        };
        if let Some(slot) = literals.get_mut(i) {
            *slot = lit;
        }
    }
    let literal = |ti: usize, t: &'a Token| -> Option<&'a str> {
        match t {
            Token::Text(l) => Some(l.as_str()),
            _ => literals.get(ti).copied().or_else(|| resolve_var(t, vars)),
        }
    };
    // Classic wildcard matching with backtracking to the last `*`: correct here because
    // every other token matches a fixed number of characters.
    let mut ti = 0;
    let mut pos = 0;
    let mut star: Option<(usize, usize)> = None;
    loop {
        let step = match tokens.get(ti) {
            Some(Token::Star) => {
                star = Some((ti + 1, pos));
                ti += 1;
                continue;
            }
            Some(Token::One) => text
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map(char::len_utf8),
            Some(t) => {
                literal(ti, t).and_then(|lit| prefix_len(text.get(pos..).unwrap_or(""), lit, case))
            }
            None if pos == text.len() => return Some(true),
            None => None,
        };
        match step {
            Some(n) => {
                pos += n;
                ti += 1;
            }
            None => {
                let Some((star_ti, star_pos)) = star else {
                    return Some(false);
                };
                let Some(c) = text.get(star_pos..).and_then(|r| r.chars().next()) else {
                    return Some(false);
                };
                let next = star_pos + c.len_utf8();
                star = Some((star_ti, next));
                ti = star_ti;
                pos = next;
            }
        }
    }
}

/// A compiled pattern: the common shapes (literal, `*`, `prefix*`, `*suffix`) are recognised
/// once and matched without the general algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub tokens: Tokens,
    shape: Shape,
}

/// The pattern's shape; the literal text stays in `tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Empty,
    Literal,
    Any,
    Prefix,
    Suffix,
    General,
}

impl Pattern {
    /// Classify `tokens`.
    pub fn new(tokens: Tokens) -> Pattern {
        let shape = match tokens.as_slice() {
            [] => Shape::Empty,
            [Token::Text(_)] => Shape::Literal,
            [Token::Star] => Shape::Any,
            [Token::Text(_), Token::Star] => Shape::Prefix,
            [Token::Star, Token::Text(_)] => Shape::Suffix,
            _ => Shape::General,
        };
        Pattern { tokens, shape }
    }

    /// [`matches`], by the cheapest strategy for the pattern's shape.
    #[inline]
    pub fn matches(&self, text: &str, case: Case, vars: &dyn Variables) -> Option<bool> {
        match (self.shape, case, self.tokens.as_slice()) {
            (Shape::Any, _, _) => Some(true),
            (Shape::Empty, _, _) => Some(text.is_empty()),
            (Shape::Literal, Case::Sensitive, [Token::Text(l)]) => Some(text == l),
            (Shape::Prefix, Case::Sensitive, [Token::Text(p), _]) => {
                Some(text.starts_with(p.as_str()))
            }
            (Shape::Suffix, Case::Sensitive, [_, Token::Text(x)]) => {
                Some(text.ends_with(x.as_str()))
            }
            _ => matches(&self.tokens, text, case, vars),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::{tokenize, Wildcards};

    struct Map(&'static [(&'static str, &'static str)]);
    impl Variables for Map {
        fn variable(&self, key: &str) -> Option<&str> {
            self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        }
    }

    fn like(p: &str, t: &str) -> Option<bool> {
        let vars = Map(&[("aws:username", "a*b"), ("aws:userid", "AIDA1")]);
        matches(&tokenize(p, Wildcards::On, true), t, Case::Sensitive, &vars)
    }

    #[test]
    fn star_matches_any_run_including_empty_and_question_one_char() {
        assert_eq!(like("*", ""), Some(true));
        assert_eq!(like("a*", "a"), Some(true));
        assert_eq!(like("a*c", "abbbc"), Some(true));
        assert_eq!(like("a*c", "abbbd"), Some(false));
        assert_eq!(like("a?c", "abc"), Some(true));
        assert_eq!(like("a?c", "ac"), Some(false));
        assert_eq!(like("?", "\u{e9}"), Some(true));
        assert_eq!(like("*a*b*", "xxaxxbxx"), Some(true));
        assert_eq!(like("*a*b", "xxaxxbxxc"), Some(false));
        assert_eq!(like("Abc", "abc"), Some(false));
    }

    /// Substituted values are literal: a `*` in a user name is not a wildcard.
    #[test]
    fn substituted_values_are_taken_literally() {
        assert_eq!(like("${aws:username}", "a*b"), Some(true));
        assert_eq!(like("${aws:username}", "axxb"), Some(false));
        assert_eq!(like("home/${aws:userid}/*", "home/AIDA1/x/y"), Some(true));
    }

    #[test]
    fn a_missing_variable_makes_the_pattern_null() {
        assert_eq!(like("${aws:principaltag/x}", "x"), None);
        assert_eq!(like("${aws:principaltag/x, 'd'}", "d"), Some(true));
    }

    /// Every fast shape agrees with the general algorithm.
    #[test]
    fn pattern_shapes_agree_with_the_general_matcher() {
        let texts = ["", "a", "abc", "xabc", "abcx", "a*c", "ABC"];
        for p in [
            "",
            "abc",
            "*",
            "ab*",
            "*bc",
            "a*c",
            "a?c",
            "*b*",
            "${aws:username}",
        ] {
            let tokens = tokenize(p, Wildcards::On, true);
            let pattern = Pattern::new(tokens.clone());
            for t in texts {
                for case in [Case::Sensitive, Case::Insensitive] {
                    let vars = Map(&[("aws:username", "a*b")]);
                    assert_eq!(
                        pattern.matches(t, case, &vars),
                        matches(&tokens, t, case, &vars),
                        "{p} vs {t}"
                    );
                }
            }
        }
    }

    #[test]
    fn ignore_case_compares_unicode_lower_case() {
        let t = tokenize("ÉCOLE", Wildcards::Off, false);
        assert_eq!(
            matches(&t, "école", Case::Insensitive, &NoVariables),
            Some(true)
        );
        assert_eq!(
            matches(&t, "écol", Case::Insensitive, &NoVariables),
            Some(false)
        );
    }
}
