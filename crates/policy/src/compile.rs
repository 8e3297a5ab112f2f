//! Compile once, evaluate many times: patterns pre-split, operators resolved, statements indexed.

use crate::arn::{ArnPattern, PreparedResource};
use crate::condition::CompiledCondition;
use crate::error::PolicyError;
use crate::inline_text::InlineText;
use crate::marks::has_wildcard;
use crate::model::{Effect, Policy, PolicyKind, PrincipalBlock, Text};
use crate::parse::read_policy;
use crate::span::{Cursor, Position, Span};
use crate::variables::{tokenize, Token, Wildcards};
use crate::view::{StatementSink, StatementView};
use crate::wildcard::{Case, NoVariables, Pattern, Variables};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::borrow::Cow;

/// Where a policy came from, as the simulator reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// `SourcePolicyId`: `PolicyInputList.1`, a policy name, ...
    pub id: String,
    /// `SourcePolicyType`: user, group, role, aws-managed, user-managed, resource, none.
    pub source_type: String,
}

impl PolicySource {
    /// A source with the given id and type.
    pub fn new(id: impl Into<String>, source_type: impl Into<String>) -> PolicySource {
        PolicySource {
            id: id.into(),
            source_type: source_type.into(),
        }
    }
}

/// One action pattern, lower-cased (actions are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPattern {
    /// `*`.
    Any,
    /// No wildcard: kept as written and compared without regard to ASCII case ("action names
    /// are case-insensitive"); lower-casing every action of every policy cost more than that.
    /// Inline up to 40 bytes: all but the longest action names
    /// (`ssm:GetDeployablePatchSnapshotForInstance`, 41, goes on the heap).
    Literal(InlineText<40>),
    /// Text and one final `*` (`ssm:Describe*`), the text lower-cased: matched as a prefix.
    Prefix(InlineText<40>),
    /// Other wildcards, lower-cased. Boxed: rarer than the other forms, and without it every
    /// pattern would be 64 bytes and a statement's inline pair of them too large to move
    /// without a call to `memcpy` (issue 5, W3).
    Glob(Box<Pattern>),
}

// The sizes the variants above are chosen for: a statement's two inline action patterns, and an
// ARN pattern, move with inline stores only up to 128 bytes (past that, a call to `memcpy`).
const _: () = assert!(std::mem::size_of::<ActionMatcher>() <= 128);
const _: () = assert!(std::mem::size_of::<ArnPattern>() <= 128);

impl ActionPattern {
    /// Compile an action pattern as written in a policy.
    pub fn compile(s: &str) -> ActionPattern {
        if s == "*" {
            ActionPattern::Any
        } else if has_wildcard(s) {
            let lower = s.to_ascii_lowercase();
            match lower.strip_suffix('*') {
                Some(prefix) if !has_wildcard(prefix) => {
                    ActionPattern::Prefix(InlineText::new(prefix))
                }
                _ => ActionPattern::Glob(Box::new(Pattern::new(tokenize(
                    &lower,
                    Wildcards::On,
                    false,
                )))),
            }
        } else {
            ActionPattern::Literal(InlineText::new(s))
        }
    }

    /// Whether it matches an action already in lower case.
    pub fn matches(&self, action_lower: &str) -> bool {
        match self {
            ActionPattern::Any => true,
            ActionPattern::Literal(l) => l.as_bytes().eq_ignore_ascii_case(action_lower.as_bytes()),
            ActionPattern::Prefix(p) => action_lower.as_bytes().starts_with(p.as_bytes()),
            ActionPattern::Glob(p) => {
                p.matches(action_lower, Case::Sensitive, &NoVariables) == Some(true)
            }
        }
    }

    /// The service prefix when it has no wildcard (in the case written), which lets the index
    /// file the statement.
    fn literal_service(&self) -> Option<&[u8]> {
        let text = match self {
            ActionPattern::Any => return None,
            ActionPattern::Literal(l) | ActionPattern::Prefix(l) => l.as_bytes(),
            ActionPattern::Glob(p) => match p.tokens.first() {
                Some(Token::Text(s)) => s.as_bytes(),
                _ => return None,
            },
        };
        // The service is a few bytes long: a plain scan beats setting up a substring search.
        let colon = text.iter().position(|&b| b == b':')?;
        text.get(..colon)
    }
}

/// Action or NotAction, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionMatcher {
    pub negated: bool,
    /// Most statements name one or two actions, kept inline.
    pub patterns: SmallVec<[ActionPattern; 2]>,
}

