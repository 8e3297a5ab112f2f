//! IAM on the endpoint: entities, policies, quotas and conflicts as IAM answers them, and every
//! call authorized by the engine.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod harness;

use harness::{query_error, xml, xml_all, Endpoint};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

/// "By default, all requests are implicitly denied": a new user with no policy can do nothing,
/// and the denial names the action and the resource in AWS's words.
#[test]
fn a_user_without_policies_is_denied_in_aws_words() {
    let e = Endpoint::new();
    let alice = e.user("alice", None);
    let (status, code, message) =
        query_error(&e.iam(&alice, &[("Action", "CreateUser"), ("UserName", "bob")]));
    assert_eq!((status, code.as_str()), (403, "AccessDenied"));
    assert_eq!(
        message,
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the iam:CreateUser action"
    );
}

#[test]
fn a_policy_grants_exactly_the_resources_it_names() {
    let e = Endpoint::new();
    let alice = e.user(
        "alice",
        Some(&allow(
            "iam:CreateUser",
            "arn:aws:iam::123456789012:user/team-*",
        )),
    );
    assert_eq!(
        e.iam(
            &alice,
            &[("Action", "CreateUser"), ("UserName", "team-bob")]
        )
        .status,
        200
    );
    let (_, code, _) =
        query_error(&e.iam(&alice, &[("Action", "CreateUser"), ("UserName", "carol")]));
    assert_eq!(code, "AccessDenied");
    // Paths are part of the ARN the policy is matched against.
    let (_, code, _) = query_error(&e.iam(
        &alice,
        &[
            ("Action", "CreateUser"),
            ("UserName", "team-x"),
            ("Path", "/ops/"),
        ],
    ));
    assert_eq!(code, "AccessDenied");
}

/// "An explicit deny in any of these policies overrides the allow."
#[test]
fn an_explicit_deny_overrides_the_allow_and_is_named_in_the_message() {
    let e = Endpoint::new();
    let alice = e.user("alice", Some(ALLOW_ALL));
    e.root_ok(&[("Action", "PutUserPolicy"), ("UserName", "alice"), ("PolicyName", "deny"), ("PolicyDocument",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#)]);
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "bob")]);
    let (_, code, message) =
        query_error(&e.iam(&alice, &[("Action", "DeleteUser"), ("UserName", "bob")]));
    assert_eq!(code, "AccessDenied");
    assert!(
        message.ends_with("with an explicit deny in an identity-based policy"),
        "{message}"
    );
}

/// "Policies attached to a group apply to every user in the group."
#[test]
fn group_policies_apply_to_members_and_stop_when_they_leave() {
    let e = Endpoint::new();
    let alice = e.user("alice", None);
    e.root_ok(&[("Action", "CreateGroup"), ("GroupName", "admins")]);
    e.root_ok(&[
        ("Action", "AttachGroupPolicy"),
        ("GroupName", "admins"),
        ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
    ]);
    assert_eq!(
        query_error(&e.iam(&alice, &[("Action", "ListUsers")])).1,
        "AccessDenied"
    );
    e.root_ok(&[
        ("Action", "AddUserToGroup"),
        ("GroupName", "admins"),
        ("UserName", "alice"),
    ]);
    assert_eq!(e.iam(&alice, &[("Action", "ListUsers")]).status, 200);
    let body = e.root_ok(&[("Action", "GetGroup"), ("GroupName", "admins")]);
    assert_eq!(xml_all(&body, "UserName"), vec!["alice"]);
    e.root_ok(&[
        ("Action", "RemoveUserFromGroup"),
        ("GroupName", "admins"),
        ("UserName", "alice"),
    ]);
    assert_eq!(
        query_error(&e.iam(&alice, &[("Action", "ListUsers")])).1,
        "AccessDenied"
    );
}

