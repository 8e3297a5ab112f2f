//! Callers as AWS knows them, the policies in force for them, and the global condition keys
//! AWS sets for each kind.

use crate::account::{document_text, Account, AttachedPolicy, InlinePolicy, Tag};
use crate::time::iso8601;
use ssmgate_policy::{
    CompiledPolicy, Context, PolicyKind, PolicySet, PolicySource, PreparedSet, Principal,
    PrincipalKind,
};
use std::collections::BTreeMap;

/// Who to act as, as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerSpec {
    /// `user/NAME`.
    User(String),
    /// `role/NAME`, assumed with a session name, optionally a session policy and session tags.
    Role {
        name: String,
        session_name: String,
        session_policy: Option<String>,
        session_tags: BTreeMap<String, String>,
    },
    /// `root`: the account root user.
    Root,
}

/// Why a caller could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("no user named {0} in the account")]
    NoUser(String),
    #[error("no role named {0} in the account")]
    NoRole(String),
    #[error("`{0}` is not a principal: write user/NAME, role/NAME or root")]
    BadSpec(String),
    #[error("the account dump names no account id; it has no users or roles")]
    NoAccountId,
}

impl CallerSpec {
    /// Parse `user/NAME`, `role/NAME` (with `session_name`) or `root`.
    pub fn parse(s: &str, session_name: Option<&str>) -> Result<CallerSpec, IdentityError> {
        if s == "root" {
            return Ok(CallerSpec::Root);
        }
        match s.split_once('/') {
            Some(("user", name)) if !name.is_empty() => Ok(CallerSpec::User(name.into())),
            Some(("role", name)) if !name.is_empty() => Ok(CallerSpec::Role {
                name: name.into(),
                session_name: session_name.unwrap_or("ssmgate").into(),
                session_policy: None,
                session_tags: BTreeMap::new(),
            }),
            _ => Err(IdentityError::BadSpec(s.into())),
        }
    }
}

/// Where and when a request is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEnv {
    pub region: String,
    pub source_ip: String,
    /// Seconds since the epoch.
    pub now: i64,
    pub mfa: bool,
}

/// A caller with the policies in force for it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub kind: PrincipalKind,
    /// The ARN AWS names in messages: the user, the assumed-role session, the root.
    pub arn: String,
    /// `aws:PrincipalArn`: for a role session, the role's ARN.
    pub principal_arn: String,
    pub account: String,
    /// `aws:userid`: `AIDA...` for users, `AROA...:session` for role sessions, the account id for root.
    pub userid: String,
    /// `aws:username`: users only.
    pub username: Option<String>,
    /// The name session ids begin with: the user name or the role session name.
    pub name: String,
    pub tags: BTreeMap<String, String>,
    pub policies: PolicySet,
    /// The same policies indexed for fast decisions, built on first use.
    prepared: std::sync::OnceLock<PreparedSet>,
    /// Temporary credentials (role sessions).
    pub temporary: bool,
}

fn compile(id: String, source_type: &str, text: &str) -> CompiledPolicy {
    // IAM accepted these policies already; read them leniently so one odd element does not
    // hide the rest.
    let (p, _) = CompiledPolicy::from_text_lenient(
        text,
        PolicyKind::Identity,
        PolicySource::new(id.clone(), source_type),
    );
    p.unwrap_or_else(|| CompiledPolicy {
        source: PolicySource::new(id, source_type),
        statements: Vec::new(),
        index: Default::default(),
    })
}

fn inline(list: &[InlinePolicy], source_type: &str, out: &mut Vec<CompiledPolicy>) {
    for p in list {
        out.push(compile(
            p.name.clone(),
            source_type,
            &document_text(&p.document),
        ));
    }
}

fn attached(account: &Account, list: &[AttachedPolicy], out: &mut Vec<CompiledPolicy>) {
    for p in list {
        if let Some(text) = account.managed_document(&p.arn) {
            let ty = if p.arn.contains(":aws:policy/") {
                "aws-managed"
            } else {
                "user-managed"
            };
            let name = if p.name.is_empty() {
                p.arn.rsplit('/').next().unwrap_or(&p.arn).to_string()
            } else {
                p.name.clone()
            };
            out.push(compile(name, ty, &text));
        }
    }
}

/// The permissions boundary, when one is set and its document is known.
fn boundary(account: &Account, b: Option<&crate::account::Boundary>) -> Vec<CompiledPolicy> {
    b.and_then(|b| {
        account
            .managed_document(&b.arn)
            .map(|t| compile(b.arn.clone(), "user-managed", &t))
    })
    .into_iter()
    .collect()
}

fn tags(t: &[Tag]) -> BTreeMap<String, String> {
    Account::tag_map(t)
}

