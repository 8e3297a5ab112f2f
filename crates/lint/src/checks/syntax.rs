//! What IAM itself refuses: every parser error becomes an error finding.

use crate::finding::{Finding, Severity};
use ssmgate_policy::PolicyError;

/// Report the parser's errors as findings, keeping IAM's own message in the help.
pub fn check(errors: &[PolicyError], out: &mut Vec<Finding>) {
    for e in errors {
        let mut help = format!(
            "IAM refuses this policy: MalformedPolicyDocument: {}",
            e.aws_message
        );
        if let Some(h) = &e.help {
            help = format!("{h}; {help}");
        }
        out.push(
            Finding::new(e.kind.code(), Severity::Error, e.span, e.message.clone()).help(help),
        );
    }
}
