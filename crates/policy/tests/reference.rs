//! The fast engine against a plain reading of the rules, on random policies and requests.
//!
//! The reference evaluator below works on the parsed model only: regular expressions for
//! wildcards, string substitution for variables, no compiled forms, no index. Where the two
//! disagree, one of them misreads AWS's rules.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use proptest::prelude::*;
use regex::Regex;
use ssmgate_policy::model::{Effect, Policy};
use ssmgate_policy::operator::{Base, SetQualifier};
use ssmgate_policy::{
    parse_policy, CompiledPolicy, Context, Decision, PolicyKind, PolicySet, PolicySource, Request,
};

// ------------------------------------------------------------------ the reference evaluator

/// Substitute `${...}` in `s` (or None when a variable is missing), then turn the text into a
/// regex: wildcards become `.*` / `.` when `wild`, everything else, substituted values
/// included, is escaped.
fn to_regex(s: &str, wild: bool, vars: bool, ctx: &Context, ci: bool) -> Option<Regex> {
    let var = Regex::new(r"\$\{([^}, ]+)(?:, '([^']*)')?\}").expect("regex");
    let mut out = String::from(if ci { "(?is)^" } else { "(?s)^" });
    let mut last = 0;
    let lit = |t: &str, out: &mut String| {
        for c in t.chars() {
            match c {
                '*' if wild => out.push_str(".*"),
                '?' if wild => out.push('.'),
                c => out.push_str(&regex::escape(&c.to_string())),
            }
        }
    };
    if vars {
        for cap in var.captures_iter(s) {
            let m = cap.get(0).expect("match");
            lit(&s[last..m.start()], &mut out);
            let key = &cap[1];
            let value = match key {
                "*" | "?" | "$" => key.to_string(),
                _ => match ctx.get(key) {
                    Some(v) if v.values.len() == 1 && !v.multivalued => {
                        v.values[0].text.to_string()
                    }
                    _ => cap.get(2)?.as_str().to_string(),
                },
            };
            out.push_str(&regex::escape(&value));
            last = m.end();
        }
    }
    lit(&s[last..], &mut out);
    out.push('$');
    Some(Regex::new(&out).expect("valid regex"))
}

