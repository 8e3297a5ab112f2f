//! Proposing the tighter policy for a broad Systems Manager grant.
//!
//! The shape security teams use for incident-response tooling: instances in a statement of
//! their own, scoped by a resource tag; documents named in another; sessions limited to the
//! caller's own through the session-id system tag; everything else kept as it was.

use serde_json::{json, Map, Value};
use ssmgate_policy::model::{Effect, Policy, Statement};

/// The tag that the proposal scopes instances by; instances to be reachable carry it.
pub const SCOPE_TAG_KEY: &str = "SSMAccess";
/// The value of [`SCOPE_TAG_KEY`] that grants access.
pub const SCOPE_TAG_VALUE: &str = "true";

const INSTANCE_ACTIONS: &[&str] = &["ssm:SendCommand", "ssm:StartSession"];
const SESSION_ACTIONS: &[&str] = &["ssm:TerminateSession", "ssm:ResumeSession"];

/// Set `key` of a JSON object (no-op on other values).
fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_string(), value);
    }
}

fn canonical<'a>(action: &str, list: &'a [&'a str]) -> Option<&'a str> {
    let a = action.trim();
    list.iter().copied().find(|c| c.eq_ignore_ascii_case(a))
}

fn statement_json(s: &Statement) -> Value {
    let mut o = Map::new();
    if let Some(sid) = &s.sid {
        o.insert("Sid".into(), json!(sid.value));
    }
    o.insert(
        "Effect".into(),
        json!(if s.effect.value == Effect::Allow {
            "Allow"
        } else {
            "Deny"
        }),
    );
    if let Some(a) = &s.action {
        let items: Vec<&str> = a.items.iter().map(|i| i.value.trim()).collect();
        o.insert(
            (if a.negated { "NotAction" } else { "Action" }).into(),
            json!(items),
        );
    }
    if let Some(r) = &s.resource {
        let items: Vec<&str> = r.items.iter().map(|i| i.value.as_str()).collect();
        o.insert(
            (if r.negated { "NotResource" } else { "Resource" }).into(),
            json!(items),
        );
    }
    if !s.conditions.is_empty() {
        let mut c = Map::new();
        for b in &s.conditions {
            let mut keys = Map::new();
            for e in &b.entries {
                let vals: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
                keys.insert(e.key.value.to_string(), json!(vals));
            }
            c.insert(b.operator.value.name(), Value::Object(keys));
        }
        o.insert("Condition".into(), Value::Object(c));
    }
    Value::Object(o)
}

/// The tighter policy for `policy`, ready to use.
pub fn proposal(policy: &Policy) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut instance_actions: Vec<&str> = Vec::new();
    let mut session_actions: Vec<&str> = Vec::new();
    let mut documents: Vec<String> = Vec::new();
    for s in &policy.statements {
        let (Some(actions), true) = (&s.action, s.effect.value == Effect::Allow) else {
            out.push(statement_json(s));
            continue;
        };
        if actions.negated {
            out.push(statement_json(s));
            continue;
        }
        let mut others: Vec<&str> = Vec::new();
        let mut touched = false;
        for a in &actions.items {
            if let Some(c) = canonical(&a.value, INSTANCE_ACTIONS) {
                touched = true;
                if !instance_actions.contains(&c) {
                    instance_actions.push(c);
                }
            } else if let Some(c) = canonical(&a.value, SESSION_ACTIONS) {
                touched = true;
                if !session_actions.contains(&c) {
                    session_actions.push(c);
                }
            } else {
                others.push(a.value.trim());
            }
        }
        if !touched {
            out.push(statement_json(s));
            continue;
        }
        for r in s.resource.iter().flat_map(|r| r.items.iter()) {
            let is_doc = ssmgate_policy::arn::split(&r.value)
                .is_some_and(|p| p.service == "ssm" && p.resource.starts_with("document/"));
            if is_doc && !documents.iter().any(|d| *d == r.value) {
                documents.push(r.value.to_string());
            }
        }
        if !others.is_empty() {
            let mut kept = s.clone();
            if let Some(a) = kept.action.as_mut() {
                a.items.retain(|i| others.contains(&i.value.trim()));
            }
            let mut value = statement_json(&kept);
            // Actions without resource-level permissions are checked against "*" only.
            let catalog = ssmgate_catalog::catalog();
            let resource_less = others.iter().all(|a| {
                catalog
                    .action(a)
                    .is_some_and(|(_, act)| act.resource_types.is_empty())
            });
            if resource_less {
                set(&mut value, "Resource", json!(["*"]));
            }
            out.push(value);
        }
    }
    let mut added: Vec<Value> = Vec::new();
    if !instance_actions.is_empty() {
        let mut cond = json!({"StringEquals": {format!("ssm:resourceTag/{SCOPE_TAG_KEY}"): [SCOPE_TAG_VALUE]}});
        if instance_actions.contains(&"ssm:StartSession") {
            set(
                &mut cond,
                "BoolIfExists",
                json!({"ssm:SessionDocumentAccessCheck": ["true"]}),
            );
        }
        added.push(json!({
            "Sid": "TaggedInstancesOnly",
            "Effect": "Allow",
            "Action": instance_actions,
            "Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:managed-instance/*"],
            "Condition": cond
        }));
        if documents.is_empty() {
            documents.push("arn:aws:ssm:*::document/AWS-RunShellScript".into());
        }
        let mut doc = json!({
            "Sid": "NamedDocumentsOnly",
            "Effect": "Allow",
            "Action": instance_actions,
            "Resource": documents
        });
        if instance_actions.contains(&"ssm:StartSession") {
            let check = json!({"BoolIfExists": {"ssm:SessionDocumentAccessCheck": ["true"]}});
            set(&mut doc, "Condition", check);
        }
        added.push(doc);
    }
    if !session_actions.is_empty() {
        added.push(json!({
            "Sid": "OwnSessionsOnly",
            "Effect": "Allow",
            "Action": session_actions,
            "Resource": ["arn:aws:ssm:*:*:session/*"],
            "Condition": {"StringLike": {"ssm:resourceTag/aws:ssmmessages:session-id": ["${aws:userid}"]}}
        }));
    }
    out.extend(added);
    json!({"Version": "2012-10-17", "Statement": out})
}
