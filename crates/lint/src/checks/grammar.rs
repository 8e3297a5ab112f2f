//! IAM Access Analyzer's policy checks that need no knowledge of services: versions, Sids,
//! empty elements, operator and value types, variables, PassRole, redundancy, size.

use super::{key_type, Input};
use crate::finding::{Finding, Severity};
use ssmgate_policy::compile::ActionPattern;
use ssmgate_policy::model::{ConditionBlock, Effect, ItemList, Spanned, Statement, Text};
use ssmgate_policy::operator::{Base, Family, SetQualifier};
use ssmgate_policy::span::Span;
use ssmgate_policy::values::{parse_binary, parse_bool, parse_date, parse_ip_range, parse_number};
use ssmgate_policy::variables;
use ssmgate_policy::wildcard::NoVariables;

/// The default quota for a managed policy, in characters without white space.
pub const MANAGED_POLICY_QUOTA: usize = 6_144;

/// The span of the text inside a JSON string literal's quotes (escapes aside).
fn inner(s: &Spanned<Text>, start: usize, end: usize) -> Span {
    let base = s.span.start + 1;
    Span::new(
        base + start,
        (base + end)
            .min(s.span.end.saturating_sub(1))
            .max(base + start),
    )
}

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    version(i, out);
    size(i, out);
    for s in &i.policy.statements {
        statement(i, s, out);
    }
    redundant_statements(i, out);
}

fn version(i: &Input<'_>, out: &mut Vec<Finding>) {
    let uses_variables = i.text.contains("${");
    if i.policy.version.is_none() {
        let at = Span::new(i.policy.span.start, i.policy.span.start + 1);
        let mut f = Finding::new(
            "missing-version",
            Severity::Warning,
            at,
            "the policy has no Version: newer features such as policy variables do not work",
        )
        .help("add \"Version\": \"2012-10-17\" as the first element");
        let insert = Span::new(i.policy.span.start + 1, i.policy.span.start + 1);
        // Adding the Version turns `${...}` text into variables: safe only without any.
        f = f.fix(
            insert,
            "\"Version\": \"2012-10-17\", ",
            !uses_variables,
            "add \"Version\": \"2012-10-17\"",
        );
        out.push(f);
    }
    if !i.policy.variables_enabled() && uses_variables {
        for s in &i.policy.statements {
            for v in s.variable_sites() {
                if let Some(r) = variables::scan(&v.value).0.first() {
                    out.push(
                        Finding::new(
                            "variable-unsupported-in-version",
                            Severity::Error,
                            inner(v, r.start, r.end),
                            format!(
                                "{} is literal text here: policy variables need Version 2012-10-17",
                                v.value.get(r.start..r.end).unwrap_or("")
                            ),
                        )
                        .help("set \"Version\": \"2012-10-17\""),
                    );
                }
            }
        }
    }
}

fn size(i: &Input<'_>, out: &mut Vec<Finding>) {
    let chars = i.text.chars().filter(|c| !c.is_whitespace()).count();
    if chars > MANAGED_POLICY_QUOTA {
        out.push(
            Finding::new(
                "policy-size-exceeds-quota",
                Severity::Warning,
                Span::new(i.policy.span.start, i.policy.span.start + 1),
                format!("the {chars} characters of this policy, excluding white space, exceed the {MANAGED_POLICY_QUOTA} character maximum of a managed policy"),
            )
            .help("split it into several policies, or use wildcards where they grant nothing more"),
        );
    }
}

fn empty_list(list: &ItemList, code: &'static str, what: &str, out: &mut Vec<Finding>) {
    if list.items.is_empty() {
        out.push(
            Finding::new(
                code,
                Severity::Suggestion,
                list.span,
                format!("this statement includes no {what} and does not affect the policy"),
            )
            .help(format!("add {what} or remove the statement")),
        );
    }
}

fn statement(i: &Input<'_>, s: &Statement, out: &mut Vec<Finding>) {
    if let Some(sid) = s.sid.as_ref().filter(|sid| sid.value.is_empty()) {
        out.push(
            Finding::new(
                "empty-sid",
                Severity::Suggestion,
                sid.span,
                "the Sid is empty",
            )
            .help("give the statement a name, or remove the Sid"),
        );
    }
    if let Some(a) = &s.action {
        empty_list(a, "empty-array-action", "actions", out);
        actions(a, out);
    }
    if let Some(r) = &s.resource {
        empty_list(r, "empty-array-resource", "resources", out);
        resources(i, r, out);
    }
    for block in &s.conditions {
        condition(i, block, out);
    }
    pass_role(s, out);
}

