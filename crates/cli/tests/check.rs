//! `ssmgate check` and `ssmgate who-can` on the sample account and fleet of the README.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use std::process::{Command, Output};

fn ssmgate(args: &[&str]) -> Output {
    let mut all = vec![
        args[0],
        "--account",
        "examples/account/auth.json",
        "--fleet",
        "examples/account/fleet.yaml",
    ];
    all.extend_from_slice(&args[1..]);
    Command::new(env!("CARGO_BIN_EXE_ssmgate"))
        .args(&all)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("run ssmgate")
}

#[test]
fn an_allowed_session() {
    let out = ssmgate(&[
        "check",
        "--as",
        "user/alice",
        "ssm",
        "start-session",
        "--target",
        "i-0a1b2c3d4e5f60001",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "allowed: StartSession by arn:aws:iam::987654321098:user/alice\n"
    );
}

#[test]
fn a_denied_command_prints_awss_error() {
    let out = ssmgate(&[
        "check",
        "--as",
        "role/Responder",
        "--session-name",
        "ir-1",
        "ssm",
        "send-command",
        "--instance-ids",
        "i-0a1b2c3d4e5f60001",
        "i-0a1b2c3d4e5f60002",
        "--document-name",
        "AWS-RunShellScript",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "An error occurred (AccessDeniedException) when calling the SendCommand operation: User: arn:aws:sts::987654321098:assumed-role/Responder/ir-1 is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-2:987654321098:instance/i-0a1b2c3d4e5f60002 because no identity-based policy allows the ssm:SendCommand action"
    );
}

#[test]
fn a_permissions_boundary_deny_is_named() {
    let out = ssmgate(&[
        "check",
        "--as",
        "user/dave",
        "ssm",
        "send-command",
        "--instance-ids",
        "i-0a1b2c3d4e5f60001",
        "--document-name",
        "AWS-RunShellScript",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("on resource: arn:aws:ssm:us-east-2::document/AWS-RunShellScript with an explicit deny in a permissions boundary\n"));
}

#[test]
fn explain_and_json_show_each_check() {
    let out = ssmgate(&[
        "check",
        "--as",
        "user/carol",
        "--explain",
        "ssm",
        "start-session",
        "--target",
        "i-0a1b2c3d4e5f60001",
        "--document-name",
        "AWS-StartSSHSession",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ssm:StartSession on arn:aws:ec2:us-east-2:987654321098:instance/i-0a1b2c3d4e5f60001: allowed"), "{text}");
    assert!(text.contains("ssm:StartSession on arn:aws:ssm:us-east-2::document/AWS-StartSSHSession: implicitly denied"), "{text}");
    let out = ssmgate(&[
        "check",
        "--format",
        "json",
        "--as",
        "user/carol",
        "ssm",
        "start-session",
        "--target",
        "i-0a1b2c3d4e5f60001",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["allowed"], false);
    assert_eq!(v["error"]["Code"], "AccessDeniedException");
    assert_eq!(
        v["checks"][0]["context"]["ssm:SessionDocumentAccessCheck"],
        "false"
    );
}

#[test]
fn who_can_get_a_shell_where() {
    let out = ssmgate(&["who-can", "--format", "json", "start-session"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let allowed = |p: &str| -> Vec<String> {
        v["principals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["principal"] == p)
            .unwrap()["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        allowed("user/alice"),
        ["i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002"]
    );
    assert_eq!(allowed("user/bob"), ["i-0a1b2c3d4e5f60004"]);
    assert!(
        allowed("user/carol").is_empty(),
        "carol must name a document"
    );
    assert_eq!(allowed("role/SessionAdmin").len(), 5);
    let out = ssmgate(&["who-can", "start-session"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[3] i-0a1b2c3d4e5f60003 (payroll-db)"),
        "{text}"
    );
}

#[test]
fn bad_input_says_what_and_where() {
    let out = ssmgate(&["check", "--as", "user/nobody", "ssm", "describe-sessions"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named nobody"));
    let out = ssmgate(&["check", "--as", "user/alice", "ssm", "start-session"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("the following arguments are required: --target"));
}
