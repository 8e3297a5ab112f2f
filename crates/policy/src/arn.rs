//! ARNs: split into their six parts and matched part by part.
//!
//! "Each of the six colon-delimited components of the ARN is checked separately" (IAM User
//! Guide, ARN condition operators); the resource part is everything after the fifth colon,
//! so `*` there crosses `/` and `:` but never the other parts.

use crate::inline_text::InlineText;
use crate::variables::{tokenize, Token, Wildcards};
use crate::wildcard::{Case, Pattern, Variables};

/// The parts of an ARN: partition, service, region, account, resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Where `s` is cut into ARN parts: the byte offsets of the four colons after `arn:`, or None
/// when it is not `arn:` followed by at least five parts.
fn cuts(s: &str) -> Option<[usize; 4]> {
    let rest = s.strip_prefix("arn:")?;
    // A colon is one byte in UTF-8, so every cut falls on a character boundary.
    let mut cuts = [0usize; 4];
    let mut found = 0;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b == b':' {
            if let Some(cut) = cuts.get_mut(found) {
                *cut = i + 4;
            }
            found += 1;
            if found == cuts.len() {
                return Some(cuts);
            }
        }
    }
    None
}

/// The byte ranges of the five parts of `s`, cut at `cuts`.
fn part_ranges(s: &str, [a, b, c, d]: [usize; 4]) -> [(usize, usize); 5] {
    [(4, a), (a + 1, b), (b + 1, c), (c + 1, d), (d + 1, s.len())]
}

/// Split `s` into ARN parts, or None when it is not `arn:` followed by at least five parts.
pub fn split(s: &str) -> Option<ArnParts<'_>> {
    let [partition, service, region, account, resource] = part_ranges(s, cuts(s)?);
    let part = |(from, to): (usize, usize)| s.get(from..to);
    Some(ArnParts {
        partition: part(partition)?,
        service: part(service)?,
        region: part(region)?,
        account: part(account)?,
        resource: part(resource)?,
    })
}

/// A resource string split once, to be matched against many patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreparedResource<'a> {
    pub text: &'a str,
    pub parts: Option<ArnParts<'a>>,
}

impl<'a> PreparedResource<'a> {
    /// Split `text` if it is an ARN.
    pub fn new(text: &'a str) -> PreparedResource<'a> {
        PreparedResource {
            text,
            parts: split(text),
        }
    }
}

/// A compiled ARN pattern (Resource element, Arn condition operators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnPattern {
    /// `*`: every resource.
    Any,
    /// Part-wise patterns for an ARN-shaped string.
    Parts(PartPatterns),
    /// Not ARN-shaped: the whole string as one pattern (it can only match non-ARN values).
    Whole(Pattern),
    /// Matches nothing: a malformed Resource that IAM would have rejected.
    Never,
}

/// How one part of an ARN pattern is matched. Most parts are `*` or plain text: those are a
/// range of the pattern's text, so compiling an ARN takes one copy of it rather than five
/// token lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// `*`.
    Any,
    /// Plain text (the part's range of the pattern's text), matched exactly.
    Literal,
    /// Plain text and a final `*` (the range stops before it), matched as a prefix.
    Prefix,
    /// Wildcards elsewhere, or variables: the part's [`Pattern`] in [`General`].
    General,
}

/// The compiled patterns of the parts that are neither `*` nor plain text (rare), by part.
#[derive(Debug, Clone, PartialEq, Eq)]
struct General([Option<Pattern>; 5]);

/// The five part patterns of an ARN pattern (partition, service, Region, account, resource).
///
/// Kept under 128 bytes, with the part ranges as `u16`: a larger pattern is moved through a
/// call to `memcpy` each time, and compiling the 6,144-character W3 policy moved one 150-byte
/// pattern three times per resource (issue 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartPatterns {
    /// Inline up to 64 bytes: most ARNs in policies, per-instance ones included.
    text: InlineText<64>,
    /// Each part's byte range in `text` (for a Prefix, up to its `*`).
    ranges: [(u16, u16); 5],
    kinds: [PartKind; 5],
    general: Option<Box<General>>,
}

