//! The endpoint's state in SQLite: WAL, `synchronous=FULL`, a migration per schema version,
//! every call's writes in one transaction that commits before the answer is sent.

use crate::error::{ApiError, ApiResult};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The schema, one entry a version; a database at version N runs the entries after N.
const MIGRATIONS: &[&str] = &[
    // 1: the account, IAM entities, their policies, keys and STS sessions.
    "CREATE TABLE account (
        id TEXT NOT NULL, region TEXT NOT NULL, created INTEGER NOT NULL);
     CREATE TABLE entities (
        kind TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL, arn TEXT NOT NULL, created INTEGER NOT NULL,
        trust TEXT, boundary TEXT, description TEXT, max_session INTEGER,
        PRIMARY KEY (kind, name));
     CREATE TABLE tags (
        kind TEXT NOT NULL, owner TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL,
        value TEXT NOT NULL, PRIMARY KEY (kind, owner, key));
     CREATE TABLE inline_policies (
        kind TEXT NOT NULL, owner TEXT NOT NULL COLLATE NOCASE, name TEXT NOT NULL,
        document TEXT NOT NULL, PRIMARY KEY (kind, owner, name));
     CREATE TABLE attachments (
        kind TEXT NOT NULL, owner TEXT NOT NULL COLLATE NOCASE, policy_arn TEXT NOT NULL,
        PRIMARY KEY (kind, owner, policy_arn));
     CREATE TABLE memberships (
        group_name TEXT NOT NULL COLLATE NOCASE, user_name TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (group_name, user_name));
     CREATE TABLE policies (
        arn TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, id TEXT NOT NULL,
        path TEXT NOT NULL, description TEXT, default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
     CREATE TABLE policy_versions (
        arn TEXT NOT NULL, version TEXT NOT NULL, document TEXT NOT NULL,
        created INTEGER NOT NULL, PRIMARY KEY (arn, version));
     CREATE TABLE access_keys (
        id TEXT PRIMARY KEY, secret TEXT NOT NULL, user_name TEXT COLLATE NOCASE,
        status TEXT NOT NULL, created INTEGER NOT NULL);
     CREATE TABLE sessions (
        access_key TEXT PRIMARY KEY, secret TEXT NOT NULL, token TEXT NOT NULL,
        role_name TEXT NOT NULL COLLATE NOCASE, session_name TEXT NOT NULL,
        session_policy TEXT, tags TEXT NOT NULL, created INTEGER NOT NULL,
        expires INTEGER NOT NULL);",
    // 2: Systems Manager: managed nodes, documents, commands, sessions, activations, automation.
    "CREATE TABLE instances (
        id TEXT PRIMARY KEY, name TEXT, platform TEXT NOT NULL, platform_name TEXT,
        ping_status TEXT NOT NULL, region TEXT NOT NULL, account TEXT NOT NULL,
        resource_type TEXT NOT NULL, activation_id TEXT, iam_role TEXT,
        registered INTEGER NOT NULL, ip TEXT, computer_name TEXT);
     CREATE TABLE documents (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, doc_type TEXT NOT NULL,
        target_type TEXT, default_version INTEGER NOT NULL, latest_version INTEGER NOT NULL,
        created INTEGER NOT NULL);
     CREATE TABLE document_versions (
        name TEXT NOT NULL, version INTEGER NOT NULL, version_name TEXT, format TEXT NOT NULL,
        content TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (name, version));
     CREATE TABLE commands (
        id TEXT PRIMARY KEY, body TEXT NOT NULL, requested INTEGER NOT NULL,
        owner TEXT NOT NULL);
     CREATE TABLE invocations (
        command_id TEXT NOT NULL, instance_id TEXT NOT NULL, status TEXT NOT NULL,
        status_details TEXT NOT NULL, output TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '', response_code INTEGER NOT NULL DEFAULT -1,
        updated INTEGER NOT NULL, PRIMARY KEY (command_id, instance_id));
     CREATE TABLE ssm_sessions (
        id TEXT PRIMARY KEY, target TEXT NOT NULL, owner_arn TEXT NOT NULL,
        owner_userid TEXT NOT NULL, document TEXT NOT NULL, reason TEXT,
        status TEXT NOT NULL, started INTEGER NOT NULL, ended INTEGER);
     CREATE TABLE activations (
        id TEXT PRIMARY KEY, code TEXT NOT NULL, body TEXT NOT NULL,
        registrations INTEGER NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
     CREATE TABLE automations (
        id TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL,
        started INTEGER NOT NULL, ended INTEGER);",
];

