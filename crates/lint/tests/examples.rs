//! Every published example policy linted: each finding it must produce, by code, severity and
//! position, and nothing else (no false alarms on the sound ones).

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_lint::output::{self, FileReport};
use ssmgate_lint::{lint, Severity, Severity::*};
use ssmgate_policy::span::LineIndex;
use ssmgate_policy::PolicyKind;
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/policies"
    ))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).expect("example")
}

/// A finding as the table states it: code, severity, line, column.
type Expected = (&'static str, Severity, usize, usize);

/// (file, the findings it must get)
fn expected() -> Vec<(&'static str, Vec<Expected>)> {
    vec![
        (
            "console-minimum.json",
            vec![
                ("ssm-any-session", SecurityWarning, 1, 43),
                ("ssm-session-on-all-instances", SecurityWarning, 1, 43),
                ("ssm-shell-on-all-instances", SecurityWarning, 1, 43),
                ("ssm-full-access", SecurityWarning, 1, 76),
                ("pass-role-with-star-in-resource", SecurityWarning, 1, 157),
            ],
        ),
        (
            "delete-mydocument-us-west-2.json",
            vec![("arn-example-account", Warning, 1, 118)],
        ),
        (
            "list-documents-update-prefix.json",
            vec![
                ("action-no-resource-level-permissions", Warning, 1, 79),
                ("arn-example-account", Warning, 1, 117),
                ("resource-matches-no-action", Warning, 1, 117),
            ],
        ),
        (
            "run-document-on-three-instances.json",
            vec![
                ("invalid-action", Error, 1, 78),
                ("arn-placeholder-name", Warning, 1, 357),
                ("arn-placeholder-name", Warning, 1, 413),
                ("arn-placeholder-name", Warning, 1, 469),
                ("arn-placeholder-name", Warning, 1, 525),
                ("arn-empty-resource-name", Warning, 1, 865),
                ("action-whitespace", Error, 1, 921),
                ("arn-empty-resource-name", Warning, 1, 1110),
            ],
        ),
        (
            "session-admin.json",
            vec![
                ("ssm-any-session", SecurityWarning, 1, 43),
                ("ssm-session-on-all-instances", SecurityWarning, 1, 43),
            ],
        ),
        (
            "session-finance-webservers.json",
            vec![
                ("arn-example-account", Warning, 1, 112),
                ("ssm-username-variable", Warning, 1, 343),
            ],
        ),
        (
            "session-three-instances-own-sessions.json",
            vec![
                ("arn-example-account", Warning, 1, 112),
                ("arn-placeholder-name", Warning, 1, 112),
                ("arn-example-account", Warning, 1, 179),
                ("arn-placeholder-name", Warning, 1, 179),
                ("arn-example-account", Warning, 1, 246),
                ("arn-placeholder-name", Warning, 1, 246),
                ("ssm-username-variable", Warning, 1, 415),
            ],
        ),
        ("session-two-tags.json", vec![]),
        (
            "single-region-malformed-arn.json",
            vec![("resource-service-not-qualified", Error, 1, 105)],
        ),
        (
            "start-session-document-access-check.json",
            vec![("ssm-session-on-all-instances", SecurityWarning, 1, 43)],
        ),
        (
            "start-session-with-document.json",
            vec![
                ("arn-placeholder-name", Warning, 1, 112),
                ("arn-placeholder-account", Warning, 1, 152),
                ("arn-placeholder-region", Warning, 1, 152),
            ],
        ),
        (
            "terminate-by-both-tags.json",
            vec![("ssm-username-variable", Warning, 1, 262)],
        ),
        ("terminate-by-session-id-tag-user.json", vec![]),
        ("terminate-by-session-id-tag-userid.json", vec![]),
        (
            "terminate-by-target-id-tag-empty-resource.json",
            vec![("resource-not-arn", Error, 1, 114)],
        ),
        ("terminate-by-target-id-tag.json", vec![]),
        (
            "terminate-own-sessions-username.json",
            vec![("ssm-username-variable", Warning, 1, 223)],
        ),
        (
            "triage-run-command-default.json",
            vec![
                ("ssm-session-on-all-instances", SecurityWarning, 1, 43),
                ("ssm-shell-on-all-instances", SecurityWarning, 1, 43),
                ("action-no-resource-level-permissions", Warning, 1, 136),
                ("resource-type-mismatch", Warning, 1, 191),
            ],
        ),
        (
            "triage-run-command-tagged.json",
            vec![
                ("action-no-resource-level-permissions", Warning, 1, 142),
                ("resource-type-mismatch", Warning, 1, 197),
                ("action-no-resource-level-permissions", Warning, 1, 456),
                ("resource-type-mismatch", Warning, 1, 511),
            ],
        ),
    ]
}

#[test]
fn every_example_gets_exactly_its_findings() {
    let table = expected();
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("examples")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        table.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>(),
        "every example is in the table"
    );
    let mut problems = Vec::new();
    for (name, want) in table {
        let text = read(name);
        let lines = LineIndex::new(&text);
        let got: Vec<(&str, Severity, usize, usize)> = lint(&text, PolicyKind::Identity)
            .iter()
            .map(|f| {
                let p = lines.position(&text, f.span.start);
                (f.code, f.severity, p.line, p.column)
            })
            .collect();
        if got != want {
            problems.push(format!("{name}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_broad_triage_default_gets_the_tagged_proposal() {
    let findings = lint(
        &read("triage-run-command-default.json"),
        PolicyKind::Identity,
    );
    let f = findings
        .iter()
        .find(|f| f.code == "ssm-shell-on-all-instances")
        .expect("reported");
    let proposal = f.proposal.as_ref().expect("a proposal");
    let text = serde_json::to_string(proposal).expect("json");
    // The proposal itself is clean of the broad-grant findings, and scopes by tag.
    let again = lint(&text, PolicyKind::Identity);
    assert!(
        !again.iter().any(|f| f.code.starts_with("ssm-shell")
            || f.code.starts_with("ssm-session-on")
            || f.code == "ssm-any-session"),
        "{again:?}"
    );
    assert!(text.contains("ssm:resourceTag/SSMAccess"));
    assert!(text.contains("AWS-RunShellScript"));
}

#[test]
fn misspelled_actions_get_a_did_you_mean_fix() {
    let text = read("run-document-on-three-instances.json");
    let findings = lint(&text, PolicyKind::Identity);
    let f = findings
        .iter()
        .find(|f| f.code == "invalid-action")
        .expect("reported");
    assert_eq!(
        f.help.as_deref(),
        Some("did you mean ssm:ListDocumentVersions?")
    );
    let fix = f.fix.as_ref().expect("fix");
    assert!(!fix.safe, "a did-you-mean changes what the policy grants");
    assert_eq!(fix.replacement, "\"ssm:ListDocumentVersions\"");
}

#[test]
fn safe_fixes_repair_the_text_and_leave_the_rest() {
    let text = read("run-document-on-three-instances.json");
    let findings = lint(&text, PolicyKind::Identity);
    let (fixed, applied) = ssmgate_lint::fix::apply(&text, &findings, false);
    assert_eq!(applied, 1, "only the white-space fix is safe here");
    assert!(fixed.contains("\"ssm:DescribeAutomationExecutions\""));
    assert!(
        fixed.contains("ssm:ListDocumentsVersions"),
        "unsafe fixes are not applied"
    );
    let after = lint(&fixed, PolicyKind::Identity);
    assert!(!after.iter().any(|f| f.code == "action-whitespace"));
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema");
    // The published schema's pattern for `language` properties has an unbalanced `]` that
    // only ECMAScript accepts; ssmgate never writes `language`, so drop those patterns.
    fn drop_language_patterns(v: &mut serde_json::Value) -> usize {
        let mut n = 0;
        if let Some(o) = v.as_object_mut() {
            if o.get("pattern").and_then(|p| p.as_str())
                == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
            {
                o.remove("pattern");
                n += 1;
            }
            n += o.values_mut().map(drop_language_patterns).sum::<usize>();
        } else if let Some(a) = v.as_array_mut() {
            n += a.iter_mut().map(drop_language_patterns).sum::<usize>();
        }
        n
    }
    assert!(drop_language_patterns(&mut schema) > 0);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let files: Vec<(String, String, Vec<ssmgate_lint::Finding>)> = expected()
        .iter()
        .map(|(n, _)| {
            let t = read(n);
            let f = lint(&t, PolicyKind::Identity);
            (format!("examples/policies/{n}"), t, f)
        })
        .collect();
    let reports: Vec<FileReport> = files
        .iter()
        .map(|(p, t, f)| FileReport {
            path: p,
            text: t,
            findings: f,
        })
        .collect();
    let sarif = output::sarif(&reports);
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        files.iter().map(|f| f.2.len()).sum::<usize>()
    );
    assert!(results.iter().any(|r| r["fixes"].is_array()));
    // A broken document must fail validation, or the check proves nothing.
    let mut broken = sarif.clone();
    broken["version"] = serde_json::json!("2.0.0");
    assert!(!validator.is_valid(&broken));
}
