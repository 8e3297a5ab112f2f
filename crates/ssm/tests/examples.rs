//! Whole SSM calls through the model for every published example policy: users and assumed
//! roles, tagged and untagged instances, EC2 and hybrid nodes, own and others' sessions, named
//! and default session documents; the decision and AWS's exact denial message.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use serde_json::json;
use ssmgate_ssm::account::Account;
use ssmgate_ssm::fleet::Fleet;
use ssmgate_ssm::identity::{Caller, CallerSpec, RequestEnv};
use ssmgate_ssm::operation::Operation;
use ssmgate_ssm::who_can::owner_userid;
use ssmgate_ssm::{authorize, plan};

fn policy(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../examples/policies/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("json")
}

/// An account whose user `alice` and role `Responder` both hold `policy`.
fn account(acct: &str, doc: serde_json::Value) -> Account {
    let v = json!({
        "UserDetailList": [
            {"UserName": "alice", "UserId": "AIDAEXAMPLEALICE00001", "Arn": format!("arn:aws:iam::{acct}:user/alice"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc.clone()}]},
            {"UserName": "bob", "UserId": "AIDAEXAMPLEBOB0000001", "Arn": format!("arn:aws:iam::{acct}:user/bob"),
             "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc.clone()}]}
        ],
        "RoleDetailList": [
            {"RoleName": "Responder", "RoleId": "AROAEXAMPLERESPONDER1", "Arn": format!("arn:aws:iam::{acct}:role/Responder"),
             "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": doc}]}
        ]
    });
    serde_json::from_value(v).expect("account")
}

fn fleet(acct: &str, region: &str) -> Fleet {
    let yaml = format!(
        r#"
account: "{acct}"
region: {region}
instances:
  - {{id: i-1234567890EXAMPLE, tags: {{Finance: WebServers, CadoResponseSSMEnabled: "True", tag-key1: tag-value1, tag-key2: tag-value2}}}}
  - {{id: i-02573cafcfEXAMPLE, tags: {{Finance: Payroll}}}}
  - {{id: i-0untagged00000000}}
  - {{id: mi-0hybrid000000000, tags: {{CadoResponseSSMEnabled: "True"}}}}
sessions:
  - {{id: alice-0a1b2c3d4e5f6a7b8, owner: user/alice, target: i-02573cafcfEXAMPLE}}
  - {{id: bob-0a1b2c3d4e5f6a7b8, owner: user/bob, target: i-1234567890EXAMPLE}}
  - {{id: ir-1-0a1b2c3d4e5f6a7b8, owner: role/Responder/ir-1, target: i-02573cafcfEXAMPLE}}
"#
    );
    Fleet::from_text("fleet", &yaml).expect("fleet")
}

/// Make the call; Ok(()) when allowed, Err(AWS's message) when refused.
fn call(account: &Account, fleet: &Fleet, who: &str, cli: &str) -> Result<(), String> {
    let spec = CallerSpec::parse(who, Some("ir-1")).expect("principal");
    let caller = Caller::from_account(account, &spec).expect("caller");
    let words: Vec<String> = cli.split_whitespace().map(String::from).collect();
    let op = Operation::from_cli(&words[0], &words[1], &words[2..]).expect("call");
    let owner = |o: &str| owner_userid(account, o);
    let env = RequestEnv {
        region: fleet.region.clone(),
        source_ip: "192.0.2.10".into(),
        now: 1_764_000_000,
        mfa: false,
    };
    let plan = plan(&op, &caller, fleet, &owner);
    let outcome = authorize(&caller, &plan, &env);
    // The endpoint's untraced path gives the same answer, word for word.
    let fast = ssmgate_ssm::authorize::decide(&caller, &plan, &env);
    assert_eq!(
        (&fast.denial, &fast.denied_targets),
        (&outcome.denial, &outcome.denied_targets),
        "{cli}"
    );
    match outcome.denial {
        None => Ok(()),
        Some(m) => Err(m),
    }
}

fn denied(who_arn: &str, action: &str, resource: &str) -> Result<(), String> {
    Err(format!("User: {who_arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"))
}

const ALICE: &str = "user/alice";
const ROLE: &str = "role/Responder";