fn actions(list: &ItemList, out: &mut Vec<Finding>) {
    for (n, a) in list.items.iter().enumerate() {
        let lower = a.value.trim().to_ascii_lowercase();
        if let Some((svc, _)) = lower.split_once(':') {
            if svc.contains(['*', '?']) {
                out.push(
                    Finding::new(
                        "wildcard-in-service-name",
                        Severity::Suggestion,
                        a.span,
                        format!("\"{}\" has a wildcard in its service prefix", a.value),
                    )
                    .help("name the service; a wildcard there can match services added later"),
                );
            }
        }
        let covered = list.items.iter().enumerate().any(|(m, b)| {
            if m == n {
                return false;
            }
            let other = b.value.trim().to_ascii_lowercase();
            // An exact duplicate is reported once, at its second occurrence.
            if other == lower {
                return m < n;
            }
            (other.contains(['*', '?'])) && ActionPattern::compile(&other).matches(&lower)
        });
        if covered {
            out.push(
                Finding::new(
                    "redundant-action",
                    Severity::Suggestion,
                    a.span,
                    format!(
                        "\"{}\" is already covered by another action of this statement",
                        a.value
                    ),
                )
                .help("remove it"),
            );
        }
    }
}

fn resources(i: &Input<'_>, list: &ItemList, out: &mut Vec<Finding>) {
    let variables = i.policy.variables_enabled();
    for (n, r) in list.items.iter().enumerate() {
        if variables {
            variable_syntax(r, out);
        }
        if r.value.contains("${") {
            continue;
        }
        let covered = list.items.iter().enumerate().any(|(m, b)| {
            if m == n {
                return false;
            }
            if b.value == r.value {
                return m < n;
            }
            b.value.contains(['*', '?'])
                && !r.value.contains(['*', '?'])
                && !b.value.contains("${")
                && ssmgate_policy::arn::ArnPattern::compile(&b.value, false)
                    .matches(&r.value, &NoVariables)
                    == Some(true)
        });
        if covered {
            out.push(
                Finding::new(
                    "redundant-resource",
                    Severity::Suggestion,
                    r.span,
                    format!(
                        "\"{}\" is already covered by another resource of this statement",
                        r.value
                    ),
                )
                .help("remove it"),
            );
        }
    }
}

fn value_fits(family: Family, v: &str) -> bool {
    match family {
        Family::Numeric => parse_number(v).is_some(),
        Family::Date => parse_date(v).is_some(),
        Family::Bool | Family::Null => parse_bool(v).is_some(),
        Family::Ip => parse_ip_range(v).is_some(),
        Family::Binary => parse_binary(v).is_some(),
        Family::String | Family::Arn => true,
    }
}

fn condition(i: &Input<'_>, block: &ConditionBlock, out: &mut Vec<Finding>) {
    let op = block.operator.value;
    let family = op.base.family();
    if block.entries.is_empty() {
        out.push(
            Finding::new(
                "empty-object-condition",
                Severity::Suggestion,
                block.operator.span,
                format!("{} has no condition keys", op.name()),
            )
            .help("add keys or remove the operator"),
        );
    }
    if op.base == Base::Null && op.qualifier.is_some() {
        out.push(
            Finding::new(
                "null-with-qualifier",
                Severity::Suggestion,
                block.operator.span,
                "Null does not take ForAllValues or ForAnyValue",
            )
            .help("use Null alone: it tests whether the key is present"),
        );
    }
    for e in &block.entries {
        if e.values.is_empty() {
            out.push(
                Finding::new(
                    "empty-array-condition",
                    Severity::Suggestion,
                    e.key.span,
                    format!("{} has no values", e.key.value),
                )
                .help("add values or remove the key"),
            );
        }
        if op.qualifier == Some(SetQualifier::ForAllValues) {
            if let Some(t) = key_type(i.catalog, &e.key.value).filter(|t| !t.starts_with("ArrayOf"))
            {
                out.push(
                    Finding::new(
                        "forallvalues-with-single-valued-key",
                        Severity::SecurityWarning,
                        block.operator.span,
                        format!("ForAllValues with the single-valued key {} ({t}) is true when the key is missing, and so can be overly permissive", e.key.value),
                    )
                    .help("use the operator without ForAllValues"),
                );
            }
        }
        for (n, v) in e.values.iter().enumerate() {
            if e.values.iter().take(n).any(|w| w.value == v.value) {
                out.push(
                    Finding::new(
                        "redundant-condition-value",
                        Severity::Suggestion,
                        v.span,
                        format!("the value \"{}\" is listed twice", v.value),
                    )
                    .help("remove it"),
                );
            }
            if op.base.allows_variables() && i.policy.variables_enabled() {
                variable_syntax(v, out);
            }
            let without_vars = strip_variables(&v.value);
            if family == Family::String
                && !matches!(op.base.positive(), Base::StringLike)
                && without_vars.contains(['*', '?'])
            {
                out.push(
                    Finding::new(
                        "wildcard-without-like",
                        Severity::Warning,
                        v.span,
                        format!(
                            "{} compares \"*\" and \"?\" literally: \"{}\" matches only itself",
                            op.base.name(),
                            v.value
                        ),
                    )
                    .help("use StringLike (or StringNotLike) for wildcards"),
                );
            }
            if !value_fits(family, &v.value) && !v.value.contains("${") {
                let (code, what) = match family {
                    Family::Date => ("invalid-date-value", "a date (ISO 8601 or epoch seconds)"),
                    Family::Numeric => ("type-mismatch-number", "a number"),
                    Family::Ip => ("type-mismatch-ip", "an IP address or CIDR range"),
                    Family::Binary => ("type-mismatch-binary", "base-64 encoded binary"),
                    _ => ("type-mismatch-bool", "true or false"),
                };
                out.push(
                    Finding::new(
                        code,
                        Severity::Warning,
                        v.span,
                        format!(
                            "{} expects {what}, not \"{}\": this value never matches",
                            op.base.name(),
                            v.value
                        ),
                    )
                    .help(format!("write {what}")),
                );
            }
            if family == Family::Ip {
                if let Some(net) = parse_ip_range(&v.value).filter(|n| n.addr() != n.network()) {
                    out.push(
                        Finding::new(
                            "improve-ip-range",
                            Severity::Suggestion,
                            v.span,
                            format!("{} has host bits set; it means {}", v.value, net.trunc()),
                        )
                        .fix(
                            v.span,
                            format!("\"{}\"", net.trunc()),
                            true,
                            format!("write {}", net.trunc()),
                        ),
                    );
                }
            }
        }
    }
}

