//! A policy set indexed for evaluation: a lookup by action, a lookup by resource, a lookup by
//! condition value, and only then the few statements left are evaluated.
//!
//! The index only ever narrows which statements are looked at; every statement it yields is
//! still checked in full where the index did not already establish a part. So a prepared set
//! decides exactly as [`PolicySet::evaluate`] does (tested on random policies), in time that
//! grows with the statements that could apply, not with the size of the set.

use crate::arn::ArnPattern;
use crate::compile::{ActionPattern, CompiledStatement, ResourceMatcher};
use crate::condition::Values;
use crate::decision::{combine, Effects, Inputs, ResourceEffects, ScpEffects, Verdict};
use crate::evaluate::{PolicySet, Request};
use crate::model::Effect;
use crate::operator::Base;
use crate::principal::{principal_matches, Naming, PrincipalKind};
use crate::wildcard::Variables;
use rustc_hash::FxHashMap;

/// Effect groups kept on the stack; sets with more organization levels use the plain path.
const MAX_GROUPS: usize = 16;
const IDENTITY: u16 = 0;
const BOUNDARY: u16 = 1;
const SESSION: u16 = 2;
const RESOURCE: u16 = 3;
const LEVELS: u16 = 4;

/// A statement of the set with the effect group it counts in.
#[derive(Debug, Clone)]
struct Entry {
    group: u16,
    statement: CompiledStatement,
}

/// Statement numbers by the value a condition compares with.
type ValueIndex = FxHashMap<Box<str>, Vec<u32>>;

/// Statements that share a resource test, split by an indexable condition.
#[derive(Debug, Clone, Default)]
struct Members {
    /// `StringEquals` on a key: the request's value picks the statements.
    by_condition: Vec<(Box<str>, u64, ValueIndex)>,
    rest: Vec<u32>,
}

/// Statements whose resource element is the same list of patterns.
#[derive(Debug, Clone)]
struct Group {
    resources: ResourceMatcher,
    members: Members,
}

/// Resource-part prefixes of one service: the lengths to try and the groups under each.
/// A handful of prefixes are tried one by one (cheaper than hashing a key per length).
#[derive(Debug, Clone, Default)]
struct Prefixes {
    lengths: Vec<usize>,
    groups: FxHashMap<Box<str>, Vec<u32>>,
    few: Vec<(Box<str>, Vec<u32>)>,
}

/// Up to this many prefixes per service are scanned rather than hashed.
const FEW_PREFIXES: usize = 8;

impl Prefixes {
    fn finish(&mut self) {
        if self.groups.len() <= FEW_PREFIXES {
            self.few = self.groups.drain().collect();
            self.lengths.clear();
        }
    }
}

/// Every statement that can apply to one action, Deny statements apart from Allow ones:
/// all Denies are looked at first, and Allows only until the decision is settled.
#[derive(Debug, Clone, Default)]
struct Bucket {
    deny: Index,
    allow: Index,
}

/// Statements of one effect for one action, indexed by resource and condition.
#[derive(Debug, Clone, Default)]
struct Index {
    /// The action still has to be checked (the bucket for actions no policy names literally).
    check_action: bool,
    /// Statements whose resources are all literal ARNs, by ARN.
    exact: FxHashMap<Box<str>, Members>,
    /// Pattern groups by service and the literal start of their resource part.
    by_prefix: FxHashMap<Box<str>, Prefixes>,
    /// Groups that any resource may match (`*`, NotResource, wildcards up front).
    always: Vec<u32>,
    groups: Vec<Group>,
    /// Statements with `Resource: *`, already known to match every resource.
    any_resource: Members,
    /// No statement at all (often the Deny half): nothing to look up.
    empty: bool,
}

/// A policy set with its index. Build with [`PolicySet::prepare`].
#[derive(Debug, Clone)]
pub struct PreparedSet {
    set: PolicySet,
    entries: Vec<Entry>,
    groups: u16,
    by_action: FxHashMap<Box<str>, Bucket>,
    other: Bucket,
    /// Stopping at the first settling Allow is exact only without resource-based policies
    /// (whose direct naming bypasses boundaries).
    early_exit: bool,
    /// Only identity-based policies: no boundary, session, resource or organization policy.
    identity_only: bool,
}

/// A literal condition the index can look up: plain `StringEquals`, no variables.
fn indexable_condition(s: &CompiledStatement) -> Option<(&str, Vec<&str>)> {
    s.conditions.iter().find_map(|c| {
        let plain = c.operator.base == Base::StringEquals
            && c.operator.qualifier.is_none()
            && !c.operator.if_exists;
        let Values::Exact(values) = &c.values else {
            return None;
        };
        plain.then(|| (c.key_lower.as_str(), values.iter().map(|v| &**v).collect()))
    })
}

