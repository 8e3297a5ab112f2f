//! Systems Manager's own dangers, found by asking the engine what the policy really grants.

use super::Input;
use crate::finding::{Finding, Severity};
use crate::tighten;
use ssmgate_policy::compile::CompiledStatement;
use ssmgate_policy::model::{Effect, Statement};
use ssmgate_policy::span::Span;
use ssmgate_policy::{Context, Decision, PolicySet, Request};

/// An instance no policy author had in mind: if it is allowed, every instance is.
const ANY_INSTANCE: &str = "arn:aws:ec2:us-east-1:000000000000:instance/i-0ffffffffffffffff";
const ANY_MANAGED_NODE: &str =
    "arn:aws:ssm:us-east-1:000000000000:managed-instance/mi-0ffffffffffffffff";
const SHELL_DOCUMENTS: &[&str] = &["AWS-RunShellScript", "AWS-RunPowerShellScript"];
/// A session someone else started.
const OTHERS_SESSION: &str =
    "arn:aws:ssm:us-east-1:000000000000:session/someone-else-0ffffffffffffffff";
/// The two tags Session Manager puts on sessions; no other tag is there to test.
const SESSION_TAGS: &[&str] = &["aws:ssmmessages:target-id", "aws:ssmmessages:session-id"];
const SESSION_ACTIONS: &[&str] = &["ssm:terminatesession", "ssm:resumesession"];

fn allowed(set: &PolicySet, action: &str, resource: &str, ctx: &Context) -> bool {
    set.evaluate(&Request::new(action, resource, ctx)).decision == Decision::Allowed
}

/// The first Allow statement that applies to the request, for pointing at.
fn granting<'p>(
    i: &'p Input<'_>,
    set: &PolicySet,
    action: &str,
    resource: &str,
    ctx: &Context,
) -> Option<&'p Statement> {
    let eval = set.evaluate_traced(&Request::new(action, resource, ctx));
    let index = eval.matched_statements().next().map(|s| s.statement.index);
    index.and_then(|n| i.policy.statements.get(n))
}

fn head(s: &Statement) -> Span {
    Span::new(s.span.start, s.span.start + 1)
}

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let set = PolicySet::identity(vec![i.compiled.clone()]);
    let empty = Context::new();
    shell_everywhere(i, &set, &empty, out);
    session_document_check(i, out);
    terminate_any_session(i, &set, out);
    username_variable(i, out);
    session_custom_tags(i, out);
    admin_star(i, out);
}

fn shell_everywhere(i: &Input<'_>, set: &PolicySet, empty: &Context, out: &mut Vec<Finding>) {
    // SendCommand: the instance and the document are both checked; an untagged instance
    // passing means no tag condition protects the fleet.
    let send_everywhere = [ANY_INSTANCE, ANY_MANAGED_NODE]
        .iter()
        .find(|r| allowed(set, "ssm:SendCommand", r, empty));
    if let Some(instance) = send_everywhere {
        if let Some(doc) = SHELL_DOCUMENTS.iter().find(|d| {
            allowed(
                set,
                "ssm:SendCommand",
                &format!("arn:aws:ssm:us-east-1::document/{d}"),
                empty,
            )
        }) {
            if let Some(s) = granting(i, set, "ssm:SendCommand", instance, empty) {
                out.push(
                    Finding::new(
                        "ssm-shell-on-all-instances",
                        Severity::SecurityWarning,
                        head(s),
                        format!("ssm:SendCommand is allowed on every instance with {doc}: whoever holds this policy can run any command as root on the whole fleet"),
                    )
                    .help("scope the instances with a resource tag condition (ssm:resourceTag/...) in a statement of their own; see the proposed policy")
                    .proposal(tighten::proposal(i.policy)),
                );
            }
        }
    }
    // StartSession with no document named opens the default shell on the instance.
    if let Some(instance) = [ANY_INSTANCE, ANY_MANAGED_NODE]
        .iter()
        .find(|r| allowed(set, "ssm:StartSession", r, empty))
    {
        if let Some(s) = granting(i, set, "ssm:StartSession", instance, empty) {
            out.push(
                Finding::new(
                    "ssm-session-on-all-instances",
                    Severity::SecurityWarning,
                    head(s),
                    "ssm:StartSession is allowed on every instance: whoever holds this policy can open a shell on the whole fleet",
                )
                .help("scope the instances with a resource tag condition (ssm:resourceTag/...), and require BoolIfExists ssm:SessionDocumentAccessCheck")
                .proposal(tighten::proposal(i.policy)),
            );
        }
    }
}

fn allows_action(s: &CompiledStatement, action_lower: &str) -> bool {
    s.meta.effect == Effect::Allow && s.actions.matches(action_lower)
}

fn has_document_check(s: &CompiledStatement) -> bool {
    s.conditions
        .iter()
        .any(|c| c.key_lower == "ssm:sessiondocumentaccesscheck")
}

