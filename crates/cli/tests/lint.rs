//! `ssmgate lint` as a user runs it: formats, exit codes, stdin, directories, --fix.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod common;
use common::ssmgate;

const CLEAN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:DescribeSessions","Resource":"*"}]}"#;
const WARNS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:TerminateSession","Resource":"arn:aws:ssm:*:*:session/${aws:username}-*"}]}"#;

#[test]
fn exit_codes_follow_the_severity() {
    assert_eq!(ssmgate(&["lint", "-"], Some(CLEAN)).status.code(), Some(0));
    assert_eq!(
        ssmgate(&["lint", "-"], Some(WARNS)).status.code(),
        Some(0),
        "warnings alone pass"
    );
    assert_eq!(
        ssmgate(&["lint", "--deny", "warnings", "-"], Some(WARNS))
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        ssmgate(
            &[
                "lint",
                "examples/policies/run-document-on-three-instances.json"
            ],
            None
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        ssmgate(&["lint", "no/such/file.json"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        ssmgate(&["lint", "--format", "yaml", "-"], Some(CLEAN))
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn text_output_is_compiler_style() {
    let out = ssmgate(
        &[
            "lint",
            "examples/policies/run-document-on-three-instances.json",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("examples/policies/run-document-on-three-instances.json:1:78: error[invalid-action]: the action ssm:ListDocumentsVersions does not exist"), "{text}");
    assert!(
        text.contains("= help: did you mean ssm:ListDocumentVersions?"),
        "{text}"
    );
    assert!(text.contains("1 file(s): 2 error(s)"), "{text}");
}

#[test]
fn a_directory_is_linted_whole_in_json_and_sarif() {
    let out = ssmgate(&["lint", "--format", "json", "examples/policies"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["files"].as_array().map(Vec::len), Some(19));
    let out = ssmgate(&["lint", "--format", "sarif", "examples/policies"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["runs"][0]["results"]
        .as_array()
        .is_some_and(|r| r.len() > 30));
}

#[test]
fn fix_writes_only_safe_fixes_then_all() {
    let dir = std::env::temp_dir().join(format!("ssmgate-lint-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("p.json");
    std::fs::write(&file, r#"{"Statement":[{"Effect":"Allow","Action":["ssm:DescribeSessions ","ssm:GetDocuments"],"Resource":"*"}]}"#).expect("write");
    let path = file.to_str().expect("utf-8");
    let out = ssmgate(&["lint", "--fix", path], None);
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert!(fixed.contains("\"ssm:DescribeSessions\""), "{fixed}");
    assert!(
        fixed.starts_with("{\"Version\": \"2012-10-17\", "),
        "{fixed}"
    );
    assert!(
        fixed.contains("ssm:GetDocuments"),
        "the did-you-mean is not safe: {fixed}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the unknown action is still an error"
    );
    let out = ssmgate(&["lint", "--fix=all", path], None);
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert!(fixed.contains("\"ssm:GetDocument\""), "{fixed}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}
