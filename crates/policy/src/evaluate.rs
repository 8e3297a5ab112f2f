//! Evaluating a request against compiled policies.

use crate::arn::PreparedResource;
use crate::compile::{CompiledPolicy, CompiledStatement};
use crate::context::{Context, Layered};
use crate::decision::{combine, Effects, Inputs, PolicyType, ResourceEffects, ScpEffects, Verdict};
use crate::model::Effect;
use crate::principal::{principal_matches, Naming, Principal, PrincipalKind};

/// One authorization question: may this action be done on this resource in this context?
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The action as given (`ssm:SendCommand`).
    pub action: &'a str,
    action_lower: std::borrow::Cow<'a, str>,
    service_len: usize,
    /// The resource ARN, or `*`.
    pub resource: &'a str,
    /// The resource split into its ARN parts, once.
    pub prepared_resource: PreparedResource<'a>,
    pub context: &'a Context,
    /// Keys laid over `context` for this request alone (a resource's tags, say).
    pub overlay: Option<&'a Context>,
    pub principal: Option<&'a Principal>,
}

impl<'a> Request<'a> {
    /// A request; the action is lower-cased here, once, so evaluation allocates nothing.
    pub fn new(action: &'a str, resource: &'a str, context: &'a Context) -> Request<'a> {
        // Borrowed when already lower case: callers that reuse a lowered action allocate nothing.
        let action_lower = if action.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(action.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(action)
        };
        let service_len = action_lower.find(':').unwrap_or(action_lower.len());
        Request {
            action,
            action_lower,
            service_len,
            resource,
            prepared_resource: PreparedResource::new(resource),
            context,
            overlay: None,
            principal: None,
        }
    }

    /// The same action and resource (already prepared) for another caller and context.
    pub fn for_caller<'b>(
        &self,
        context: &'b Context,
        principal: Option<&'b Principal>,
    ) -> Request<'b>
    where
        'a: 'b,
    {
        Request {
            action: self.action,
            action_lower: self.action_lower.clone(),
            service_len: self.service_len,
            resource: self.resource,
            prepared_resource: self.prepared_resource,
            context,
            overlay: self.overlay,
            principal,
        }
    }

    /// The same request with `overlay`'s keys taking precedence over the context's.
    pub fn with_overlay(mut self, overlay: &'a Context) -> Request<'a> {
        self.overlay = Some(overlay);
        self
    }

    /// The request's condition keys, the overlay over the context.
    pub fn keys(&self) -> Layered<'a> {
        Layered {
            top: self.overlay,
            base: self.context,
        }
    }

    /// The same request made by `principal` (needed for resource-based policies).
    pub fn with_principal(mut self, principal: &'a Principal) -> Request<'a> {
        self.principal = Some(principal);
        self
    }

    /// The action in lower case.
    pub fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The service prefix in lower case.
    pub fn service_lower(&self) -> &str {
        self.action_lower.get(..self.service_len).unwrap_or("")
    }
}

/// Why a statement did or did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applies,
    ActionNotMatched,
    ResourceNotMatched,
    PrincipalNotMatched,
    /// The first condition (index into `CompiledStatement::conditions`) that failed.
    ConditionFailed {
        condition: usize,
    },
}

/// Watches an evaluation; the no-op observer compiles away.
pub trait Observer {
    /// Check every statement (not only the index's candidates) and every condition of a
    /// statement after one fails, so that traces and missing keys are complete.
    const EXHAUSTIVE: bool;
    /// A statement was evaluated.
    fn statement(
        &mut self,
        policy_type: PolicyType,
        policy: &CompiledPolicy,
        statement: &CompiledStatement,
        outcome: Outcome,
    );
    /// A condition key the request context did not have.
    fn missing_key(&mut self, key: &str);
}

/// Observes nothing: the fast path.
pub struct Quiet;

impl Observer for Quiet {
    const EXHAUSTIVE: bool = false;
    #[inline(always)]
    fn statement(&mut self, _: PolicyType, _: &CompiledPolicy, _: &CompiledStatement, _: Outcome) {}
    #[inline(always)]
    fn missing_key(&mut self, _: &str) {}
}

/// The policies in force for a request, by type.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Identity-based policies: the principal's inline and managed policies, its groups'.
    pub identity: Vec<CompiledPolicy>,
    /// The permissions boundary (empty: none).
    pub boundary: Vec<CompiledPolicy>,
    /// Service control policies, one list per level of the organization (empty: none).
    pub scp_levels: Vec<Vec<CompiledPolicy>>,
    /// Resource control policies, one list per level of the organization (empty: none).
    pub rcp_levels: Vec<Vec<CompiledPolicy>>,
    /// The session policy of a role session (empty: none).
    pub session: Vec<CompiledPolicy>,
    /// The resource-based policy (empty: none).
    pub resource: Vec<CompiledPolicy>,
}