/// "A permissions boundary ... sets the maximum permissions that an identity-based policy can
/// grant."
#[test]
fn a_permissions_boundary_caps_the_user() {
    let e = Endpoint::new();
    let alice = e.user("alice", Some(ALLOW_ALL));
    e.root_ok(&[
        ("Action", "PutUserPermissionsBoundary"),
        ("UserName", "alice"),
        (
            "PermissionsBoundary",
            "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
        ),
    ]);
    let (_, code, message) = query_error(&e.iam(&alice, &[("Action", "ListUsers")]));
    assert_eq!(code, "AccessDenied");
    assert!(
        message.ends_with("because no permissions boundary allows the iam:ListUsers action"),
        "{message}"
    );
    let body = e.root_ok(&[("Action", "GetUser"), ("UserName", "alice")]);
    assert_eq!(
        xml(&body, "PermissionsBoundaryArn").unwrap(),
        "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"
    );
    e.root_ok(&[
        ("Action", "DeleteUserPermissionsBoundary"),
        ("UserName", "alice"),
    ]);
    assert_eq!(e.iam(&alice, &[("Action", "ListUsers")]).status, 200);
}

/// iam:PermissionsBoundary is in the request context of CreateUser, so an admin can be held
/// to creating only users under a boundary.
#[test]
fn the_permissions_boundary_condition_key_is_in_create_user_context() {
    let e = Endpoint::new();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*",
        "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"}}}]}"#;
    let admin = e.user("admin", Some(policy));
    assert_eq!(
        query_error(&e.iam(&admin, &[("Action", "CreateUser"), ("UserName", "x")])).1,
        "AccessDenied"
    );
    let r = e.iam(
        &admin,
        &[
            ("Action", "CreateUser"),
            ("UserName", "x"),
            (
                "PermissionsBoundary",
                "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
            ),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

/// "aws:ResourceTag/key-name ... Use this key to compare the tag ... attached to the resource"
/// and "aws:RequestTag" for the tags passed in the request.
#[test]
fn resource_and_request_tags_reach_the_conditions() {
    let e = Endpoint::new();
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}},
        {"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}"#;
    let alice = e.user("alice", Some(policy));
    e.root_ok(&[
        ("Action", "CreateUser"),
        ("UserName", "web1"),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "web"),
    ]);
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "db1")]);
    assert_eq!(
        e.iam(&alice, &[("Action", "GetUser"), ("UserName", "web1")])
            .status,
        200
    );
    assert_eq!(
        query_error(&e.iam(&alice, &[("Action", "GetUser"), ("UserName", "db1")])).1,
        "AccessDenied"
    );
    assert_eq!(
        e.iam(
            &alice,
            &[
                ("Action", "TagUser"),
                ("UserName", "db1"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "web")
            ]
        )
        .status,
        200
    );
    assert_eq!(
        e.iam(&alice, &[("Action", "GetUser"), ("UserName", "db1")])
            .status,
        200,
        "the new tag is seen at once"
    );
    assert_eq!(
        query_error(&e.iam(
            &alice,
            &[
                ("Action", "TagUser"),
                ("UserName", "db1"),
                ("Tags.member.1.Key", "owner"),
                ("Tags.member.1.Value", "x")
            ]
        ))
        .1,
        "AccessDenied"
    );
}

/// "The root user ... has complete access to all AWS services and resources in the account."
#[test]
fn the_root_user_may_do_anything() {
    let e = Endpoint::new();
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "a")]);
    e.root_ok(&[("Action", "GetAccountAuthorizationDetails")]);
}