fn add_member(m: &mut Members, s: &CompiledStatement, r: u32) {
    match indexable_condition(s) {
        Some((key, values)) => {
            let pos = match m.by_condition.iter().position(|(k, _, _)| &**k == key) {
                Some(p) => p,
                None => {
                    m.by_condition.push((
                        key.into(),
                        crate::context::key_hash(key),
                        FxHashMap::default(),
                    ));
                    m.by_condition.len() - 1
                }
            };
            if let Some((_, _, map)) = m.by_condition.get_mut(pos) {
                for v in values {
                    let list = map.entry(v.into()).or_default();
                    if list.last() != Some(&r) {
                        list.push(r);
                    }
                }
            }
        }
        None => m.rest.push(r),
    }
}

/// The literal start of a pattern's resource part, up to its first wildcard or variable.
fn resource_prefix(p: &ArnPattern) -> Option<(String, String)> {
    let ArnPattern::Parts(parts) = p else {
        return None;
    };
    let svc = parts.literal(1)?.to_string();
    let prefix = parts.literal_start(4).to_string();
    (!prefix.is_empty()).then_some((svc, prefix))
}

fn literal_arn(p: &ArnPattern) -> Option<String> {
    let ArnPattern::Parts(parts) = p else {
        return None;
    };
    let mut out = String::from("arn");
    for i in 0..5 {
        out.push(':');
        out.push_str(parts.literal(i)?);
    }
    Some(out)
}

impl Bucket {
    fn checking_action() -> Bucket {
        let mut b = Bucket::default();
        b.deny.check_action = true;
        b.allow.check_action = true;
        b
    }

    fn add(&mut self, s: &CompiledStatement, r: u32) {
        match s.meta.effect {
            Effect::Deny => self.deny.add(s, r),
            Effect::Allow => self.allow.add(s, r),
        }
    }
}

impl Index {
    fn add(&mut self, s: &CompiledStatement, r: u32) {
        let ResourceMatcher::List { negated, patterns } = &s.resources else {
            if s.resources == ResourceMatcher::Implicit {
                add_member(&mut self.any_resource, s, r);
            }
            return;
        };
        if !negated && patterns.contains(&ArnPattern::Any) {
            add_member(&mut self.any_resource, s, r);
            return;
        }
        if !negated {
            let literals: Option<Vec<String>> = patterns.iter().map(literal_arn).collect();
            if let Some(literals) = literals {
                for l in literals {
                    add_member(self.exact.entry(l.into()).or_default(), s, r);
                }
                return;
            }
        }
        let g = match self.groups.iter().position(|g| g.resources == s.resources) {
            Some(g) => g,
            None => {
                self.groups.push(Group {
                    resources: s.resources.clone(),
                    members: Members::default(),
                });
                let g = self.groups.len() - 1;
                let prefixes: Option<Vec<(String, String)>> = if *negated {
                    None
                } else {
                    patterns.iter().map(resource_prefix).collect()
                };
                match prefixes {
                    Some(ps) if !ps.is_empty() => {
                        for (svc, prefix) in ps {
                            let entry = self.by_prefix.entry(svc.into()).or_default();
                            if !entry.lengths.contains(&prefix.len()) {
                                entry.lengths.push(prefix.len());
                            }
                            let list = entry.groups.entry(prefix.into()).or_default();
                            if list.last() != Some(&(g as u32)) {
                                list.push(g as u32);
                            }
                        }
                    }
                    _ => self.always.push(g as u32),
                }
                g
            }
        };
        if let Some(group) = self.groups.get_mut(g) {
            add_member(&mut group.members, s, r);
        }
    }
}

