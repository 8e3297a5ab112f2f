//! Each check with a policy that must trigger it and one that must not.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_lint::{lint, Severity};
use ssmgate_policy::PolicyKind;

/// A 2012-10-17 policy around the given statements.
fn p(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn st(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":{action},"Resource":{resource}}}"#)
}

fn stc(action: &str, resource: &str, condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":{action},"Resource":{resource},"Condition":{condition}}}"#
    )
}

fn codes(policy: &str) -> Vec<&'static str> {
    lint(policy, PolicyKind::Identity)
        .into_iter()
        .map(|f| f.code)
        .collect()
}

/// (code, severity, a policy that has the defect, the same intent without it)
fn cases() -> Vec<(&'static str, Severity, String, String)> {
    use Severity::*;
    let ok_doc = r#""arn:aws:ssm:us-east-1:123456789013:document/Mine""#;
    vec![
        ("invalid-effect", Error, r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"ssm:GetDocument","Resource":"*"}}"#.into(), p(&st(r#""ssm:GetDocument""#, r#""*""#))),
        ("missing-version", Warning, r#"{"Statement":{"Effect":"Allow","Action":"ssm:GetDocument","Resource":"*"}}"#.into(), p(&st(r#""ssm:GetDocument""#, r#""*""#))),
        ("variable-unsupported-in-version", Error, r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"ssm:TerminateSession","Resource":"arn:aws:ssm:*:*:session/${aws:userid}-*"}}"#.into(), p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/${aws:userid}-*""#))),
        ("empty-sid", Suggestion, p(r#"{"Sid":"","Effect":"Allow","Action":"ssm:GetDocument","Resource":"*"}"#), p(r#"{"Sid":"Read","Effect":"Allow","Action":"ssm:GetDocument","Resource":"*"}"#)),
        ("empty-array-action", Suggestion, p(&st("[]", r#""*""#)), p(&st(r#"["ssm:GetDocument"]"#, r#""*""#))),
        ("empty-array-resource", Suggestion, p(&st(r#""ssm:GetDocument""#, "[]")), p(&st(r#""ssm:GetDocument""#, r#"["*"]"#))),
        ("empty-object-condition", Suggestion, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#))),
        ("empty-array-condition", Suggestion, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":[]}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":["red"]}}"#))),
        ("wildcard-in-service-name", Suggestion, p(&st(r#""ss*:GetDocument""#, r#""*""#)), p(&st(r#""ssm:GetDocument""#, r#""*""#))),
        ("redundant-action", Suggestion, p(&st(r#"["ssm:Get*","ssm:GetDocument"]"#, r#""*""#)), p(&st(r#"["ssm:Get*","ssm:ListDocuments"]"#, r#""*""#))),
        ("redundant-resource", Suggestion, p(&st(r#""ssm:DeleteDocument""#, &format!("[{ok_doc},{ok_doc}]"))), p(&st(r#""ssm:DeleteDocument""#, &format!("[{ok_doc}]")))),
        ("redundant-statement", Suggestion, p(&format!("{},{}", st(r#""ssm:GetDocument""#, r#""*""#), st(r#""ssm:GetDocument""#, r#""*""#))), p(&format!("{},{}", st(r#""ssm:GetDocument""#, r#""*""#), st(r#""ssm:ListDocuments""#, r#""*""#)))),
        ("redundant-condition-value", Suggestion, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":["red","red"]}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#))),
        ("invalid-variable", Error, p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/${aws:userid-*""#)), p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/${aws:userid}-*""#))),
        ("null-with-qualifier", Suggestion, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"ForAnyValue:Null":{"aws:TagKeys":"true"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"Null":{"aws:TagKeys":"true"}}"#))),
        ("forallvalues-with-single-valued-key", SecurityWarning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"ForAllValues:StringEquals":{"aws:PrincipalTag/team":"red"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"team"}}"#))),
        ("wildcard-without-like", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:PrincipalTag/team":"red*"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringLike":{"aws:PrincipalTag/team":"red*"}}"#))),
        ("invalid-date-value", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"DateGreaterThan":{"aws:CurrentTime":"next tuesday"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#))),
        ("type-mismatch-number", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"an hour"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#))),
        ("type-mismatch-bool", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"Bool":{"aws:SecureTransport":"yes"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"Bool":{"aws:SecureTransport":"true"}}"#))),
        ("type-mismatch-ip", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"IpAddress":{"aws:SourceIp":"office"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#))),
        ("type-mismatch-binary", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"BinaryEquals":{"aws:SomeBinary":"not base64!"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"BinaryEquals":{"aws:SomeBinary":"QmluYXJ5VmFsdWU="}}"#))),
        ("improve-ip-range", Suggestion, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.7/24"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#))),
        ("pass-role-with-star-in-resource", SecurityWarning, p(&st(r#""iam:PassRole""#, r#""*""#)), p(&st(r#""iam:PassRole""#, r#""arn:aws:iam::123456789013:role/SSMAutomation""#))),
        ("pass-role-with-star-in-action-and-resource", SecurityWarning, p(&st(r#""iam:*""#, r#""*""#)), p(&st(r#""iam:Get*""#, r#""*""#))),
        ("pass-role-with-not-resource", SecurityWarning, p(r#"{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::123456789013:role/Admin"}"#), p(&st(r#""iam:PassRole""#, r#""arn:aws:iam::123456789013:role/SSMAutomation""#))),
        ("action-whitespace", Error, p(&st(r#""ssm:DescribeSessions ""#, r#""*""#)), p(&st(r#""ssm:DescribeSessions""#, r#""*""#))),
        ("unknown-service", Error, p(&st(r#""sssm:GetDocument""#, r#""*""#)), p(&st(r#""ssm:GetDocument""#, r#""*""#))),
        ("invalid-action", Error, p(&st(r#""ssm:ListDocumentsVersions""#, r#""*""#)), p(&st(r#""ssm:ListDocumentVersions""#, r#""*""#))),
        ("action-wildcard-matches-nothing", Warning, p(&st(r#""ssm:Frobnicate*""#, r#""*""#)), p(&st(r#""ssm:Describe*""#, r#""*""#))),
        ("arn-service-case", Error, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:SSM:us-east-1:123456789013:document/Mine""#)), p(&st(r#""ssm:DeleteDocument""#, ok_doc))),
        ("arn-empty-resource-name", Warning, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:us-east-1:123456789013:document/""#)), p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:us-east-1:123456789013:document/*""#))),
        ("arn-wildcard-in-resource-type", Warning, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:us-east-1:123456789013:doc*/Mine""#)), p(&st(r#""ssm:DeleteDocument""#, ok_doc))),
        ("arn-placeholder-region", Warning, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:region:123456789013:document/Mine""#)), p(&st(r#""ssm:DeleteDocument""#, ok_doc))),
        ("arn-placeholder-account", Warning, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:us-east-1:account-id:document/Mine""#)), p(&st(r#""ssm:DeleteDocument""#, ok_doc))),
        ("arn-example-account", Warning, p(&st(r#""ssm:DeleteDocument""#, r#""arn:aws:ssm:us-east-1:111122223333:document/Mine""#)), p(&st(r#""ssm:DeleteDocument""#, ok_doc))),
        ("arn-placeholder-name", Warning, p(&st(r#""ssm:StartSession""#, r#""arn:aws:ec2:us-east-1:123456789013:instance/i-0123456789EXAMPLE""#)), p(&st(r#""ssm:StartSession""#, r#""arn:aws:ec2:us-east-1:123456789013:instance/i-0123456789abcdef0""#))),
        ("action-no-resource-level-permissions", Warning, p(&st(r#""ssm:DescribeSessions""#, ok_doc)), p(&st(r#""ssm:DescribeSessions""#, r#""*""#))),
        ("resource-type-mismatch", Warning, p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ec2:*:*:instance/*""#)), p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/${aws:userid}-*""#))),
        ("resource-matches-no-action", Warning, p(&st(r#""ssm:SendCommand""#, r#"["arn:aws:ssm:*::document/AWS-RunPatchBaseline","arn:aws:ssm:*:*:session/*"]"#)), p(&st(r#""ssm:SendCommand""#, r#"["arn:aws:ssm:*::document/AWS-RunPatchBaseline"]"#))),
        ("invalid-global-condition-key", Error, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:UserNames":"alice"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"StringEquals":{"aws:username":"alice"}}"#))),
        ("invalid-service-condition-key", Error, p(&stc(r#""ssm:StartSession""#, r#""*""#, r#"{"StringEquals":{"ssm:ResourceTags/Finance":"Web"}}"#)), p(&stc(r#""ssm:StartSession""#, r#""*""#, r#"{"StringEquals":{"ssm:resourceTag/Finance":"Web"}}"#))),
        ("condition-key-not-supported", Warning, p(&stc(r#""ssm:SendCommand""#, r#""*""#, r#"{"Bool":{"ssm:SessionDocumentAccessCheck":"true"}}"#)), p(&stc(r#""ssm:StartSession""#, r#""arn:aws:ssm:*:*:document/Mine""#, r#"{"Bool":{"ssm:SessionDocumentAccessCheck":"true"}}"#))),
        ("condition-type-mismatch", Warning, p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"NumericEquals":{"aws:SecureTransport":"1"}}"#)), p(&stc(r#""ssm:GetDocument""#, r#""*""#, r#"{"Bool":{"aws:SecureTransport":"true"}}"#))),
        ("ssm-shell-on-all-instances", SecurityWarning, p(&st(r#""ssm:SendCommand""#, r#"["arn:aws:ec2:*:*:instance/*","arn:aws:ssm:*::document/AWS-RunShellScript"]"#)), p(&format!("{},{}", stc(r#""ssm:SendCommand""#, r#""arn:aws:ec2:*:*:instance/*""#, r#"{"StringEquals":{"ssm:resourceTag/SSMAccess":"true"}}"#), st(r#""ssm:SendCommand""#, r#""arn:aws:ssm:*::document/AWS-RunShellScript""#)))),
        ("ssm-session-on-all-instances", SecurityWarning, p(&st(r#""ssm:StartSession""#, r#""arn:aws:ec2:*:*:instance/*""#)), p(&stc(r#""ssm:StartSession""#, r#""arn:aws:ec2:*:*:instance/*""#, r#"{"StringEquals":{"ssm:resourceTag/SSMAccess":"true"}}"#))),
        ("ssm-session-document-check-missing", SecurityWarning, p(&format!("{},{}", stc(r#""ssm:StartSession""#, r#""arn:aws:ssm:*:*:document/Mine""#, r#"{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#), stc(r#""ssm:StartSession""#, r#""arn:aws:ec2:*:*:instance/*""#, r#"{"StringEquals":{"ssm:resourceTag/SSMAccess":"true"}}"#))), p(&format!("{},{}", stc(r#""ssm:StartSession""#, r#""arn:aws:ssm:*:*:document/Mine""#, r#"{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#), stc(r#""ssm:StartSession""#, r#""arn:aws:ec2:*:*:instance/*""#, r#"{"StringEquals":{"ssm:resourceTag/SSMAccess":"true"},"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#)))),
        ("ssm-any-session", SecurityWarning, p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/*""#)), p(&stc(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/*""#, r#"{"StringLike":{"ssm:resourceTag/aws:ssmmessages:session-id":"${aws:userid}"}}"#))),
        ("ssm-username-variable", Warning, p(&st(r#""ssm:TerminateSession""#, r#""arn:aws:ssm:*:*:session/${aws:username}-*""#)), p(&stc(r#""ssm:TerminateSession""#, r#""*""#, r#"{"StringLike":{"ssm:resourceTag/aws:ssmmessages:session-id":"${aws:userid}"}}"#))),
        ("ssm-session-custom-tag", Warning, p(&stc(r#""ssm:TerminateSession""#, r#""*""#, r#"{"StringEquals":{"ssm:resourceTag/Team":"red"}}"#)), p(&stc(r#""ssm:TerminateSession""#, r#""*""#, r#"{"StringEquals":{"ssm:resourceTag/aws:ssmmessages:target-id":"i-0123456789abcdef0"}}"#))),
        ("policy-size-exceeds-quota", Warning, p(&(0..120).map(|n| st(r#""ssm:GetDocument""#, &format!(r#""arn:aws:ssm:us-east-1:123456789013:document/Document{n:04}""#))).collect::<Vec<_>>().join(",")), p(&(0..10).map(|n| st(r#""ssm:GetDocument""#, &format!(r#""arn:aws:ssm:us-east-1:123456789013:document/Document{n:04}""#))).collect::<Vec<_>>().join(","))),
        ("ssm-full-access", SecurityWarning, p(&st(r#""ssm:*""#, r#""*""#)), p(&st(r#""ssm:Describe*""#, r#""*""#))),
    ]
}

#[test]
fn each_check_fires_on_its_defect_and_not_on_the_fix() {
    let mut problems = Vec::new();
    for (code, severity, bad, good) in cases() {
        let findings = lint(&bad, PolicyKind::Identity);
        match findings.iter().find(|f| f.code == code) {
            None => problems.push(format!(
                "{code}: not reported for {bad}\n  got {:?}",
                findings.iter().map(|f| f.code).collect::<Vec<_>>()
            )),
            Some(f) if f.severity != severity => problems.push(format!(
                "{code}: severity {:?}, expected {severity:?}",
                f.severity
            )),
            Some(f) if f.span.end > bad.len() || f.span.start > f.span.end => {
                problems.push(format!("{code}: span {:?} out of range", f.span))
            }
            Some(_) => {}
        }
        let good_codes = codes(&good);
        if good_codes.contains(&code) {
            problems.push(format!("{code}: reported for the sound version {good}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_check_has_a_case() {
    let covered: Vec<&str> = cases().iter().map(|c| c.0).collect();
    let src = concat!(
        include_str!("../src/checks/grammar.rs"),
        include_str!("../src/checks/catalog.rs"),
        include_str!("../src/checks/ssm.rs")
    );
    let mut missing = Vec::new();
    for part in src.split("Finding::new(").skip(1) {
        let code = part
            .trim_start()
            .trim_start_matches('"')
            .split('"')
            .next()
            .unwrap_or("");
        if code.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !code.is_empty()
            && !covered.contains(&code)
        {
            missing.push(code.to_string());
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "checks without a test case: {missing:?}"
    );
}

#[test]
fn a_policy_with_no_defects_has_no_findings() {
    let sound = p(&format!(
        "{},{},{}",
        stc(
            r#"["ssm:SendCommand","ssm:StartSession"]"#,
            r#"["arn:aws:ec2:*:*:instance/*","arn:aws:ssm:*:*:managed-instance/*"]"#,
            r#"{"StringEquals":{"ssm:resourceTag/SSMAccess":"true"},"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#
        ),
        stc(
            r#"["ssm:SendCommand","ssm:StartSession"]"#,
            r#"["arn:aws:ssm:*::document/AWS-RunShellScript"]"#,
            r#"{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}"#
        ),
        stc(
            r#"["ssm:TerminateSession","ssm:ResumeSession"]"#,
            r#""arn:aws:ssm:*:*:session/*""#,
            r#"{"StringLike":{"ssm:resourceTag/aws:ssmmessages:session-id":"${aws:userid}"}}"#
        )
    ));
    assert_eq!(codes(&sound), Vec::<&str>::new());
}
