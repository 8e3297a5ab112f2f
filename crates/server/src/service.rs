//! The endpoint's state and the steps every call takes: who is calling, and may they.

use crate::error::{ApiError, ApiResult};
use crate::store::{self, Store};
use rusqlite::Connection;
use ssmgate_policy::{Context, Decision, Request};
use ssmgate_ssm::account::Account;
use ssmgate_ssm::identity::{Caller, CallerSpec, RequestEnv};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The endpoint's shared state.
pub struct Service {
    pub store: Store,
    pub account_id: String,
    pub region: String,
    /// The account as IAM's authorization-details dump, rebuilt when the store changes.
    snapshot: Mutex<Option<(u64, Arc<Account>)>>,
    /// Callers by access key, with their policies compiled and indexed, for the same generation.
    callers: Mutex<(u64, HashMap<String, Arc<Caller>>)>,
}

/// Callers kept compiled at once; past this the cache starts again.
const MAX_CACHED_CALLERS: usize = 10_000;

/// What an access key stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Root,
    User(String),
    /// A role session from AssumeRole.
    Session {
        role: String,
        session_name: String,
        session_policy: Option<String>,
        tags: BTreeMap<String, String>,
        expires: i64,
    },
}

/// An access key's secret and what it stands for.
pub struct KeyLookup {
    pub secret: zeroize::Zeroizing<String>,
    pub credential: Credential,
    /// The session token a temporary key must come with.
    pub token: Option<zeroize::Zeroizing<String>>,
    pub active: bool,
}

/// A request's caller, resolved.
pub struct Authenticated {
    pub caller: Arc<Caller>,
    pub credential: Credential,
    pub access_key: String,
    pub env: RequestEnv,
}

impl Service {
    /// A service over `store` for the account.
    pub fn new(store: Store, account_id: &str, region: &str) -> Service {
        Service {
            store,
            account_id: account_id.to_string(),
            region: region.to_string(),
            snapshot: Mutex::new(None),
            callers: Mutex::new((u64::MAX, HashMap::new())),
        }
    }

    /// The secret and principal of an access key.
    pub fn lookup_key(&self, access_key: &str) -> ApiResult<Option<KeyLookup>> {
        self.store.read(|conn| {
            if let Some(k) = store::access_key(conn, access_key)? {
                return Ok(Some(KeyLookup {
                    secret: k.secret,
                    credential: match k.user {
                        Some(u) => Credential::User(u),
                        None => Credential::Root,
                    },
                    token: None,
                    active: k.status == "Active",
                }));
            }
            if let Some(s) = store::session(conn, access_key)? {
                let tags: BTreeMap<String, String> =
                    serde_json::from_str(&s.tags).unwrap_or_default();
                return Ok(Some(KeyLookup {
                    secret: s.secret,
                    credential: Credential::Session {
                        role: s.role,
                        session_name: s.session_name,
                        session_policy: s.session_policy,
                        tags,
                        expires: s.expires,
                    },
                    token: Some(s.token),
                    active: true,
                }));
            }
            Ok(None)
        })
    }

    /// The account as an authorization-details dump, from the snapshot when nothing changed.
    pub fn account(&self) -> ApiResult<Arc<Account>> {
        let generation = self.store.generation();
        if let Ok(guard) = self.snapshot.lock() {
            if let Some((g, a)) = guard.as_ref() {
                if *g == generation {
                    return Ok(a.clone());
                }
            }
        }
        let account = Arc::new(
            self.store
                .read(|conn| account_from(conn, &self.account_id))?,
        );
        if let Ok(mut guard) = self.snapshot.lock() {
            *guard = Some((generation, account.clone()));
        }
        Ok(account)
    }

