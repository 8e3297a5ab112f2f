//! Who can do what where: every principal of the account against every instance or session.

use crate::account::Account;
use crate::authorize::overlay;
use crate::fleet::Fleet;
use crate::identity::{Caller, CallerSpec, RequestEnv};
use crate::operation::Operation;
use crate::plan::plan;
use crate::plan::Check;
use ssmgate_policy::{Context, Decision, Request};

/// The question: which call, and with which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question<'a> {
    SendCommand { document: &'a str },
    StartSession { document: Option<&'a str> },
    TerminateSession,
    ResumeSession,
    GetConnectionStatus,
}

/// One principal's row of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `user/alice` or `role/Responder`.
    pub principal: String,
    pub allowed: Vec<bool>,
}

/// The matrix of principals by targets (instance ids or session ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub operation: String,
    pub targets: Vec<String>,
    pub rows: Vec<Row>,
}

fn operation(q: Question<'_>, target: &str) -> Operation {
    match q {
        Question::SendCommand { document } => Operation::SendCommand {
            instance_ids: vec![target.into()],
            targets: vec![],
            document_name: document.into(),
            document_version: None,
        },
        Question::StartSession { document } => Operation::StartSession {
            target: target.into(),
            document_name: document.map(String::from),
        },
        Question::TerminateSession => Operation::TerminateSession {
            session_id: target.into(),
        },
        Question::ResumeSession => Operation::ResumeSession {
            session_id: target.into(),
        },
        Question::GetConnectionStatus => Operation::GetConnectionStatus {
            target: target.into(),
        },
    }
}

/// The `aws:userid` of a session owner written `user/NAME` or `role/NAME/SESSION`.
pub fn owner_userid(account: &Account, owner: &str) -> Option<String> {
    let mut parts = owner.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("user"), Some(name), None) => account.user(name).map(|u| u.id.clone()),
        (Some("role"), Some(name), Some(session)) => {
            account.role(name).map(|r| format!("{}:{session}", r.id))
        }
        _ => None,
    }
}

/// Every user and role of `account` against every target of `fleet` for `q`; roles are taken
/// as sessions named `session_name`.
pub fn who_can(
    account: &Account,
    fleet: &Fleet,
    q: Question<'_>,
    env: &RequestEnv,
    session_name: &str,
) -> Matrix {
    let targets: Vec<String> = match q {
        Question::TerminateSession | Question::ResumeSession => {
            fleet.sessions.iter().map(|s| s.id.clone()).collect()
        }
        _ => fleet.instances.iter().map(|i| i.id.clone()).collect(),
    };
    let mut specs: Vec<(String, CallerSpec)> = account
        .users
        .iter()
        .map(|u| (format!("user/{}", u.name), CallerSpec::User(u.name.clone())))
        .collect();
    specs.extend(account.roles.iter().map(|r| {
        (
            format!("role/{}", r.name),
            CallerSpec::Role {
                name: r.name.clone(),
                session_name: session_name.into(),
                session_policy: None,
                session_tags: Default::default(),
            },
        )
    }));
    let owner = |o: &str| owner_userid(account, o);
    let callers: Vec<(String, Caller)> = specs
        .into_iter()
        .filter_map(|(label, spec)| {
            Caller::from_account(account, &spec)
                .ok()
                .map(|c| (label, c))
        })
        .collect();
    // The checks of every target, planned once (they depend on the account, not the caller)
    // and shared: the document check of a command is the same for every instance.
    let mut unique: Vec<(Check, Context)> = Vec::new();
    let mut seen: std::collections::HashMap<Check, usize> = std::collections::HashMap::new();
    let mut per_target: Vec<Vec<usize>> = Vec::new();
    if let Some((_, first)) = callers.first() {
        for t in &targets {
            let p = plan(&operation(q, t), first, fleet, &owner);
            let mut ids = Vec::new();
            for c in p.checks {
                let id = match seen.get(&c) {
                    Some(&i) => i,
                    None => {
                        let top = overlay(&c);
                        seen.insert(c.clone(), unique.len());
                        unique.push((c, top));
                        unique.len() - 1
                    }
                };
                ids.push(id);
            }
            per_target.push(ids);
        }
    }
    // Each distinct check once per caller, checks outer so that each request is prepared
    // (action lowered, resource split) once for all callers.
    let contexts: Vec<(Context, ssmgate_policy::Principal)> = callers
        .iter()
        .map(|(_, c)| (c.global_context(env), c.principal()))
        .collect();
    let mut results: Vec<Vec<bool>> = vec![Vec::with_capacity(unique.len()); callers.len()];
    for (check, top) in &unique {
        let empty = Context::new();
        let req = Request::new(&check.action_lower, &check.resource, &empty).with_overlay(top);
        for (((_, caller), (base, principal)), out) in
            callers.iter().zip(&contexts).zip(results.iter_mut())
        {
            let r = req.for_caller(base, Some(principal));
            out.push(caller.prepared().evaluate(&r).decision == Decision::Allowed);
        }
    }
    let rows = callers
        .iter()
        .zip(&results)
        .map(|((label, _), res)| Row {
            principal: label.clone(),
            allowed: per_target
                .iter()
                .map(|ids| ids.iter().all(|&id| res.get(id).copied().unwrap_or(false)))
                .collect(),
        })
        .collect();
    Matrix {
        operation: operation(q, "x").name().to_string(),
        targets,
        rows,
    }
}
