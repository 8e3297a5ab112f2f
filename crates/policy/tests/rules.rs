//! One test per documented AWS rule, each quoting the IAM User Guide sentence it implements.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_policy::{
    CompiledPolicy, Context, Decision, ErrorKind, PolicyKind, PolicySet, PolicySource, Request,
};

fn compile(policy: &str) -> CompiledPolicy {
    CompiledPolicy::from_text(policy, PolicyKind::Identity, PolicySource::new("p", "none"))
        .unwrap_or_else(|e| panic!("policy should be valid: {e:?}"))
}

fn ctx(pairs: &[(&str, &str)]) -> Context {
    let mut c = Context::new();
    for (k, v) in pairs {
        c.set(k, *v);
    }
    c
}

fn decide_in(policy: &str, action: &str, resource: &str, c: &Context) -> Decision {
    PolicySet::identity(vec![compile(policy)])
        .evaluate(&Request::new(action, resource, c))
        .decision
}

fn decide(policy: &str, action: &str, resource: &str, pairs: &[(&str, &str)]) -> Decision {
    decide_in(policy, action, resource, &ctx(pairs))
}

/// A 2012-10-17 Allow statement with the given action, resource and condition JSON.
fn allow(action: &str, resource: &str, condition: &str) -> String {
    let cond = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"{cond}}}]}}"#
    )
}

/// Whether a condition passes: an Allow on everything with only that condition.
fn cond(condition: &str, pairs: &[(&str, &str)]) -> bool {
    decide(&allow("*", "*", condition), "s3:GetObject", "*", pairs) == Decision::Allowed
}

fn cond_ctx(condition: &str, c: &Context) -> bool {
    decide_in(&allow("*", "*", condition), "s3:GetObject", "*", c) == Decision::Allowed
}

fn errors(policy: &str) -> Vec<ErrorKind> {
    match CompiledPolicy::from_text(policy, PolicyKind::Identity, PolicySource::new("p", "none")) {
        Ok(_) => Vec::new(),
        Err(es) => es.into_iter().map(|e| e.kind).collect(),
    }
}

const ALLOWED: Decision = Decision::Allowed;
const IMPLICIT: Decision = Decision::ImplicitDeny;
const EXPLICIT: Decision = Decision::ExplicitDeny;

// ---------------------------------------------------------------- actions

/// "The prefix and the action name are case insensitive. For example, iam:ListAccessKeys is
/// the same as IAM:listaccesskeys."
#[test]
fn action_prefix_and_name_are_case_insensitive() {
    let p = allow("IAM:listaccesskeys", "*", "");
    assert_eq!(decide(&p, "iam:ListAccessKeys", "*", &[]), ALLOWED);
    assert_eq!(
        decide(
            &allow("ssm:SendCommand", "*", ""),
            "SSM:SENDCOMMAND",
            "*",
            &[]
        ),
        ALLOWED
    );
}

/// Actions take the multi-character wildcard (*) and the single-character wildcard (?).
#[test]
fn action_wildcards_star_and_question_mark() {
    let p = allow("ssm:Describe*", "*", "");
    assert_eq!(decide(&p, "ssm:DescribeSessions", "*", &[]), ALLOWED);
    assert_eq!(decide(&p, "ssm:ListDocuments", "*", &[]), IMPLICIT);
    let q = allow("ssm:?etDocument", "*", "");
    assert_eq!(decide(&q, "ssm:GetDocument", "*", &[]), ALLOWED);
    assert_eq!(decide(&q, "ssm:GetDocuments", "*", &[]), IMPLICIT);
    assert_eq!(
        decide(&allow("*", "*", ""), "ec2:DescribeInstances", "*", &[]),
        ALLOWED
    );
}

/// Actions with whitespace or commas ("s3:GetObject,PutObject", a trailing space) match nothing.
#[test]
fn malformed_action_names_match_nothing() {
    let p = allow("ssm:DescribeAutomationExecutions ", "*", "");
    assert_eq!(
        decide(&p, "ssm:DescribeAutomationExecutions", "*", &[]),
        IMPLICIT
    );
    let c = allow("s3:GetObject,PutObject", "*", "");
    assert_eq!(decide(&c, "s3:GetObject", "*", &[]), IMPLICIT);
}

/// NotAction "matches every action except those specified"; with Allow it grants everything
/// else on the listed resources.
#[test]
fn not_action_matches_every_other_action() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#;
    assert_eq!(decide(p, "ssm:SendCommand", "*", &[]), ALLOWED);
    assert_eq!(decide(p, "iam:CreateUser", "*", &[]), IMPLICIT);
    let d = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"ssm:Get*","Resource":"*"}]}"#;
    assert_eq!(decide(d, "ssm:GetDocument", "*", &[]), ALLOWED);
    assert_eq!(decide(d, "ssm:SendCommand", "*", &[]), EXPLICIT);
}