fn statement_outcome<O: Observer>(
    s: &CompiledStatement,
    req: &Request<'_>,
    naming: &mut Naming,
    obs: &mut O,
) -> Outcome {
    if !s.actions.matches(&req.action_lower) {
        return Outcome::ActionNotMatched;
    }
    let keys = req.keys();
    if !s.resources.matches(&req.prepared_resource, &keys) {
        return Outcome::ResourceNotMatched;
    }
    if let Some(block) = &s.principal {
        *naming = principal_matches(block, req.principal);
        if *naming == Naming::No {
            return Outcome::PrincipalNotMatched;
        }
    }
    let mut first_failed = None;
    for (i, c) in s.conditions.iter().enumerate() {
        let r = c.evaluate(&keys);
        if r.key_missing {
            obs.missing_key(&c.key);
        }
        if !r.passed && first_failed.is_none() {
            first_failed = Some(i);
            if !O::EXHAUSTIVE {
                break;
            }
        }
    }
    match first_failed {
        Some(condition) => Outcome::ConditionFailed { condition },
        None => Outcome::Applies,
    }
}

/// Allow/Deny found in one policy; for resource policies also how the caller was named.
fn policy_effects<O: Observer>(
    ty: PolicyType,
    p: &CompiledPolicy,
    req: &Request<'_>,
    effects: &mut Effects,
    direct: &mut bool,
    obs: &mut O,
) {
    let mut visit = |s: &CompiledStatement, obs: &mut O| {
        let mut naming = Naming::No;
        let outcome = statement_outcome(s, req, &mut naming, obs);
        obs.statement(ty, p, s, outcome);
        if outcome == Outcome::Applies {
            match s.meta.effect {
                Effect::Allow => {
                    effects.allow = true;
                    if naming == Naming::Direct {
                        *direct = true;
                    }
                }
                Effect::Deny => effects.deny = true,
            }
        }
    };
    if O::EXHAUSTIVE {
        for s in &p.statements {
            visit(s, obs);
        }
    } else {
        let (listed, everywhere) = p.index.candidates(req.service_lower());
        for &i in listed.iter().chain(everywhere) {
            if let Some(s) = p.statements.get(i as usize) {
                visit(s, obs);
            }
        }
    }
}

fn set_effects<O: Observer>(
    ty: PolicyType,
    set: &[CompiledPolicy],
    req: &Request<'_>,
    obs: &mut O,
) -> (Effects, bool) {
    let mut e = Effects::default();
    let mut direct = false;
    for p in set {
        policy_effects(ty, p, req, &mut e, &mut direct, obs);
    }
    (e, direct)
}

/// Organization policies by level: any Deny, and whether every level has an Allow.
fn levels_effects<O: Observer>(
    ty: PolicyType,
    levels: &[Vec<CompiledPolicy>],
    req: &Request<'_>,
    obs: &mut O,
) -> Option<ScpEffects> {
    if levels.is_empty() {
        return None;
    }
    let mut s = ScpEffects {
        deny: false,
        every_level_allows: true,
    };
    for level in levels {
        let (e, _) = set_effects(ty, level, req, obs);
        s.deny |= e.deny;
        s.every_level_allows &= e.allow;
    }
    Some(s)
}

impl PolicySet {
    /// A set of identity policies only.
    pub fn identity(policies: Vec<CompiledPolicy>) -> PolicySet {
        PolicySet {
            identity: policies,
            ..PolicySet::default()
        }
    }

    /// The decision for `req`; allocates nothing.
    pub fn evaluate(&self, req: &Request<'_>) -> Verdict {
        self.evaluate_with(req, &mut Quiet)
    }

    /// The decision for `req`, reporting each statement to `obs`.
    pub fn evaluate_with<O: Observer>(&self, req: &Request<'_>, obs: &mut O) -> Verdict {
        let (identity, _) = set_effects(PolicyType::Identity, &self.identity, req, obs);
        let boundary = (!self.boundary.is_empty())
            .then(|| set_effects(PolicyType::PermissionsBoundary, &self.boundary, req, obs).0);
        let session = (!self.session.is_empty())
            .then(|| set_effects(PolicyType::Session, &self.session, req, obs).0);
        let resource = (!self.resource.is_empty()).then(|| {
            let (e, direct) = set_effects(PolicyType::ResourceBased, &self.resource, req, obs);
            ResourceEffects {
                allow: e.allow,
                deny: e.deny,
                allow_names_caller_directly: direct,
            }
        });
        let scp = levels_effects(PolicyType::ServiceControl, &self.scp_levels, req, obs);
        let rcp = levels_effects(PolicyType::ResourceControl, &self.rcp_levels, req, obs);
        combine(&Inputs {
            identity,
            boundary,
            scp,
            rcp,
            session,
            resource,
            caller_is_root: req.principal.is_some_and(|p| p.kind == PrincipalKind::Root),
        })
    }
}
