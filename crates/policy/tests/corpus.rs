//! Runs every case of `tests/corpus/*.json`: a policy set, requests, and the expected decision,
//! denying policy type and matched statements. Policies are files of the repository's
//! `examples/policies`, `managed:NAME` for `data/managed-policies/NAME.json`, or inline JSON.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use serde::Deserialize;
use serde_json::Value;
use ssmgate_policy::{
    CompiledPolicy, Context, PolicyKind, PolicySet, PolicySource, PolicyType, Request,
};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    #[allow(dead_code)]
    description: String,
    policies: Policies,
    /// Error codes IAM would refuse the policies for; such policies are evaluated leniently.
    #[serde(default)]
    errors: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Policies {
    #[serde(default)]
    identity: Vec<Value>,
    #[serde(default)]
    boundary: Vec<Value>,
    #[serde(default)]
    session: Vec<Value>,
    #[serde(default)]
    scp: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    action: String,
    resource: String,
    decision: String,
    #[serde(default)]
    context: serde_json::Map<String, Value>,
    matched: Option<Vec<String>>,
    denied_by: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(v: &Value, inline_index: usize) -> (String, String) {
    match v {
        Value::String(s) if s.starts_with("managed:") => {
            let name = s.trim_start_matches("managed:");
            let path = root()
                .join("data/managed-policies")
                .join(format!("{name}.json"));
            (
                name.to_string(),
                std::fs::read_to_string(&path).expect("managed policy file"),
            )
        }
        Value::String(s) => {
            let text = std::fs::read_to_string(root().join("examples/policies").join(s))
                .expect("example policy file");
            (s.trim_end_matches(".json").to_string(), text)
        }
        other => (
            format!("inline.{inline_index}"),
            serde_json::to_string_pretty(other).expect("json"),
        ),
    }
}

fn compile_all(values: &[Value], errors: &mut Vec<String>) -> Vec<CompiledPolicy> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (id, text) = load(v, i + 1);
            let (policy, errs) = CompiledPolicy::from_text_lenient(
                &text,
                PolicyKind::Identity,
                PolicySource::new(id, "none"),
            );
            errors.extend(errs.iter().map(|e| e.kind.code().to_string()));
            policy.expect("a JSON object")
        })
        .collect()
}

fn policy_type(name: &str) -> PolicyType {
    match name {
        "identity" => PolicyType::Identity,
        "permissions-boundary" => PolicyType::PermissionsBoundary,
        "session" => PolicyType::Session,
        "scp" => PolicyType::ServiceControl,
        "resource" => PolicyType::ResourceBased,
        other => panic!("unknown policy type {other}"),
    }
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut cases = 0;
    let mut failures = Vec::new();
    for file in &files {
        let corpus: Corpus = serde_json::from_str(&std::fs::read_to_string(file).expect("read"))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut errors = Vec::new();
        let set = PolicySet {
            identity: compile_all(&corpus.policies.identity, &mut errors),
            boundary: compile_all(&corpus.policies.boundary, &mut errors),
            session: compile_all(&corpus.policies.session, &mut errors),
            scp_levels: if corpus.policies.scp.is_empty() {
                vec![]
            } else {
                vec![compile_all(&corpus.policies.scp, &mut errors)]
            },
            rcp_levels: vec![],
            resource: vec![],
        };
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if errors != corpus.errors {
            failures.push(format!(
                "{name}: errors {errors:?}, expected {:?}",
                corpus.errors
            ));
        }
        for (i, case) in corpus.cases.iter().enumerate() {
            cases += 1;
            let mut ctx = Context::new();
            for (k, v) in &case.context {
                match v {
                    Value::Array(items) => {
                        ctx.set_list(
                            k,
                            items
                                .iter()
                                .map(|x| x.as_str().unwrap_or_default().to_string()),
                        );
                    }
                    other => {
                        ctx.set(
                            k,
                            other
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| other.to_string()),
                        );
                    }
                }
            }
            let req = Request::new(&case.action, &case.resource, &ctx);
            let eval = set.evaluate_traced(&req);
            let fast = set.evaluate(&req);
            let at = format!(
                "{name} case {} ({} on {})",
                i + 1,
                case.action,
                case.resource
            );
            if fast != eval.verdict {
                failures.push(format!(
                    "{at}: fast path {fast:?} differs from traced {:?}",
                    eval.verdict
                ));
            }
            if eval.verdict.decision.as_str() != case.decision {
                failures.push(format!(
                    "{at}: got {}, expected {}",
                    eval.verdict.decision.as_str(),
                    case.decision
                ));
            }
            if let Some(by) = &case.denied_by {
                if eval.verdict.denied_by != Some(policy_type(by)) {
                    failures.push(format!(
                        "{at}: denied by {:?}, expected {by}",
                        eval.verdict.denied_by
                    ));
                }
            }
            if let Some(expected) = &case.matched {
                let got: Vec<String> = eval
                    .matched_statements()
                    .map(|s| format!("{}#{}", s.policy_id, s.statement.index + 1))
                    .collect();
                if &got != expected {
                    failures.push(format!("{at}: matched {got:?}, expected {expected:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} corpus cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases >= 70, "the corpus shrank to {cases} cases");
}

/// Every published example policy is in the corpus.
#[test]
fn every_example_policy_has_corpus_cases() {
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let all: String = std::fs::read_dir(&corpus_dir)
        .expect("dir")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("read"))
        .collect();
    for e in std::fs::read_dir(root().join("examples/policies")).expect("examples") {
        let name = e.expect("entry").file_name().to_string_lossy().to_string();
        if name.ends_with(".json") {
            assert!(
                all.contains(&format!("\"{name}\"")),
                "{name} has no corpus cases"
            );
        }
    }
}

/// Reading a policy straight into the compiler (what `from_text` does) must give the policy and
/// the errors that reading it into the model and compiling that gives.
#[test]
fn compiling_while_reading_matches_compiling_the_model() {
    let mut files = Vec::new();
    for dir in [
        "examples/policies",
        "data/managed-policies",
        "bench/data/policies",
    ] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        files.extend(entries.map(|e| e.expect("entry").path()));
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    assert!(files.len() > 20, "policies found: {}", files.len());
    // Escapes are decoded into the reader's arena rather than borrowed from the text.
    let escaped = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A\u0031","Effect":"Allow","Action":"ssm:Send\u0043ommand","Resource":"arn:aws:ssm:*:*:document\/AWS-Run*"}]}"#;
    let mut texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect();
    texts.push(escaped.to_string());
    for text in &texts {
        for kind in [PolicyKind::Identity, PolicyKind::Resource] {
            let parsed = ssmgate_policy::parse_policy(text, kind);
            let via_model = parsed
                .policy
                .as_ref()
                .map(|p| CompiledPolicy::compile(p, text, kind, PolicySource::new("p", "none")));
            let (direct, errors) =
                CompiledPolicy::from_text_lenient(text, kind, PolicySource::new("p", "none"));
            assert_eq!(direct, via_model, "{text}");
            assert_eq!(errors, parsed.errors, "{text}");
        }
    }
}
