//! `ssmgate simulate-custom-policy` as a user runs it.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use serde_json::Value;
use std::process::Output;
mod common;
use common::ssmgate;

fn simulate(request: &Value) -> Output {
    ssmgate(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        Some(&request.to_string()),
    )
}

#[test]
fn the_readme_example_prints_aws_json() {
    let out = ssmgate(
        &[
            "simulate-custom-policy",
            "--cli-input-json",
            "file://examples/simulate/finance-session.json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let results = v["EvaluationResults"].as_array().expect("results");
    let decisions: Vec<&str> = results
        .iter()
        .map(|r| r["EvalDecision"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        decisions,
        ["allowed", "implicitDeny", "implicitDeny", "allowed"]
    );
    let m = &results[0]["MatchedStatements"][0];
    assert_eq!(m["SourcePolicyId"], "PolicyInputList.1");
    assert_eq!(m["StartPosition"]["Line"], 1);
    assert_eq!(results[0]["MissingContextValues"], serde_json::json!([]));
    assert_eq!(results[0]["EvalDecisionDetails"], serde_json::json!({}));
}

/// The AWS CLI's documented example: DateGreaterThan aws:CurrentTime, statement at columns
/// 38 to 167 of line 1.
#[test]
fn the_aws_cli_documented_example_gives_the_documented_answer() {
    let req = serde_json::json!({
        "PolicyInputList": [r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}"#],
        "ActionNames": ["dynamodb:CreateBackup"],
        "ContextEntries": [{"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2019-04-25T11:00:00Z"], "ContextKeyType": "date"}]
    });
    let out = simulate(&req);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let expected = serde_json::json!({
        "EvalActionName": "dynamodb:CreateBackup",
        "EvalResourceName": "*",
        "EvalDecision": "allowed",
        "MatchedStatements": [{
            "SourcePolicyId": "PolicyInputList.1",
            "StartPosition": {"Line": 1, "Column": 38},
            "EndPosition": {"Line": 1, "Column": 167}
        }],
        "MissingContextValues": []
    });
    assert_eq!(v["EvaluationResults"][0], expected);
}

#[test]
fn a_malformed_policy_gets_malformed_policy_document_with_every_error_located() {
    let req = serde_json::json!({
        "PolicyInputList": ["{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"\"}}"],
        "ActionNames": ["ssm:SendCommand"]
    });
    let out = simulate(&req);
    assert_eq!(out.status.code(), Some(254));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("An error occurred (MalformedPolicyDocument) when calling the SimulateCustomPolicy operation"), "{err}");
    assert!(
        err.contains("PolicyInputList.1:2:23: error[invalid-effect]"),
        "{err}"
    );
    assert!(err.contains("error[resource-not-arn]"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_context_value_that_does_not_fit_its_type_is_invalid_input() {
    let req = serde_json::json!({
        "PolicyInputList": [r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#],
        "ActionNames": ["ssm:SendCommand"],
        "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}]
    });
    let out = simulate(&req);
    assert_eq!(out.status.code(), Some(254));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(InvalidInput)"));
}

#[test]
fn a_request_that_is_not_the_cli_shape_is_a_usage_error_with_a_position() {
    let out = ssmgate(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        Some("{\"PolicyInputList\": [],\n \"ActionNamez\": []}"),
    );
    assert_eq!(out.status.code(), Some(252));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>:2:"), "{err}");
}

#[test]
fn boundaries_and_explicit_denies_are_reported() {
    let req = serde_json::json!({
        "PolicyInputList": [
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:*","Resource":"*"},{"Sid":"NoShell","Effect":"Deny","Action":"ssm:SendCommand","Resource":"arn:aws:ssm:*::document/AWS-RunShellScript"}]}"#
        ],
        "PermissionsBoundaryPolicyInputList": [r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ssm:SendCommand","ssm:Get*"],"Resource":"*"}}"#],
        "ActionNames": ["ssm:SendCommand", "ssm:ListDocuments"],
        "ResourceArns": ["arn:aws:ssm:us-east-1::document/AWS-RunShellScript", "arn:aws:ssm:us-east-1::document/AWS-RunPatchBaseline"]
    });
    let out = simulate(&req);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let r = &v["EvaluationResults"];
    assert_eq!(r[0]["EvalDecision"], "explicitDeny");
    assert_eq!(r[1]["EvalDecision"], "allowed");
    assert_eq!(
        r[1]["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"],
        true
    );
    assert_eq!(r[2]["EvalDecision"], "implicitDeny");
    assert_eq!(
        r[2]["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"],
        false
    );
}

#[test]
fn explain_says_which_condition_failed() {
    let out = ssmgate(&["simulate-custom-policy", "--explain", "--cli-input-json", "-"], Some(&serde_json::json!({
        "PolicyInputList": [std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/policies/session-finance-webservers.json")).expect("example")],
        "ActionNames": ["ssm:StartSession"],
        "ResourceArns": ["arn:aws:ec2:us-east-2:987654321098:instance/i-1"],
        "ContextEntries": [{"ContextKeyName": "ssm:resourceTag/Finance", "ContextKeyValues": ["Payroll"], "ContextKeyType": "string"}]
    }).to_string()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("implicitly denied"), "{text}");
    assert!(text.contains("condition StringLike on ssm:resourceTag/Finance needs [\"WebServers\"] but the request has [\"Payroll\"]"), "{text}");
}

/// A reader that stops early (`ssmgate ... | head`) ends the run quietly: no panic on the closed
/// pipe, and the status of a run that did its work.
#[test]
fn a_closed_output_pipe_ends_the_run_without_a_panic() {
    use std::process::{Command, Stdio};
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssmgate"))
        .current_dir(root)
        .args([
            "simulate-custom-policy",
            "--cli-input-json",
            "file://examples/simulate/finance-session.json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssmgate starts");
    // Close the reading end before ssmgate has written anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ssmgate ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}