/// Every `${` in `s` that does not form a valid variable.
fn variable_syntax(s: &Spanned<Text>, out: &mut Vec<Finding>) {
    for e in variables::scan(&s.value).1 {
        out.push(
            Finding::new(
                "invalid-variable",
                Severity::Error,
                inner(s, e.start, e.start + 2),
                e.message,
            )
            .help("write variables as ${key} or ${key, 'default'}"),
        );
    }
}

/// `s` with every `${...}` removed, so that `${*}` is not read as a wildcard.
fn strip_variables(s: &str) -> String {
    let (refs, _) = variables::scan(s);
    let mut out = String::new();
    let mut pos = 0;
    for r in refs {
        out.push_str(s.get(pos..r.start).unwrap_or(""));
        pos = r.end;
    }
    out.push_str(s.get(pos..).unwrap_or(""));
    out
}

fn pass_role(s: &Statement, out: &mut Vec<Finding>) {
    if s.effect.value != Effect::Allow {
        return;
    }
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    let patterns: Vec<ActionPattern> = actions
        .items
        .iter()
        .map(|a| ActionPattern::compile(a.value.trim()))
        .collect();
    let grants = patterns.iter().any(|p| p.matches("iam:passrole")) != actions.negated;
    if !grants {
        return;
    }
    let star_action = !actions.negated
        && patterns
            .iter()
            .any(|p| p.matches("iam:passrole") && !matches!(p, ActionPattern::Literal(_)));
    if resources.negated {
        out.push(
            Finding::new("pass-role-with-not-resource", Severity::SecurityWarning, resources.key_span, "iam:PassRole with NotResource can pass roles added later to any service")
                .help("list the role ARNs that may be passed in Resource, with an iam:PassedToService condition"),
        );
    } else if let Some(star) = resources.items.iter().find(|r| r.value == "*") {
        let (code, message) = if star_action {
            ("pass-role-with-star-in-action-and-resource", "a wildcard action that includes iam:PassRole on \"*\" lets the caller pass any role to any service")
        } else {
            (
                "pass-role-with-star-in-resource",
                "iam:PassRole on \"*\" lets the caller pass any role in the account to a service",
            )
        };
        out.push(
            Finding::new(code, Severity::SecurityWarning, star.span, message).help(
                "name the role ARNs that may be passed, and add an iam:PassedToService condition",
            ),
        );
    }
}

fn redundant_statements(i: &Input<'_>, out: &mut Vec<Finding>) {
    let key = |s: &Statement| -> String {
        let list = |l: &Option<ItemList>| {
            l.as_ref()
                .map(|l| {
                    let mut v: Vec<&str> = l.items.iter().map(|x| x.value.as_str()).collect();
                    v.sort_unstable();
                    format!("{}{:?}", l.negated, v)
                })
                .unwrap_or_default()
        };
        let conds: Vec<String> = s
            .conditions
            .iter()
            .map(|b| {
                let entries: Vec<String> = b
                    .entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{}={:?}",
                            e.key.value.to_lowercase(),
                            e.values.iter().map(|v| &v.value).collect::<Vec<_>>()
                        )
                    })
                    .collect();
                format!("{}:{entries:?}", b.operator.value.name())
            })
            .collect();
        format!(
            "{:?}|{}|{}|{conds:?}",
            s.effect.value,
            list(&s.action),
            list(&s.resource)
        )
    };
    let keys: Vec<String> = i.policy.statements.iter().map(key).collect();
    for (n, s) in i.policy.statements.iter().enumerate() {
        if keys.iter().take(n).any(|k| Some(k) == keys.get(n)) {
            out.push(
                Finding::new(
                    "redundant-statement",
                    Severity::Suggestion,
                    Span::new(s.span.start, s.span.start + 1),
                    "this statement gives the same permissions as an earlier one",
                )
                .help("remove one of the two"),
            );
        }
    }
}
