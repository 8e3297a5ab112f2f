//! From policy text to the model, collecting every error IAM would reject the policy for.

use crate::error::{ErrorKind, PolicyError};
use crate::json::{self, Json, JsonKind, Member};
use crate::marks::{marks, Marks};
use crate::model::*;
use crate::operator::{Operator, OperatorError};
use crate::span::Span;
use crate::variables::{self, has_variable};
use crate::view::{ItemsView, ListView, StatementSink, StatementView};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The outcome of parsing: the policy as far as it could be read, and every error found.
///
/// `policy` is None only when the text is not a JSON object. A policy with errors is still
/// returned so that linters can look at it and tools can evaluate what AWS would reject;
/// elements that failed to parse are left out of it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub policy: Option<Policy>,
    pub errors: Vec<PolicyError>,
}

impl Parsed {
    /// The policy if IAM would accept it, else every error.
    pub fn into_result(self) -> Result<Policy, Vec<PolicyError>> {
        match (self.policy, self.errors.is_empty()) {
            (Some(p), true) => Ok(p),
            (_, _) => Err(self.errors),
        }
    }
}

/// Parse and validate a policy document of the given kind.
pub fn parse_policy(text: &str, kind: PolicyKind) -> Parsed {
    let mut statements: Vec<Statement> = Vec::new();
    let (head, errors) = read_policy(text, kind, &mut statements);
    Parsed {
        policy: head.map(|h| Policy {
            version: h.version,
            id: h.id,
            statements,
            span: h.span,
        }),
        errors,
    }
}

/// What a policy says besides its statements.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<Text>>,
    pub span: Span,
}

/// Read and validate a policy, handing each statement that has an Effect and an Action to
/// `sink` as it is read. The head is None only when the text is not a JSON object.
pub(crate) fn read_policy(
    text: &str,
    kind: PolicyKind,
    sink: &mut dyn StatementSink,
) -> (Option<Head>, Vec<PolicyError>) {
    let mut errors = Vec::new();
    // "Policy documents can contain only the following Unicode characters: horizontal tab
    // (U+0009), linefeed (U+000A), carriage return (U+000D), and characters in the range
    // U+0020 to U+00FF."
    if let Some((i, c)) = first_disallowed_char(text) {
        errors.push(
            PolicyError::new(
                ErrorKind::InvalidCharacter,
                Span::new(i, i + c.len_utf8()),
                format!(
                    "character U+{:04X} is not allowed in a policy document",
                    c as u32
                ),
            )
            .with_help(
                "policies may contain only tab, line feed, carriage return and U+0020 to U+00FF",
            ),
        );
    }
    // The tree takes a few times the text's size; one block up front, freed in one go.
    let arena = bumpalo::Bump::with_capacity(text.len().saturating_mul(4));
    let root = match json::parse(text, &arena) {
        Ok(v) => v,
        Err(e) => {
            errors.push(
                PolicyError::new(
                    ErrorKind::JsonSyntax,
                    e.span,
                    format!("invalid JSON: {}", e.message),
                )
                .with_help("fix the JSON syntax; a JSON linter shows the same position"),
            );
            return (None, errors);
        }
    };
    let JsonKind::Object(members) = &root.kind else {
        errors.push(PolicyError::new(
            ErrorKind::NotAnObject,
            root.span,
            format!("a policy must be a JSON object, not {}", root.type_name()),
        ));
        return (None, errors);
    };
    let mut p = Reader {
        errors,
        kind,
        sids: FxHashMap::default(),
        sid_errors: Vec::new(),
    };
    let head = p.policy(members, root.span, sink);
    (Some(head), p.errors)
}