#[test]
fn session_finance_webservers() {
    let (a, f) = (
        account("987654321098", policy("session-finance-webservers")),
        fleet("987654321098", "us-east-2"),
    );
    let alice = "arn:aws:iam::987654321098:user/alice";
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        Ok(())
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-02573cafcfEXAMPLE"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-2:987654321098:instance/i-02573cafcfEXAMPLE"
        )
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-0untagged00000000"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-2:987654321098:instance/i-0untagged00000000"
        )
    );
    // Own session: its id begins with the user name.
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8"
        ),
        denied(
            alice,
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-2:987654321098:session/bob-0a1b2c3d4e5f6a7b8"
        )
    );
    // An assumed role has no aws:username: even its own session is out of reach.
    assert_eq!(
        call(
            &a,
            &f,
            ROLE,
            "ssm terminate-session --session-id ir-1-0a1b2c3d4e5f6a7b8"
        ),
        denied(
            "arn:aws:sts::987654321098:assumed-role/Responder/ir-1",
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-2:987654321098:session/ir-1-0a1b2c3d4e5f6a7b8"
        )
    );
}

/// "when they use the AWS CLI to run the start-session command, and they don't specify a
/// document in the --document-name option, the system uses SSM-SessionManagerRunShell and
/// launches the session"; with BoolIfExists ssm:SessionDocumentAccessCheck "true", "explicit
/// access to a Session document must be granted in the IAM policy for the user to start a session".
#[test]
fn start_session_document_access_check() {
    let (a, f) = (
        account(
            "123456789012",
            policy("start-session-document-access-check"),
        ),
        fleet("123456789012", "us-east-1"),
    );
    let alice = "arn:aws:iam::123456789012:user/alice";
    // No document named: SSM-SessionManagerRunShell is used unchecked, and the check key
    // makes BoolIfExists "true" refuse the call.
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890EXAMPLE"
        )
    );
    assert_eq!(call(&a, &f, ALICE, "ssm start-session --target i-1234567890EXAMPLE --document-name SSM-SessionManagerRunShell"), Ok(()));
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-1234567890EXAMPLE --document-name AWS-StartSSHSession"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession"
        )
    );
    // A hybrid node is a managed-instance, not an ec2 instance.
    assert_eq!(
        call(&a, &f, ALICE, "ssm start-session --target mi-0hybrid000000000 --document-name SSM-SessionManagerRunShell"),
        denied(alice, "ssm:StartSession", "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0hybrid000000000")
    );
}

#[test]
fn start_session_with_document_placeholders_grant_nothing_real() {
    let (a, f) = (
        account("123456789012", policy("start-session-with-document")),
        fleet("123456789012", "us-east-1"),
    );
    let alice = "arn:aws:iam::123456789012:user/alice";
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890EXAMPLE"
        )
    );
}

#[test]
fn session_three_instances_own_sessions() {
    let (a, f) = (
        account(
            "123456789012",
            policy("session-three-instances-own-sessions"),
        ),
        fleet("123456789012", "us-east-2"),
    );
    let alice = "arn:aws:iam::123456789012:user/alice";
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        Ok(())
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm start-session --target i-02573cafcfEXAMPLE"
        ),
        denied(
            alice,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-2:123456789012:instance/i-02573cafcfEXAMPLE"
        )
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ALICE,
        "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8"
    )
    .is_err());
}

#[test]
fn session_two_tags_and_session_admin() {
    let (a, f) = (
        account("123456789012", policy("session-two-tags")),
        fleet("123456789012", "us-east-1"),
    );
    assert_eq!(
        call(
            &a,
            &f,
            ROLE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ROLE,
        "ssm start-session --target i-02573cafcfEXAMPLE"
    )
    .is_err());
    let (a, f) = (
        account("123456789012", policy("session-admin")),
        fleet("123456789012", "us-east-1"),
    );
    for cli in [
        "ssm start-session --target mi-0hybrid000000000",
        "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8",
        "ssm resume-session --session-id ir-1-0a1b2c3d4e5f6a7b8",
        "ssm describe-sessions --state Active",
        "ssm get-connection-status --target i-0untagged00000000",
    ] {
        assert_eq!(call(&a, &f, ALICE, cli), Ok(()), "{cli}");
    }
    assert_eq!(
        call(&a, &f, ALICE, "ssm send-command --instance-ids i-1234567890EXAMPLE --document-name AWS-RunShellScript"),
        denied("arn:aws:iam::123456789012:user/alice", "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")
    );
}