impl PolicySet {
    /// Index the set for fast evaluation.
    pub fn prepare(self) -> PreparedSet {
        let mut entries = Vec::new();
        let push =
            |group: u16, list: &[crate::compile::CompiledPolicy], entries: &mut Vec<Entry>| {
                for p in list {
                    for s in &p.statements {
                        entries.push(Entry {
                            group,
                            statement: s.clone(),
                        });
                    }
                }
            };
        push(IDENTITY, &self.identity, &mut entries);
        push(BOUNDARY, &self.boundary, &mut entries);
        push(SESSION, &self.session, &mut entries);
        push(RESOURCE, &self.resource, &mut entries);
        let mut g = LEVELS;
        for level in self.scp_levels.iter().chain(&self.rcp_levels) {
            push(g, level, &mut entries);
            g += 1;
        }
        let early_exit = self.resource.is_empty();
        let identity_only = self.boundary.is_empty()
            && self.session.is_empty()
            && self.resource.is_empty()
            && self.scp_levels.is_empty()
            && self.rcp_levels.is_empty();
        let mut prepared = PreparedSet {
            set: self,
            entries,
            groups: g,
            by_action: FxHashMap::default(),
            other: Bucket::checking_action(),
            early_exit,
            identity_only,
        };
        // Every action some policy names literally gets a bucket of all statements that can
        // match it (glob and NotAction statements tested once, here).
        let mut literal_actions: Vec<String> = Vec::new();
        for e in &prepared.entries {
            for p in &e.statement.actions.patterns {
                if let ActionPattern::Literal(l) = p {
                    literal_actions.push(l.as_str().to_ascii_lowercase());
                }
            }
        }
        literal_actions.sort_unstable();
        literal_actions.dedup();
        let mut by_action: FxHashMap<Box<str>, Bucket> = FxHashMap::default();
        let mut other = Bucket::checking_action();
        for (i, e) in prepared.entries.iter().enumerate() {
            let s = &e.statement;
            for a in &literal_actions {
                if s.actions.matches(a) {
                    by_action
                        .entry(a.as_str().into())
                        .or_default()
                        .add(s, i as u32);
                }
            }
            let only_literals = !s.actions.negated
                && s.actions
                    .patterns
                    .iter()
                    .all(|p| matches!(p, ActionPattern::Literal(_)));
            if !only_literals {
                other.add(s, i as u32);
            }
        }
        for b in by_action.values_mut().chain(std::iter::once(&mut other)) {
            for index in [&mut b.deny, &mut b.allow] {
                index.empty = index.any_resource.by_condition.is_empty()
                    && index.any_resource.rest.is_empty()
                    && index.exact.is_empty()
                    && index.groups.is_empty();
                for p in index.by_prefix.values_mut() {
                    p.finish();
                }
            }
        }
        prepared.by_action = by_action;
        prepared.other = other;
        prepared
    }
}

/// Per-group effects gathered during one evaluation.
struct Acc {
    effects: [Effects; MAX_GROUPS],
    direct: bool,
    /// Set when the Allows found settle the decision (no Deny was found before them).
    settled: bool,
}

impl PreparedSet {
    /// The policy set this was built from.
    pub fn set(&self) -> &PolicySet {
        &self.set
    }

    fn visit(&self, i: u32, check_action: bool, req: &Request<'_>, acc: &mut Acc) {
        if acc.settled {
            return;
        }
        let Some(Entry {
            group,
            statement: s,
        }) = self.entries.get(i as usize)
        else {
            return;
        };
        let group = *group;
        if check_action && !s.actions.matches(req.action_lower()) {
            return;
        }
        let mut naming = Naming::No;
        if let Some(block) = &s.principal {
            naming = principal_matches(block, req.principal);
            if naming == Naming::No {
                return;
            }
        }
        let keys = req.keys();
        if !s.conditions.iter().all(|c| c.evaluate(&keys).passed) {
            return;
        }
        let Some(e) = acc.effects.get_mut(usize::from(group)) else {
            return;
        };
        match s.meta.effect {
            Effect::Allow => {
                e.allow = true;
                if group == RESOURCE && naming == Naming::Direct {
                    acc.direct = true;
                }
                acc.settled = self.early_exit && self.allows_settle(acc);
            }
            Effect::Deny => e.deny = true,
        }
    }

    /// Whether the Allows found so far make the decision Allowed whatever else applies
    /// (only called once every Deny has been looked at and none applied).
    fn allows_settle(&self, acc: &Acc) -> bool {
        let allows = |g: u16| acc.effects.get(usize::from(g)).is_some_and(|e| e.allow);
        allows(IDENTITY)
            && (self.set.boundary.is_empty() || allows(BOUNDARY))
            && (self.set.session.is_empty() || allows(SESSION))
            && (LEVELS..self.groups).all(allows)
    }

    fn visit_members(&self, m: &Members, check_action: bool, req: &Request<'_>, acc: &mut Acc) {
        for (key, hash, map) in &m.by_condition {
            let value =
                req.keys()
                    .value_hashed(*hash, key)
                    .and_then(|v| match v.values.as_slice() {
                        [one] => Some(one.text.as_str()),
                        _ => None,
                    });
            if let Some(list) = value.and_then(|v| map.get(v)) {
                for &i in list {
                    self.visit(i, check_action, req, acc);
                }
            }
        }
        for &i in &m.rest {
            self.visit(i, check_action, req, acc);
        }
    }

