//! STS on the endpoint: who am I, and AssumeRole with the trust policy and the caller's own
//! policies both evaluated; the temporary credentials then sign like any other.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod harness;

use harness::{json_error, query_error, xml, Creds, Endpoint};

const TRUST_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
const ALLOW_ASSUME: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}"#;

fn role(e: &Endpoint, name: &str, trust: &str, policy: Option<&str>) {
    e.root_ok(&[
        ("Action", "CreateRole"),
        ("RoleName", name),
        ("AssumeRolePolicyDocument", trust),
    ]);
    if let Some(p) = policy {
        e.root_ok(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", name),
            ("PolicyName", "p"),
            ("PolicyDocument", p),
        ]);
    }
}

fn assume(e: &Endpoint, who: &Creds, extra: &[(&str, &str)]) -> Result<Creds, (String, String)> {
    let mut params = vec![
        ("Action", "AssumeRole"),
        ("RoleArn", "arn:aws:iam::123456789012:role/ops"),
        ("RoleSessionName", "s1"),
    ];
    params.extend_from_slice(extra);
    let r = e.sts(who, &params);
    if r.status != 200 {
        let (_, code, message) = query_error(&r);
        return Err((code, message));
    }
    Ok(Creds {
        key: xml(&r.body, "AccessKeyId").unwrap(),
        secret: xml(&r.body, "SecretAccessKey").unwrap(),
        token: Some(xml(&r.body, "SessionToken").unwrap()),
    })
}

/// "No permissions are required to perform this operation. If an administrator attaches a
/// policy to your identity that explicitly denies access to the sts:GetCallerIdentity action,
/// you can still perform this operation."
#[test]
fn get_caller_identity_needs_no_permission_even_under_explicit_deny() {
    let e = Endpoint::new();
    let alice = e.user("alice", Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#));
    let body = e.sts(&alice, &[("Action", "GetCallerIdentity")]).body;
    assert_eq!(
        xml(&body, "Arn").unwrap(),
        "arn:aws:iam::123456789012:user/alice"
    );
    assert!(xml(&body, "UserId").unwrap().starts_with("AIDA"));
    let body = e.sts(&e.root, &[("Action", "GetCallerIdentity")]).body;
    assert_eq!(xml(&body, "Arn").unwrap(), "arn:aws:iam::123456789012:root");
}

/// A trust policy that names the account delegates to it: "the administrator must also attach
/// an identity-based policy that allows the user to assume the role". The session then has the
/// role's permissions, not the caller's.
#[test]
fn assume_role_needs_the_trust_policy_and_the_callers_permission() {
    let e = Endpoint::new();
    role(
        &e,
        "ops",
        TRUST_ACCOUNT,
        Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#,
        ),
    );
    let nobody = e.user("nobody", None);
    let (code, message) = assume(&e, &nobody, &[]).unwrap_err();
    assert_eq!(code, "AccessDenied");
    assert!(message.starts_with("User: arn:aws:iam::123456789012:user/nobody is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/ops"), "{message}");
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    let session = assume(&e, &alice, &[]).unwrap();
    assert!(session.key.starts_with("ASIA"));
    let body = e.sts(&session, &[("Action", "GetCallerIdentity")]).body;
    assert_eq!(
        xml(&body, "Arn").unwrap(),
        "arn:aws:sts::123456789012:assumed-role/ops/s1"
    );
    assert!(xml(&body, "UserId").unwrap().ends_with(":s1"));
    assert_eq!(e.iam(&session, &[("Action", "ListUsers")]).status, 200);
    let (_, code, message) = query_error(&e.iam(&session, &[("Action", "ListRoles")]));
    assert_eq!(code, "AccessDenied");
    assert!(
        message
            .starts_with("User: arn:aws:sts::123456789012:assumed-role/ops/s1 is not authorized"),
        "{message}"
    );
}

/// A trust policy that names a user trusts that user even without an identity policy;
/// one naming someone else trusts nobody else.
#[test]
fn a_trust_policy_naming_a_user_is_enough_for_that_user_only() {
    let e = Endpoint::new();
    e.user("alice", None);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}"#;
    role(&e, "ops", trust, None);
    let alice_key = e.root_ok(&[("Action", "CreateAccessKey"), ("UserName", "alice")]);
    let alice = Creds {
        key: xml(&alice_key, "AccessKeyId").unwrap(),
        secret: xml(&alice_key, "SecretAccessKey").unwrap(),
        token: None,
    };
    assert!(assume(&e, &alice, &[]).is_ok());
    let bob = e.user("bob", Some(ALLOW_ASSUME));
    assert_eq!(assume(&e, &bob, &[]).unwrap_err().0, "AccessDenied");
}