// ---------------------------------------------------------------- resources

/// "The asterisk (*) character can expand to replace everything within a segment, including
/// characters like a forward slash (/)".
#[test]
fn resource_star_crosses_slashes_within_a_segment() {
    let p = allow("s3:GetObject", "arn:aws:s3:::bucket/*", "");
    assert_eq!(
        decide(&p, "s3:GetObject", "arn:aws:s3:::bucket/a/b/c.txt", &[]),
        ALLOWED
    );
}

/// `*` matches the empty string: `arn:aws:ssm:*:*:document/*` matches AWS-owned documents,
/// whose ARNs have no account; `arn:aws:ssm:*::document/X` does not match a document that
/// has one.
#[test]
fn resource_star_matches_an_empty_account() {
    let any = allow("ssm:SendCommand", "arn:aws:ssm:*:*:document/*", "");
    assert_eq!(
        decide(
            &any,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            &[]
        ),
        ALLOWED
    );
    let none = allow("ssm:SendCommand", "arn:aws:ssm:*::document/X", "");
    assert_eq!(
        decide(
            &none,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1:123456789012:document/X",
            &[]
        ),
        IMPLICIT
    );
    assert_eq!(
        decide(
            &none,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1::document/X",
            &[]
        ),
        ALLOWED
    );
}

/// "Each of the six colon-delimited components of the ARN is checked separately".
#[test]
fn resource_arns_are_matched_segment_by_segment() {
    let p = allow("ssm:SendCommand", "arn:aws:ssm:us-east-1:*:", "");
    // The account part's `*` does not reach into the (empty) resource part.
    assert_eq!(
        decide(
            &p,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1:1:document/x",
            &[]
        ),
        IMPLICIT
    );
    let q = allow("ssm:SendCommand", "arn:aws:ssm:us-*-1:*:*", "");
    assert_eq!(
        decide(
            &q,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1:1:document/x",
            &[]
        ),
        ALLOWED
    );
}

/// ARN operators and resources are "Case-sensitive matching of the ARN".
#[test]
fn resource_arns_are_case_sensitive() {
    let p = allow("ssm:StartSession", "arn:aws:ec2:*:*:instance/i-0ABC", "");
    assert_eq!(
        decide(
            &p,
            "ssm:StartSession",
            "arn:aws:ec2:us-east-1:1:instance/i-0abc",
            &[]
        ),
        IMPLICIT
    );
}

/// NotResource: the statement applies to every resource except those listed.
#[test]
fn not_resource_matches_every_other_resource() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ssm:*","NotResource":"arn:aws:ssm:*:*:document/AWS-RunShellScript"}}"#;
    assert_eq!(
        decide(
            p,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            &[]
        ),
        IMPLICIT
    );
    assert_eq!(
        decide(
            p,
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript",
            &[]
        ),
        ALLOWED
    );
}

// ---------------------------------------------------------------- evaluation logic

/// "An explicit deny in any policy overrides any allows."
#[test]
fn explicit_deny_overrides_allow_regardless_of_statement_order() {
    for (a, b) in [("Allow", "Deny"), ("Deny", "Allow")] {
        let p = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{a}","Action":"ssm:*","Resource":"*"}},{{"Effect":"{b}","Action":"ssm:*","Resource":"*"}}]}}"#
        );
        assert_eq!(decide(&p, "ssm:SendCommand", "*", &[]), EXPLICIT);
    }
}

/// "By default, all requests are implicitly denied".
#[test]
fn requests_are_implicitly_denied_by_default() {
    let p = allow("ssm:GetDocument", "*", "");
    assert_eq!(decide(&p, "ssm:SendCommand", "*", &[]), IMPLICIT);
    assert_eq!(
        PolicySet::default()
            .evaluate(&Request::new("ssm:X", "*", &Context::new()))
            .decision,
        IMPLICIT
    );
}

/// "Effective permissions are the intersection of boundary and identity policies"; SCPs and
/// session policies also only take away.
#[test]
fn boundary_scp_and_session_policies_only_take_away() {
    let c = Context::new();
    let req = Request::new("ssm:SendCommand", "*", &c);
    let all = compile(&allow("*", "*", ""));
    let ssm_get = compile(&allow("ssm:Get*", "*", ""));
    let mut set = PolicySet::identity(vec![all.clone()]);
    assert_eq!(set.evaluate(&req).decision, ALLOWED);
    set.boundary = vec![ssm_get.clone()];
    assert_eq!(
        set.evaluate(&req).denied_by,
        Some(ssmgate_policy::PolicyType::PermissionsBoundary)
    );
    set.boundary = vec![all.clone()];
    set.session = vec![ssm_get.clone()];
    assert_eq!(
        set.evaluate(&req).denied_by,
        Some(ssmgate_policy::PolicyType::Session)
    );
    set.session = vec![];
    set.scp_levels = vec![vec![all.clone()], vec![ssm_get]];
    assert_eq!(
        set.evaluate(&req).denied_by,
        Some(ssmgate_policy::PolicyType::ServiceControl)
    );
    set.scp_levels = vec![vec![all.clone()], vec![all]];
    assert_eq!(set.evaluate(&req).decision, ALLOWED);
}