/// The SQLite store.
pub struct Store {
    conn: Mutex<Connection>,
    /// Bumped by every identity write ([`Store::write`]) that changed a row, so that the views
    /// built from IAM's tables (the account, its callers) know to rebuild.
    generation: AtomicU64,
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the database {path} has schema version {found}, newer than this ssmgate knows ({known}); use a newer ssmgate")]
    TooNew {
        path: String,
        found: i64,
        known: usize,
    },
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        let shown = path.display().to_string();
        let err = |source| OpenError::Open {
            path: shown.clone(),
            source,
        };
        let mut conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        // FULL: a commit is on disk before the call is answered, even through a power loss.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        if version as usize > MIGRATIONS.len() {
            return Err(OpenError::TooNew {
                path: shown,
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(err)?;
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
            generation: AtomicU64::new(0),
        })
    }

    /// An in-memory store, for tests.
    pub fn in_memory() -> Result<Store, OpenError> {
        Store::open(Path::new(":memory:"))
    }

    /// How many identity writes have changed rows since the store was opened.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn lock(&self) -> ApiResult<std::sync::MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| {
            ApiError::internal("the state store is unavailable after an earlier failure")
        })
    }

    /// Run `f` in one immediate transaction: committed if it returns Ok, rolled back if not.
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock()?;
        let before = conn.total_changes();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        if conn.total_changes() != before {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        Ok(out)
    }

    /// Run `f` in one immediate transaction, as [`Store::write`], for writes that leave IAM's
    /// tables alone (STS sessions, Systems Manager's state): the identity views stay valid.
    pub fn write_state<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Run `f` on a consistent view.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        f(&tx)
    }
}

/// The account row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub region: String,
}

/// The account, when created.
pub fn account(conn: &Connection) -> ApiResult<Option<AccountRow>> {
    Ok(conn
        .query_row("SELECT id, region FROM account", [], |r| {
            Ok(AccountRow {
                id: r.get(0)?,
                region: r.get(1)?,
            })
        })
        .optional()?)
}

/// Create the account row.
pub fn create_account(conn: &Connection, id: &str, region: &str, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO account (id, region, created) VALUES (?1, ?2, ?3)",
        params![id, region, now],
    )?;
    Ok(())
}

/// The kinds of IAM entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    /// The word stored and shown (`user`, `group`, `role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }
}

/// A user, group or role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub kind: Kind,
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    pub trust: Option<String>,
    pub boundary: Option<String>,
    pub description: Option<String>,
    pub max_session: Option<i64>,
}

fn entity_row(kind: Kind, r: &rusqlite::Row<'_>) -> rusqlite::Result<Entity> {
    Ok(Entity {
        kind,
        name: r.get(0)?,
        id: r.get(1)?,
        path: r.get(2)?,
        arn: r.get(3)?,
        created: r.get(4)?,
        trust: r.get(5)?,
        boundary: r.get(6)?,
        description: r.get(7)?,
        max_session: r.get(8)?,
    })
}

const ENTITY_COLUMNS: &str =
    "name, id, path, arn, created, trust, boundary, description, max_session";

/// An entity by kind and name (names are unique case-insensitively).
pub fn entity(conn: &Connection, kind: Kind, name: &str) -> ApiResult<Option<Entity>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ENTITY_COLUMNS} FROM entities WHERE kind = ?1 AND name = ?2"),
            params![kind.as_str(), name],
            |r| entity_row(kind, r),
        )
        .optional()?)
}

/// Every entity of a kind, by name.
pub fn entities(conn: &Connection, kind: Kind) -> ApiResult<Vec<Entity>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTITY_COLUMNS} FROM entities WHERE kind = ?1 ORDER BY name"
    ))?;
    let rows = stmt.query_map(params![kind.as_str()], |r| entity_row(kind, r))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Insert an entity.
pub fn insert_entity(conn: &Connection, e: &Entity) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO entities (kind, name, id, path, arn, created, trust, boundary, description, max_session)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            e.kind.as_str(),
            e.name,
            e.id,
            e.path,
            e.arn,
            e.created,
            e.trust,
            e.boundary,
            e.description,
            e.max_session
        ],
    )?;
    Ok(())
}