    fn visit_group(&self, bucket: &Index, g: u32, req: &Request<'_>, acc: &mut Acc) {
        if acc.settled {
            return;
        }
        if let Some(group) = bucket.groups.get(g as usize) {
            if group
                .resources
                .matches(&req.prepared_resource, &req.keys() as &dyn Variables)
            {
                self.visit_members(&group.members, bucket.check_action, req, acc);
            }
        }
    }

    /// The decision for `req`: the same as [`PolicySet::evaluate`], found through the index.
    pub fn evaluate(&self, req: &Request<'_>) -> Verdict {
        if usize::from(self.groups) > MAX_GROUPS {
            return self.set.evaluate(req);
        }
        let mut acc = Acc {
            effects: [Effects::default(); MAX_GROUPS],
            direct: false,
            settled: false,
        };
        let bucket = self
            .by_action
            .get(req.action_lower())
            .unwrap_or(&self.other);
        self.visit_index(&bucket.deny, req, &mut acc);
        if acc.effects.iter().any(|e| e.deny) {
            // An explicit Deny decides whatever allows: the Allows need not be looked at.
            return self.verdict(&acc, req);
        }
        self.visit_index(&bucket.allow, req, &mut acc);
        self.verdict(&acc, req)
    }

    fn visit_index(&self, bucket: &Index, req: &Request<'_>, acc: &mut Acc) {
        if bucket.empty {
            return;
        }
        // Each phase is skipped once the decision is settled: no resource is matched for
        // statements that could no longer change it.
        self.visit_members(&bucket.any_resource, bucket.check_action, req, acc);
        if acc.settled {
            return;
        }
        if let Some(m) = (!bucket.exact.is_empty())
            .then(|| bucket.exact.get(req.resource))
            .flatten()
        {
            self.visit_members(m, bucket.check_action, req, acc);
        }
        match req.prepared_resource.parts {
            Some(parts) if !acc.settled && !bucket.by_prefix.is_empty() => {
                if let Some(prefixes) = bucket.by_prefix.get(parts.service) {
                    for (prefix, groups) in &prefixes.few {
                        if parts.resource.starts_with(&**prefix) {
                            for &g in groups {
                                self.visit_group(bucket, g, req, acc);
                            }
                        }
                    }
                    for &len in &prefixes.lengths {
                        if let Some(groups) = parts
                            .resource
                            .get(..len)
                            .and_then(|p| prefixes.groups.get(p))
                        {
                            for &g in groups {
                                self.visit_group(bucket, g, req, acc);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        for &g in &bucket.always {
            self.visit_group(bucket, g, req, acc);
        }
    }

    fn verdict(&self, acc: &Acc, req: &Request<'_>) -> Verdict {
        if self.identity_only {
            // The common case, without building the inputs of every policy type.
            let e = acc.effects.first().copied().unwrap_or_default();
            if !e.deny && e.allow && req.principal.is_none() {
                return Verdict {
                    decision: crate::decision::Decision::Allowed,
                    denied_by: None,
                };
            }
        }
        let e = |g: u16| acc.effects.get(usize::from(g)).copied().unwrap_or_default();
        let levels = |from: u16, n: usize| -> Option<ScpEffects> {
            (n > 0).then(|| {
                let mut s = ScpEffects {
                    deny: false,
                    every_level_allows: true,
                };
                for l in 0..n as u16 {
                    let x = e(from + l);
                    s.deny |= x.deny;
                    s.every_level_allows &= x.allow;
                }
                s
            })
        };
        let scps = self.set.scp_levels.len();
        let r = e(RESOURCE);
        combine(&Inputs {
            identity: e(IDENTITY),
            boundary: (!self.set.boundary.is_empty()).then(|| e(BOUNDARY)),
            scp: levels(LEVELS, scps),
            rcp: levels(LEVELS + scps as u16, self.set.rcp_levels.len()),
            session: (!self.set.session.is_empty()).then(|| e(SESSION)),
            resource: (!self.set.resource.is_empty()).then_some(ResourceEffects {
                allow: r.allow,
                deny: r.deny,
                allow_names_caller_directly: acc.direct,
            }),
            caller_is_root: req.principal.is_some_and(|p| p.kind == PrincipalKind::Root),
        })
    }
}