    /// The caller behind `access_key`, from the cache while IAM's tables are unchanged; its
    /// policies are compiled and indexed once, not on every call.
    pub fn cached_caller(
        &self,
        access_key: &str,
        credential: &Credential,
    ) -> ApiResult<Arc<Caller>> {
        let generation = self.store.generation();
        if let Ok(guard) = self.callers.lock() {
            if guard.0 == generation {
                if let Some(c) = guard.1.get(access_key) {
                    return Ok(c.clone());
                }
            }
        }
        let caller = Arc::new(self.caller(credential)?);
        if let Ok(mut guard) = self.callers.lock() {
            // A new generation, or many role sessions since the last: start again.
            if guard.0 != generation || guard.1.len() >= MAX_CACHED_CALLERS {
                *guard = (generation, HashMap::new());
            }
            guard.1.insert(access_key.to_string(), caller.clone());
        }
        Ok(caller)
    }

    /// The caller a credential stands for, with the policies in force now.
    pub fn caller(&self, credential: &Credential) -> ApiResult<Caller> {
        let account = self.account()?;
        let spec = match credential {
            Credential::Root => CallerSpec::Root,
            Credential::User(u) => CallerSpec::User(u.clone()),
            Credential::Session {
                role,
                session_name,
                session_policy,
                tags,
                ..
            } => CallerSpec::Role {
                name: role.clone(),
                session_name: session_name.clone(),
                session_policy: session_policy.clone(),
                session_tags: tags.clone(),
            },
        };
        // A key whose user or role was deleted since is refused as an unknown key.
        Caller::from_account(&account, &spec).map_err(|_| invalid_client_token())
    }
}

/// The account as the engine reads it, from inside a transaction.
pub fn account_from(conn: &Connection, account_id: &str) -> ApiResult<Account> {
    let details = crate::iam::details::details(conn, &[])?;
    let mut account: Account = serde_json::from_value(details)
        .map_err(|e| ApiError::internal(format!("cannot read the account back: {e}")))?;
    account.account_id = Some(account_id.to_string());
    Ok(account)
}

/// `InvalidClientTokenId`, the Query protocol's unknown-key error.
pub fn invalid_client_token() -> ApiError {
    ApiError::new(
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    )
}

/// May `who` do `action` on `resource` with `keys` (the call's own request keys) laid over the
/// caller's? AccessDenied in AWS's words if not.
pub fn authorize(
    who: &Authenticated,
    action: &str,
    resource: &str,
    keys: &Context,
) -> ApiResult<()> {
    let base = who.caller.global_context(&who.env);
    let principal = who.caller.principal();
    let req = Request::new(action, resource, &base)
        .with_overlay(keys)
        .with_principal(&principal);
    let verdict = who.caller.prepared().evaluate(&req);
    if verdict.decision == Decision::Allowed {
        return Ok(());
    }
    let shown = (resource != "*").then_some(resource);
    let message = verdict
        .denial_message(&who.caller.arn, action, shown)
        .unwrap_or_else(|| {
            format!(
                "User: {} is not authorized to perform: {action}",
                who.caller.arn
            )
        });
    Err(ApiError::new("AccessDenied", 403, message))
}

/// Add the request's tags: `aws:RequestTag/K` each, and the list `aws:TagKeys`.
pub fn request_tags(keys: &mut Context, tags: &[(String, String)]) {
    for (k, v) in tags {
        keys.set(&format!("aws:RequestTag/{k}"), v.clone());
    }
    if !tags.is_empty() {
        keys.set_list("aws:TagKeys", tags.iter().map(|(k, _)| k.clone()));
    }
}

/// Add a resource's tags as `aws:ResourceTag/K` and `iam:ResourceTag/K`.
pub fn resource_tags(
    keys: &mut Context,
    conn: &Connection,
    kind: &str,
    owner: &str,
) -> ApiResult<()> {
    for (k, v) in store::tags(conn, kind, owner)? {
        keys.set(&format!("aws:ResourceTag/{k}"), v.clone());
        keys.set(&format!("iam:ResourceTag/{k}"), v);
    }
    Ok(())
}
