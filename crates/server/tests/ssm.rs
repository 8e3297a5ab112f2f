//! Systems Manager on the endpoint, in process: Session Manager's and Run Command's documented
//! rules, through the JSON protocol and the SSM model.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod harness;

use harness::{json_error, Creds, Endpoint};
use serde_json::{json, Value};

const FLEET: &str = r#"
account: "123456789012"
region: us-east-1
instances:
  - {id: i-1234567890EXAMPLE, tags: {Finance: WebServers}}
  - {id: i-02573cafcfEXAMPLE, tags: {Finance: Payroll}}
  - {id: mi-0hybrid0000000000}
"#;

fn ok(e: &Endpoint, who: &Creds, op: &str, body: Value) -> Value {
    let r = e.ssm(who, op, &body.to_string());
    assert_eq!(r.status, 200, "{op}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn refused(e: &Endpoint, who: &Creds, op: &str, body: Value) -> (String, String) {
    let r = e.ssm(who, op, &body.to_string());
    let (status, code, message) = json_error(&r);
    assert_eq!(status, 400, "{op}: {}", r.body);
    (code, message)
}

fn policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// "the session ID is constructed using the ID of the account user who started the session,
/// plus an alphanumeric suffix".
#[test]
fn session_ids_are_the_callers_name_and_a_suffix() {
    let e = Endpoint::with_fleet(FLEET);
    let alice = e.user(
        "alice",
        Some(&policy(
            json!([{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]),
        )),
    );
    let s = ok(
        &e,
        &alice,
        "StartSession",
        json!({"Target": "i-1234567890EXAMPLE"}),
    );
    let id = s["SessionId"].as_str().unwrap();
    let suffix = id.strip_prefix("alice-").unwrap();
    assert!(
        suffix.len() >= 12 && suffix.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert!(!s["TokenValue"].as_str().unwrap().is_empty());
}

/// "If you don't specify a document, Session Manager uses SSM-SessionManagerRunShell" and, with
/// `BoolIfExists ssm:SessionDocumentAccessCheck: true`, "the user must specify a document".
#[test]
fn the_default_session_document_fails_the_session_document_access_check() {
    let e = Endpoint::with_fleet(FLEET);
    let alice = e.user("alice", Some(&policy(json!([{"Effect": "Allow", "Action": "ssm:StartSession",
        "Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell"],
        "Condition": {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}}]))));
    let (code, message) = refused(
        &e,
        &alice,
        "StartSession",
        json!({"Target": "i-1234567890EXAMPLE"}),
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(message, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890EXAMPLE because no identity-based policy allows the ssm:StartSession action");
    let s = ok(
        &e,
        &alice,
        "StartSession",
        json!({"Target": "i-1234567890EXAMPLE", "DocumentName": "SSM-SessionManagerRunShell"}),
    );
    let described = ok(&e, &e.root, "DescribeSessions", json!({"State": "Active"}));
    assert_eq!(described["Sessions"][0]["SessionId"], s["SessionId"]);
    assert_eq!(
        described["Sessions"][0]["DocumentName"],
        "SSM-SessionManagerRunShell"
    );
}

/// "Session Manager assigns two system tags to every session: aws:ssmmessages:target-id and
/// aws:ssmmessages:session-id": a policy on the target tag ends sessions on that instance only.
#[test]
fn sessions_carry_their_target_as_a_system_tag() {
    let e = Endpoint::with_fleet(FLEET);
    let ops = e.user("ops", Some(&policy(json!([
        {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"},
        {"Effect": "Allow", "Action": "ssm:TerminateSession", "Resource": "*",
         "Condition": {"StringLike": {"ssm:resourceTag/aws:ssmmessages:target-id": ["i-1234567890EXAMPLE"]}}}]))));
    let web = ok(
        &e,
        &ops,
        "StartSession",
        json!({"Target": "i-1234567890EXAMPLE"}),
    )["SessionId"]
        .clone();
    let payroll = ok(
        &e,
        &ops,
        "StartSession",
        json!({"Target": "i-02573cafcfEXAMPLE"}),
    )["SessionId"]
        .clone();
    ok(&e, &ops, "TerminateSession", json!({"SessionId": web}));
    assert_eq!(
        refused(&e, &ops, "TerminateSession", json!({"SessionId": payroll})).0,
        "AccessDeniedException"
    );
    let history = ok(&e, &e.root, "DescribeSessions", json!({"State": "History"}));
    assert_eq!(history["Sessions"].as_array().unwrap().len(), 1);
    assert_eq!(history["Sessions"][0]["Status"], "Terminated");
}

/// Run Command with targets "sends the command to every instance that matches"; each instance
/// is authorized on its own, so a refused one fails and the others are sent.
#[test]
fn a_targeted_command_fails_only_on_refused_instances() {
    let e = Endpoint::with_fleet(FLEET);
    let ops = e.user("ops", Some(&policy(json!([
        {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ssm:*::document/AWS-RunShellScript"},
        {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:*:*:instance/*",
         "Condition": {"StringEquals": {"ssm:resourceTag/Finance": "WebServers"}}}]))));
    let cmd = ok(
        &e,
        &ops,
        "SendCommand",
        json!({"DocumentName": "AWS-RunShellScript", "Parameters": {"commands": ["id"]},
        "Targets": [{"Key": "tag:Finance", "Values": ["WebServers", "Payroll"]}]}),
    );
    assert_eq!(cmd["Command"]["TargetCount"], 2);
    let id = cmd["Command"]["CommandId"].as_str().unwrap();
    let inv = ok(
        &e,
        &e.root,
        "ListCommandInvocations",
        json!({"CommandId": id}),
    );
    let statuses: Vec<(String, String)> = inv["CommandInvocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["InstanceId"].as_str().unwrap().into(),
                i["StatusDetails"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                "i-02573cafcfEXAMPLE".to_string(),
                "AccessDenied".to_string()
            ),
            ("i-1234567890EXAMPLE".to_string(), "Pending".to_string())
        ]
    );
    // By instance id, the refused instance refuses the whole call and is named.
    let (code, message) = refused(
        &e,
        &ops,
        "SendCommand",
        json!({"DocumentName": "AWS-RunShellScript", "Parameters": {"commands": ["id"]},
        "InstanceIds": ["i-1234567890EXAMPLE", "i-02573cafcfEXAMPLE"]}),
    );
    assert_eq!(code, "AccessDeniedException");
    assert!(
        message.contains(
            "on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-02573cafcfEXAMPLE"
        ),
        "{message}"
    );
}

/// No agent runs commands yet: an invocation is never reported as Success unless an agent (the
/// test hook) says so; cancelling moves Pending to Cancelled.
#[test]
fn invocations_stay_pending_until_reported_or_cancelled() {
    let mut e = Endpoint::with_fleet(FLEET);
    let cmd = ok(
        &e,
        &e.root,
        "SendCommand",
        json!({"DocumentName": "AWS-RunShellScript", "Parameters": {"commands": ["id"]},
        "InstanceIds": ["i-1234567890EXAMPLE", "i-02573cafcfEXAMPLE"]}),
    );
    let id = cmd["Command"]["CommandId"].as_str().unwrap().to_string();
    e.now += 7 * 86_400;
    let listed = ok(&e, &e.root, "ListCommands", json!({"CommandId": id}));
    assert_eq!(
        listed["Commands"][0]["Status"], "Pending",
        "a week later, still not faked"
    );
    let r = e.ssm(&e.root, "Ssmgate.CompleteCommandInvocation", "{}");
    assert_eq!(
        json_error(&r).1,
        "UnknownOperationException",
        "hooks are not SSM operations"
    );
    ok(
        &e,
        &e.root,
        "CancelCommand",
        json!({"CommandId": id, "InstanceIds": ["i-02573cafcfEXAMPLE"]}),
    );
    // "In Progress: ... hasn't reached a final state on all managed nodes."
    let listed = ok(&e, &e.root, "ListCommands", json!({"CommandId": id}));
    assert_eq!(
        (
            listed["Commands"][0]["Status"].as_str(),
            listed["Commands"][0]["CompletedCount"].as_u64()
        ),
        (Some("InProgress"), Some(1))
    );
    let inv = ok(
        &e,
        &e.root,
        "GetCommandInvocation",
        json!({"CommandId": id, "InstanceId": "i-02573cafcfEXAMPLE"}),
    );
    assert_eq!(inv["Status"], "Cancelled");
}

/// Hybrid nodes are `managed-instance` resources: "arn:aws:ssm:region:account:managed-instance/mi-...".
#[test]
fn hybrid_nodes_are_authorized_as_managed_instances() {
    let e = Endpoint::with_fleet(FLEET);
    let alice = e.user("alice", Some(&policy(json!([{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "arn:aws:ec2:*:*:instance/*"}]))));
    let (_, message) = refused(
        &e,
        &alice,
        "StartSession",
        json!({"Target": "mi-0hybrid0000000000"}),
    );
    assert!(
        message.contains(
            "on resource: arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0hybrid0000000000"
        ),
        "{message}"
    );
    let (code, _) = refused(
        &e,
        &e.root,
        "StartSession",
        json!({"Target": "i-0000000000nothere"}),
    );
    assert_eq!(code, "TargetNotConnected");
}