impl PartPatterns {
    fn compile(s: &str, cuts: [usize; 4], variables: bool) -> PartPatterns {
        let bytes = s.as_bytes();
        let mut general: Option<Box<General>> = None;
        let mut ranges = [(0u16, 0u16); 5];
        let mut kinds = [PartKind::Any; 5];
        for (i, (from, to)) in part_ranges(s, cuts).into_iter().enumerate() {
            // One look at each byte: where the part's first wildcard or `$` is, if anywhere.
            let special = bytes
                .get(from..to)
                .and_then(|t| t.iter().position(|&b| matches!(b, b'*' | b'?' | b'$')))
                .map(|at| from + at);
            let range = |end: usize| Some((u16::try_from(from).ok()?, u16::try_from(end).ok()?));
            let simple = match special {
                None => range(to).map(|r| (PartKind::Literal, r)),
                Some(at) if at + 1 == to && bytes.get(at) == Some(&b'*') => {
                    if at == from {
                        Some((PartKind::Any, (0, 0)))
                    } else {
                        range(at).map(|r| (PartKind::Prefix, r))
                    }
                }
                Some(_) => None,
            };
            let (kind, range) = simple.unwrap_or_else(|| {
                // Other wildcards, variables (or a part past 64 KiB): the general matcher.
                let t = s.get(from..to).unwrap_or_default();
                let pattern = Pattern::new(tokenize(t, Wildcards::On, variables));
                let parts = general.get_or_insert_with(|| Box::new(General(Default::default())));
                if let Some(slot) = parts.0.get_mut(i) {
                    *slot = Some(pattern);
                }
                (PartKind::General, (0, 0))
            });
            if let (Some(k), Some(r)) = (kinds.get_mut(i), ranges.get_mut(i)) {
                *k = kind;
                *r = range;
            }
        }
        PartPatterns {
            text: InlineText::new(s),
            ranges,
            kinds,
            general,
        }
    }

    /// The bytes of part `i`'s range.
    fn bytes(&self, i: usize) -> &[u8] {
        let (from, to) = self.ranges.get(i).copied().unwrap_or_default();
        self.text.bytes(usize::from(from), usize::from(to))
    }

    fn text(&self, i: usize) -> &str {
        let (from, to) = self.ranges.get(i).copied().unwrap_or_default();
        self.text
            .str(usize::from(from), usize::from(to))
            .unwrap_or_default()
    }

    /// Part `i`'s compiled pattern, when it has one.
    fn general(&self, i: usize) -> Option<&Pattern> {
        self.general.as_ref()?.0.get(i)?.as_ref()
    }

    /// Part `i` (0 partition ... 4 resource) against `value`; None when its variable has no
    /// value.
    fn part_matches(&self, i: usize, value: &str, vars: &dyn Variables) -> Option<bool> {
        match self.kinds.get(i)? {
            PartKind::Any => Some(true),
            PartKind::Literal => Some(value.as_bytes() == self.bytes(i)),
            PartKind::Prefix => Some(value.as_bytes().starts_with(self.bytes(i))),
            PartKind::General => self.general(i)?.matches(value, Case::Sensitive, vars),
        }
    }

    /// The text of part `i` when it is plain text.
    pub fn literal(&self, i: usize) -> Option<&str> {
        match self.kinds.get(i)? {
            PartKind::Literal => Some(self.text(i)),
            PartKind::General => match self.general(i)?.tokens.as_slice() {
                [Token::Text(t)] => Some(t.as_str()),
                [] => Some(""),
                _ => None,
            },
            _ => None,
        }
    }

    /// The literal start of part `i`, up to its first wildcard or variable.
    pub fn literal_start(&self, i: usize) -> &str {
        match self.kinds.get(i) {
            Some(PartKind::Literal | PartKind::Prefix) => self.text(i),
            Some(PartKind::General) => match self.general(i).and_then(|p| p.tokens.first()) {
                Some(Token::Text(t)) => t.as_str(),
                _ => "",
            },
            _ => "",
        }
    }

    /// Whether every variable of every part has a value.
    fn variables_resolve(&self, vars: &dyn Variables) -> bool {
        let Some(general) = &self.general else {
            return true;
        };
        general
            .0
            .iter()
            .flatten()
            .all(|p| crate::wildcard::variables_resolve(&p.tokens, vars))
    }
}