// ---------------------------------------------------------------- conditions: structure

/// Multiple operators → AND; multiple keys under one operator → AND; multiple values → OR.
#[test]
fn condition_and_across_operators_and_keys_or_across_values() {
    let c = r#"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"],"aws:PrincipalTag/env":"prod"},"Bool":{"aws:SecureTransport":"true"}}"#;
    let ok = [
        ("aws:PrincipalTag/team", "blue"),
        ("aws:PrincipalTag/env", "prod"),
        ("aws:SecureTransport", "true"),
    ];
    assert!(cond(c, &ok));
    assert!(!cond(
        c,
        &[("aws:PrincipalTag/team", "green"), ok[1], ok[2]]
    ));
    assert!(!cond(c, &[ok[0], ("aws:PrincipalTag/env", "dev"), ok[2]]));
    assert!(!cond(c, &[ok[0], ok[1], ("aws:SecureTransport", "false")]));
}

/// "If a single negated matching condition operator includes multiple values for a context
/// key, those values are evaluated using a logical NOR."
#[test]
fn negated_operators_are_nor_over_values() {
    let c = r#"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#;
    assert!(cond(c, &[("aws:PrincipalTag/team", "green")]));
    assert!(!cond(c, &[("aws:PrincipalTag/team", "red")]));
    assert!(!cond(c, &[("aws:PrincipalTag/team", "blue")]));
}

