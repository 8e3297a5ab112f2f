//! Turning an evaluation trace into sentences a person can act on.

use crate::decision::Decision;
use crate::evaluate::Outcome;
use crate::model::Effect;
use crate::trace::{Evaluation, StatementTrace};

fn statement_name(s: &StatementTrace) -> String {
    let sid = s
        .statement
        .sid
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|sid| format!(" \"{sid}\""))
        .unwrap_or_default();
    format!(
        "{} statement {}{sid} (line {}, column {})",
        s.policy_id,
        s.statement.index + 1,
        s.statement.start.line,
        s.statement.start.column.saturating_sub(1)
    )
}

fn effect_word(e: Effect) -> &'static str {
    match e {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

/// Why one statement did or did not apply, in words.
pub fn explain_statement(s: &StatementTrace, action: &str, resource: &str) -> String {
    let name = statement_name(s);
    let eff = effect_word(s.statement.effect);
    match s.outcome {
        Outcome::Applies => format!("{name}: {eff} applies"),
        Outcome::ActionNotMatched => {
            format!("{name}: {eff} does not apply: its actions do not include {action}")
        }
        Outcome::ResourceNotMatched => {
            format!("{name}: {eff} does not apply: its resources do not include {resource}")
        }
        Outcome::PrincipalNotMatched => {
            format!("{name}: {eff} does not apply: its Principal does not name the caller")
        }
        Outcome::ConditionFailed { .. } => match &s.failed_condition {
            Some(c) => {
                let policy = c.policy_values.join("\", \"");
                match &c.request_values {
                    None => format!(
                        "{name}: {eff} does not apply: condition {} on {} needs [\"{policy}\"] but the request has no {}",
                        c.operator, c.key, c.key
                    ),
                    Some(vals) => format!(
                        "{name}: {eff} does not apply: condition {} on {} needs [\"{policy}\"] but the request has [\"{}\"]",
                        c.operator,
                        c.key,
                        vals.join("\", \"")
                    ),
                }
            }
            None => format!("{name}: {eff} does not apply: a condition failed"),
        },
    }
}

/// The whole decision in words: the verdict first, then every statement's part in it.
pub fn explain(e: &Evaluation, action: &str, resource: &str) -> String {
    let mut out = String::new();
    let headline = match (e.verdict.decision, e.verdict.denied_by) {
        (Decision::Allowed, _) => format!("{action} on {resource}: allowed"),
        (Decision::ExplicitDeny, Some(by)) => {
            format!(
                "{action} on {resource}: explicitly denied by a Deny statement in a {}",
                by.words()
            )
        }
        (Decision::ImplicitDeny, Some(by)) => {
            format!(
                "{action} on {resource}: implicitly denied: no {} allows it",
                by.words()
            )
        }
        (d, None) => format!("{action} on {resource}: {}", d.as_str()),
    };
    out.push_str(&headline);
    out.push('\n');
    for s in &e.statements {
        out.push_str("  ");
        out.push_str(&explain_statement(s, action, resource));
        out.push('\n');
    }
    if !e.missing_context_values.is_empty() {
        out.push_str(&format!(
            "  context keys the policies test but the request lacks: {}\n",
            e.missing_context_values.join(", ")
        ));
    }
    out
}
