//! Shared workloads for the benchmarks: the W1 policies and request mix, W2's generated
//! statement sets, and the same rules for the peers (iam-rs, Cedar).

use serde::Deserialize;
use serde_json::Value;
use ssmgate_policy::{CompiledPolicy, Context, PolicyKind, PolicySet, PolicySource};
use std::path::Path;

pub mod peers;

/// One request of a workload.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRequest {
    pub action: String,
    pub resource: String,
    pub context: serde_json::Map<String, Value>,
}

fn data() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

/// The W1 policies: every published example plus the bench's guardrail Deny, as text.
pub fn w1_policies() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(data().join("policies"))
        .expect("bench data")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            (name, std::fs::read_to_string(&p).expect("policy"))
        })
        .collect()
}

/// The W1 request mix.
pub fn w1_requests() -> Vec<RawRequest> {
    serde_json::from_str(&std::fs::read_to_string(data().join("w1-requests.json")).expect("requests")).expect("json")
}

/// A context as ssmgate takes it.
pub fn context(raw: &serde_json::Map<String, Value>) -> Context {
    let mut c = Context::new();
    for (k, v) in raw {
        match v {
            Value::Array(a) => {
                c.set_list(k, a.iter().map(|x| x.as_str().unwrap_or_default().to_string()));
            }
            other => {
                c.set(k, other.as_str().unwrap_or_default().to_string());
            }
        }
    }
    c
}

/// Compile policies (leniently: the published examples include ones IAM refuses).
pub fn ssmgate_set(policies: &[(String, String)]) -> PolicySet {
    PolicySet::identity(
        policies
            .iter()
            .filter_map(|(n, t)| CompiledPolicy::from_text_lenient(t, PolicyKind::Identity, PolicySource::new(n.clone(), "none")).0)
            .collect(),
    )
}

/// W2: `n` statements of the kinds real accounts have: per-instance grants, tag-scoped grants,
/// per-user session patterns, document grants and a few denies.
pub fn w2_policy(n: usize) -> String {
    let mut statements = Vec::with_capacity(n);
    for i in 0..n {
        let s = match i % 5 {
            0 => format!(r#"{{"Effect":"Allow","Action":["ssm:StartSession","ssm:SendCommand"],"Resource":"arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}"}}"#),
            1 => format!(r#"{{"Effect":"Allow","Action":"ssm:StartSession","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{{"StringEquals":{{"ssm:resourceTag/Team":"team-{i}"}}}}}}"#),
            2 => format!(r#"{{"Effect":"Allow","Action":["ssm:TerminateSession","ssm:ResumeSession"],"Resource":"arn:aws:ssm:*:*:session/user{i}-*"}}"#),
            3 => format!(r#"{{"Effect":"Allow","Action":"ssm:SendCommand","Resource":"arn:aws:ssm:*:123456789012:document/Runbook-{i}"}}"#),
            _ => format!(r#"{{"Effect":"Deny","Action":"ssm:SendCommand","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{{"StringEquals":{{"ssm:resourceTag/Quarantine":"q-{i}"}}}}}}"#),
        };
        statements.push(s);
    }
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

/// W2's request mix: a few requests that hit and miss the generated statements.
pub fn w2_requests() -> Vec<RawRequest> {
    let mk = |action: &str, resource: &str, ctx: &[(&str, &str)]| RawRequest {
        action: action.into(),
        resource: resource.into(),
        context: ctx.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect(),
    };
    vec![
        mk("ssm:StartSession", "arn:aws:ec2:us-east-1:123456789012:instance/i-00000000000000005", &[("ssm:resourceTag/Team", "team-6")]),
        mk("ssm:StartSession", "arn:aws:ec2:us-east-1:123456789012:instance/i-0000000000000000a", &[("ssm:resourceTag/Team", "nobody")]),
        mk("ssm:SendCommand", "arn:aws:ec2:us-east-1:123456789012:instance/i-00000000000000000", &[("ssm:resourceTag/Quarantine", "q-4")]),
        mk("ssm:TerminateSession", "arn:aws:ssm:us-east-1:123456789012:session/user7-0a1b2c", &[]),
        mk("ssm:SendCommand", "arn:aws:ssm:us-east-1:123456789012:document/Runbook-8", &[]),
        mk("ssm:GetDocument", "arn:aws:ssm:us-east-1:123456789012:document/Runbook-8", &[]),
    ]
}

/// W3: AWS's largest SSM managed policy, extended to IAM's 6,144-character quota (counted
/// without white space) with document statements.
pub fn w3_policy() -> String {
    let base = include_str!("../../data/managed-policies/AmazonSSMServiceRolePolicy.json");
    let mut v: Value = serde_json::from_str(base).expect("json");
    let mut n = 0;
    loop {
        let text = serde_json::to_string(&v).expect("json");
        if text.chars().filter(|c| !c.is_whitespace()).count() >= 6_100 {
            return text;
        }
        if let Some(list) = v.get_mut("Statement").and_then(Value::as_array_mut) {
            list.push(serde_json::json!({"Effect": "Allow", "Action": ["ssm:GetDocument", "ssm:DescribeDocument"], "Resource": format!("arn:aws:ssm:*:*:document/Runbook{n:03}")}));
        }
        n += 1;
    }
}