fn session_document_check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let starts: Vec<&CompiledStatement> = i
        .compiled
        .statements
        .iter()
        .filter(|s| allows_action(s, "ssm:startsession"))
        .collect();
    if !starts.iter().any(|s| has_document_check(s)) {
        return;
    }
    for s in starts.iter().filter(|s| !has_document_check(s)) {
        if let Some(st) = i.policy.statements.get(s.meta.index) {
            out.push(
                Finding::new(
                    "ssm-session-document-check-missing",
                    Severity::SecurityWarning,
                    head(st),
                    "this statement allows ssm:StartSession without the ssm:SessionDocumentAccessCheck condition that other statements rely on, so sessions with the default document start anyway",
                )
                .help("\"it must be included in all policy statements which allow the ssm:StartSession action\": add \"BoolIfExists\": {\"ssm:SessionDocumentAccessCheck\": \"true\"}"),
            );
        }
    }
}

fn terminate_any_session(i: &Input<'_>, set: &PolicySet, out: &mut Vec<Finding>) {
    let mut ctx = Context::new();
    ctx.set("aws:username", "policy-holder")
        .set("aws:userid", "AIDAPOLICYHOLDER")
        .set(
            "ssm:resourceTag/aws:ssmmessages:session-id",
            "AIDASOMEONEELSE",
        )
        .set(
            "ssm:resourceTag/aws:ssmmessages:target-id",
            "i-0ffffffffffffffff",
        );
    for action in ["ssm:TerminateSession", "ssm:ResumeSession"] {
        if allowed(set, action, OTHERS_SESSION, &ctx) {
            if let Some(s) = granting(i, set, action, OTHERS_SESSION, &ctx) {
                out.push(
                    Finding::new(
                        "ssm-any-session",
                        Severity::SecurityWarning,
                        head(s),
                        format!("{action} is allowed on every session: whoever holds this policy can take over or end anyone's session"),
                    )
                    .help("limit it to one's own sessions with the condition StringLike ssm:resourceTag/aws:ssmmessages:session-id = ${aws:userid}, which works for users and roles alike")
                    .proposal(tighten::proposal(i.policy)),
                );
            }
        }
    }
}

fn username_variable(i: &Input<'_>, out: &mut Vec<Finding>) {
    if !i.policy.variables_enabled() {
        return;
    }
    for s in &i.policy.statements {
        for v in s.variable_sites() {
            if let Some(at) = v.value.to_ascii_lowercase().find("${aws:username") {
                let start = v.span.start + 1 + at;
                out.push(
                    Finding::new(
                        "ssm-username-variable",
                        Severity::Warning,
                        Span::new(start, (start + "${aws:username}".len()).min(v.span.end)),
                        "${aws:username} exists only for IAM users: for assumed roles and federated users it has no value and this grants nothing",
                    )
                    .help("for roles, compare the session's ssm:resourceTag/aws:ssmmessages:session-id with ${aws:userid}"),
                );
            }
        }
    }
}

fn session_custom_tags(i: &Input<'_>, out: &mut Vec<Finding>) {
    for (s, c) in i.policy.statements.iter().zip(&i.compiled.statements) {
        let session_only = !c.actions.negated
            && !c.actions.patterns.is_empty()
            && c.actions.patterns.iter().all(|p| {
                SESSION_ACTIONS.iter().any(|a| p.matches(a)) && !p.matches("ssm:startsession")
            });
        if !session_only {
            continue;
        }
        for block in &s.conditions {
            for e in &block.entries {
                let key = e.key.value.to_ascii_lowercase();
                let tag = key
                    .strip_prefix("ssm:resourcetag/")
                    .or_else(|| key.strip_prefix("aws:resourcetag/"));
                if let Some(tag) = tag {
                    if !SESSION_TAGS.contains(&tag) {
                        out.push(
                            Finding::new(
                                "ssm-session-custom-tag",
                                Severity::Warning,
                                e.key.span,
                                format!("sessions carry only the tags aws:ssmmessages:target-id and aws:ssmmessages:session-id: \"{}\" is never there, so this condition never matches", e.key.value),
                            )
                            .help("\"Session Manager doesn't support custom tags for this IAM access control policy\": test one of the two system tags"),
                        );
                    }
                }
            }
        }
    }
}

fn admin_star(i: &Input<'_>, out: &mut Vec<Finding>) {
    for (s, c) in i.policy.statements.iter().zip(&i.compiled.statements) {
        if c.meta.effect != Effect::Allow || !c.conditions.is_empty() || c.actions.negated {
            continue;
        }
        let star_resource = s
            .resource
            .as_ref()
            .is_some_and(|r| !r.negated && r.items.iter().any(|x| x.value == "*"));
        if let Some(a) = s.action.as_ref().and_then(|a| {
            a.items
                .iter()
                .find(|x| matches!(x.value.trim().to_ascii_lowercase().as_str(), "*" | "ssm:*"))
        }) {
            if star_resource {
                out.push(
                    Finding::new("ssm-full-access", Severity::SecurityWarning, a.span, format!("\"{}\" on \"*\" grants every Systems Manager action on every resource, shells on every instance included", a.value))
                        .help("list the actions the role needs, and scope SendCommand and StartSession to tagged instances"),
                );
            }
        }
    }
}
