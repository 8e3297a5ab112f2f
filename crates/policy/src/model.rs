//! The policy as written: every element with its span, nothing resolved yet.

use crate::operator::Operator;
use crate::span::Span;

/// Text read from a policy. Actions, Sids, keys and most values are short and kept inline,
/// without an allocation each.
pub type Text = compact_str::CompactString;

/// The items of an Action or Resource element.
pub type Items = smallvec::SmallVec<[Spanned<Text>; 2]>;

/// A value with the span it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pair `value` with `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// The policy language version, which decides whether `${...}` is a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

impl Version {
    /// The version string as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// Which kind of policy a document is; it decides which elements are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Identity-based policies, permissions boundaries and session policies.
    Identity,
    /// Resource-based policies: `Principal` required, `Id` allowed.
    Resource,
    /// Service control policies: no `Principal`.
    ServiceControl,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<Text>>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

impl Policy {
    /// Whether `${...}` denotes a policy variable in this policy.
    pub fn variables_enabled(&self) -> bool {
        matches!(
            self.version,
            Some(Spanned {
                value: Version::V2012_10_17,
                ..
            })
        )
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of strings, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemList {
    /// True for the `Not...` form.
    pub negated: bool,
    /// Most lists have one or two items, kept inline.
    pub items: Items,
    /// The span of the key (`"Action"`), for messages about the element as a whole.
    pub key_span: Span,
    /// The span of the value (string or array).
    pub span: Span,
}

/// The `Principal`/`NotPrincipal` element of a resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub negated: bool,
    /// `"*"` as the whole element.
    pub any: bool,
    /// Pairs such as ("AWS", "arn:aws:iam::123456789012:root").
    pub entries: Vec<(String, Spanned<Text>)>,
    pub span: Span,
}

/// One key of a condition operator and the values it is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    pub key: Spanned<Text>,
    /// Values as text: JSON numbers and booleans keep their source spelling.
    pub values: Vec<Spanned<Text>>,
    pub span: Span,
}

/// One operator of a `Condition` block with its keys.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionBlock {
    pub operator: Spanned<Operator>,
    pub entries: Vec<ConditionEntry>,
}

impl Statement {
    /// The strings where policy variables may stand: Resource items and condition values.
    pub fn variable_sites(&self) -> impl Iterator<Item = &Spanned<Text>> {
        let resources = self.resource.iter().flat_map(|r| r.items.iter());
        let values = self
            .conditions
            .iter()
            .flat_map(|b| b.entries.iter().flat_map(|e| e.values.iter()));
        resources.chain(values)
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<Spanned<Text>>,
    pub effect: Spanned<Effect>,
    pub action: Option<ItemList>,
    pub resource: Option<ItemList>,
    pub principal: Option<PrincipalBlock>,
    pub conditions: Vec<ConditionBlock>,
    pub span: Span,
}