#[test]
fn terminate_by_system_tags() {
    let f = fleet("123456789012", "us-east-1");
    let a = account("123456789012", policy("terminate-by-target-id-tag"));
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ALICE,
        "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8"
    )
    .is_err());
    let a = account(
        "123456789012",
        policy("terminate-by-target-id-tag-empty-resource"),
    );
    assert!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        )
        .is_err(),
        "an empty Resource grants nothing"
    );
    // ${aws:userid}: the role session's own session matches role-id:session-name.
    let a = account("123456789012", policy("terminate-by-session-id-tag-userid"));
    assert_eq!(
        call(
            &a,
            &f,
            ROLE,
            "ssm terminate-session --session-id ir-1-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8"
        ),
        denied(
            "arn:aws:iam::123456789012:user/alice",
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-1:123456789012:session/bob-0a1b2c3d4e5f6a7b8"
        )
    );
    let a = account("123456789012", policy("terminate-by-session-id-tag-user"));
    assert!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        )
        .is_err(),
        "only AIDIODR4TAW7CSEXAMPLE's sessions"
    );
    let a = account("123456789012", policy("terminate-by-both-tags"));
    assert!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        )
        .is_err(),
        "the session-id tag is the user id, not alice-*"
    );
    let a = account("123456789012", policy("terminate-own-sessions-username"));
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm terminate-session --session-id alice-0a1b2c3d4e5f6a7b8"
        ),
        Ok(())
    );
    assert_eq!(
        call(&a, &f, ALICE, "ssm describe-sessions --state History"),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ALICE,
        "ssm terminate-session --session-id bob-0a1b2c3d4e5f6a7b8"
    )
    .is_err());
}

#[test]
fn triage_run_command_default_and_tagged() {
    let f = fleet("123456789012", "us-east-1");
    let a = account("123456789012", policy("triage-run-command-default"));
    assert_eq!(call(&a, &f, ROLE, "ssm send-command --instance-ids i-0untagged00000000 i-02573cafcfEXAMPLE --document-name AWS-RunShellScript"), Ok(()));
    let role = "arn:aws:sts::123456789012:assumed-role/Responder/ir-1";
    assert_eq!(
        call(&a, &f, ROLE, "ssm send-command --instance-ids i-0untagged00000000 --document-name AWS-RunPatchBaseline"),
        denied(role, "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunPatchBaseline")
    );
    assert_eq!(
        call(&a, &f, ROLE, "ssm send-command --instance-ids mi-0hybrid000000000 --document-name AWS-RunShellScript"),
        denied(role, "ssm:SendCommand", "arn:aws:ssm:us-east-1:123456789012:managed-instance/mi-0hybrid000000000")
    );
    assert!(
        call(&a, &f, ROLE, "ssm describe-instance-information").is_err(),
        "its Resource names no *"
    );
    let a = account("123456789012", policy("triage-run-command-tagged"));
    assert_eq!(call(&a, &f, ROLE, "ssm send-command --instance-ids i-1234567890EXAMPLE --document-name AWS-RunShellScript"), Ok(()));
    assert_eq!(
        call(&a, &f, ROLE, "ssm send-command --instance-ids i-1234567890EXAMPLE i-02573cafcfEXAMPLE --document-name AWS-RunShellScript"),
        denied(role, "ssm:SendCommand", "arn:aws:ec2:us-east-1:123456789012:instance/i-02573cafcfEXAMPLE")
    );
    assert_eq!(
        call(
            &a,
            &f,
            ROLE,
            "ssm start-session --target i-1234567890EXAMPLE"
        ),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ROLE,
        "ssm start-session --target i-0untagged00000000"
    )
    .is_err());
}

#[test]
fn run_document_on_three_instances_and_console_minimum() {
    let f = fleet("123456789012", "us-east-2");
    let a = account("123456789012", policy("run-document-on-three-instances"));
    assert_eq!(
        call(
            &a,
            &f,
            ALICE,
            "ssm send-command --instance-ids i-02573cafcfEXAMPLE --document-name SSM-document-name"
        ),
        Ok(())
    );
    assert!(call(
        &a,
        &f,
        ALICE,
        "ssm send-command --instance-ids i-1234567890EXAMPLE --document-name SSM-document-name"
    )
    .is_err());
    for ok in [
        "ssm list-commands",
        "ssm list-command-invocations",
        "ssm cancel-command --command-id 0b1c2d3e-0000-0000-0000-000000000000",
        "ssm get-document --name SSM-document-name",
        "ssm describe-instance-information",
    ] {
        assert_eq!(call(&a, &f, ALICE, ok), Ok(()), "{ok}");
    }
    assert!(
        call(
            &a,
            &f,
            ALICE,
            "ssm list-document-versions --name SSM-document-name"
        )
        .is_err(),
        "the policy misspells it"
    );
    assert_eq!(
        call(&a, &f, ALICE, "ssm describe-automation-executions"),
        Err("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ssm:DescribeAutomationExecutions because no identity-based policy allows the ssm:DescribeAutomationExecutions action".into()),
    );
    assert!(call(
        &a,
        &f,
        ALICE,
        "ssm start-automation-execution --document-name AWS-RestartEC2Instance"
    )
    .is_err());
    let a = account("123456789012", policy("console-minimum"));
    for ok in ["ssm send-command --targets Key=tag:Finance,Values=WebServers --document-name AWS-RunShellScript", "ec2 describe-instances", "ssm start-automation-execution --document-name AWS-RestartEC2Instance", "ssm create-activation --iam-role SSMServiceRole"] {
        assert_eq!(call(&a, &f, ALICE, ok), Ok(()), "{ok}");
    }
}