#[test]
fn name_rules_and_missing_members_are_validation_errors() {
    let e = Endpoint::new();
    let (status, code, message) = query_error(&e.iam(
        &e.root,
        &[("Action", "CreateUser"), ("UserName", "bad name!")],
    ));
    assert_eq!((status, code.as_str()), (400, "ValidationError"));
    assert_eq!(message, "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    let (_, code, message) = query_error(&e.iam(&e.root, &[("Action", "CreateUser")]));
    assert_eq!(code, "ValidationError");
    assert!(
        message.contains(
            "Value null at 'userName' failed to satisfy constraint: Member must not be null"
        ),
        "{message}"
    );
    let (_, _, message) = query_error(&e.iam(
        &e.root,
        &[("Action", "CreateUser"), ("UserName", &"a".repeat(65))],
    ));
    assert!(
        message.contains("Member must have length less than or equal to 64"),
        "{message}"
    );
}

#[test]
fn missing_and_duplicate_entities_are_no_such_entity_and_entity_already_exists() {
    let e = Endpoint::new();
    let (status, code, message) =
        query_error(&e.iam(&e.root, &[("Action", "GetUser"), ("UserName", "ghost")]));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            404,
            "NoSuchEntity",
            "The user with name ghost cannot be found."
        )
    );
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "alice")]);
    // IAM names are unique without regard to case.
    let (status, code, message) =
        query_error(&e.iam(&e.root, &[("Action", "CreateUser"), ("UserName", "ALICE")]));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            409,
            "EntityAlreadyExists",
            "User with name ALICE already exists."
        )
    );
    let (_, code, _) =
        query_error(&e.iam(&e.root, &[("Action", "GetRole"), ("RoleName", "ghost")]));
    assert_eq!(code, "NoSuchEntity");
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "AttachUserPolicy"),
            ("UserName", "alice"),
            ("PolicyArn", "arn:aws:iam::aws:policy/NoSuchPolicy"),
        ],
    ));
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "NoSuchEntity",
            "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."
        )
    );
}

/// "You must delete the items attached to the user manually" before DeleteUser: access keys,
/// inline policies, attached policies, group memberships.
#[test]
fn deleting_a_user_with_attachments_is_delete_conflict() {
    let e = Endpoint::new();
    let alice = e.user("alice", Some(ALLOW_ALL));
    let (status, code, message) =
        query_error(&e.iam(&e.root, &[("Action", "DeleteUser"), ("UserName", "alice")]));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            409,
            "DeleteConflict",
            "Cannot delete entity, must delete access keys first."
        )
    );
    e.root_ok(&[
        ("Action", "DeleteAccessKey"),
        ("UserName", "alice"),
        ("AccessKeyId", &alice.key),
    ]);
    let (_, _, message) =
        query_error(&e.iam(&e.root, &[("Action", "DeleteUser"), ("UserName", "alice")]));
    assert_eq!(message, "Cannot delete entity, must delete policies first.");
    e.root_ok(&[
        ("Action", "DeleteUserPolicy"),
        ("UserName", "alice"),
        ("PolicyName", "p"),
    ]);
    e.root_ok(&[("Action", "DeleteUser"), ("UserName", "alice")]);
    // The deleted user's key no longer signs anything.
    assert_eq!(
        query_error(&e.sts(&alice, &[("Action", "GetCallerIdentity")])).1,
        "InvalidClientTokenId"
    );
}

/// "Access keys assigned to an IAM user: 2".
#[test]
fn a_third_access_key_is_limit_exceeded() {
    let e = Endpoint::new();
    e.user("alice", None);
    e.root_ok(&[("Action", "CreateAccessKey"), ("UserName", "alice")]);
    let (status, code, message) = query_error(&e.iam(
        &e.root,
        &[("Action", "CreateAccessKey"), ("UserName", "alice")],
    ));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            409,
            "LimitExceeded",
            "Cannot exceed quota for AccessKeysPerUser: 2"
        )
    );
}

#[test]
fn a_user_manages_their_own_keys_without_naming_themselves() {
    let e = Endpoint::new();
    let alice = e.user(
        "alice",
        Some(&allow(
            "iam:*AccessKey*",
            "arn:aws:iam::123456789012:user/${aws:username}",
        )),
    );
    let body = e.iam(&alice, &[("Action", "ListAccessKeys")]).body;
    assert_eq!(xml_all(&body, "AccessKeyId"), vec![alice.key.clone()]);
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "bob")]);
    assert_eq!(
        query_error(&e.iam(&alice, &[("Action", "ListAccessKeys"), ("UserName", "bob")])).1,
        "AccessDenied"
    );
}

