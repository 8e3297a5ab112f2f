//! Findings: what is wrong, how bad, where, and what to do.

use ssmgate_policy::span::Span;

/// How serious a finding is, graded as IAM Access Analyzer grades policy checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// IAM refuses the policy, or it cannot do what it says.
    Error,
    /// It grants more than is safe.
    SecurityWarning,
    /// It probably does not do what its author meant.
    Warning,
    /// It could be simpler or clearer.
    Suggestion,
}

impl Severity {
    /// The name used in text and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    /// SARIF's `level`.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning | Severity::Warning => "warning",
            Severity::Suggestion => "note",
        }
    }
}

/// A replacement of the text at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    /// Changes no intended permission, so `--fix` may apply it unasked.
    pub safe: bool,
    pub description: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// A stable identifier, such as `ssm-shell-on-all-instances`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// A whole tighter policy to use instead, as JSON.
    pub proposal: Option<serde_json::Value>,
}

impl Finding {
    /// A finding without help, fix or proposal.
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            span,
            help: None,
            fix: None,
            proposal: None,
        }
    }

    /// Attach advice.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Attach a replacement.
    pub fn fix(
        mut self,
        span: Span,
        replacement: impl Into<String>,
        safe: bool,
        description: impl Into<String>,
    ) -> Finding {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
            safe,
            description: description.into(),
        });
        self
    }

    /// Attach a tighter policy.
    pub fn proposal(mut self, policy: serde_json::Value) -> Finding {
        self.proposal = Some(policy);
        self
    }
}