impl ActionMatcher {
    /// Whether the statement applies to the action (given in lower case).
    pub fn matches(&self, action_lower: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(action_lower)) != self.negated
    }
}

/// Resource or NotResource, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceMatcher {
    /// No Resource element (trust policies): the statement applies to the resource at hand.
    Implicit,
    /// No usable Resource element in a policy that needs one: applies to nothing.
    Nothing,
    List {
        negated: bool,
        /// Most statements name one resource, kept inline.
        patterns: SmallVec<[ArnPattern; 1]>,
    },
}

impl ResourceMatcher {
    /// Whether the statement applies to `resource`.
    pub fn matches(&self, resource: &PreparedResource<'_>, vars: &dyn Variables) -> bool {
        match self {
            ResourceMatcher::Implicit => true,
            ResourceMatcher::Nothing => false,
            ResourceMatcher::List { negated, patterns } => {
                // "the resource that includes a policy variable with no value will not
                // match any resource": a null pattern counts as no match, in both forms.
                let any = patterns
                    .iter()
                    .any(|p| p.matches_prepared(resource, vars) == Some(true));
                any != *negated
            }
        }
    }
}

/// What identifies a statement in reports: where it is and what it says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementMeta {
    /// Position in the policy's statement list, from 0.
    pub index: usize,
    pub sid: Option<Text>,
    pub effect: Effect,
    pub span: Span,
    /// Start and end as the IAM simulator reports them in MatchedStatements.
    pub start: Position,
    pub end: Position,
}

/// A statement ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledStatement {
    pub meta: StatementMeta,
    pub actions: ActionMatcher,
    pub resources: ResourceMatcher,
    pub principal: Option<PrincipalBlock>,
    pub conditions: Vec<CompiledCondition>,
}

/// Statement numbers by the service prefix of their actions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionIndex {
    /// Per service, by its bytes in lower case (short: kept inline): where its statements are
    /// in `listed`.
    by_service: FxHashMap<SmallVec<[u8; 16]>, (u32, u32)>,
    /// The statements of each service, one service after the other, each in order: one list
    /// built in two passes rather than a list per service grown one statement at a time.
    listed: Vec<u32>,
    /// Statements with NotAction or a wildcard in the service part: candidates for every action.
    everywhere: Vec<u32>,
}

impl ActionIndex {
    fn build(statements: &[CompiledStatement]) -> ActionIndex {
        let mut idx = ActionIndex::default();
        // First (service number, statement) pairs and a count per service number, with the
        // map holding each service's number; then the counts laid out as ranges of one list,
        // and the statements put in them.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(statements.len());
        let mut counts: Vec<u32> = Vec::with_capacity(16);
        for (i, s) in statements.iter().enumerate() {
            let i = i as u32;
            // Nearly every statement names one service or two.
            let mut services: SmallVec<[&[u8]; 4]> = SmallVec::new();
            let mut everywhere = s.actions.negated;
            for p in &s.actions.patterns {
                match p.literal_service() {
                    None => everywhere = true,
                    Some(svc) if !services.contains(&svc) => services.push(svc),
                    Some(_) => {}
                }
            }
            if everywhere {
                idx.everywhere.push(i);
                continue;
            }
            let first_pair = pairs.len();
            for svc in services {
                let next = idx.by_service.len() as u32;
                // Two spellings of one service (`SSM:`, `ssm:`) are one entry.
                let entry = if svc.iter().any(u8::is_ascii_uppercase) {
                    idx.by_service
                        .entry(SmallVec::from_vec(svc.to_ascii_lowercase()))
                        .or_insert((next, 0))
                } else if let Some(entry) = idx.by_service.get_mut(svc) {
                    entry
                } else {
                    idx.by_service
                        .entry(SmallVec::from_slice(svc))
                        .or_insert((next, 0))
                };
                let service = entry.0;
                if service as usize == counts.len() {
                    counts.push(0);
                }
                // `SSM:` and `ssm:` in one statement file it once.
                if !pairs
                    .get(first_pair..)
                    .unwrap_or_default()
                    .contains(&(service, i))
                {
                    if let Some(count) = counts.get_mut(service as usize) {
                        *count += 1;
                    }
                    pairs.push((service, i));
                }
            }
        }
        let mut starts = Vec::with_capacity(counts.len());
        let mut start = 0;
        for count in &counts {
            starts.push(start);
            start += count;
        }
        for range in idx.by_service.values_mut() {
            let n = range.0 as usize;
            let from = starts.get(n).copied().unwrap_or_default();
            *range = (from, from + counts.get(n).copied().unwrap_or_default());
        }
        idx.listed = vec![0; pairs.len()];
        for (service, i) in pairs {
            if let Some(next) = starts.get_mut(service as usize) {
                if let Some(slot) = idx.listed.get_mut(*next as usize) {
                    *slot = i;
                }
                *next += 1;
            }
        }
        idx
    }