impl Caller {
    /// Build the caller `spec` from the account dump.
    pub fn from_account(account: &Account, spec: &CallerSpec) -> Result<Caller, IdentityError> {
        let id = account.id().ok_or(IdentityError::NoAccountId)?;
        match spec {
            CallerSpec::Root => Ok(Caller {
                kind: PrincipalKind::Root,
                arn: format!("arn:aws:iam::{id}:root"),
                principal_arn: format!("arn:aws:iam::{id}:root"),
                userid: id.clone(),
                account: id,
                username: None,
                name: String::new(),
                tags: BTreeMap::new(),
                policies: PolicySet::default(),
                prepared: std::sync::OnceLock::new(),
                temporary: false,
            }),
            CallerSpec::User(name) => {
                let u = account
                    .user(name)
                    .ok_or_else(|| IdentityError::NoUser(name.clone()))?;
                let mut identity = Vec::new();
                inline(&u.inline, "user", &mut identity);
                attached(account, &u.attached, &mut identity);
                for g in u.groups.iter().filter_map(|g| account.group(g)) {
                    inline(&g.inline, "group", &mut identity);
                    attached(account, &g.attached, &mut identity);
                }
                let boundary = boundary(account, u.boundary.as_ref());
                Ok(Caller {
                    kind: PrincipalKind::User,
                    arn: u.arn.clone(),
                    principal_arn: u.arn.clone(),
                    account: id,
                    userid: u.id.clone(),
                    username: Some(u.name.clone()),
                    name: u.name.clone(),
                    tags: tags(&u.tags),
                    policies: PolicySet {
                        identity,
                        boundary,
                        ..PolicySet::default()
                    },
                    prepared: std::sync::OnceLock::new(),
                    temporary: false,
                })
            }
            CallerSpec::Role {
                name,
                session_name,
                session_policy,
                session_tags,
            } => {
                let r = account
                    .role(name)
                    .ok_or_else(|| IdentityError::NoRole(name.clone()))?;
                let mut identity = Vec::new();
                inline(&r.inline, "role", &mut identity);
                attached(account, &r.attached, &mut identity);
                let boundary = boundary(account, r.boundary.as_ref());
                let session = session_policy
                    .as_ref()
                    .map(|t| compile("SessionPolicy".into(), "none", t))
                    .into_iter()
                    .collect();
                // Session tags override the role's tags of the same key.
                let mut all_tags = tags(&r.tags);
                all_tags.extend(session_tags.clone());
                Ok(Caller {
                    kind: PrincipalKind::AssumedRole,
                    arn: format!("arn:aws:sts::{id}:assumed-role/{}/{session_name}", r.name),
                    principal_arn: r.arn.clone(),
                    account: id,
                    userid: format!("{}:{session_name}", r.id),
                    username: None,
                    name: session_name.clone(),
                    tags: all_tags,
                    policies: PolicySet {
                        identity,
                        boundary,
                        session,
                        ..PolicySet::default()
                    },
                    prepared: std::sync::OnceLock::new(),
                    temporary: true,
                })
            }
        }
    }

    /// The caller's policies indexed for fast decisions.
    pub fn prepared(&self) -> &PreparedSet {
        self.prepared
            .get_or_init(|| self.policies.clone().prepare())
    }

    /// The caller as resource-based policies see it.
    pub fn principal(&self) -> Principal {
        Principal {
            kind: self.kind,
            arn: self.arn.clone(),
            account: self.account.clone(),
            role_arn: (self.kind == PrincipalKind::AssumedRole).then(|| self.principal_arn.clone()),
        }
    }

    /// The global condition keys AWS puts in every request of this caller.
    pub fn global_context(&self, env: &RequestEnv) -> Context {
        let mut c = Context::new();
        // "aws:username ... always included in the request context for IAM users" only.
        if let Some(u) = &self.username {
            c.set("aws:username", u.clone());
        }
        c.set("aws:userid", self.userid.clone())
            .set("aws:PrincipalArn", self.principal_arn.clone())
            .set("aws:PrincipalAccount", self.account.clone())
            .set(
                "aws:PrincipalType",
                match self.kind {
                    PrincipalKind::User => "User",
                    PrincipalKind::AssumedRole => "AssumedRole",
                    PrincipalKind::Root => "Account",
                    PrincipalKind::FederatedUser => "FederatedUser",
                    PrincipalKind::Service => "Service",
                    PrincipalKind::Anonymous => "Anonymous",
                },
            )
            .set("aws:PrincipalIsAWSService", "false")
            .set("aws:ViaAWSService", "false")
            .set("aws:CurrentTime", iso8601(env.now))
            .set("aws:EpochTime", env.now.to_string())
            .set("aws:SourceIp", env.source_ip.clone())
            .set("aws:SecureTransport", "true")
            .set("aws:RequestedRegion", env.region.clone());
        for (k, v) in &self.tags {
            c.set(&format!("aws:PrincipalTag/{k}"), v.clone());
        }
        if self.temporary {
            // "present only with temporary credentials", as is MultiFactorAuthPresent.
            c.set("aws:TokenIssueTime", iso8601(env.now - 300));
            c.set(
                "aws:MultiFactorAuthPresent",
                if env.mfa { "true" } else { "false" },
            );
        } else if env.mfa {
            c.set("aws:MultiFactorAuthPresent", "true");
        }
        c
    }
}