fn ref_arn(pattern: &str, value: &str, vars: bool, ctx: &Context) -> bool {
    if pattern == "*" {
        return true;
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    let arn = |x: &Vec<&str>| x.len() == 6 && x[0] == "arn";
    match (arn(&p), arn(&v)) {
        (true, true) => p
            .iter()
            .zip(&v)
            .all(|(a, b)| to_regex(a, true, vars, ctx, false).is_some_and(|r| r.is_match(b))),
        (false, false) => {
            to_regex(pattern, true, vars, ctx, false).is_some_and(|r| r.is_match(value))
        }
        _ => false,
    }
}

fn ref_value(base: Base, policy: &str, req: &str, vars: bool, ctx: &Context) -> bool {
    let num = |s: &str| s.parse::<f64>().ok();
    match base {
        Base::StringEquals => {
            to_regex(policy, false, vars, ctx, false).is_some_and(|r| r.is_match(req))
        }
        Base::StringEqualsIgnoreCase => {
            to_regex(policy, false, vars, ctx, true).is_some_and(|r| r.is_match(req))
        }
        Base::StringLike => {
            to_regex(policy, true, vars, ctx, false).is_some_and(|r| r.is_match(req))
        }
        Base::NumericLessThan => matches!((num(req), num(policy)), (Some(a), Some(b)) if a < b),
        // Bool compares booleans: a value that is not true/false matches nothing.
        Base::Bool => {
            let b = |s: &str| {
                ["true", "false"]
                    .iter()
                    .position(|x| s.eq_ignore_ascii_case(x))
            };
            b(req).is_some() && b(req) == b(policy)
        }
        Base::ArnLike => ref_arn(policy, req, vars, ctx),
        other => unreachable!("not generated: {other:?}"),
    }
}

fn ref_condition(
    op: ssmgate_policy::operator::Operator,
    key: &str,
    values: &[String],
    vars: bool,
    ctx: &Context,
) -> bool {
    let present = ctx.get(key).filter(|v| !v.values.is_empty());
    if op.base == Base::Null {
        return values
            .iter()
            .any(|v| v.eq_ignore_ascii_case(if present.is_none() { "true" } else { "false" }));
    }
    let negated = op.base.is_negated();
    let Some(cv) = present else {
        return op.if_exists
            || match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
    };
    let one = |r: &str| {
        values
            .iter()
            .any(|p| ref_value(op.base.positive(), p, r, vars, ctx))
            != negated
    };
    match op.qualifier {
        Some(SetQualifier::ForAllValues) => cv.values.iter().all(|v| one(&v.text)),
        Some(SetQualifier::ForAnyValue) => cv.values.iter().any(|v| one(&v.text)),
        None => cv.values.len() == 1 && one(&cv.values[0].text),
    }
}

fn ref_decide(policies: &[Policy], action: &str, resource: &str, ctx: &Context) -> Decision {
    let (mut allow, mut deny) = (false, false);
    for p in policies {
        let vars = p.variables_enabled();
        for s in &p.statements {
            let a = s.action.as_ref().expect("action");
            let hit = a.items.iter().any(|i| {
                to_regex(&i.value, true, false, ctx, true).is_some_and(|r| r.is_match(action))
            });
            if hit == a.negated {
                continue;
            }
            let r = s.resource.as_ref().expect("resource");
            let hit = r
                .items
                .iter()
                .any(|i| ref_arn(&i.value, resource, vars, ctx));
            if hit == r.negated {
                continue;
            }
            let conds = s.conditions.iter().all(|b| {
                b.entries.iter().all(|e| {
                    let values: Vec<String> =
                        e.values.iter().map(|v| v.value.to_string()).collect();
                    ref_condition(b.operator.value, &e.key.value, &values, vars, ctx)
                })
            });
            if conds {
                match s.effect.value {
                    Effect::Allow => allow = true,
                    Effect::Deny => deny = true,
                }
            }
        }
    }
    if deny {
        Decision::ExplicitDeny
    } else if allow {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

// ------------------------------------------------------------------ generators

const ACTIONS: &[&str] = &[
    "ssm:SendCommand",
    "ssm:StartSession",
    "ssm:TerminateSession",
    "ssm:GetDocument",
    "ec2:DescribeInstances",
    "iam:PassRole",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "ssm:*",
    "SSM:sendcommand",
    "ssm:Start*",
    "SSM:start*",
    "ssm:?etDocument",
    "ssm:*Session",
    "ec2:Describe*",
    "iam:PassRole",
    "s*:Get*",
    "ssm:SendCommand ",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
    "arn:aws:ec2:us-east-2:123456789012:instance/i-0def",
    "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
    "arn:aws:ssm:us-east-1:123456789012:document/Mine",
    "arn:aws:ssm:us-east-1:123456789012:session/alice-0a1b",
    "arn:aws:ssm:us-east-1:123456789012:session/a*b-0a1b",
    "arn:aws:iam::123456789012:role/Admin",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:ec2:us-east-1:*:instance/i-0abc",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
    "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
    "arn:aws:ssm:*:*:document/*",
    "arn:aws:ssm:*::document/AWS-*",
    "arn:aws:ssm:*:*:session/${aws:username}-*",
    "arn:aws:ssm:*:*:session/${aws:username, 'alice'}-*",
    "arn:aws:ssm:us-?ast-1:*:*",
    "arn:aws:iam::*:role/*",
    "arn:aws:ssm:*:*:session/a${*}b-*",
];
const KEYS: &[&str] = &[
    "aws:username",
    "ssm:resourceTag/Finance",
    "aws:SecureTransport",
    "aws:TagKeys",
    "s3:max-keys",
    "aws:SourceArn",
];

fn condition_strategy() -> impl Strategy<Value = String> {
    let ops = prop::sample::select(vec![
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "NumericLessThan",
        "Bool",
        "ArnLike",
        "ArnNotLike",
        "Null",
    ]);
    let qual = prop::sample::select(vec!["", "", "ForAllValues:", "ForAnyValue:"]);
    let ifx = prop::bool::weighted(0.25);
    let key = prop::sample::select(KEYS.to_vec());
    let vals = prop::collection::vec(
        prop::sample::select(vec![
            "alice",
            "Alice",
            "al*",
            "WebServers",
            "true",
            "false",
            "10",
            "${aws:username}",
            "arn:aws:ec2:*:*:instance/*",
            "env",
            "${aws:username}-x",
            "a${*}b",
        ]),
        1..3,
    );
    (ops, qual, ifx, key, vals).prop_map(|(op, q, ifx, key, vals)| {
        let name = if op == "Null" {
            op.to_string()
        } else {
            format!("{q}{op}{}", if ifx { "IfExists" } else { "" })
        };
        let vals: Vec<String> = vals.iter().map(|v| format!("{v:?}")).collect();
        format!(r#""{name}":{{"{key}":[{}]}}"#, vals.join(","))
    })
}

fn statement_strategy() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.15),
        prop::collection::vec(prop::sample::select(ACTION_PATTERNS.to_vec()), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(prop::sample::select(RESOURCE_PATTERNS.to_vec()), 1..3),
        prop::collection::vec(condition_strategy(), 0..3),
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, conds)| {
                let q = |v: &Vec<&str>| {
                    v.iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let mut ops: Vec<String> = Vec::new();
                for c in conds {
                    let name = c.split('"').nth(1).unwrap_or_default().to_string();
                    if !ops
                        .iter()
                        .any(|o| o.split('"').nth(1) == Some(name.as_str()))
                    {
                        ops.push(c);
                    }
                }
                let cond = if ops.is_empty() {
                    String::new()
                } else {
                    format!(r#","Condition":{{{}}}"#, ops.join(","))
                };
                format!(
                    r#"{{"Effect":"{}","{}":[{}],"{}":[{}]{cond}}}"#,
                    if allow { "Allow" } else { "Deny" },
                    if not_action { "NotAction" } else { "Action" },
                    q(&actions),
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    },
                    q(&resources)
                )
            },
        )
}

fn policy_strategy() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            r#""Version":"2012-10-17","#,
            r#""Version":"2012-10-17","#,
            r#""Version":"2008-10-17","#,
            "",
        ]),
        prop::collection::vec(statement_strategy(), 1..5),
    )
        .prop_map(|(v, s)| format!(r#"{{{v}"Statement":[{}]}}"#, s.join(",")))
}

fn context_strategy() -> impl Strategy<Value = Vec<(usize, Vec<&'static str>)>> {
    prop::collection::vec(
        (
            0..KEYS.len(),
            prop::collection::vec(
                prop::sample::select(vec![
                    "alice",
                    "a*b",
                    "WebServers",
                    "webservers",
                    "true",
                    "false",
                    "5",
                    "12",
                    "env",
                    "arn:aws:ec2:us-east-1:1:instance/i-1",
                    "alice-x",
                ]),
                0..3,
            ),
        ),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        // SSMGATE_PROPTEST_CASES raises the count for longer runs.
        cases: std::env::var("SSMGATE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fast_engine_agrees_with_the_reference(
        policies in prop::collection::vec(policy_strategy(), 1..3),
        action in prop::sample::select(ACTIONS.to_vec()),
        resource in prop::sample::select(RESOURCES.to_vec()),
        context in context_strategy(),
    ) {
        let mut ctx = Context::new();
        // The same keys split in two layers: every other key in the overlay, with a decoy
        // value underneath that the overlay must hide.
        let (mut base, mut top) = (Context::new(), Context::new());
        let mut seen = Vec::new();
        for (n, (k, vals)) in context.iter().enumerate() {
            if seen.contains(k) {
                continue;
            }
            seen.push(*k);
            let key = KEYS[*k];
            let layer = if n % 2 == 0 { &mut top } else { &mut base };
            if key == "aws:TagKeys" {
                ctx.set_list(key, vals.iter().copied());
                layer.set_list(key, vals.iter().copied());
            } else if let Some(v) = vals.first() {
                ctx.set(key, *v);
                layer.set(key, *v);
            }
            if n % 2 == 0 && (key == "aws:TagKeys" || !vals.is_empty()) {
                base.set(key, "decoy");
            }
        }
        let parsed: Vec<Policy> = policies
            .iter()
            // Some generated values put variables where IAM refuses them; evaluate them anyway.
            .map(|t| parse_policy(t, PolicyKind::Identity).policy.expect("a JSON object"))
            .collect();
        let compiled: Vec<CompiledPolicy> = parsed
            .iter()
            .zip(&policies)
            .enumerate()
            .map(|(i, (p, t))| CompiledPolicy::compile(p, t, PolicyKind::Identity, PolicySource::new(format!("p{i}"), "none")))
            .collect();
        let set = PolicySet::identity(compiled);
        let req = Request::new(action, resource, &ctx);
        let fast = set.evaluate(&req).decision;
        let traced = set.evaluate_traced(&req).verdict.decision;
        let prepared = set.clone().prepare().evaluate(&req).decision;
        let reference = ref_decide(&parsed, action, resource, &ctx);
        prop_assert_eq!(fast, reference, "policies: {:?}", policies);
        prop_assert_eq!(traced, reference);
        prop_assert_eq!(prepared, reference, "prepared index; policies: {:?}", policies);
        let layered = Request::new(action, resource, &base).with_overlay(&top);
        prop_assert_eq!(set.clone().prepare().evaluate(&layered).decision, reference, "overlay");
        prop_assert_eq!(set.evaluate(&layered).decision, reference, "overlay, plain path");
    }
}