/// IAM refuses a malformed document with MalformedPolicyDocument and its own message.
#[test]
fn malformed_policy_documents_are_refused_with_iam_messages() {
    let e = Endpoint::new();
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "alice")]);
    let cases = [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}"#,
            "Policy statement must contain resources.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            "Policy statement must contain actions.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetUser","Resource":"*"}]}"#,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
    ];
    for (doc, want) in cases {
        let (status, code, message) = query_error(&e.iam(
            &e.root,
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", "alice"),
                ("PolicyName", "p"),
                ("PolicyDocument", doc),
            ],
        ));
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (400, "MalformedPolicyDocument", want)
        );
    }
    let (_, code, _) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "CreatePolicy"),
            ("PolicyName", "p"),
            ("PolicyDocument", "{not json"),
        ],
    ));
    assert_eq!(code, "MalformedPolicyDocument");
    // A trust policy is a resource policy: it must name a principal.
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "r"),
            ("AssumeRolePolicyDocument", ALLOW_ALL),
        ],
    ));
    assert_eq!(code, "MalformedPolicyDocument", "{message}");
}

/// "Inline policy size: user 2,048 characters" for all of a user's inline policies together,
/// and "Managed policy size: 6,144 characters"; whitespace is not counted.
#[test]
fn policy_size_quotas_are_limit_exceeded() {
    let e = Endpoint::new();
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "alice")]);
    let actions: Vec<String> = (0..150).map(|i| format!("\"iam:GetUser{i}\"")).collect();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert!(big.len() > 2048 && big.len() < 6144);
    let (status, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "alice"),
            ("PolicyName", "p"),
            ("PolicyDocument", &big),
        ],
    ));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            409,
            "LimitExceeded",
            "Maximum policy size of 2048 bytes exceeded for user alice"
        )
    );
    assert_eq!(
        e.iam(
            &e.root,
            &[
                ("Action", "CreatePolicy"),
                ("PolicyName", "big"),
                ("PolicyDocument", &big)
            ]
        )
        .status,
        200
    );
    let spaced = big.replace(',', &format!(",{}", " ".repeat(40)));
    assert!(spaced.len() > 6144);
    assert_eq!(
        e.iam(
            &e.root,
            &[
                ("Action", "CreatePolicy"),
                ("PolicyName", "spaced"),
                ("PolicyDocument", &spaced)
            ]
        )
        .status,
        200,
        "whitespace does not count"
    );
    let huge = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        (0..400)
            .map(|i| format!("\"iam:GetUser{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "CreatePolicy"),
            ("PolicyName", "huge"),
            ("PolicyDocument", &huge),
        ],
    ));
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
    );
}