/// Set one column of an entity (`trust`, `boundary`, `description`, `max_session`, `path`, `name`, `arn`).
pub fn update_entity(
    conn: &Connection,
    kind: Kind,
    name: &str,
    column: &'static str,
    value: &dyn rusqlite::ToSql,
) -> ApiResult<()> {
    conn.execute(
        &format!("UPDATE entities SET {column} = ?1 WHERE kind = ?2 AND name = ?3"),
        params![value, kind.as_str(), name],
    )?;
    Ok(())
}

/// Delete an entity and its tags.
pub fn delete_entity(conn: &Connection, kind: Kind, name: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM entities WHERE kind = ?1 AND name = ?2",
        params![kind.as_str(), name],
    )?;
    conn.execute(
        "DELETE FROM tags WHERE kind = ?1 AND owner = ?2",
        params![kind.as_str(), name],
    )?;
    Ok(())
}

/// Tags of an owner (`user`/`group`/`role` by name, `policy` by ARN), by key.
pub fn tags(conn: &Connection, kind: &str, owner: &str) -> ApiResult<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT key, value FROM tags WHERE kind = ?1 AND owner = ?2 ORDER BY key")?;
    let rows = stmt.query_map(params![kind, owner], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Set tags, replacing the values of keys already present.
pub fn put_tags(
    conn: &Connection,
    kind: &str,
    owner: &str,
    tags: &[(String, String)],
) -> ApiResult<()> {
    for (k, v) in tags {
        conn.execute(
            "INSERT INTO tags (kind, owner, key, value) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, owner, key) DO UPDATE SET value = excluded.value",
            params![kind, owner, k, v],
        )?;
    }
    Ok(())
}

/// Remove tags by key.
pub fn remove_tags(conn: &Connection, kind: &str, owner: &str, keys: &[String]) -> ApiResult<()> {
    for k in keys {
        conn.execute(
            "DELETE FROM tags WHERE kind = ?1 AND owner = ?2 AND key = ?3",
            params![kind, owner, k],
        )?;
    }
    Ok(())
}

/// Inline policies of an entity: (name, document), by name.
pub fn inline_policies(
    conn: &Connection,
    kind: Kind,
    owner: &str,
) -> ApiResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT name, document FROM inline_policies WHERE kind = ?1 AND owner = ?2 ORDER BY name",
    )?;
    let rows = stmt.query_map(params![kind.as_str(), owner], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Create or replace an inline policy.
pub fn put_inline_policy(
    conn: &Connection,
    kind: Kind,
    owner: &str,
    name: &str,
    document: &str,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO inline_policies (kind, owner, name, document) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, owner, name) DO UPDATE SET document = excluded.document",
        params![kind.as_str(), owner, name, document],
    )?;
    Ok(())
}

/// Delete an inline policy; whether it existed.
pub fn delete_inline_policy(
    conn: &Connection,
    kind: Kind,
    owner: &str,
    name: &str,
) -> ApiResult<bool> {
    Ok(conn.execute(
        "DELETE FROM inline_policies WHERE kind = ?1 AND owner = ?2 AND name = ?3",
        params![kind.as_str(), owner, name],
    )? > 0)
}

/// ARNs of the managed policies attached to an entity.
pub fn attachments(conn: &Connection, kind: Kind, owner: &str) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT policy_arn FROM attachments WHERE kind = ?1 AND owner = ?2 ORDER BY policy_arn",
    )?;
    let rows = stmt.query_map(params![kind.as_str(), owner], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Entities a managed policy is attached to: (kind, name).
pub fn attached_to(conn: &Connection, arn: &str) -> ApiResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT kind, owner FROM attachments WHERE policy_arn = ?1 ORDER BY kind, owner",
    )?;
    let rows = stmt.query_map(params![arn], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Attach a managed policy (attaching twice is not an error, as in IAM).
pub fn attach(conn: &Connection, kind: Kind, owner: &str, arn: &str) -> ApiResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO attachments (kind, owner, policy_arn) VALUES (?1, ?2, ?3)",
        params![kind.as_str(), owner, arn],
    )?;
    Ok(())
}

/// Detach a managed policy; whether it was attached.
pub fn detach(conn: &Connection, kind: Kind, owner: &str, arn: &str) -> ApiResult<bool> {
    Ok(conn.execute(
        "DELETE FROM attachments WHERE kind = ?1 AND owner = ?2 AND policy_arn = ?3",
        params![kind.as_str(), owner, arn],
    )? > 0)
}

