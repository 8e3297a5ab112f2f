//! The same workloads for the peers: iam-rs (IAM policies as they are) and Cedar (the same
//! rules translated to Cedar, see [`cedar_policy_text`]).

use crate::RawRequest;
use serde_json::{json, Value};
use ssmgate_policy::model::{Effect, ItemList, Policy, Statement};
use ssmgate_policy::operator::Base;

// ------------------------------------------------------------------ iam-rs

/// iam-rs with the policies it can read, and the requests it can take (ARN resources only).
pub struct IamRs {
    pub evaluator: iam_rs::PolicyEvaluator,
    pub requests: Vec<iam_rs::IAMRequest>,
    /// How many of the policies iam-rs could not read.
    pub unreadable: usize,
}

/// Build iam-rs's evaluator and requests.
pub fn iam_rs(policies: &[(String, String)], requests: &[RawRequest]) -> IamRs {
    let mut unreadable = 0;
    let parsed: Vec<iam_rs::IAMPolicy> = policies
        .iter()
        .filter_map(|(_, t)| match iam_rs::IAMPolicy::from_json(t) {
            Ok(p) => Some(p),
            Err(_) => {
                unreadable += 1;
                None
            }
        })
        .collect();
    let requests = requests
        .iter()
        .filter_map(|r| {
            let arn = iam_rs::Arn::parse(&r.resource).ok()?;
            let mut ctx = iam_rs::Context::new();
            for (k, v) in &r.context {
                let value = match v {
                    Value::Array(a) => iam_rs::ContextValue::StringList(a.iter().filter_map(|x| x.as_str().map(String::from)).collect()),
                    other => iam_rs::ContextValue::String(other.as_str().unwrap_or_default().to_string()),
                };
                ctx.insert(k.clone(), value);
            }
            let principal = iam_rs::Principal::Aws(iam_rs::PrincipalId::String("arn:aws:iam::123456789012:user/alice".into()));
            Some(iam_rs::IAMRequest::new_with_context(principal, r.action.clone(), arn, ctx))
        })
        .collect();
    IamRs { evaluator: iam_rs::PolicyEvaluator::with_policies(parsed), requests, unreadable }
}

// ------------------------------------------------------------------ Cedar

fn cedar_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A like-pattern: IAM's `?` has no Cedar counterpart and `${...}` cannot be substituted into a
/// pattern, so both widen to `*` (the translation may allow a little more than IAM).
fn like_pattern(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(rest.get(..i).unwrap_or(""));
        rest = rest.get(i..).and_then(|r| r.find('}').map(|j| r.get(j + 1..).unwrap_or(""))).unwrap_or("");
        out.push('*');
    }
    out.push_str(rest);
    let escaped: String = out.replace('\\', "\\\\").replace('"', "\\\"").replace('?', "*");
    format!("\"{escaped}\"")
}

fn any_of(items: &[String]) -> String {
    if items.is_empty() {
        "false".into()
    } else {
        format!("({})", items.join(" || "))
    }
}

fn list(l: &ItemList, field: &str, lower: bool) -> String {
    if !l.negated && l.items.iter().any(|i| i.value == "*") {
        return "true".into();
    }
    let items: Vec<String> = l
        .items
        .iter()
        .map(|i| {
            let v = if lower { i.value.to_ascii_lowercase() } else { i.value.clone() };
            format!("context.{field} like {}", like_pattern(&v))
        })
        .collect();
    let e = any_of(&items);
    if l.negated {
        format!("!{e}")
    } else {
        e
    }
}

fn condition(op: ssmgate_policy::operator::Operator, key: &str, values: &[String]) -> String {
    let k = cedar_str(&key.to_lowercase());
    let has = format!("context.keys has {k}");
    let get = format!("context.keys[{k}]");
    let base = op.base.positive();
    let tests: Vec<String> = values
        .iter()
        .map(|v| {
            let var = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')).filter(|r| !r.contains(['$', '{']));
            match (base, var) {
                (Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike, Some(var)) => {
                    let vk = cedar_str(&var.to_lowercase());
                    format!("(context.keys has {vk} && {get} == context.keys[{vk}])")
                }
                (Base::StringLike | Base::ArnLike | Base::ArnEquals, _) => format!("{get} like {}", like_pattern(v)),
                (Base::Bool, _) => format!("{get} == {}", cedar_str(&v.to_ascii_lowercase())),
                _ => format!("{get} == {}", cedar_str(v)),
            }
        })
        .collect();
    let any = any_of(&tests);
    let core = if op.base.is_negated() { format!("(!{has} || !{any})") } else { format!("({has} && {any})") };
    if op.if_exists {
        format!("(!{has} || {core})")
    } else {
        core
    }
}

fn statement(s: &Statement) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &s.action {
        parts.push(list(a, "action", true));
    }
    parts.push(match &s.resource {
        Some(r) => list(r, "resource", false),
        None => "false".into(),
    });
    for b in &s.conditions {
        for e in &b.entries {
            let values: Vec<String> = e.values.iter().map(|v| v.value.to_string()).collect();
            parts.push(condition(b.operator.value, &e.key.value, &values));
        }
    }
    let effect = if s.effect.value == Effect::Allow { "permit" } else { "forbid" };
    format!("{effect}(principal, action, resource) when {{ {} }};", parts.join(" && "))
}

/// The IAM statements as Cedar policies over a context of `action` (lower case), `resource`
/// and `keys` (condition keys, lower case). Cedar's `like` has only `*` and crosses `:`, so the
/// translation is close to IAM but not exact; the benchmark reports how often they agree.
pub fn cedar_policy_text(policies: &[Policy]) -> String {
    policies.iter().flat_map(|p| p.statements.iter().map(statement)).collect::<Vec<_>>().join("\n")
}

/// Cedar's policy set, and one request per workload request.
pub struct Cedar {
    pub policies: cedar_policy::PolicySet,
    pub requests: Vec<cedar_policy::Request>,
    pub entities: cedar_policy::Entities,
}

/// Build the Cedar side of a workload.
pub fn cedar(policies: &[(String, String)], requests: &[RawRequest]) -> Result<Cedar, String> {
    let parsed: Vec<Policy> = policies
        .iter()
        .filter_map(|(_, t)| ssmgate_policy::parse_policy(t, ssmgate_policy::PolicyKind::Identity).policy)
        .collect();
    let text = cedar_policy_text(&parsed);
    let set: cedar_policy::PolicySet = text.parse().map_err(|e| format!("{e:?}\n{text}"))?;
    let principal: cedar_policy::EntityUid = r#"User::"alice""#.parse().map_err(|e| format!("{e:?}"))?;
    let action: cedar_policy::EntityUid = r#"Action::"call""#.parse().map_err(|e| format!("{e:?}"))?;
    let resource: cedar_policy::EntityUid = r#"Resource::"r""#.parse().map_err(|e| format!("{e:?}"))?;
    let reqs = requests
        .iter()
        .map(|r| {
            let keys: serde_json::Map<String, Value> = r
                .context
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.to_lowercase(), json!(s))))
                .collect();
            let ctx = cedar_policy::Context::from_json_value(json!({"action": r.action.to_ascii_lowercase(), "resource": r.resource, "keys": keys}), None)
                .map_err(|e| format!("{e:?}"))?;
            cedar_policy::Request::new(principal.clone(), action.clone(), resource.clone(), ctx, None).map_err(|e| format!("{e:?}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Cedar { policies: set, requests: reqs, entities: cedar_policy::Entities::empty() })
}