/// "You can have up to five versions"; "you cannot delete the default version"; changing the
/// default version changes what the policy grants at once.
#[test]
fn managed_policy_versions_follow_iam_rules() {
    let e = Endpoint::new();
    let body = e.root_ok(&[
        ("Action", "CreatePolicy"),
        ("PolicyName", "ops"),
        ("PolicyDocument", &allow("iam:ListUsers", "*")),
    ]);
    let arn = xml(&body, "Arn").unwrap();
    assert_eq!(arn, "arn:aws:iam::123456789012:policy/ops");
    let alice = e.user("alice", None);
    e.root_ok(&[
        ("Action", "AttachUserPolicy"),
        ("UserName", "alice"),
        ("PolicyArn", &arn),
    ]);
    assert_eq!(e.iam(&alice, &[("Action", "ListUsers")]).status, 200);
    let body = e.root_ok(&[
        ("Action", "CreatePolicyVersion"),
        ("PolicyArn", &arn),
        ("PolicyDocument", &allow("iam:ListGroups", "*")),
        ("SetAsDefault", "true"),
    ]);
    assert_eq!(xml(&body, "VersionId").unwrap(), "v2");
    assert_eq!(
        query_error(&e.iam(&alice, &[("Action", "ListUsers")])).1,
        "AccessDenied",
        "v2 no longer grants ListUsers"
    );
    assert_eq!(e.iam(&alice, &[("Action", "ListGroups")]).status, 200);
    for _ in 3..=5 {
        e.root_ok(&[
            ("Action", "CreatePolicyVersion"),
            ("PolicyArn", &arn),
            ("PolicyDocument", &allow("iam:ListGroups", "*")),
        ]);
    }
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "CreatePolicyVersion"),
            ("PolicyArn", &arn),
            ("PolicyDocument", &allow("iam:ListGroups", "*")),
        ],
    ));
    assert_eq!(code, "LimitExceeded", "{message}");
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "DeletePolicyVersion"),
            ("PolicyArn", &arn),
            ("VersionId", "v2"),
        ],
    ));
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "DeleteConflict",
            "Cannot delete the default version of a policy."
        )
    );
    e.root_ok(&[
        ("Action", "SetDefaultPolicyVersion"),
        ("PolicyArn", &arn),
        ("VersionId", "v1"),
    ]);
    assert_eq!(
        e.iam(&alice, &[("Action", "ListUsers")]).status,
        200,
        "back to v1"
    );
    let body = e.root_ok(&[("Action", "ListPolicyVersions"), ("PolicyArn", &arn)]);
    assert_eq!(
        xml_all(&body, "VersionId"),
        vec!["v5", "v4", "v3", "v2", "v1"]
    );
    let (_, code, _) =
        query_error(&e.iam(&e.root, &[("Action", "DeletePolicy"), ("PolicyArn", &arn)]));
    assert_eq!(code, "DeleteConflict", "attached");
}

#[test]
fn aws_managed_policies_come_from_the_catalog() {
    let e = Endpoint::new();
    let body = e.root_ok(&[
        ("Action", "GetPolicy"),
        (
            "PolicyArn",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ),
    ]);
    assert_eq!(
        xml(&body, "PolicyName").unwrap(),
        "AmazonSSMManagedInstanceCore"
    );
    let version = xml(&body, "DefaultVersionId").unwrap();
    let body = e.root_ok(&[
        ("Action", "GetPolicyVersion"),
        (
            "PolicyArn",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ),
        ("VersionId", &version),
    ]);
    let doc = percent_encoding::percent_decode_str(&xml(&body, "Document").unwrap())
        .decode_utf8()
        .unwrap()
        .into_owned();
    assert!(doc.contains("ssmmessages:CreateControlChannel"), "{doc}");
    let body = e.root_ok(&[("Action", "ListPolicies"), ("Scope", "AWS")]);
    assert!(xml_all(&body, "PolicyName").len() >= 10);
}

#[test]
fn lists_are_paginated_with_marker_and_max_items() {
    let e = Endpoint::new();
    for i in 0..5 {
        e.root_ok(&[("Action", "CreateUser"), ("UserName", &format!("u{i}"))]);
    }
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = vec![("Action", "ListUsers"), ("MaxItems", "2")];
        if let Some(m) = &marker {
            params.push(("Marker", m));
        }
        let body = e.root_ok(&params);
        names.extend(xml_all(&body, "UserName"));
        pages += 1;
        if xml(&body, "IsTruncated").unwrap() == "false" {
            break;
        }
        marker = xml(&body, "Marker");
    }
    assert_eq!(pages, 3);
    assert_eq!(names, vec!["u0", "u1", "u2", "u3", "u4"]);
}