    /// The statements that may apply to an action of `service` (lower case).
    pub fn candidates(&self, service: &str) -> (&[u32], &[u32]) {
        let listed = self
            .by_service
            .get(service.as_bytes())
            .and_then(|&(from, to)| self.listed.get(from as usize..to as usize))
            .unwrap_or(&[]);
        (listed, &self.everywhere)
    }
}

/// A policy ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledPolicy {
    pub source: PolicySource,
    pub statements: Vec<CompiledStatement>,
    pub index: ActionIndex,
}

fn resource_pattern(item: &str, variables: bool) -> ArnPattern {
    match ArnPattern::compile(item, variables) {
        // Not an ARN: IAM rejects it; where it is evaluated anyway it names nothing.
        ArnPattern::Whole(_) => ArnPattern::Never,
        pattern => pattern,
    }
}

/// Where the simulator says a statement starts and ends: one column past its `{` and `}`.
///
/// Calibrated on the AWS CLI's documented example: for
/// `{"Version":"2012-10-17","Statement":{"Effect":"Allow",...}}` it reports Line 1 Column 38
/// to Line 1 Column 167, and the statement's braces are at columns 37 and 166.
pub fn statement_positions(cursor: &mut Cursor<'_>, span: Span) -> (Position, Position) {
    let mut start = cursor.position(span.start);
    start.column += 1;
    let mut end = cursor.position(span.end.saturating_sub(1));
    end.column += 1;
    (start, end)
}

/// Compiles statements as they are handed to it, from a model or straight from the reader.
struct Compiler<'t> {
    cursor: Cursor<'t>,
    kind: PolicyKind,
    statements: Vec<CompiledStatement>,
}

impl<'t> Compiler<'t> {
    fn new(text: &'t str, kind: PolicyKind) -> Compiler<'t> {
        Compiler {
            cursor: Cursor::new(text),
            kind,
            statements: Vec::new(),
        }
    }

    fn finish(self, source: PolicySource) -> CompiledPolicy {
        let index = ActionIndex::build(&self.statements);
        CompiledPolicy {
            source,
            statements: self.statements,
            index,
        }
    }
}

impl StatementSink for Compiler<'_> {
    fn reserve(&mut self, n: usize) {
        self.statements.reserve_exact(n);
    }

    fn statement(&mut self, s: StatementView<'_>, variables: bool) {
        let (start, end) = statement_positions(&mut self.cursor, s.span);
        let conditions = s
            .conditions
            .iter()
            .flat_map(|b| {
                b.entries
                    .iter()
                    .map(move |e| CompiledCondition::compile(b.operator.value, e, variables))
            })
            .collect();
        // A compiled statement is some 400 bytes: it is built in its place (through `extend`,
        // which knows the place before building; `push` builds on the stack and then calls
        // `memcpy`) with empty lists, and its patterns are compiled straight into it.
        let index = self.statements.len();
        self.statements
            .extend(std::iter::once_with(|| CompiledStatement {
                meta: StatementMeta {
                    index,
                    sid: s.sid.map(|s| Text::from(s.value)),
                    effect: s.effect.value,
                    span: s.span,
                    start,
                    end,
                },
                actions: ActionMatcher {
                    negated: s.action.is_some_and(|a| a.negated),
                    patterns: SmallVec::new(),
                },
                resources: match (s.resource, self.kind) {
                    (Some(r), _) => ResourceMatcher::List {
                        negated: r.negated,
                        patterns: SmallVec::new(),
                    },
                    (None, PolicyKind::Resource) => ResourceMatcher::Implicit,
                    (None, _) => ResourceMatcher::Nothing,
                },
                principal: s.principal.map(Cow::into_owned),
                conditions,
            }));
        let Some(out) = self.statements.last_mut() else {
            return;
        };
        if let Some(a) = s.action {
            let patterns = &mut out.actions.patterns;
            patterns.reserve_exact(a.items.max_len());
            patterns.extend(a.items.iter().map(|i| ActionPattern::compile(i.value)));
        }
        if let (Some(r), ResourceMatcher::List { patterns, .. }) = (s.resource, &mut out.resources)
        {
            patterns.reserve_exact(r.items.max_len());
            patterns.extend(r.items.iter().map(|i| resource_pattern(i.value, variables)));
        }
    }
}