#[test]
fn documents_by_name_prefix_region_and_owner() {
    let f = fleet("123456789012", "us-west-2");
    let a = account("123456789012", policy("delete-mydocument-us-west-2"));
    assert_eq!(
        call(&a, &f, ALICE, "ssm delete-document --name MyDocument-2"),
        Ok(())
    );
    assert_eq!(
        call(&a, &f, ALICE, "ssm delete-document --name Other"),
        denied(
            "arn:aws:iam::123456789012:user/alice",
            "ssm:DeleteDocument",
            "arn:aws:ssm:us-west-2:123456789012:document/Other"
        )
    );
    let a = account("111222333444", policy("list-documents-update-prefix"));
    assert!(
        call(&a, &f, ALICE, "ssm list-documents").is_err(),
        "ListDocuments is checked against *"
    );
    let a = account("111222333444", policy("single-region-malformed-arn"));
    assert!(
        call(&a, &f, ALICE, "ssm get-document --name AWS-RunShellScript").is_err(),
        "the malformed ARN grants nothing"
    );
}

#[test]
fn targeted_commands_authorize_each_instance() {
    let f = fleet("123456789012", "us-east-1");
    let a = account("123456789012", policy("triage-run-command-tagged"));
    let spec = CallerSpec::parse(ROLE, Some("ir-1")).unwrap();
    let caller = Caller::from_account(&a, &spec).unwrap();
    let op = Operation::from_cli(
        "ssm",
        "send-command",
        &[
            "--targets".into(),
            "Key=tag:Finance,Values=WebServers,Payroll".into(),
            "--document-name".into(),
            "AWS-RunShellScript".into(),
        ],
    )
    .unwrap();
    let owner = |_: &str| None;
    let env = RequestEnv {
        region: "us-east-1".into(),
        source_ip: "192.0.2.10".into(),
        now: 1_764_000_000,
        mfa: false,
    };
    let outcome = authorize(&caller, &plan(&op, &caller, &f, &owner), &env);
    assert!(outcome.allowed(), "the call goes on");
    assert_eq!(
        outcome.denied_targets,
        vec!["i-02573cafcfEXAMPLE".to_string()],
        "the untagged-for-Cado instance gets AccessDenied"
    );
}

/// who-can's shared, prepared fast path answers exactly as `authorize` does, cell by cell.
#[test]
fn who_can_agrees_with_authorize_on_every_cell() {
    use ssmgate_ssm::who_can::{who_can, Question};
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/account");
    let account = Account::from_json(
        "auth.json",
        &std::fs::read_to_string(format!("{root}/auth.json")).unwrap(),
    )
    .unwrap();
    let fleet = Fleet::from_text(
        "fleet.yaml",
        &std::fs::read_to_string(format!("{root}/fleet.yaml")).unwrap(),
    )
    .unwrap();
    let env = RequestEnv {
        region: fleet.region.clone(),
        source_ip: "192.0.2.10".into(),
        now: 1_764_000_000,
        mfa: false,
    };
    let owner = |o: &str| owner_userid(&account, o);
    for q in [
        Question::SendCommand {
            document: "AWS-RunShellScript",
        },
        Question::StartSession { document: None },
        Question::StartSession {
            document: Some("SSM-SessionManagerRunShell"),
        },
        Question::TerminateSession,
        Question::GetConnectionStatus,
    ] {
        let m = who_can(&account, &fleet, q, &env, "ir-1");
        for row in &m.rows {
            let spec = CallerSpec::parse(&row.principal, Some("ir-1")).unwrap();
            let caller = Caller::from_account(&account, &spec).unwrap();
            for (t, allowed) in m.targets.iter().zip(&row.allowed) {
                let op = match q {
                    Question::SendCommand { document } => Operation::SendCommand {
                        instance_ids: vec![t.clone()],
                        targets: vec![],
                        document_name: document.into(),
                        document_version: None,
                    },
                    Question::StartSession { document } => Operation::StartSession {
                        target: t.clone(),
                        document_name: document.map(String::from),
                    },
                    Question::TerminateSession => Operation::TerminateSession {
                        session_id: t.clone(),
                    },
                    Question::ResumeSession => Operation::ResumeSession {
                        session_id: t.clone(),
                    },
                    Question::GetConnectionStatus => {
                        Operation::GetConnectionStatus { target: t.clone() }
                    }
                };
                let slow = authorize(&caller, &plan(&op, &caller, &fleet, &owner), &env).allowed();
                assert_eq!(*allowed, slow, "{q:?} {} {t}", row.principal);
            }
        }
    }
}