#[test]
fn account_authorization_details_hold_every_entity_and_document() {
    let e = Endpoint::new();
    e.user("alice", Some(ALLOW_ALL));
    e.root_ok(&[("Action", "CreateGroup"), ("GroupName", "g")]);
    e.root_ok(&[
        ("Action", "AddUserToGroup"),
        ("GroupName", "g"),
        ("UserName", "alice"),
    ]);
    e.root_ok(&[("Action", "CreateRole"), ("RoleName", "r"), ("AssumeRolePolicyDocument",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)]);
    e.root_ok(&[
        ("Action", "AttachRolePolicy"),
        ("RoleName", "r"),
        (
            "PolicyArn",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ),
    ]);
    let body = e.root_ok(&[("Action", "GetAccountAuthorizationDetails")]);
    assert_eq!(xml_all(&body, "UserName"), vec!["alice"]);
    assert!(
        body.contains("<GroupList><member>g</member></GroupList>"),
        "{body}"
    );
    assert!(xml_all(&body, "PolicyName").contains(&"AmazonSSMManagedInstanceCore".to_string()));
    // The dump reads back as the account `ssmgate check --account` takes.
    let account = e.svc.account().unwrap();
    assert_eq!(account.roles.len(), 1);
    assert_eq!(account.user("alice").unwrap().groups, vec!["g"]);
}

#[test]
fn the_simulators_answer_as_the_cli_does() {
    let e = Endpoint::new();
    let body = e.root_ok(&[
        ("Action", "SimulateCustomPolicy"),
        ("PolicyInputList.member.1", &allow("ssm:SendCommand", "*")),
        ("ActionNames.member.1", "ssm:SendCommand"),
        ("ActionNames.member.2", "ssm:StartSession"),
    ]);
    assert_eq!(
        xml_all(&body, "EvalDecision"),
        vec!["allowed", "implicitDeny"]
    );
    assert_eq!(xml(&body, "Line").unwrap(), "1");
    e.user("alice", Some(&allow("iam:GetUser", "*")));
    let body = e.root_ok(&[
        ("Action", "SimulatePrincipalPolicy"),
        ("PolicySourceArn", "arn:aws:iam::123456789012:user/alice"),
        ("ActionNames.member.1", "iam:GetUser"),
        ("ActionNames.member.2", "iam:DeleteUser"),
    ]);
    assert_eq!(
        xml_all(&body, "EvalDecision"),
        vec!["allowed", "implicitDeny"]
    );
    assert_eq!(xml(&body, "SourcePolicyId").unwrap(), "p");
}

#[test]
fn roles_carry_trust_policies_tags_and_updates() {
    let e = Endpoint::new();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
    e.root_ok(&[
        ("Action", "CreateRole"),
        ("RoleName", "ops"),
        ("AssumeRolePolicyDocument", trust),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "sre"),
    ]);
    let body = e.root_ok(&[("Action", "GetRole"), ("RoleName", "ops")]);
    let doc =
        percent_encoding::percent_decode_str(&xml(&body, "AssumeRolePolicyDocument").unwrap())
            .decode_utf8()
            .unwrap()
            .into_owned();
    assert_eq!(doc, trust);
    assert_eq!(xml(&body, "Value").unwrap(), "sre");
    e.root_ok(&[
        ("Action", "UntagRole"),
        ("RoleName", "ops"),
        ("TagKeys.member.1", "team"),
    ]);
    assert!(xml(
        &e.root_ok(&[("Action", "ListRoleTags"), ("RoleName", "ops")]),
        "Key"
    )
    .is_none());
    let (_, code, _) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "UpdateAssumeRolePolicy"),
            ("RoleName", "ops"),
            ("PolicyDocument", "{}"),
        ],
    ));
    assert_eq!(code, "MalformedPolicyDocument");
}

#[test]
fn an_operation_ssmgate_does_not_implement_says_so() {
    let e = Endpoint::new();
    let (status, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "CreateLoginProfile"),
            ("UserName", "x"),
            ("Password", "p"),
        ],
    ));
    assert_eq!((status, code.as_str()), (400, "InvalidAction"));
    assert!(message.contains("CreateLoginProfile"), "{message}");
    let (_, code, _) = query_error(&e.iam(&e.root, &[("Action", "NoSuchThing")]));
    assert_eq!(code, "InvalidAction");
}

