//! ARNs: split into their six parts and matched part by part.
//!
//! "Each of the six colon-delimited components of the ARN is checked separately" (IAM User
//! Guide, ARN condition operators); the resource part is everything after the fifth colon,
//! so `*` there crosses `/` and `:` but never the other parts.

use crate::variables::{tokenize, Wildcards};
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

/// Split `s` into ARN parts, or None when it is not `arn:` followed by at least five parts.
pub fn split(s: &str) -> Option<ArnParts<'_>> {
    let rest = s.strip_prefix("arn:")?;
    // The first four colons (a colon is one byte in UTF-8, so every cut falls on a character
    // boundary).
    let mut cuts = [0usize; 4];
    let mut found = 0;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b == b':' {
            if let Some(cut) = cuts.get_mut(found) {
                *cut = i;
            }
            found += 1;
            if found == cuts.len() {
                break;
            }
        }
    }
    if found < cuts.len() {
        return None;
    }
    let [a, b, c, d] = cuts;
    Some(ArnParts {
        partition: rest.get(..a)?,
        service: rest.get(a + 1..b)?,
        region: rest.get(b + 1..c)?,
        account: rest.get(c + 1..d)?,
        resource: rest.get(d + 1..)?,
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
    Parts(Box<[Pattern; 5]>),
    /// Not ARN-shaped: the whole string as one pattern (it can only match non-ARN values).
    Whole(Pattern),
    /// Matches nothing: a malformed Resource that IAM would have rejected.
    Never,
}

impl ArnPattern {
    /// Compile `s`; `variables` enables `${...}` substitution.
    pub fn compile(s: &str, variables: bool) -> ArnPattern {
        if s == "*" {
            return ArnPattern::Any;
        }
        match split(s) {
            Some(p) => {
                let t = |part: &str| Pattern::part(part, variables);
                ArnPattern::Parts(Box::new([
                    t(p.partition),
                    t(p.service),
                    t(p.region),
                    t(p.account),
                    t(p.resource),
                ]))
            }
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
                    let resolves = parts
                        .iter()
                        .all(|t| crate::wildcard::variables_resolve(&t.tokens, vars));
                    return resolves.then_some(false);
                };
                let [partition, service, region, account, resource] = &**parts;
                // The resource part first: it tells most ARNs apart, so most misses stop there.
                let checks = [
                    (resource, v.resource),
                    (service, v.service),
                    (account, v.account),
                    (region, v.region),
                    (partition, v.partition),
                ];
                for (pattern, part) in checks {
                    match pattern.matches(part, Case::Sensitive, vars) {
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