/// "If the key that you specify in a policy condition is not present in the request context,
/// the values do not match and the condition is false. If the policy condition requires that
/// the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not
/// present, the condition is true."
#[test]
fn missing_key_is_false_but_true_for_negated_operators() {
    for (op, expected) in [
        ("StringEquals", false),
        ("StringNotEquals", true),
        ("StringLike", false),
        ("StringNotLike", true),
        ("StringEqualsIgnoreCase", false),
        ("StringNotEqualsIgnoreCase", true),
        ("NumericEquals", false),
        ("NumericNotEquals", true),
        ("NumericLessThan", false),
        ("DateEquals", false),
        ("DateNotEquals", true),
        ("DateGreaterThan", false),
        ("Bool", false),
        ("BinaryEquals", false),
        ("IpAddress", false),
        ("NotIpAddress", true),
        ("ArnEquals", false),
        ("ArnLike", false),
        ("ArnNotEquals", true),
        ("ArnNotLike", true),
    ] {
        let c = format!(r#"{{"{op}":{{"aws:SomeKey":"1"}}}}"#);
        assert_eq!(cond(&c, &[]), expected, "{op}");
    }
}

/// "If the key is not present, evaluate the condition element as true" for ...IfExists; and
/// with a negated IfExists operator in a Deny "the request is still denied even if the tag is
/// missing".
#[test]
fn if_exists_is_true_when_the_key_is_missing() {
    assert!(cond(r#"{"StringEqualsIfExists":{"aws:SomeKey":"x"}}"#, &[]));
    assert!(!cond(
        r#"{"StringEqualsIfExists":{"aws:SomeKey":"x"}}"#,
        &[("aws:SomeKey", "y")]
    ));
    assert!(cond(
        r#"{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#,
        &[]
    ));
    assert!(!cond(
        r#"{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#,
        &[("ssm:SessionDocumentAccessCheck", "false")]
    ));
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceTag/team":"red"}}}]}"#;
    assert_eq!(decide(deny, "ssm:SendCommand", "*", &[]), EXPLICIT);
    assert_eq!(
        decide(
            deny,
            "ssm:SendCommand",
            "*",
            &[("aws:ResourceTag/team", "red")]
        ),
        ALLOWED
    );
}

/// "Condition key names are not case-sensitive"; the tag-key part too: aws:ResourceTag/TagKey1
/// "matches a resource tag key named either TagKey1 or tagkey1".
#[test]
fn condition_key_names_are_case_insensitive() {
    assert!(cond(
        r#"{"IpAddress":{"aws:SourceIP":"10.0.0.0/8"}}"#,
        &[("AWS:SourceIp", "10.1.2.3")]
    ));
    assert!(cond(
        r#"{"StringEquals":{"ssm:resourceTag/Finance":"WebServers"}}"#,
        &[("ssm:ResourceTag/finance", "WebServers")]
    ));
}

// ---------------------------------------------------------------- conditions: operators

/// String operators: StringEquals "Exact matching, case sensitive"; IgnoreCase variants;
/// StringLike with `*` and `?` "anywhere in the string"; no wildcards in StringEquals.
#[test]
fn string_operators_table() {
    let k = "aws:PrincipalTag/x";
    for (op, policy, request, expected) in [
        ("StringEquals", "Abc", "Abc", true),
        ("StringEquals", "Abc", "abc", false),
        ("StringEquals", "a*", "abc", false),
        ("StringEquals", "a*", "a*", true),
        ("StringNotEquals", "Abc", "abc", true),
        ("StringEqualsIgnoreCase", "Abc", "aBC", true),
        ("StringNotEqualsIgnoreCase", "Abc", "aBC", false),
        ("StringLike", "a*c", "abbc", true),
        ("StringLike", "a?c", "abc", true),
        ("StringLike", "a?c", "ac", false),
        ("StringLike", "A*", "abc", false),
        ("StringNotLike", "a*", "abc", false),
        ("StringNotLike", "a*", "xbc", true),
    ] {
        let c = format!(r#"{{"{op}":{{"{k}":"{policy}"}}}}"#);
        assert_eq!(
            cond(&c, &[(k, request)]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
}

/// Numeric operators compare integers or decimals; a value that is not a number never matches.
#[test]
fn numeric_operators_table() {
    let k = "s3:max-keys";
    for (op, policy, request, expected) in [
        ("NumericEquals", "10", "10", true),
        ("NumericEquals", "10", "10.0", true),
        ("NumericNotEquals", "10", "11", true),
        ("NumericLessThan", "10", "9.5", true),
        ("NumericLessThan", "10", "10", false),
        ("NumericLessThanEquals", "10", "10", true),
        ("NumericGreaterThan", "10", "11", true),
        ("NumericGreaterThan", "10", "10", false),
        ("NumericGreaterThanEquals", "10", "10", true),
        ("NumericEquals", "10", "ten", false),
    ] {
        let c = format!(r#"{{"{op}":{{"{k}":"{policy}"}}}}"#);
        assert_eq!(
            cond(&c, &[(k, request)]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
    // JSON numbers are accepted as policy values.
    assert!(cond(
        r#"{"NumericLessThanEquals":{"s3:max-keys":10}}"#,
        &[(k, "3")]
    ));
}

/// "You must specify date/time values with one of the W3C implementations of the ISO 8601
/// date formats or in epoch (UNIX) time." Policy and request may use either form.
#[test]
fn date_operators_accept_iso_8601_and_epoch_seconds() {
    let k = "aws:CurrentTime";
    for (op, policy, request, expected) in [
        (
            "DateGreaterThan",
            "2018-08-16T12:00:00Z",
            "2019-04-25T11:00:00Z",
            true,
        ),
        (
            "DateGreaterThan",
            "2018-08-16T12:00:00Z",
            "2018-08-16T12:00:00Z",
            false,
        ),
        (
            "DateGreaterThanEquals",
            "2018-08-16T12:00:00Z",
            "1534420800",
            true,
        ),
        ("DateLessThan", "1534420800", "2018-08-16T11:59:59Z", true),
        (
            "DateLessThanEquals",
            "1534420800",
            "2018-08-16T14:00:00+02:00",
            true,
        ),
        ("DateEquals", "2018-08-16", "2018-08-16T00:00:00Z", true),
        ("DateNotEquals", "2018-08-16", "2018-08-17", true),
        ("DateEquals", "not a date", "2018-08-16", false),
    ] {
        let c = format!(r#"{{"{op}":{{"{k}":"{policy}"}}}}"#);
        assert_eq!(
            cond(&c, &[(k, request)]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
}

/// Bool compares against true/false; BinaryEquals "compares the value of the specified key
/// byte for byte against a base-64 encoded representation of the binary value in the policy".
#[test]
fn bool_and_binary_operators() {
    assert!(cond(
        r#"{"Bool":{"aws:SecureTransport":true}}"#,
        &[("aws:SecureTransport", "true")]
    ));
    assert!(cond(
        r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
        &[("aws:SecureTransport", "false")]
    ));
    assert!(!cond(
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        &[("aws:SecureTransport", "yes")]
    ));
    assert!(cond(
        r#"{"BinaryEquals":{"aws:SomeBinary":"QmluYXJ5VmFsdWU="}}"#,
        &[("aws:SomeBinary", "QmluYXJ5VmFsdWU=")]
    ));
    assert!(!cond(
        r#"{"BinaryEquals":{"aws:SomeBinary":"QmluYXJ5VmFsdWU="}}"#,
        &[("aws:SomeBinary", "b3RoZXI=")]
    ));
}

/// IP operators take "standard CIDR format (for example, 203.0.113.0/24 or
/// 2001:DB8:1234:5678::/64)"; a bare address is /32; IPv4 and IPv6 can be mixed.
#[test]
fn ip_operators_with_ipv4_and_ipv6_cidr() {
    let c = r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64","198.51.100.7"]}}"#;
    assert!(cond(c, &[("aws:SourceIp", "203.0.113.9")]));
    assert!(cond(c, &[("aws:SourceIp", "2001:db8:1234:5678::abcd")]));
    assert!(cond(c, &[("aws:SourceIp", "198.51.100.7")]));
    assert!(!cond(c, &[("aws:SourceIp", "198.51.100.8")]));
    assert!(!cond(c, &[("aws:SourceIp", "2001:db8:1234:5679::1")]));
    let n = r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#;
    assert!(!cond(n, &[("aws:SourceIp", "203.0.113.9")]));
    assert!(cond(n, &[("aws:SourceIp", "192.0.2.1")]));
}

/// "ArnEquals, ArnLike: Case-sensitive matching of the ARN. Each of the six colon-delimited
/// components of the ARN is checked separately ... ArnEquals and ArnLike behave identically".
#[test]
fn arn_operators_match_per_component_and_equals_is_like() {
    let k = "aws:SourceArn";
    let v =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    for op in ["ArnEquals", "ArnLike"] {
        let c = format!(r#"{{"{op}":{{"{k}":"arn:aws:someservice:*:111122223333:finance/*"}}}}"#);
        assert!(!cond(&c, &[(k, v)]), "{op}");
        let c = format!(r#"{{"{op}":{{"{k}":"arn:aws:someservice:*:999999999999:store/*"}}}}"#);
        assert!(cond(&c, &[(k, v)]), "{op}");
    }
    // The same pattern with StringLike crosses colons.
    assert!(cond(
        r#"{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
        &[(k, v)]
    ));
    assert!(cond(
        r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/x"}}"#,
        &[(k, v)]
    ));
}

/// Null: "use either true (the key doesn't exist — it is null) or false (the key exists and
/// its value is not null)".
#[test]
fn null_tests_whether_the_key_exists() {
    assert!(cond(r#"{"Null":{"aws:TokenIssueTime":"true"}}"#, &[]));
    assert!(!cond(
        r#"{"Null":{"aws:TokenIssueTime":"true"}}"#,
        &[("aws:TokenIssueTime", "2020-01-01T00:00:00Z")]
    ));
    assert!(cond(
        r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
        &[("aws:TokenIssueTime", "2020-01-01T00:00:00Z")]
    ));
    assert!(!cond(r#"{"Null":{"aws:TokenIssueTime":"false"}}"#, &[]));
}

// ---------------------------------------------------------------- set operators

fn tags(list: &[&str]) -> Context {
    let mut c = Context::new();
    c.set_list("aws:TagKeys", list.iter().copied());
    c
}

/// ForAllValues: "The condition returns true if every key value in the request matches at
/// least one value in the policy. It also returns true if there are no keys in the request,
/// or if the key values resolve to a null data set, such as an empty string."
#[test]
fn for_all_values_is_true_when_every_value_matches_or_none_exist() {
    let c = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#;
    assert!(cond_ctx(c, &tags(&["env"])));
    assert!(cond_ctx(c, &tags(&["env", "team"])));
    assert!(!cond_ctx(c, &tags(&["env", "owner"])));
    assert!(cond_ctx(c, &tags(&[])));
    assert!(cond_ctx(c, &Context::new()));
}

/// ForAnyValue: "For no matching key or a null dataset, the condition returns false."
#[test]
fn for_any_value_is_false_when_no_value_matches_or_none_exist() {
    let c = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#;
    assert!(cond_ctx(c, &tags(&["owner", "team"])));
    assert!(!cond_ctx(c, &tags(&["owner"])));
    assert!(!cond_ctx(c, &tags(&[])));
    assert!(!cond_ctx(c, &Context::new()));
}

/// A negated operator under a set qualifier applies the NOR to each request value:
/// ForAllValues:StringNotEquals means no request value is in the list.
#[test]
fn negated_operators_under_set_qualifiers_apply_to_each_value() {
    let all = r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}"#;
    assert!(cond_ctx(all, &tags(&["env", "team"])));
    assert!(!cond_ctx(all, &tags(&["env", "secret"])));
    assert!(cond_ctx(all, &Context::new()));
    let any = r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["secret"]}}"#;
    assert!(cond_ctx(any, &tags(&["secret", "env"])));
    assert!(!cond_ctx(any, &tags(&["secret"])));
    assert!(!cond_ctx(any, &Context::new()));
}

/// "The difference between single-valued and multivalued condition keys depends on the number
/// of values in the request context": a plain operator needs a single value.
#[test]
fn plain_operators_do_not_match_several_values() {
    let c = r#"{"StringEquals":{"aws:TagKeys":"env"}}"#;
    assert!(cond_ctx(c, &tags(&["env"])));
    assert!(!cond_ctx(c, &tags(&["env", "team"])));
}

// ---------------------------------------------------------------- variables

/// "You can use policy variables in the Resource element and in string comparisons in the
/// Condition element."
#[test]
fn variables_substitute_in_resource_and_string_conditions() {
    let p = allow(
        "ssm:TerminateSession",
        "arn:aws:ssm:*:*:session/${aws:username}-*",
        "",
    );
    let r = "arn:aws:ssm:us-east-1:123456789012:session/alice-0a1b2c";
    assert_eq!(
        decide(&p, "ssm:TerminateSession", r, &[("aws:username", "alice")]),
        ALLOWED
    );
    assert_eq!(
        decide(&p, "ssm:TerminateSession", r, &[("aws:username", "bob")]),
        IMPLICIT
    );
    let c = r#"{"StringLike":{"ssm:resourceTag/aws:ssmmessages:session-id":"${aws:userid}"}}"#;
    assert!(cond(
        c,
        &[
            ("aws:userid", "AIDAEXAMPLE"),
            ("ssm:resourceTag/aws:ssmmessages:session-id", "AIDAEXAMPLE")
        ]
    ));
    assert!(!cond(
        c,
        &[
            ("aws:userid", "AIDAEXAMPLE"),
            ("ssm:resourceTag/aws:ssmmessages:session-id", "AIDAOTHER")
        ]
    ));
}

/// "If a variable that has no value in the authorization context is used as part of the
/// Resource or NotResource element of a policy, the resource that includes a policy variable
/// with no value will not match any resource."
#[test]
fn a_missing_variable_in_resource_matches_nothing() {
    let p = allow(
        "ssm:TerminateSession",
        "arn:aws:ssm:*:*:session/${aws:username}-*",
        "",
    );
    // An assumed role has no aws:username.
    assert_eq!(
        decide(
            &p,
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-1:1:session/-x",
            &[]
        ),
        IMPLICIT
    );
    let n = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::${aws:username}/*"}}"#;
    assert_eq!(
        decide(n, "s3:GetObject", "arn:aws:s3:::alice/x", &[]),
        ALLOWED
    );
}

/// "StringEquals or StringLike do not match, and the policy statement does not take effect.
/// Inverted condition operators like StringNotEquals or StringNotLike do match against a null
/// value".
#[test]
fn a_missing_variable_makes_string_conditions_false_and_negated_ones_true() {
    let k = "aws:PrincipalTag/owner";
    assert!(!cond(
        r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#,
        &[(k, "")]
    ));
    assert!(!cond(
        r#"{"StringLike":{"aws:PrincipalTag/owner":"${aws:username}"}}"#,
        &[(k, "x")]
    ));
    assert!(cond(
        r#"{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#,
        &[(k, "x")]
    ));
    assert!(cond(
        r#"{"StringNotLike":{"aws:PrincipalTag/owner":"${aws:username}"}}"#,
        &[(k, "x")]
    ));
}

/// "If the default value is included, it is used when the key is absent": `${key, 'default'}`.
#[test]
fn variable_defaults_apply_when_the_key_is_missing() {
    let p = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*",
        "",
    );
    assert_eq!(
        decide(
            &p,
            "s3:GetObject",
            "arn:aws:s3:::bucket/company-wide/x",
            &[]
        ),
        ALLOWED
    );
    assert_eq!(
        decide(
            &p,
            "s3:GetObject",
            "arn:aws:s3:::bucket/red/x",
            &[("aws:PrincipalTag/team", "red")]
        ),
        ALLOWED
    );
    assert_eq!(
        decide(
            &p,
            "s3:GetObject",
            "arn:aws:s3:::bucket/company-wide/x",
            &[("aws:PrincipalTag/team", "red")]
        ),
        IMPLICIT
    );
}

/// "${*} ... ${?} ... ${$}: These predefined policy variables can be used in any string where
/// you can use regular policy variables" — they stand for the literal character.
#[test]
fn special_variables_stand_for_literal_characters() {
    let k = "aws:PrincipalTag/x";
    let c = r#"{"StringLike":{"aws:PrincipalTag/x":"a${*}b"}}"#;
    assert!(cond(c, &[(k, "a*b")]));
    assert!(!cond(c, &[(k, "axxb")]));
    assert!(cond(
        r#"{"StringEquals":{"aws:PrincipalTag/x":"${$}{x}"}}"#,
        &[(k, "${x}")]
    ));
    assert!(cond(
        r#"{"StringLike":{"aws:PrincipalTag/x":"${?}"}}"#,
        &[(k, "?")]
    ));
    assert!(!cond(
        r#"{"StringLike":{"aws:PrincipalTag/x":"${?}"}}"#,
        &[(k, "a")]
    ));
}

/// Substituted values are literal: a `*` in the user name is not a wildcard.
#[test]
fn substituted_values_are_not_wildcards() {
    let p = allow(
        "ssm:TerminateSession",
        "arn:aws:ssm:*:*:session/${aws:username}-*",
        "",
    );
    assert_eq!(
        decide(
            &p,
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-1:1:session/bob-1",
            &[("aws:username", "*")]
        ),
        IMPLICIT
    );
    assert_eq!(
        decide(
            &p,
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-1:1:session/*-1",
            &[("aws:username", "*")]
        ),
        ALLOWED
    );
}

/// With Version 2008-10-17, "variables such as ${aws:username} aren't recognized as variables
/// and are instead treated as literal strings"; "If you don't include the Version element ...
/// variables like ${aws:username} are treated as literal strings."
#[test]
fn no_variables_under_version_2008_or_without_version() {
    for version in [r#""Version":"2008-10-17","#, ""] {
        let p = format!(
            r#"{{{version}"Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${{aws:username}}"}}}}"#
        );
        assert_eq!(
            decide(
                &p,
                "s3:GetObject",
                "arn:aws:s3:::b/alice",
                &[("aws:username", "alice")]
            ),
            IMPLICIT
        );
        assert_eq!(
            decide(
                &p,
                "s3:GetObject",
                "arn:aws:s3:::b/${aws:username}",
                &[("aws:username", "alice")]
            ),
            ALLOWED
        );
    }
}

/// "You can't use a multivalued condition key as a variable."
#[test]
fn multivalued_keys_are_not_variables() {
    let p = allow("s3:GetObject", "arn:aws:s3:::b/${aws:TagKeys}", "");
    let mut c = Context::new();
    c.set_list("aws:TagKeys", ["x"]);
    assert_eq!(
        decide_in(&p, "s3:GetObject", "arn:aws:s3:::b/x", &c),
        IMPLICIT
    );
}

// ---------------------------------------------------------------- validation

/// "Valid values for Effect are Allow and Deny. The Effect value is case sensitive."
#[test]
fn effect_must_be_allow_or_deny_case_sensitive() {
    let p =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#;
    assert_eq!(errors(p), vec![ErrorKind::InvalidEffect]);
}

/// Version: only "2012-10-17" and "2008-10-17" are valid; it may be absent.
#[test]
fn version_must_be_one_of_the_two_dates() {
    assert_eq!(
        errors(r#"{"Version":"2012-10-18","Statement":[]}"#),
        vec![ErrorKind::InvalidVersion]
    );
    assert!(errors(r#"{"Version":"2008-10-17","Statement":[]}"#).is_empty());
    assert!(errors(r#"{"Statement":[]}"#).is_empty());
}

/// Statement "can contain a single statement or an array of individual statements"; so can
/// Action and Resource be a string or an array.
#[test]
fn statement_action_and_resource_accept_object_string_or_array() {
    assert!(
        errors(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#).is_empty()
    );
    assert!(
        errors(r#"{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["*"]}]}"#)
            .is_empty()
    );
    assert_eq!(errors(r#"{"Statement":"x"}"#), vec![ErrorKind::WrongType]);
}

/// "Individual elements must not contain multiple instances of the same key"; unknown and
/// conflicting elements are refused; every error is reported, not only the first.
#[test]
fn every_structural_error_is_reported() {
    let p = r#"{"Version":"2012-10-17","Foo":1,"Statement":[
        {"Effect":"Allow","Effect":"Deny","Action":"s3:*","NotAction":"s3:Get*","Resource":"*","NotResource":"*"},
        {"Effect":"Allow","Principal":"*","Actions":"s3:*"},
        {"Sid":"a-b","Effect":"Allow","Action":"GetObject","Resource":"bucket"},
        {"Sid":"X","Effect":"Allow","Action":"s3:a:b","Resource":"arn:aws::x:y:z"},
        {"Sid":"X","Effect":"Allow","Action":"s3:${aws:username}","Resource":"*",
         "Condition":{"StringEqual":{"a:b":"c"},"NullIfExists":{"a:b":"true"},"NumericEquals":{"a:b":"${aws:x}"},"StringEquals":{"nocolon":"x"}}}
    ]}"#;
    let mut kinds = errors(p);
    kinds.sort_by_key(|k| k.code());
    let mut expected = vec![
        ErrorKind::UnknownElement,
        ErrorKind::DuplicateKey,
        ErrorKind::ActionAndNotAction,
        ErrorKind::ResourceAndNotResource,
        ErrorKind::PrincipalNotAllowed,
        ErrorKind::UnknownElement,
        ErrorKind::MissingAction,
        ErrorKind::MissingResource,
        ErrorKind::InvalidSid,
        ErrorKind::ActionWithoutService,
        ErrorKind::ResourceNotArn,
        ErrorKind::ActionTooManyColons,
        ErrorKind::ResourceServiceNotQualified,
        // "s3:${aws:username}": a variable, and a second colon inside it.
        ErrorKind::ActionTooManyColons,
        ErrorKind::DuplicateSid,
        ErrorKind::VariableNotAllowed,
        ErrorKind::UnknownOperator,
        ErrorKind::NullWithIfExists,
        ErrorKind::VariableNotAllowed,
        ErrorKind::ConditionKeyWithoutService,
    ];
    expected.sort_by_key(|k| k.code());
    assert_eq!(kinds, expected);
}

/// Principal: "It must not be included in identity-based policies"; IAM answers "Policy
/// document should not specify a principal."
#[test]
fn principal_is_refused_in_identity_policies() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}"#;
    let e = CompiledPolicy::from_text(p, PolicyKind::Identity, PolicySource::new("p", "none"))
        .expect_err("refused");
    assert_eq!(
        e[0].aws_message,
        "Policy document should not specify a principal."
    );
    assert!(
        CompiledPolicy::from_text(p, PolicyKind::Resource, PolicySource::new("p", "resource"))
            .is_ok()
    );
}

/// Errors carry the span of the offending element.
#[test]
fn errors_point_at_the_offending_element() {
    let p = "{\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"ssm\",\n    \"Resource\": \"*\"\n  }\n}";
    let e = CompiledPolicy::from_text(p, PolicyKind::Identity, PolicySource::new("p", "none"))
        .expect_err("refused");
    assert_eq!(&p[e[0].span.start..e[0].span.end], "\"ssm\"");
}

/// "Policy variables can only be used with String and ARN operators" and not in Action.
#[test]
fn variables_are_refused_where_they_are_not_allowed_but_literal_under_2008() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"${aws:x}"}}}}"#;
    assert_eq!(errors(p), vec![ErrorKind::VariableNotAllowed]);
    let old = p.replace("2012-10-17", "2008-10-17");
    assert!(errors(&old).is_empty());
}

// ---------------------------------------------------------------- positions

/// The AWS CLI's documented simulate-custom-policy example reports the statement of
/// `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",
/// "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}` at
/// StartPosition Line 1 Column 38, EndPosition Line 1 Column 167, and the decision allowed for
/// aws:CurrentTime 2019-04-25T11:00:00Z.
#[test]
fn matched_statement_positions_match_the_aws_cli_example() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}"#;
    let c = ctx(&[("aws:CurrentTime", "2019-04-25T11:00:00Z")]);
    let set = PolicySet::identity(vec![compile(p)]);
    let e = set.evaluate_traced(&Request::new("dynamodb:CreateBackup", "*", &c));
    assert_eq!(e.verdict.decision, ALLOWED);
    let m: Vec<_> = e.matched_statements().collect();
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].statement.start.line, m[0].statement.start.column),
        (1, 38)
    );
    assert_eq!(
        (m[0].statement.end.line, m[0].statement.end.column),
        (1, 167)
    );
    let early = ctx(&[("aws:CurrentTime", "2014-04-25T11:00:00Z")]);
    assert_eq!(
        set.evaluate(&Request::new("dynamodb:CreateBackup", "*", &early))
            .decision,
        IMPLICIT
    );
}

/// MissingContextValues lists the condition keys an applicable statement tested but the
/// request did not supply.
#[test]
fn missing_context_values_are_reported() {
    let p = allow(
        "ssm:StartSession",
        "*",
        r#"{"StringLike":{"ssm:resourceTag/Finance":"WebServers"},"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#,
    );
    let c = Context::new();
    let e = PolicySet::identity(vec![compile(&p)]).evaluate_traced(&Request::new(
        "ssm:StartSession",
        "*",
        &c,
    ));
    assert_eq!(
        e.missing_context_values,
        vec!["ssm:resourceTag/Finance", "ssm:SessionDocumentAccessCheck"]
    );
    let other = PolicySet::identity(vec![compile(&p)]).evaluate_traced(&Request::new(
        "ssm:SendCommand",
        "*",
        &c,
    ));
    assert!(other.missing_context_values.is_empty());
}