/// Every SSM operation of botocore's model reaches the dispatcher and answers in the JSON
/// protocol: the built ones with their result or error, the others with
/// UnknownOperationException, never a Query-shaped or 5xx answer.
#[test]
fn every_ssm_operation_answers_in_the_json_protocol() {
    let e = Endpoint::new();
    let ops: Vec<String> = ssmgate_server::model::ssm()
        .operation_names()
        .map(str::to_string)
        .collect();
    assert!(ops.len() > 140);
    let built = [
        "DescribeInstanceInformation",
        "DescribeInstanceProperties",
        "GetConnectionStatus",
        "AddTagsToResource",
        "RemoveTagsFromResource",
        "ListTagsForResource",
        "CreateActivation",
        "DescribeActivations",
        "DeleteActivation",
        "CreateDocument",
        "GetDocument",
        "DescribeDocument",
        "UpdateDocument",
        "UpdateDocumentDefaultVersion",
        "DeleteDocument",
        "ListDocuments",
        "ListDocumentVersions",
        "SendCommand",
        "ListCommands",
        "ListCommandInvocations",
        "GetCommandInvocation",
        "CancelCommand",
        "StartSession",
        "ResumeSession",
        "TerminateSession",
        "DescribeSessions",
        "StartAutomationExecution",
        "StopAutomationExecution",
        "GetAutomationExecution",
        "DescribeAutomationExecutions",
    ];
    for op in &ops {
        let r = e.ssm(&e.root, op, "{}");
        assert_eq!(r.content_type, "application/x-amz-json-1.1");
        assert!(
            r.status == 200 || r.status == 400,
            "{op}: {} {}",
            r.status,
            r.body
        );
        let code = if r.status == 400 {
            harness::json_error(&r).1
        } else {
            String::new()
        };
        if built.contains(&op.as_str()) {
            assert_ne!(code, "UnknownOperationException", "{op} is built");
        } else {
            assert!(
                code == "UnknownOperationException" || code == "ValidationException",
                "{op}: {code}"
            );
        }
    }
    let (_, code, message) = harness::json_error(&e.ssm(&e.root, "SendCommand", "{"));
    assert_eq!(code, "SerializationException", "{message}");
    let (_, code, message) = harness::json_error(&e.ssm(&e.root, "SendCommand", "{}"));
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("Value null at 'documentName'"),
        "{message}"
    );
}

/// "Managed policies attached to an IAM user: 10" and "Groups an IAM user can be a member of:
/// 10" (IAM quotas); re-attaching an attached policy is not a new attachment.
#[test]
fn attachments_and_memberships_are_limited_to_ten() {
    let e = Endpoint::new();
    e.root_ok(&[("Action", "CreateUser"), ("UserName", "alice")]);
    for i in 0..11 {
        let name = format!("p{i}");
        e.root_ok(&[
            ("Action", "CreatePolicy"),
            ("PolicyName", &name),
            ("PolicyDocument", &allow("iam:GetUser", "*")),
        ]);
        e.root_ok(&[("Action", "CreateGroup"), ("GroupName", &format!("g{i}"))]);
    }
    for i in 0..10 {
        e.root_ok(&[
            ("Action", "AttachUserPolicy"),
            ("UserName", "alice"),
            (
                "PolicyArn",
                &format!("arn:aws:iam::123456789012:policy/p{i}"),
            ),
        ]);
        e.root_ok(&[
            ("Action", "AddUserToGroup"),
            ("UserName", "alice"),
            ("GroupName", &format!("g{i}")),
        ]);
    }
    e.root_ok(&[
        ("Action", "AttachUserPolicy"),
        ("UserName", "alice"),
        ("PolicyArn", "arn:aws:iam::123456789012:policy/p0"),
    ]);
    let (status, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "AttachUserPolicy"),
            ("UserName", "alice"),
            ("PolicyArn", "arn:aws:iam::123456789012:policy/p10"),
        ],
    ));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            409,
            "LimitExceeded",
            "Cannot exceed quota for PoliciesPerUser: 10"
        )
    );
    let (_, code, message) = query_error(&e.iam(
        &e.root,
        &[
            ("Action", "AddUserToGroup"),
            ("UserName", "alice"),
            ("GroupName", "g10"),
        ],
    ));
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10")
    );
}