/// The first character outside what IAM allows in a policy document.
fn first_disallowed_char(text: &str) -> Option<(usize, char)> {
    // Nearly every policy is printable ASCII and white space: a pass over 32-byte blocks, each
    // tested without a branch (so the compiler vectorises it), settles it; only the rest are
    // looked at character by character.
    let plain_byte = |b: u8| (0x20..0x80).contains(&b) | (b == b'\t') | (b == b'\n') | (b == b'\r');
    let mut chunks = text.as_bytes().chunks_exact(32);
    let plain = chunks
        .by_ref()
        .all(|c| c.iter().fold(true, |ok, &b| ok & plain_byte(b)))
        && chunks.remainder().iter().all(|&b| plain_byte(b));
    if plain {
        return None;
    }
    text.char_indices()
        .find(|&(_, c)| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'))
}

struct Reader<'j> {
    errors: Vec<PolicyError>,
    kind: PolicyKind,
    /// The Sids of the statements handed on so far.
    sids: FxHashMap<&'j str, Span>,
    /// Sids used twice, reported after the statements' own errors.
    sid_errors: Vec<PolicyError>,
}

fn spanned_str<'j>(v: &Json<'j>) -> Option<Spanned<&'j str>> {
    match v.kind {
        JsonKind::String(s) => Some(Spanned::new(s, v.span)),
        _ => None,
    }
}

impl<'j> Reader<'j> {
    fn err(&mut self, e: PolicyError) {
        self.errors.push(e);
    }

    /// Report keys that appear twice ("Individual elements must not contain multiple
    /// instances of the same key"), and keys differing only in case where AWS folds case.
    fn duplicates(&mut self, members: &[Member], fold_case: bool) {
        // Objects in policies are small: comparing pairs costs less than hashing and copying.
        for (n, m) in members.iter().enumerate() {
            let same = |o: &Member| {
                if fold_case {
                    o.key.eq_ignore_ascii_case(m.key)
                        || (!o.key.is_ascii() && o.key.to_lowercase() == m.key.to_lowercase())
                } else {
                    o.key == m.key
                }
            };
            if members.iter().take(n).any(same) {
                self.err(
                    PolicyError::new(
                        ErrorKind::DuplicateKey,
                        m.key_span,
                        format!("duplicate key \"{}\"", m.key),
                    )
                    .with_help("each key may appear once in an object; merge the two"),
                );
            }
        }
    }