/// Group names of a user.
pub fn groups_of(conn: &Connection, user: &str) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT e.name FROM memberships m JOIN entities e ON e.kind = 'group' AND e.name = m.group_name
         WHERE m.user_name = ?1 ORDER BY e.name",
    )?;
    let rows = stmt.query_map(params![user], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// User names in a group.
pub fn members_of(conn: &Connection, group: &str) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT e.name FROM memberships m JOIN entities e ON e.kind = 'user' AND e.name = m.user_name
         WHERE m.group_name = ?1 ORDER BY e.name",
    )?;
    let rows = stmt.query_map(params![group], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Add a user to a group.
pub fn add_member(conn: &Connection, group: &str, user: &str) -> ApiResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO memberships (group_name, user_name) VALUES (?1, ?2)",
        params![group, user],
    )?;
    Ok(())
}

/// Remove a user from a group; whether they were in it.
pub fn remove_member(conn: &Connection, group: &str, user: &str) -> ApiResult<bool> {
    Ok(conn.execute(
        "DELETE FROM memberships WHERE group_name = ?1 AND user_name = ?2",
        params![group, user],
    )? > 0)
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicyRow {
    pub arn: String,
    pub name: String,
    pub id: String,
    pub path: String,
    pub description: Option<String>,
    pub default_version: String,
    pub next_version: i64,
    pub created: i64,
    pub updated: i64,
}

const POLICY_COLUMNS: &str =
    "arn, name, id, path, description, default_version, next_version, created, updated";

fn policy_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ManagedPolicyRow> {
    Ok(ManagedPolicyRow {
        arn: r.get(0)?,
        name: r.get(1)?,
        id: r.get(2)?,
        path: r.get(3)?,
        description: r.get(4)?,
        default_version: r.get(5)?,
        next_version: r.get(6)?,
        created: r.get(7)?,
        updated: r.get(8)?,
    })
}

/// A customer managed policy by ARN.
pub fn policy(conn: &Connection, arn: &str) -> ApiResult<Option<ManagedPolicyRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {POLICY_COLUMNS} FROM policies WHERE arn = ?1"),
            params![arn],
            policy_row,
        )
        .optional()?)
}

/// Every customer managed policy, by name.
pub fn policies(conn: &Connection) -> ApiResult<Vec<ManagedPolicyRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {POLICY_COLUMNS} FROM policies ORDER BY name"
    ))?;
    let rows = stmt.query_map([], policy_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Insert a customer managed policy.
pub fn insert_policy(conn: &Connection, p: &ManagedPolicyRow) -> ApiResult<()> {
    conn.execute(
        &format!(
            "INSERT INTO policies ({POLICY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            p.arn,
            p.name,
            p.id,
            p.path,
            p.description,
            p.default_version,
            p.next_version,
            p.created,
            p.updated
        ],
    )?;
    Ok(())
}

/// Set a policy's default version and the number its next version takes.
pub fn update_policy(
    conn: &Connection,
    arn: &str,
    default_version: &str,
    next_version: i64,
    now: i64,
) -> ApiResult<()> {
    conn.execute(
        "UPDATE policies SET default_version = ?1, next_version = ?2, updated = ?3 WHERE arn = ?4",
        params![default_version, next_version, now, arn],
    )?;
    Ok(())
}

/// Delete a policy and its versions.
pub fn delete_policy(conn: &Connection, arn: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM policy_versions WHERE arn = ?1", params![arn])?;
    conn.execute("DELETE FROM policies WHERE arn = ?1", params![arn])?;
    conn.execute(
        "DELETE FROM tags WHERE kind = 'policy' AND owner = ?1",
        params![arn],
    )?;
    Ok(())
}

/// A policy version: (version id, document, created).
pub type VersionRow = (String, String, i64);

/// Versions of a policy, oldest first.
pub fn policy_versions(conn: &Connection, arn: &str) -> ApiResult<Vec<VersionRow>> {
    let mut stmt = conn.prepare(
        "SELECT version, document, created FROM policy_versions WHERE arn = ?1 ORDER BY created, CAST(substr(version, 2) AS INTEGER)",
    )?;
    let rows = stmt.query_map(params![arn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Insert a policy version.
pub fn insert_policy_version(
    conn: &Connection,
    arn: &str,
    version: &str,
    document: &str,
    now: i64,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO policy_versions (arn, version, document, created) VALUES (?1, ?2, ?3, ?4)",
        params![arn, version, document, now],
    )?;
    Ok(())
}

/// Delete a policy version; whether it existed.
pub fn delete_policy_version(conn: &Connection, arn: &str, version: &str) -> ApiResult<bool> {
    Ok(conn.execute(
        "DELETE FROM policy_versions WHERE arn = ?1 AND version = ?2",
        params![arn, version],
    )? > 0)
}

/// A long-term access key.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeyRow {
    pub id: String,
    pub secret: zeroize::Zeroizing<String>,
    /// None for the root user's key.
    pub user: Option<String>,
    pub status: String,
    pub created: i64,
}

impl std::fmt::Debug for AccessKeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeyRow")
            .field("id", &self.id)
            .field("secret", &"<hidden>")
            .field("user", &self.user)
            .field("status", &self.status)
            .finish()
    }
}

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessKeyRow> {
    Ok(AccessKeyRow {
        id: r.get(0)?,
        secret: zeroize::Zeroizing::new(r.get(1)?),
        user: r.get(2)?,
        status: r.get(3)?,
        created: r.get(4)?,
    })
}

