//! Compiled conditions and their evaluation against the request context.

use crate::arn::ArnPattern;
use crate::context::{same_text, Lookup, Scalar};
use crate::model::{ConditionEntry, Text};
use crate::operator::{Base, Family, Operator, SetQualifier};
use crate::span::Span;
use crate::values::{
    parse_binary, parse_bool, parse_date, parse_ip_range, parse_number, Timestamp,
};
use crate::variables::{tokenize, Token, Wildcards};
use crate::wildcard::{Case, Pattern, Variables};

/// Policy values of one condition key, read once as the operator's family needs them.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// String values compared exactly, case included: no wildcard, no variable (the Regions of
    /// a guardrail, say). Checked without the pattern machinery.
    Exact(Box<[Box<str>]>),
    Strings(Vec<Pattern>),
    Numbers(Vec<Option<f64>>),
    Dates(Vec<Option<Timestamp>>),
    Bools(Vec<Option<bool>>),
    Binary(Vec<Option<Vec<u8>>>),
    Ips(Vec<Option<ipnet::IpNet>>),
    Arns(Vec<ArnPattern>),
}

/// One operator applied to one key: the unit that conditions AND together.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledCondition {
    pub operator: Operator,
    /// The key as written in the policy.
    pub key: Text,
    /// The key in lower case, as the context stores it.
    pub key_lower: Text,
    /// [`crate::context::key_hash`] of `key_lower`, computed once.
    pub key_hash: u64,
    /// The policy values as written.
    pub raw_values: Vec<Text>,
    pub values: Values,
    /// The span of `"key": values` in the policy text.
    pub span: Span,
}

/// The result of one condition, with what explain needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionResult {
    pub passed: bool,
    /// The key was not in the request context.
    pub key_missing: bool,
}

impl CompiledCondition {
    /// Compile `entry` under `operator`; `variables` enables `${...}` in String and Arn values.
    pub fn compile(
        operator: Operator,
        entry: &ConditionEntry,
        variables: bool,
    ) -> CompiledCondition {
        let raw: Vec<Text> = entry.values.iter().map(|v| v.value.clone()).collect();
        let vars = variables && operator.base.allows_variables();
        let values = match operator.base.family() {
            Family::String => {
                let wild = match operator.base.positive() {
                    Base::StringLike => Wildcards::On,
                    _ => Wildcards::Off,
                };
                let patterns: Vec<Pattern> = raw
                    .iter()
                    .map(|s| Pattern::new(tokenize(s, wild, vars)))
                    .collect();
                let exact: Option<Box<[Box<str>]>> = patterns
                    .iter()
                    .map(|p| match p.tokens.as_slice() {
                        [Token::Text(t)] => Some(Box::from(t.as_str())),
                        [] => Some(Box::from("")),
                        _ => None,
                    })
                    .collect();
                match exact {
                    Some(exact) if operator.base.positive() != Base::StringEqualsIgnoreCase => {
                        Values::Exact(exact)
                    }
                    _ => Values::Strings(patterns),
                }
            }
            Family::Numeric => Values::Numbers(raw.iter().map(|s| parse_number(s)).collect()),
            Family::Date => Values::Dates(raw.iter().map(|s| parse_date(s)).collect()),
            Family::Bool | Family::Null => {
                Values::Bools(raw.iter().map(|s| parse_bool(s)).collect())
            }
            Family::Binary => Values::Binary(raw.iter().map(|s| parse_binary(s)).collect()),
            Family::Ip => Values::Ips(raw.iter().map(|s| parse_ip_range(s)).collect()),
            Family::Arn => Values::Arns(raw.iter().map(|s| ArnPattern::compile(s, vars)).collect()),
        };
        let key_lower = Text::from(entry.key.value.to_lowercase());
        CompiledCondition {
            operator,
            key: entry.key.value.clone(),
            key_hash: crate::context::key_hash(&key_lower),
            key_lower,
            raw_values: raw,
            values,
            span: entry.span,
        }
    }

