//! Running a call's checks through the engine, and AWS's answer when one fails.

use crate::identity::{Caller, RequestEnv};
use crate::plan::{Check, Plan};
use ssmgate_policy::context::{ContextValue, Scalar};
use ssmgate_policy::explain::explain;
use ssmgate_policy::{Context, Decision, Evaluation, Request};

/// One check and what the engine said.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub check: Check,
    pub evaluation: Evaluation,
}

impl CheckResult {
    /// Whether the check passed.
    pub fn allowed(&self) -> bool {
        self.evaluation.verdict.decision == Decision::Allowed
    }

    /// AWS's message for this check, when it failed.
    pub fn denial(&self, caller: &Caller) -> Option<String> {
        let resource = (self.check.resource != "*").then_some(self.check.resource.as_str());
        self.evaluation
            .verdict
            .denial_message(&caller.arn, &self.check.action, resource)
    }

    /// The decision in words.
    pub fn explain(&self) -> String {
        explain(&self.evaluation, &self.check.action, &self.check.resource)
    }
}

/// The answer to a call.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub operation: String,
    pub results: Vec<CheckResult>,
    /// The `AccessDeniedException` message, when the call is refused.
    pub denial: Option<String>,
    /// For a targeted command: instances whose invocation is refused while the call goes on.
    pub denied_targets: Vec<String>,
}

impl Outcome {
    /// Whether the call is allowed.
    pub fn allowed(&self) -> bool {
        self.denial.is_none()
    }
}

/// A check's own keys as a context to lay over the caller's.
pub fn overlay(check: &Check) -> Context {
    let mut ctx = Context::new();
    for (k, v) in &check.context {
        ctx.set(k, v.clone());
    }
    for (k, vs) in &check.lists {
        ctx.insert(
            k,
            ContextValue {
                values: vs.iter().map(Scalar::new).collect(),
                multivalued: true,
            },
        );
    }
    ctx
}

/// Whether one check passes, by the fast path: `base` is the caller's global context and
/// `overlay` the check's own keys ([`overlay`]).
pub fn check_allowed(
    caller: &Caller,
    principal: &ssmgate_policy::Principal,
    check: &Check,
    base: &Context,
    overlay: &Context,
) -> bool {
    let req = Request::new(&check.action, &check.resource, base)
        .with_overlay(overlay)
        .with_principal(principal);
    caller.prepared().evaluate(&req).decision == Decision::Allowed
}

/// A call's answer without traces: what the endpoint needs on every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The `AccessDeniedException` message, when the call is refused.
    pub denial: Option<String>,
    /// For a targeted command: instances whose invocation is refused while the call goes on.
    pub denied_targets: Vec<String>,
}

/// The same answer as [`authorize`], through the caller's index and without tracing.
pub fn decide(caller: &Caller, plan: &Plan, env: &RequestEnv) -> Answer {
    let base = caller.global_context(env);
    let principal = caller.principal();
    let mut out = Answer {
        denial: None,
        denied_targets: Vec::new(),
    };
    for check in &plan.checks {
        let top = overlay(check);
        let req = Request::new(&check.action, &check.resource, &base)
            .with_overlay(&top)
            .with_principal(&principal);
        let verdict = caller.prepared().evaluate(&req);
        if verdict.decision == Decision::Allowed {
            continue;
        }
        match &check.target {
            Some(t) => out.denied_targets.push(t.clone()),
            None if out.denial.is_none() => {
                let resource = (check.resource != "*").then_some(check.resource.as_str());
                out.denial = verdict.denial_message(&caller.arn, &check.action, resource);
            }
            None => {}
        }
    }
    out
}

/// Authorize `plan` for `caller` in `env`.
pub fn authorize(caller: &Caller, plan: &Plan, env: &RequestEnv) -> Outcome {
    let base = caller.global_context(env);
    let principal = caller.principal();
    let mut results = Vec::new();
    let mut denial = None;
    let mut denied_targets = Vec::new();
    for check in &plan.checks {
        let top = overlay(check);
        let req = Request::new(&check.action, &check.resource, &base)
            .with_overlay(&top)
            .with_principal(&principal);
        let evaluation = caller.policies.evaluate_traced(&req);
        let result = CheckResult {
            check: check.clone(),
            evaluation,
        };
        if !result.allowed() {
            match &check.target {
                Some(t) => denied_targets.push(t.clone()),
                None => {
                    if denial.is_none() {
                        denial = result.denial(caller);
                    }
                }
            }
        }
        results.push(result);
    }
    Outcome {
        operation: plan.operation.clone(),
        results,
        denial,
        denied_targets,
    }
}