/// An access key by id.
pub fn access_key(conn: &Connection, id: &str) -> ApiResult<Option<AccessKeyRow>> {
    Ok(conn
        .query_row(
            "SELECT id, secret, user_name, status, created FROM access_keys WHERE id = ?1",
            params![id],
            key_row,
        )
        .optional()?)
}

/// Access keys of a user (None: the root user's).
pub fn access_keys(conn: &Connection, user: Option<&str>) -> ApiResult<Vec<AccessKeyRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, secret, user_name, status, created FROM access_keys
         WHERE (user_name = ?1) OR (?1 IS NULL AND user_name IS NULL) ORDER BY created, id",
    )?;
    let rows = stmt.query_map(params![user], key_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Insert an access key.
pub fn insert_access_key(conn: &Connection, k: &AccessKeyRow) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO access_keys (id, secret, user_name, status, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![k.id, k.secret.as_str(), k.user, k.status, k.created],
    )?;
    Ok(())
}

/// Set a key's status.
pub fn set_key_status(conn: &Connection, id: &str, status: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE access_keys SET status = ?1 WHERE id = ?2",
        params![status, id],
    )?;
    Ok(())
}

/// Delete an access key.
pub fn delete_access_key(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM access_keys WHERE id = ?1", params![id])?;
    Ok(())
}

/// Temporary credentials from AssumeRole.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub access_key: String,
    pub secret: zeroize::Zeroizing<String>,
    pub token: zeroize::Zeroizing<String>,
    pub role: String,
    pub session_name: String,
    pub session_policy: Option<String>,
    /// Session tags as a JSON object.
    pub tags: String,
    pub created: i64,
    pub expires: i64,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("access_key", &self.access_key)
            .field("role", &self.role)
            .field("session_name", &self.session_name)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// A session by its temporary access key.
pub fn session(conn: &Connection, access_key: &str) -> ApiResult<Option<SessionRow>> {
    Ok(conn
        .query_row(
            "SELECT access_key, secret, token, role_name, session_name, session_policy, tags, created, expires
             FROM sessions WHERE access_key = ?1",
            params![access_key],
            |r| {
                Ok(SessionRow {
                    access_key: r.get(0)?,
                    secret: zeroize::Zeroizing::new(r.get(1)?),
                    token: zeroize::Zeroizing::new(r.get(2)?),
                    role: r.get(3)?,
                    session_name: r.get(4)?,
                    session_policy: r.get(5)?,
                    tags: r.get(6)?,
                    created: r.get(7)?,
                    expires: r.get(8)?,
                })
            },
        )
        .optional()?)
}

/// Insert a session, dropping sessions that expired a day ago or more.
pub fn insert_session(conn: &Connection, s: &SessionRow) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM sessions WHERE expires < ?1",
        params![s.created - 86_400],
    )?;
    conn.execute(
        "INSERT INTO sessions (access_key, secret, token, role_name, session_name, session_policy, tags, created, expires)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.access_key,
            s.secret.as_str(),
            s.token.as_str(),
            s.role,
            s.session_name,
            s.session_policy,
            s.tags,
            s.created,
            s.expires
        ],
    )?;
    Ok(())
}