/// "You cannot use AWS account root user credentials to call AssumeRole."
#[test]
fn the_root_user_cannot_assume_a_role() {
    let e = Endpoint::new();
    role(&e, "ops", TRUST_ACCOUNT, None);
    assert_eq!(
        assume(&e, &e.root, &[]).unwrap_err(),
        (
            "AccessDenied".to_string(),
            "Roles may not be assumed by root accounts.".to_string()
        )
    );
}

/// "The resulting session's permissions are the intersection of the role's identity-based
/// policy and the session policies."
#[test]
fn a_session_policy_narrows_the_session() {
    let e = Endpoint::new();
    role(
        &e,
        "ops",
        TRUST_ACCOUNT,
        Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}"#,
        ),
    );
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;
    let session = assume(&e, &alice, &[("Policy", narrow)]).unwrap();
    assert_eq!(e.iam(&session, &[("Action", "ListUsers")]).status, 200);
    let (_, _, message) = query_error(&e.iam(&session, &[("Action", "ListGroups")]));
    assert!(
        message.ends_with("because no session policy allows the iam:ListGroups action"),
        "{message}"
    );
    let (code, _) = assume(
        &e,
        &alice,
        &[("Policy", r#"{"Statement":[{"Effect":"Allow"}]}"#)],
    )
    .unwrap_err();
    assert_eq!(code, "MalformedPolicyDocument");
}

/// "Session tags ... become principal tags" (aws:PrincipalTag) for the session.
#[test]
fn session_tags_become_principal_tags() {
    let e = Endpoint::new();
    role(
        &e,
        "ops",
        TRUST_ACCOUNT,
        Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/${aws:PrincipalTag/team}-*"}]}"#,
        ),
    );
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "web-1")]);
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "db-1")]);
    let session = assume(
        &e,
        &alice,
        &[
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "web"),
        ],
    )
    .unwrap();
    assert_eq!(
        e.iam(&session, &[("Action", "GetUser"), ("UserName", "web-1")])
            .status,
        200
    );
    assert_eq!(
        query_error(&e.iam(&session, &[("Action", "GetUser"), ("UserName", "db-1")])).1,
        "AccessDenied"
    );
}

/// Temporary credentials sign only with their session token, and only until they expire:
/// "ExpiredToken: The security token included in the request is expired".
#[test]
fn temporary_credentials_need_their_token_and_expire() {
    let mut e = Endpoint::new();
    role(&e, "ops", TRUST_ACCOUNT, None);
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    let session = assume(&e, &alice, &[("DurationSeconds", "900")]).unwrap();
    assert_eq!(
        e.sts(&session, &[("Action", "GetCallerIdentity")]).status,
        200
    );
    let no_token = Creds {
        token: None,
        ..session.clone()
    };
    assert_eq!(
        query_error(&e.sts(&no_token, &[("Action", "GetCallerIdentity")])).1,
        "InvalidClientTokenId"
    );
    let wrong_token = Creds {
        token: Some("forged".into()),
        ..session.clone()
    };
    assert_eq!(
        query_error(&e.sts(&wrong_token, &[("Action", "GetCallerIdentity")])).1,
        "InvalidClientTokenId"
    );
    e.now += 901;
    let (status, code, message) = query_error(&e.sts(&session, &[("Action", "GetCallerIdentity")]));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            400,
            "ExpiredToken",
            "The security token included in the request is expired"
        )
    );
    assert_eq!(
        json_error(&e.ssm(&session, "ListDocuments", "{}")).1,
        "ExpiredTokenException"
    );
}

#[test]
fn a_duration_beyond_the_roles_maximum_is_refused() {
    let e = Endpoint::new();
    role(&e, "ops", TRUST_ACCOUNT, None);
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    let (code, message) = assume(&e, &alice, &[("DurationSeconds", "7200")]).unwrap_err();
    assert_eq!(code, "ValidationError");
    assert_eq!(
        message,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
}

/// "An explicit deny in any of these policies overrides the allow": a Deny in the trust policy
/// refuses even a caller whose own policies allow sts:AssumeRole.
#[test]
fn an_explicit_deny_in_the_trust_policy_wins() {
    let e = Endpoint::new();
    let trust = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"},
        {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}"#;
    role(&e, "ops", trust, None);
    let alice = e.user("alice", Some(ALLOW_ASSUME));
    let (code, message) = assume(&e, &alice, &[]).unwrap_err();
    assert_eq!(code, "AccessDenied");
    assert!(
        message.ends_with("with an explicit deny in a resource-based policy"),
        "{message}"
    );
    let bob = e.user("bob", Some(ALLOW_ASSUME));
    assert!(assume(&e, &bob, &[]).is_ok());
}