impl ArnPattern {
    /// Compile `s`; `variables` enables `${...}` substitution.
    pub fn compile(s: &str, variables: bool) -> ArnPattern {
        if s == "*" {
            return ArnPattern::Any;
        }
        match cuts(s) {
            Some(cuts) => ArnPattern::Parts(PartPatterns::compile(s, cuts, variables)),
            None => ArnPattern::Whole(Pattern::new(tokenize(s, Wildcards::On, variables))),
        }
    }

    /// Whether the pattern matches `value`; None when a variable in it has no value.
    pub fn matches(&self, value: &str, vars: &dyn Variables) -> Option<bool> {
        self.matches_prepared(&PreparedResource::new(value), vars)
    }

    /// [`ArnPattern::matches`] for a value split ahead of time.
    pub fn matches_prepared(
        &self,
        value: &PreparedResource<'_>,
        vars: &dyn Variables,
    ) -> Option<bool> {
        match self {
            ArnPattern::Any => Some(true),
            ArnPattern::Never => Some(false),
            ArnPattern::Whole(pattern) => {
                if value.parts.is_some() {
                    // A non-ARN pattern cannot name an ARN, but a null variable stays null.
                    return crate::wildcard::variables_resolve(&pattern.tokens, vars)
                        .then_some(false);
                }
                pattern.matches(value.text, Case::Sensitive, vars)
            }
            ArnPattern::Parts(parts) => {
                let Some(v) = value.parts else {
                    return parts.variables_resolve(vars).then_some(false);
                };
                // The resource part first: it tells most ARNs apart, so most misses stop there.
                let checks = [
                    (4, v.resource),
                    (1, v.service),
                    (3, v.account),
                    (2, v.region),
                    (0, v.partition),
                ];
                for (i, part) in checks {
                    match parts.part_matches(i, part, vars) {
                        Some(true) => {}
                        // A miss, or a part whose variable has no value: no match either way
                        // (callers treat a null pattern as matching nothing).
                        other => return other,
                    }
                }
                Some(true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wildcard::NoVariables;

    fn m(p: &str, v: &str) -> bool {
        ArnPattern::compile(p, true)
            .matches(v, &NoVariables)
            .unwrap_or(false)
    }

    struct Vars;
    impl Variables for Vars {
        fn variable(&self, key: &str) -> Option<&str> {
            (key == "aws:username").then_some("alice")
        }
    }

    /// "Each of the six colon-delimited components of the ARN is checked separately": the
    /// compact parts (ranges of one string) decide as a full pattern per part does.
    #[test]
    fn compact_parts_agree_with_a_pattern_per_part() {
        let patterns = [
            "arn:aws:ssm:*:*:document/*",
            "arn:aws:ssm:us-east-1::document/AWS-*",
            "arn:aws:ec2:*:123456789012:instance/i-0abc",
            "arn:aws:ssm:*:*:session/${aws:username}-*",
            "arn:aws:ssm:*:*:session/${aws:userid}-*",
            "arn:aws:s3:::bucket/*/log?",
            "arn:aws:ssm:*:*:managed-instance/*",
            "arn:aws:iam::*:role/a$b",
            "arn:*:ssm:eu-*:*:*",
            "arn:aws:ssm:::",
        ];
        let values = [
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            "arn:aws:ssm:us-east-1:111122223333:document/Mine",
            "arn:aws:ec2:us-east-2:123456789012:instance/i-0abc",
            "arn:aws:ssm:us-east-2:123456789012:session/alice-0a1b",
            "arn:aws:ssm:us-east-2:123456789012:session/bob-0a1b",
            "arn:aws:s3:::bucket/2024/logs",
            "arn:aws:s3:::bucket/2024/log1",
            "arn:aws:iam::123456789012:role/a$b",
            "arn:aws-cn:ssm:eu-west-1:1:x",
            "arn:aws:ssm:::",
            "not-an-arn",
        ];
        for p in patterns {
            let compiled = ArnPattern::compile(p, true);
            let pp = split(p).expect("an ARN pattern");
            let reference = [pp.partition, pp.service, pp.region, pp.account, pp.resource]
                .map(|part| Pattern::new(tokenize(part, Wildcards::On, true)));
            for v in values {
                let expected = match split(v) {
                    None => {
                        let resolves = reference
                            .iter()
                            .all(|r| crate::wildcard::variables_resolve(&r.tokens, &Vars));
                        resolves.then_some(false)
                    }
                    Some(vp) => {
                        // In the engine's order: the resource part first.
                        let mut result = Some(true);
                        let [pa, sv, rg, ac, rs] = &reference;
                        for (r, part) in [
                            (rs, vp.resource),
                            (sv, vp.service),
                            (ac, vp.account),
                            (rg, vp.region),
                            (pa, vp.partition),
                        ] {
                            match r.matches(part, Case::Sensitive, &Vars) {
                                Some(true) => {}
                                other => {
                                    result = other;
                                    break;
                                }
                            }
                        }
                        result
                    }
                };
                assert_eq!(compiled.matches(v, &Vars), expected, "{p} against {v}");
            }
        }
    }

    /// Part ranges are kept as 16-bit offsets; a part that ends past 64 KiB is matched by the
    /// general matcher instead, with the same result.
    #[test]
    fn parts_past_64_kib_match_as_shorter_ones_do() {
        let long = "a".repeat(70_000);
        let prefix = ArnPattern::compile(&format!("arn:aws:s3:::{long}*"), false);
        let literal = ArnPattern::compile(&format!("arn:aws:s3:::{long}"), false);
        let value = |tail: &str| format!("arn:aws:s3:::{long}{tail}");
        assert_eq!(prefix.matches(&value("xyz"), &NoVariables), Some(true));
        assert_eq!(prefix.matches(&value(""), &NoVariables), Some(true));
        assert_eq!(
            prefix.matches(&format!("arn:aws:s3:::b{long}"), &NoVariables),
            Some(false)
        );
        assert_eq!(literal.matches(&value(""), &NoVariables), Some(true));
        assert_eq!(literal.matches(&value("x"), &NoVariables), Some(false));
        let ArnPattern::Parts(parts) = &literal else {
            panic!("an ARN pattern: {literal:?}");
        };
        assert_eq!(
            parts.literal(4),
            Some(long.as_str()),
            "indexed as plain text"
        );
        assert_eq!(parts.literal(1), Some("s3"));
    }

    /// "*" matches the empty string, so an any-account pattern matches AWS-owned documents,
    /// whose ARNs have no account: arn:aws:ssm:us-east-1::document/AWS-RunShellScript.
    #[test]
    fn star_in_a_part_matches_an_empty_part() {
        assert!(m(
            "arn:aws:ssm:*:*:document/*",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
        ));
    }

    #[test]
    fn an_empty_part_in_the_pattern_matches_only_an_empty_part() {
        assert!(!m(
            "arn:aws:ssm:*::document/X",
            "arn:aws:ssm:us-east-1:123456789012:document/X"
        ));
        assert!(m(
            "arn:aws:ssm:*::document/X",
            "arn:aws:ssm:us-east-1::document/X"
        ));
    }

    /// "The asterisk (*) character can expand to replace everything within a segment,
    /// including characters like a forward slash (/)" (IAM User Guide, Resource element).
    #[test]
    fn star_in_the_resource_part_crosses_slashes() {
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c"));
    }

    /// "Each of the six colon-delimited components of the ARN is checked separately":
    /// a `*` in one part never swallows another part.
    #[test]
    fn parts_are_matched_separately() {
        assert!(!m(
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
        assert!(!m("arn:aws:*", "arn:aws:ssm:us-east-1:1:document/x"));
    }

    #[test]
    fn arns_are_case_sensitive() {
        assert!(!m(
            "arn:aws:ec2:*:*:instance/I-ABC",
            "arn:aws:ec2:us-east-1:1:instance/i-abc"
        ));
        assert!(!m(
            "arn:aws:EC2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:1:instance/i-abc"
        ));
    }

    #[test]
    fn non_arn_values_match_only_star_or_the_same_text() {
        assert!(m("*", "*"));
        assert!(!m("arn:aws:ssm:*:*:*", "*"));
        assert!(!m("", "arn:aws:ssm:us-east-1:1:document/x"));
    }
}
