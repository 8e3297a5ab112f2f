//! `ssmgate lint`: checks over IAM policies, with Systems Manager's dangers in view.
//!
//! Findings carry a severity as IAM Access Analyzer grades them, a stable code, the exact span
//! in the user's text, and where possible a fix or a whole tighter policy.

#![forbid(unsafe_code)]

mod checks;
pub mod finding;
pub mod fix;
pub mod output;
pub mod tighten;

pub use finding::{Finding, Fix, Severity};
use ssmgate_policy::{CompiledPolicy, PolicyKind, PolicySource};

/// Lint one policy document.
pub fn lint(text: &str, kind: PolicyKind) -> Vec<Finding> {
    let (compiled, errors) =
        CompiledPolicy::from_text_lenient(text, kind, PolicySource::new("policy", "none"));
    let parsed = ssmgate_policy::parse_policy(text, kind);
    let mut findings = match (&parsed.policy, &compiled) {
        (Some(policy), Some(compiled)) => checks::run(
            &checks::Input {
                text,
                policy,
                compiled,
                catalog: ssmgate_catalog::catalog(),
            },
            &errors,
        ),
        _ => {
            let mut out = Vec::new();
            checks::run_syntax_only(&errors, &mut out);
            out
        }
    };
    findings.sort_by_key(|f| (f.span.start, f.severity, f.code));
    findings.dedup_by(|a, b| a.code == b.code && a.span == b.span);
    findings
}

/// Whether any finding is at least as severe as `threshold`.
pub fn fails(findings: &[Finding], threshold: Severity) -> bool {
    findings.iter().any(|f| f.severity <= threshold)
}