    fn policy(
        &mut self,
        members: &'j [Member<'j>],
        span: Span,
        sink: &mut dyn StatementSink,
    ) -> Head {
        self.duplicates(members, false);
        let mut version = None;
        let mut id = None;
        let mut statement_json = None;
        for m in members {
            match m.key {
                "Version" => match &m.value.kind {
                    JsonKind::String(s) => match *s {
                        "2012-10-17" => {
                            version = Some(Spanned::new(Version::V2012_10_17, m.value.span))
                        }
                        "2008-10-17" => {
                            version = Some(Spanned::new(Version::V2008_10_17, m.value.span))
                        }
                        other => self.err(
                            PolicyError::new(
                                ErrorKind::InvalidVersion,
                                m.value.span,
                                format!("unknown policy Version \"{other}\""),
                            )
                            .with_help(
                                "use \"2012-10-17\" (the current version, with policy variables)",
                            ),
                        ),
                    },
                    _ => self.err(PolicyError::new(
                        ErrorKind::WrongType,
                        m.value.span,
                        format!("Version must be a string, not {}", m.value.type_name()),
                    )),
                },
                "Id" => match spanned_str(&m.value) {
                    Some(s) => id = Some(Spanned::new(Text::from(s.value), s.span)),
                    None => self.err(PolicyError::new(
                        ErrorKind::WrongType,
                        m.value.span,
                        format!("Id must be a string, not {}", m.value.type_name()),
                    )),
                },
                "Statement" => statement_json = Some(&m.value),
                other => self.err(
                    PolicyError::new(
                        ErrorKind::UnknownElement,
                        m.key_span,
                        format!("unknown top-level element \"{other}\""),
                    )
                    .with_help(
                        "a policy has only Version, Id and Statement (names are case-sensitive)",
                    ),
                ),
            }
        }
        let variables = matches!(
            version,
            Some(Spanned {
                value: Version::V2012_10_17,
                ..
            })
        );
        match statement_json {
            None => self.err(
                PolicyError::new(ErrorKind::MissingStatement, span, "the policy has no Statement")
                    .with_help("add \"Statement\": [ { \"Effect\": ..., \"Action\": ..., \"Resource\": ... } ]"),
            ),
            Some(Json {
                kind: JsonKind::Object(ms),
                span,
            }) => {
                sink.reserve(1);
                self.statement(ms, *span, variables, sink)
            }
            Some(Json {
                kind: JsonKind::Array(items),
                ..
            }) => {
                sink.reserve(items.len());
                for item in items.iter() {
                    match &item.kind {
                        JsonKind::Object(ms) => self.statement(ms, item.span, variables, sink),
                        _ => self.err(PolicyError::new(
                            ErrorKind::WrongType,
                            item.span,
                            format!("a statement must be an object, not {}", item.type_name()),
                        )),
                    }
                }
            }
            Some(other) => self.err(PolicyError::new(
                ErrorKind::WrongType,
                other.span,
                format!("Statement must be an object or an array, not {}", other.type_name()),
            )),
        }
        let sid_errors = std::mem::take(&mut self.sid_errors);
        self.errors.extend(sid_errors);
        Head { version, id, span }
    }

    fn sid(&mut self, sid: Spanned<&'j str>) {
        if sid.value.is_empty() {
            return;
        }
        // "In IAM, the Sid value must be unique within a JSON policy."
        if self.sids.insert(sid.value, sid.span).is_some() {
            self.sid_errors.push(
                PolicyError::new(
                    ErrorKind::DuplicateSid,
                    sid.span,
                    format!("Sid \"{}\" is used by another statement", sid.value),
                )
                .with_help("give each statement its own Sid"),
            );
        }
    }

    /// The strings of a string-or-array element; other values are reported and left out.
    fn string_list(&mut self, v: &'j Json<'j>, element: &str) -> ItemsView<'j> {
        match &v.kind {
            JsonKind::String(_) => ItemsView::Json(std::slice::from_ref(v)),
            JsonKind::Array(items) => {
                for item in items.iter() {
                    if !matches!(item.kind, JsonKind::String(_)) {
                        self.err(PolicyError::new(
                            ErrorKind::WrongType,
                            item.span,
                            format!("each {element} must be a string, not {}", item.type_name()),
                        ));
                    }
                }
                ItemsView::Json(items)
            }
            _ => {
                self.err(PolicyError::new(
                    ErrorKind::WrongType,
                    v.span,
                    format!(
                        "{element} must be a string or an array of strings, not {}",
                        v.type_name()
                    ),
                ));
                ItemsView::Json(&[])
            }
        }
    }

    /// Read one statement and hand it to `sink` if it has an Effect and an Action.
    fn statement(
        &mut self,
        members: &'j [Member<'j>],
        span: Span,
        variables: bool,
        sink: &mut dyn StatementSink,
    ) {
        self.duplicates(members, false);
        let mut sid = None;
        let mut effect = None;
        let mut effect_seen = false;
        let (mut action, mut not_action) = (None, None);
        let (mut resource, mut not_resource) = (None, None);
        let mut principal = None;
        let mut conditions = Vec::new();
        for m in members {
            match m.key {
                "Sid" => match spanned_str(&m.value) {
                    Some(s) => {
                        // "supports ASCII uppercase letters (A-Z), lowercase letters (a-z),
                        // and numbers (0-9)" — IAM's rule; other services' policies differ.
                        if self.kind == PolicyKind::Identity
                            && !s.value.chars().all(|c| c.is_ascii_alphanumeric())
                        {
                            self.err(
                                PolicyError::new(
                                    ErrorKind::InvalidSid,
                                    s.span,
                                    format!("Sid \"{}\" may contain only A-Z, a-z and 0-9", s.value),
                                )
                                .with_help("remove spaces, dashes and other punctuation from the Sid"),
                            );
                        }
                        sid = Some(s);
                    }
                    None => self.err(PolicyError::new(
                        ErrorKind::WrongType,
                        m.value.span,
                        format!("Sid must be a string, not {}", m.value.type_name()),
                    )),
                },
                "Effect" => {
                    effect_seen = true;
                    match &m.value.kind {
                        JsonKind::String(s) if *s == "Allow" => effect = Some(Spanned::new(Effect::Allow, m.value.span)),
                        JsonKind::String(s) if *s == "Deny" => effect = Some(Spanned::new(Effect::Deny, m.value.span)),
                        _ => self.err(
                            PolicyError::new(
                                ErrorKind::InvalidEffect,
                                m.value.span,
                                "Effect must be \"Allow\" or \"Deny\"",
                            )
                            .with_help("\"The Effect value is case sensitive\": write Allow or Deny exactly"),
                        ),
                    }
                }
                "Action" | "NotAction" => {
                    let items = self.string_list(&m.value, "action");
                    for item in items.iter() {
                        self.check_action(item, variables);
                    }
                    let list = ListView {
                        negated: m.key == "NotAction",
                        items,
                        key_span: m.key_span,
                        span: m.value.span,
                    };
                    if list.negated {
                        not_action = Some(list)
                    } else {
                        action = Some(list)
                    }
                }
                "Resource" | "NotResource" => {
                    let items = self.string_list(&m.value, "resource");
                    for item in items.iter() {
                        self.check_resource(item);
                    }
                    let list = ListView {
                        negated: m.key == "NotResource",
                        items,
                        key_span: m.key_span,
                        span: m.value.span,
                    };
                    if list.negated {
                        not_resource = Some(list)
                    } else {
                        resource = Some(list)
                    }
                }
                "Principal" | "NotPrincipal" => {
                    if self.kind != PolicyKind::Resource {
                        self.err(
                            PolicyError::new(
                                ErrorKind::PrincipalNotAllowed,
                                m.key_span,
                                format!("{} is not allowed in an identity-based policy", m.key),
                            )
                            .with_help("identity policies apply to the principal they are attached to; remove the element"),
                        );
                    }
                    principal = self.principal(&m.value, m.key == "NotPrincipal");
                }
                "Condition" => conditions = self.condition(&m.value, variables),
                other => self.err(
                    PolicyError::new(
                        ErrorKind::UnknownElement,
                        m.key_span,
                        format!("unknown statement element \"{other}\""),
                    )
                    .with_help("a statement has Sid, Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal and Condition (names are case-sensitive)"),
                ),
            }
        }
        if !effect_seen {
            self.err(
                PolicyError::new(
                    ErrorKind::MissingEffect,
                    span,
                    "the statement has no Effect",
                )
                .with_help("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""),
            );
        }
        let action = match (action, not_action) {
            (Some(a), Some(n)) => {
                self.err(
                    PolicyError::new(
                        ErrorKind::ActionAndNotAction,
                        n.key_span,
                        "a statement may have Action or NotAction, not both",
                    )
                    .with_help("split it into two statements"),
                );
                Some(a)
            }
            (a, n) => a.or(n),
        };
        if action.is_none() {
            self.err(
                PolicyError::new(
                    ErrorKind::MissingAction,
                    span,
                    "the statement has no Action or NotAction",
                )
                .with_help("add \"Action\": [\"service:Operation\", ...]"),
            );
        }
        let resource = match (resource, not_resource) {
            (Some(r), Some(n)) => {
                self.err(
                    PolicyError::new(
                        ErrorKind::ResourceAndNotResource,
                        n.key_span,
                        "a statement may have Resource or NotResource, not both",
                    )
                    .with_help("split it into two statements"),
                );
                Some(r)
            }
            (r, n) => r.or(n),
        };
        if resource.is_none() && self.kind != PolicyKind::Resource {
            self.err(
                PolicyError::new(
                    ErrorKind::MissingResource,
                    span,
                    "the statement has no Resource or NotResource",
                )
                .with_help("add \"Resource\": \"*\" or the ARNs it applies to"),
            );
        }
        if principal.is_none() && self.kind == PolicyKind::Resource {
            self.err(
                PolicyError::new(
                    ErrorKind::MissingPrincipal,
                    span,
                    "a resource-based policy statement needs a Principal",
                )
                .with_help("add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"}"),
            );
        }
        let (Some(effect), Some(action)) = (effect, action) else {
            return;
        };
        if let Some(sid) = sid {
            self.sid(sid);
        }
        sink.statement(
            StatementView {
                sid,
                effect,
                action: Some(action),
                resource,
                principal: principal.map(Cow::Owned),
                conditions: Cow::Owned(conditions),
                span,
            },
            variables,
        );
    }

    fn check_variables(&mut self, s: Spanned<&str>, variables: bool, element: &str) {
        if !variables || !has_variable(s.value) {
            return;
        }
        let (refs, _) = variables::scan(s.value);
        if let Some(r) = refs.first() {
            // Offsets inside the JSON string: +1 for the opening quote (escapes aside).
            let start = s.span.start + 1 + r.start;
            self.err(
                PolicyError::new(
                    ErrorKind::VariableNotAllowed,
                    Span::new(start, (start + (r.end - r.start)).min(s.span.end)),
                    format!("policy variables are not allowed in {element}"),
                )
                .with_help("policy variables can be used only in Resource and in String and ARN condition operators"),
            );
        }
    }

    fn check_action(&mut self, a: Spanned<&str>, variables: bool) {
        let s = a.value;
        let Marks {
            colons,
            first_colon,
            dollar,
            ..
        } = marks(s);
        if dollar {
            self.check_variables(a, variables, "Action");
        }
        if s == "*" {
            return;
        }
        let service = first_colon.and_then(|colon| s.get(..colon)).unwrap_or(s);
        if colons == 0 || service.is_empty() {
            self.err(
                PolicyError::new(
                    ErrorKind::ActionWithoutService,
                    a.span,
                    format!("action \"{s}\" has no service prefix"),
                )
                .with_help("write actions as service:Operation, e.g. ssm:SendCommand"),
            );
        } else if colons > 1 {
            self.err(
                PolicyError::new(
                    ErrorKind::ActionTooManyColons,
                    a.span,
                    format!("action \"{s}\" has more than one colon"),
                )
                .with_help("write actions as service:Operation, e.g. ssm:SendCommand"),
            );
        } else if !service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'*' | b'?'))
        {
            self.err(
                PolicyError::new(
                    ErrorKind::InvalidService,
                    a.span,
                    format!("\"{service}\" is not a valid service prefix"),
                )
                .with_aws_message(format!("Vendor {service} is not valid"))
                .with_help("a service prefix has only letters, digits and dashes, e.g. ssm"),
            );
        }
    }

    fn check_resource(&mut self, r: Spanned<&str>) {
        let s = r.value;
        if s == "*" {
            return;
        }
        match crate::arn::split(s) {
            None => self.err(
                PolicyError::new(
                    ErrorKind::ResourceNotArn,
                    r.span,
                    format!("resource \"{s}\" is neither \"*\" nor an ARN"),
                )
                .with_aws_message(format!("Resource {s} must be in ARN format or \"*\"."))
                .with_help("write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:ec2:*:*:instance/*"),
            ),
            Some(p) if p.service.is_empty() || p.service.contains(['*', '?']) => self.err(
                PolicyError::new(
                    ErrorKind::ResourceServiceNotQualified,
                    r.span,
                    format!("the service part of resource \"{s}\" is empty or has a wildcard"),
                )
                .with_help("\"You can't use a wildcard in the service segment\": name the service, e.g. arn:aws:ssm:..."),
            ),
            Some(_) => {}
        }
    }

    fn principal(&mut self, v: &'j Json<'j>, negated: bool) -> Option<PrincipalBlock> {
        match &v.kind {
            JsonKind::String(s) if *s == "*" => Some(PrincipalBlock {
                negated,
                any: true,
                entries: Vec::new(),
                span: v.span,
            }),
            JsonKind::Object(members) => {
                self.duplicates(members, false);
                let mut entries = Vec::new();
                for m in members.iter() {
                    if !matches!(m.key, "AWS" | "Service" | "Federated" | "CanonicalUser") {
                        self.err(
                            PolicyError::new(
                                ErrorKind::UnknownElement,
                                m.key_span,
                                format!("unknown principal type \"{}\"", m.key),
                            )
                            .with_help("use AWS, Service, Federated or CanonicalUser"),
                        );
                    }
                    for item in self.string_list(&m.value, "principal").iter() {
                        entries.push((
                            m.key.to_string(),
                            Spanned::new(Text::from(item.value), item.span),
                        ));
                    }
                }
                let any = entries.iter().any(|(k, v)| k == "AWS" && v.value == "*");
                Some(PrincipalBlock {
                    negated,
                    any,
                    entries,
                    span: v.span,
                })
            }
            _ => {
                self.err(PolicyError::new(
                    ErrorKind::WrongType,
                    v.span,
                    "Principal must be \"*\" or an object such as {\"AWS\": \"arn:...\"}",
                ));
                None
            }
        }
    }

    fn condition(&mut self, v: &Json, variables: bool) -> Vec<ConditionBlock> {
        let JsonKind::Object(ops) = &v.kind else {
            self.err(PolicyError::new(
                ErrorKind::WrongType,
                v.span,
                format!("Condition must be an object, not {}", v.type_name()),
            ));
            return Vec::new();
        };
        self.duplicates(ops, false);
        let mut blocks = Vec::new();
        for op in ops.iter() {
            let operator = match Operator::parse(op.key) {
                Ok(o) => Some(o),
                Err(OperatorError::Unknown) => {
                    self.err(
                        PolicyError::new(
                            ErrorKind::UnknownOperator,
                            op.key_span,
                            format!("unknown condition operator \"{}\"", op.key),
                        )
                        .with_aws_message(format!("Invalid Condition type : {}", op.key))
                        .with_help("operators are case-sensitive, e.g. StringEquals, StringLike, ArnLike, BoolIfExists"),
                    );
                    None
                }
                Err(OperatorError::NullWithIfExists) => {
                    self.err(
                        PolicyError::new(
                            ErrorKind::NullWithIfExists,
                            op.key_span,
                            "the Null operator cannot take the IfExists suffix",
                        )
                        .with_aws_message(format!("Invalid Condition type : {}", op.key))
                        .with_help("use Null alone: it already tests whether the key exists"),
                    );
                    None
                }
            };
            let JsonKind::Object(keys) = &op.value.kind else {
                self.err(PolicyError::new(
                    ErrorKind::WrongType,
                    op.value.span,
                    format!(
                        "the value of {} must be an object of condition keys",
                        op.key
                    ),
                ));
                continue;
            };
            // "Condition key names are not case-sensitive": two spellings are one key twice.
            self.duplicates(keys, true);
            let mut entries = Vec::new();
            for k in keys.iter() {
                if !k.key.contains(':') {
                    self.err(
                        PolicyError::new(
                            ErrorKind::ConditionKeyWithoutService,
                            k.key_span,
                            format!("condition key \"{}\" has no service prefix", k.key),
                        )
                        .with_help("condition keys look like aws:SourceIp or ssm:resourceTag/Name"),
                    );
                }
                let values = self.condition_values(&k.value);
                if let Some(o) = operator {
                    if !o.base.allows_variables() {
                        for val in &values {
                            self.check_variables(
                                Spanned::new(val.value.as_str(), val.span),
                                variables,
                                &format!("{} condition values", o.base.name()),
                            );
                        }
                    }
                }
                entries.push(ConditionEntry {
                    key: Spanned::new(Text::from(k.key), k.key_span),
                    values,
                    span: k.key_span.join(k.value.span),
                });
            }
            if let Some(o) = operator {
                blocks.push(ConditionBlock {
                    operator: Spanned::new(o, op.key_span),
                    entries,
                });
            }
        }
        blocks
    }

    fn condition_values(&mut self, v: &Json) -> Vec<Spanned<Text>> {
        let scalar = |j: &Json| match &j.kind {
            JsonKind::String(s) => Some(Text::from(*s)),
            JsonKind::Number(n) => Some(Text::from(*n)),
            JsonKind::Bool(b) => Some(Text::from(if *b { "true" } else { "false" })),
            _ => None,
        };
        let items: Vec<&Json> = match &v.kind {
            JsonKind::Array(items) => items.iter().collect(),
            _ => vec![v],
        };
        let mut out = Vec::new();
        for item in items {
            match scalar(item) {
                Some(s) => out.push(Spanned::new(s, item.span)),
                None => self.err(PolicyError::new(
                    ErrorKind::InvalidConditionValue,
                    item.span,
                    format!(
                        "a condition value must be a string, number or boolean, not {}",
                        item.type_name()
                    ),
                )),
            }
        }
        out
    }
}
