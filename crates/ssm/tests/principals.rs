//! The global condition keys AWS sets for each kind of principal.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_ssm::account::Account;
use ssmgate_ssm::identity::{Caller, CallerSpec, RequestEnv};
use std::collections::BTreeMap;

fn account() -> Account {
    Account::from_json(
        "auth.json",
        r#"{
        "UserDetailList": [{"UserName": "alice", "UserId": "AIDAEXAMPLEALICE00001", "Arn": "arn:aws:iam::123456789012:user/ops/alice",
            "Tags": [{"Key": "team", "Value": "red"}]}],
        "RoleDetailList": [{"RoleName": "Responder", "RoleId": "AROAEXAMPLERESPONDER1", "Arn": "arn:aws:iam::123456789012:role/Responder",
            "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "tier", "Value": "1"}]}]
    }"#,
    )
    .unwrap()
}

fn env() -> RequestEnv {
    RequestEnv {
        region: "us-east-2".into(),
        source_ip: "203.0.113.7".into(),
        now: 1_534_420_800,
        mfa: false,
    }
}

fn value(c: &ssmgate_policy::Context, k: &str) -> Option<String> {
    c.get(k).map(|v| v.values[0].text.to_string())
}

/// "aws:username ... always included in the request context for IAM users"; aws:userid is the
/// unique id; aws:PrincipalType User; no aws:TokenIssueTime for long-term credentials.
#[test]
fn iam_user_context_keys() {
    let c = Caller::from_account(&account(), &CallerSpec::User("alice".into())).unwrap();
    let ctx = c.global_context(&env());
    assert_eq!(value(&ctx, "aws:username").as_deref(), Some("alice"));
    assert_eq!(
        value(&ctx, "aws:userid").as_deref(),
        Some("AIDAEXAMPLEALICE00001")
    );
    assert_eq!(
        value(&ctx, "aws:PrincipalArn").as_deref(),
        Some("arn:aws:iam::123456789012:user/ops/alice")
    );
    assert_eq!(value(&ctx, "aws:PrincipalType").as_deref(), Some("User"));
    assert_eq!(
        value(&ctx, "aws:PrincipalAccount").as_deref(),
        Some("123456789012")
    );
    assert_eq!(value(&ctx, "aws:PrincipalTag/team").as_deref(), Some("red"));
    assert_eq!(
        value(&ctx, "aws:CurrentTime").as_deref(),
        Some("2018-08-16T12:00:00Z")
    );
    assert_eq!(value(&ctx, "aws:EpochTime").as_deref(), Some("1534420800"));
    assert_eq!(value(&ctx, "aws:SourceIp").as_deref(), Some("203.0.113.7"));
    assert_eq!(value(&ctx, "aws:SecureTransport").as_deref(), Some("true"));
    assert_eq!(
        value(&ctx, "aws:RequestedRegion").as_deref(),
        Some("us-east-2")
    );
    assert!(ctx.get("aws:TokenIssueTime").is_none());
    assert!(ctx.get("aws:MultiFactorAuthPresent").is_none());
}

/// Assumed role: aws:userid is "role-id:caller-specified-role-name", aws:PrincipalArn the
/// role's ARN, no aws:username, aws:TokenIssueTime present, session tags override role tags.
#[test]
fn assumed_role_context_keys() {
    let mut session_tags = BTreeMap::new();
    session_tags.insert("team".to_string(), "green".to_string());
    let spec = CallerSpec::Role {
        name: "Responder".into(),
        session_name: "ir-1".into(),
        session_policy: None,
        session_tags,
    };
    let c = Caller::from_account(&account(), &spec).unwrap();
    assert_eq!(
        c.arn,
        "arn:aws:sts::123456789012:assumed-role/Responder/ir-1"
    );
    let ctx = c.global_context(&env());
    assert!(ctx.get("aws:username").is_none());
    assert_eq!(
        value(&ctx, "aws:userid").as_deref(),
        Some("AROAEXAMPLERESPONDER1:ir-1")
    );
    assert_eq!(
        value(&ctx, "aws:PrincipalArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/Responder")
    );
    assert_eq!(
        value(&ctx, "aws:PrincipalType").as_deref(),
        Some("AssumedRole")
    );
    assert_eq!(
        value(&ctx, "aws:PrincipalTag/team").as_deref(),
        Some("green")
    );
    assert_eq!(value(&ctx, "aws:PrincipalTag/tier").as_deref(), Some("1"));
    assert_eq!(
        value(&ctx, "aws:TokenIssueTime").as_deref(),
        Some("2018-08-16T11:55:00Z")
    );
    assert_eq!(
        value(&ctx, "aws:MultiFactorAuthPresent").as_deref(),
        Some("false")
    );
}

/// The root user: aws:userid is the account id, aws:PrincipalType Account, and "full access".
#[test]
fn root_context_keys_and_full_access() {
    let c = Caller::from_account(&account(), &CallerSpec::Root).unwrap();
    let ctx = c.global_context(&env());
    assert_eq!(value(&ctx, "aws:userid").as_deref(), Some("123456789012"));
    assert_eq!(value(&ctx, "aws:PrincipalType").as_deref(), Some("Account"));
    assert_eq!(
        value(&ctx, "aws:PrincipalArn").as_deref(),
        Some("arn:aws:iam::123456789012:root")
    );
    let p = c.principal();
    let req = ssmgate_policy::Request::new("ssm:SendCommand", "*", &ctx).with_principal(&p);
    assert_eq!(
        c.policies.evaluate(&req).decision,
        ssmgate_policy::Decision::Allowed
    );
}

#[test]
fn principals_are_named_as_on_the_command_line() {
    assert_eq!(
        CallerSpec::parse("user/alice", None),
        Ok(CallerSpec::User("alice".into()))
    );
    assert!(
        matches!(CallerSpec::parse("role/R", Some("s1")), Ok(CallerSpec::Role { session_name, .. }) if session_name == "s1")
    );
    assert!(CallerSpec::parse("alice", None).is_err());
    assert!(Caller::from_account(&account(), &CallerSpec::User("nobody".into())).is_err());
}

/// Policy documents come as JSON objects from the CLI and URL-encoded from the API.
#[test]
fn url_encoded_documents_are_read() {
    let v = serde_json::Value::String("%7B%22Version%22%3A%222012-10-17%22%7D".into());
    assert_eq!(
        ssmgate_ssm::account::document_text(&v),
        "{\"Version\":\"2012-10-17\"}"
    );
}