    /// Whether some policy value matches `v` under the positive form of the operator.
    fn any_value_matches(&self, v: &Scalar, vars: &dyn Variables) -> bool {
        let base = self.operator.base.positive();
        match &self.values {
            Values::Exact(values) => values.iter().any(|x| same_text(x, &v.text)),
            Values::Strings(patterns) => {
                let case = if base == Base::StringEqualsIgnoreCase {
                    Case::Insensitive
                } else {
                    Case::Sensitive
                };
                // A pattern whose variable has no value is null: it matches nothing.
                patterns
                    .iter()
                    .any(|p| p.matches(&v.text, case, vars) == Some(true))
            }
            Values::Numbers(ns) => match v.number {
                None => false,
                Some(x) => ns.iter().flatten().any(|&n| match base {
                    Base::NumericEquals => x == n,
                    Base::NumericLessThan => x < n,
                    Base::NumericLessThanEquals => x <= n,
                    Base::NumericGreaterThan => x > n,
                    Base::NumericGreaterThanEquals => x >= n,
                    _ => false,
                }),
            },
            Values::Dates(ds) => match v.date {
                None => false,
                Some(x) => ds.iter().flatten().any(|&d| match base {
                    Base::DateEquals => x == d,
                    Base::DateLessThan => x < d,
                    Base::DateLessThanEquals => x <= d,
                    Base::DateGreaterThan => x > d,
                    Base::DateGreaterThanEquals => x >= d,
                    _ => false,
                }),
            },
            Values::Bools(bs) => match v.boolean {
                None => false,
                Some(x) => bs.iter().flatten().any(|&b| b == x),
            },
            Values::Binary(bs) => match &v.binary {
                None => false,
                Some(x) => bs.iter().flatten().any(|b| b == x),
            },
            Values::Ips(nets) => match v.ip {
                None => false,
                Some(ip) => nets.iter().flatten().any(|n| n.contains(&ip)),
            },
            Values::Arns(patterns) => patterns
                .iter()
                .any(|p| p.matches(&v.text, vars) == Some(true)),
        }
    }

    /// One request value against the operator: OR over policy values, NOR when negated.
    fn value_passes(&self, v: &Scalar, vars: &dyn Variables) -> bool {
        self.any_value_matches(v, vars) != self.operator.base.is_negated()
    }

    /// Evaluate against the request context.
    pub fn evaluate<L: Lookup>(&self, ctx: &L) -> ConditionResult {
        let present = ctx
            .get_hashed(self.key_hash, &self.key_lower)
            .filter(|v| !v.values.is_empty());
        if self.operator.base == Base::Null {
            // "true (the key doesn't exist — it is null) or false (the key exists and its
            // value is not null)".
            let Values::Bools(bs) = &self.values else {
                return ConditionResult {
                    passed: false,
                    key_missing: false,
                };
            };
            let is_null = present.is_none();
            return ConditionResult {
                passed: bs.iter().flatten().any(|&b| b == is_null),
                key_missing: false,
            };
        }
        let Some(value) = present else {
            let passed = if self.operator.if_exists {
                true
            } else {
                match self.operator.qualifier {
                    // "It also returns true if there are no keys in the request".
                    Some(SetQualifier::ForAllValues) => true,
                    // "For no matching key or a null dataset, the condition returns false."
                    Some(SetQualifier::ForAnyValue) => false,
                    // Missing key: false, but true for negated operators.
                    None => self.operator.base.is_negated(),
                }
            };
            return ConditionResult {
                passed,
                key_missing: true,
            };
        };
        let passed = match self.operator.qualifier {
            Some(SetQualifier::ForAllValues) => {
                value.values.iter().all(|v| self.value_passes(v, ctx))
            }
            Some(SetQualifier::ForAnyValue) => {
                value.values.iter().any(|v| self.value_passes(v, ctx))
            }
            // A plain operator needs a single value; several values never match it.
            None => match value.values.as_slice() {
                [one] => self.value_passes(one, ctx),
                _ => false,
            },
        };
        ConditionResult {
            passed,
            key_missing: false,
        }
    }
}
