//! What IAM rejects (`MalformedPolicyDocument`), with where and why.

use crate::span::Span;

/// The kinds of rejected policy, each with a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    JsonSyntax,
    NotAnObject,
    WrongType,
    DuplicateKey,
    UnknownElement,
    InvalidVersion,
    MissingStatement,
    MissingEffect,
    InvalidEffect,
    MissingAction,
    ActionAndNotAction,
    ActionWithoutService,
    ActionTooManyColons,
    InvalidService,
    MissingResource,
    ResourceAndNotResource,
    ResourceNotArn,
    ResourceServiceNotQualified,
    PrincipalNotAllowed,
    MissingPrincipal,
    InvalidSid,
    DuplicateSid,
    UnknownOperator,
    NullWithIfExists,
    ConditionKeyWithoutService,
    InvalidConditionValue,
    VariableNotAllowed,
    InvalidCharacter,
}

impl ErrorKind {
    /// A stable identifier, used in JSON output and tests.
    pub fn code(self) -> &'static str {
        use ErrorKind::*;
        match self {
            JsonSyntax => "json-syntax",
            NotAnObject => "not-an-object",
            WrongType => "wrong-type",
            DuplicateKey => "duplicate-key",
            UnknownElement => "unknown-element",
            InvalidVersion => "invalid-version",
            MissingStatement => "missing-statement",
            MissingEffect => "missing-effect",
            InvalidEffect => "invalid-effect",
            MissingAction => "missing-action",
            ActionAndNotAction => "action-and-notaction",
            ActionWithoutService => "action-without-service",
            ActionTooManyColons => "action-too-many-colons",
            InvalidService => "invalid-service",
            MissingResource => "missing-resource",
            ResourceAndNotResource => "resource-and-notresource",
            ResourceNotArn => "resource-not-arn",
            ResourceServiceNotQualified => "resource-service-not-qualified",
            PrincipalNotAllowed => "principal-not-allowed",
            MissingPrincipal => "missing-principal",
            InvalidSid => "invalid-sid",
            DuplicateSid => "duplicate-sid",
            UnknownOperator => "unknown-operator",
            NullWithIfExists => "null-with-ifexists",
            ConditionKeyWithoutService => "condition-key-without-service",
            InvalidConditionValue => "invalid-condition-value",
            VariableNotAllowed => "variable-not-allowed",
            InvalidCharacter => "invalid-character",
        }
    }
}

/// One reason a policy is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    pub kind: ErrorKind,
    /// Our message: what is wrong, naming the element.
    pub message: String,
    /// The message IAM gives for this kind of error (`MalformedPolicyDocument: ...`).
    pub aws_message: String,
    /// Where: the offending element.
    pub span: Span,
    /// What to do about it.
    pub help: Option<String>,
}

impl PolicyError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> PolicyError {
        PolicyError {
            aws_message: default_aws_message(kind).to_string(),
            kind,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Attach advice.
    pub fn with_help(mut self, help: impl Into<String>) -> PolicyError {
        self.help = Some(help.into());
        self
    }

    /// Replace IAM's message (for messages that name the element).
    pub fn with_aws_message(mut self, m: impl Into<String>) -> PolicyError {
        self.aws_message = m.into();
        self
    }
}

/// IAM's own wording for each kind, as its API returns it.
fn default_aws_message(kind: ErrorKind) -> &'static str {
    use ErrorKind::*;
    match kind {
        MissingAction => "Policy statement must contain actions.",
        MissingResource => "Policy statement must contain resources.",
        ActionWithoutService | ConditionKeyWithoutService => {
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        }
        ActionTooManyColons => "Actions/Condition can contain only one colon.",
        ResourceServiceNotQualified => {
            "Resource vendor must be fully qualified and cannot contain regexes."
        }
        PrincipalNotAllowed => "Policy document should not specify a principal.",
        MissingPrincipal => "Missing required field Principal",
        DuplicateSid => "Statement IDs (SID) in a single policy must be unique.",
        InvalidSid => {
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
        }
        _ => "Syntax errors in policy.",
    }
}