impl CompiledPolicy {
    /// Compile a parsed policy; `text` is the source it was parsed from (for positions).
    pub fn compile(
        policy: &Policy,
        text: &str,
        kind: PolicyKind,
        source: PolicySource,
    ) -> CompiledPolicy {
        let mut compiler = Compiler::new(text, kind);
        let variables = policy.variables_enabled();
        compiler.reserve(policy.statements.len());
        for s in &policy.statements {
            compiler.statement(StatementView::of(s), variables);
        }
        compiler.finish(source)
    }

    /// Parse, validate and compile; any error IAM would reject the policy for is returned.
    ///
    /// Statements are compiled as they are read, without building the model.
    pub fn from_text(
        text: &str,
        kind: PolicyKind,
        source: PolicySource,
    ) -> Result<CompiledPolicy, Vec<PolicyError>> {
        let mut compiler = Compiler::new(text, kind);
        match read_policy(text, kind, &mut compiler) {
            (Some(_), errors) if errors.is_empty() => Ok(compiler.finish(source)),
            (_, errors) => Err(errors),
        }
    }

    /// Parse and compile what can be read even when IAM would reject the policy; malformed
    /// elements grant and deny nothing. For linting and for examples published with defects.
    pub fn from_text_lenient(
        text: &str,
        kind: PolicyKind,
        source: PolicySource,
    ) -> (Option<CompiledPolicy>, Vec<PolicyError>) {
        let mut compiler = Compiler::new(text, kind);
        let (head, errors) = read_policy(text, kind, &mut compiler);
        (head.map(|_| compiler.finish(source)), errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "You can use wildcards (* or ?) in the action name" and "the prefix and the action name
    /// are case insensitive": the prefix form (`ssm:Describe*`) matches exactly what the same
    /// text does as a general wildcard pattern.
    #[test]
    fn action_prefix_patterns_match_as_general_ones_do() {
        let patterns = [
            "ssm:Describe*",
            "SSM:start*",
            "ssm:*",
            "s*",
            "*:*",
            "ec2:Get?*",
        ];
        let actions = [
            "ssm:describesessions",
            "ssm:describe",
            "ssm:startsession",
            "ssm:sendcommand",
            "s3:getobject",
            "ec2:getconsoleoutput",
            "ec2:get",
            "ssmx:describesessions",
            "",
        ];
        for p in patterns {
            let compiled = ActionPattern::compile(p);
            let general = Pattern::new(tokenize(&p.to_ascii_lowercase(), Wildcards::On, false));
            for a in actions {
                let expected = general.matches(a, Case::Sensitive, &NoVariables) == Some(true);
                assert_eq!(compiled.matches(a), expected, "{p} against {a}");
            }
        }
        assert!(matches!(
            ActionPattern::compile("SSM:Describe*"),
            ActionPattern::Prefix(_)
        ));
        assert!(matches!(
            ActionPattern::compile("ssm:*Session"),
            ActionPattern::Glob(_)
        ));
    }

    /// The index must list, for each service, every statement naming an action of it (in
    /// whatever case: "action names are case-insensitive") once and in order, and put the
    /// statements that could match any action in `everywhere`.
    #[test]
    fn the_action_index_lists_each_statement_under_each_of_its_services_once() {
        let statements = [
            r#"{"Effect":"Allow","Action":["ssm:SendCommand","ec2:DescribeInstances"],"Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["SSM:GetDocument","ssm:ListDocuments"],"Resource":"*"}"#,
            r#"{"Effect":"Deny","NotAction":"ssm:*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"s*:Get*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["lambda:InvokeFunction","Ssm:StartSession"],"Resource":"*"}"#,
        ];
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        );
        let p =
            CompiledPolicy::from_text(&text, PolicyKind::Identity, PolicySource::new("p", "none"))
                .expect("valid");
        assert_eq!(p.index.candidates("ssm"), (&[0, 1, 5][..], &[2, 3][..]));
        assert_eq!(p.index.candidates("ec2"), (&[0, 4][..], &[2, 3][..]));
        assert_eq!(p.index.candidates("lambda"), (&[5][..], &[2, 3][..]));
        assert_eq!(p.index.candidates("iam"), (&[][..], &[2, 3][..]));
        let prefixes = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"SSM:Describe*","Resource":"*"},
            {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#;
        let p = CompiledPolicy::from_text(
            prefixes,
            PolicyKind::Identity,
            PolicySource::new("p", "none"),
        )
        .expect("valid");
        assert_eq!(p.index.candidates("ssm"), (&[0][..], &[][..]));
        assert_eq!(p.index.candidates("ec2"), (&[1][..], &[][..]));
    }
}
