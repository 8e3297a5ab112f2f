//! Recording an evaluation: which statements applied, which did not and why.

use crate::compile::{CompiledPolicy, CompiledStatement, StatementMeta};
use crate::decision::{Decision, PolicyType, Verdict};
use crate::evaluate::{Observer, Outcome, PolicySet, Request};
use crate::model::{Effect, Text};
use crate::span::Span;

/// A statement as it took part in a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTrace {
    pub policy_type: PolicyType,
    /// `SourcePolicyId`.
    pub policy_id: String,
    /// `SourcePolicyType`.
    pub source_type: String,
    pub statement: StatementMeta,
    pub outcome: Outcome,
    /// For a failed condition: operator, key, policy values.
    pub failed_condition: Option<FailedCondition>,
}

/// The condition that stopped a statement from applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCondition {
    pub operator: String,
    pub key: String,
    pub policy_values: Vec<String>,
    /// The request's values for the key; None when the key was missing.
    pub request_values: Option<Vec<String>>,
    pub span: Span,
}

/// A decision with its full trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub verdict: Verdict,
    pub statements: Vec<StatementTrace>,
    /// Condition keys that applicable statements tested but the context did not have.
    pub missing_context_values: Vec<String>,
}

impl Evaluation {
    /// The statements that decided: the applicable Allows when allowed, the applicable
    /// Denies when explicitly denied, none when implicitly denied.
    pub fn matched_statements(&self) -> impl Iterator<Item = &StatementTrace> {
        let wanted = match self.verdict.decision {
            Decision::Allowed => Some(Effect::Allow),
            Decision::ExplicitDeny => Some(Effect::Deny),
            Decision::ImplicitDeny => None,
        };
        self.statements
            .iter()
            .filter(move |s| s.outcome == Outcome::Applies && Some(s.statement.effect) == wanted)
    }
}

#[derive(Default)]
struct Recorder<'r> {
    statements: Vec<StatementTrace>,
    missing: Vec<String>,
    context: Option<crate::context::Layered<'r>>,
    pending_missing: Vec<String>,
}

impl Observer for Recorder<'_> {
    const EXHAUSTIVE: bool = true;

    fn statement(
        &mut self,
        policy_type: PolicyType,
        policy: &CompiledPolicy,
        s: &CompiledStatement,
        outcome: Outcome,
    ) {
        // Missing keys count only for statements whose action and resource matched.
        let reached_conditions =
            matches!(outcome, Outcome::Applies | Outcome::ConditionFailed { .. });
        let pending = std::mem::take(&mut self.pending_missing);
        if reached_conditions {
            for k in pending {
                if !self.missing.iter().any(|m| m.eq_ignore_ascii_case(&k)) {
                    self.missing.push(k);
                }
            }
        }
        let failed_condition = match outcome {
            Outcome::ConditionFailed { condition } => {
                s.conditions.get(condition).map(|c| FailedCondition {
                    operator: c.operator.name(),
                    key: c.key.to_string(),
                    policy_values: c.raw_values.iter().map(Text::to_string).collect(),
                    request_values: self
                        .context
                        .and_then(|ctx| ctx.value(&c.key_lower))
                        .map(|v| v.values.iter().map(|x| x.text.to_string()).collect()),
                    span: c.span,
                })
            }
            _ => None,
        };
        self.statements.push(StatementTrace {
            policy_type,
            policy_id: policy.source.id.clone(),
            source_type: policy.source.source_type.clone(),
            statement: s.meta.clone(),
            outcome,
            failed_condition,
        });
    }

    fn missing_key(&mut self, key: &str) {
        self.pending_missing.push(key.to_string());
    }
}

impl PolicySet {
    /// The decision for `req` with the trace of every statement.
    pub fn evaluate_traced(&self, req: &Request<'_>) -> Evaluation {
        let mut rec = Recorder {
            context: Some(req.keys()),
            ..Recorder::default()
        };
        let verdict = self.evaluate_with(req, &mut rec);
        Evaluation {
            verdict,
            statements: rec.statements,
            missing_context_values: rec.missing,
        }
    }
}
