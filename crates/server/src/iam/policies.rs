//! Inline policies, customer managed policies and their versions, AWS managed policies from
//! the catalog, attachments and permissions boundaries.

use super::details::{attached_list, aws_policy_json, policy_json};
use super::entities::existing;
use super::{encode_document, page, under_prefix, Call};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::service::{authorize, request_tags, resource_tags};
use crate::store::{self, Kind, ManagedPolicyRow};
use rusqlite::Connection;
use serde_json::{json, Value};
use ssmgate_policy::Context;
use ssmgate_policy::{parse_policy, PolicyKind};

/// "Managed policy size: 6,144 characters" (whitespace not counted).
const MANAGED_POLICY_SIZE: usize = 6144;
/// "Managed policies attached to an IAM user/group/role: 10".
const MAX_ATTACHED: usize = 10;
/// "You can save up to five versions of a customer managed policy."
const MAX_VERSIONS: usize = 5;
/// "Role trust policy length: 2,048 characters".
const TRUST_POLICY_SIZE: usize = 2048;

fn size(doc: &str) -> usize {
    doc.chars().filter(|c| !c.is_whitespace()).count()
}

/// IAM's aggregate inline-policy quota of an entity kind.
fn inline_quota(kind: Kind) -> usize {
    match kind {
        Kind::User => 2048,
        Kind::Group => 5120,
        Kind::Role => 10240,
    }
}

fn malformed(doc: &str, kind: PolicyKind) -> ApiResult<()> {
    let parsed = parse_policy(doc, kind);
    match parsed.errors.first() {
        Some(e) => Err(ApiError::malformed_policy(e.aws_message.clone())),
        None => Ok(()),
    }
}

/// An identity policy IAM would accept.
pub fn check_identity_policy(doc: &str) -> ApiResult<()> {
    malformed(doc, PolicyKind::Identity)
}

/// A trust policy IAM would accept (a resource policy: `Principal` required).
pub fn check_trust_policy(doc: &str) -> ApiResult<()> {
    if size(doc) > TRUST_POLICY_SIZE {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}"
        )));
    }
    malformed(doc, PolicyKind::Resource)
}

/// A managed policy (customer or AWS) that must exist.
pub fn require_policy(conn: &Connection, arn: &str) -> ApiResult<()> {
    let exists = store::policy(conn, arn)?.is_some()
        || ssmgate_catalog::catalog().managed_policy(arn).is_some();
    if exists {
        Ok(())
    } else {
        Err(ApiError::no_such_entity(format!(
            "Policy {arn} does not exist or is not attachable."
        )))
    }
}

fn entity_arn(call: &Call<'_>, conn: &Connection, kind: Kind, name: &str) -> ApiResult<String> {
    Ok(match store::entity(conn, kind, name)? {
        Some(e) => e.arn,
        None => call.arn(kind.as_str(), "/", name),
    })
}

fn authorize_entity(
    call: &Call<'_>,
    conn: &Connection,
    action: &str,
    kind: Kind,
    name: &str,
    mut keys: Context,
) -> ApiResult<String> {
    let arn = entity_arn(call, conn, kind, name)?;
    if kind != Kind::Group {
        resource_tags(&mut keys, conn, kind.as_str(), name)?;
    }
    authorize(call.who, action, &arn, &keys)?;
    Ok(existing(conn, kind, name)?.name)
}

fn owner_key(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::User => ("UserName", "User"),
        Kind::Group => ("GroupName", "Group"),
        Kind::Role => ("RoleName", "Role"),
    }
}

/// Authorize `iam:{verb}{Kind}{noun}` with `keys` on the entity the call names (`UserName`,
/// `GroupName`, `RoleName`): its exact name, and the member that named it.
fn named_entity(
    call: &Call<'_>,
    conn: &Connection,
    kind: Kind,
    (verb, noun): (&str, &str),
    keys: Context,
) -> ApiResult<(String, &'static str)> {
    let (key, word) = owner_key(kind);
    let named = call.req(key)?;
    let action = format!("iam:{verb}{word}{noun}");
    let owner = authorize_entity(call, conn, &action, kind, &named, keys)?;
    Ok((owner, key))
}

pub fn put_inline(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, _) = named_entity(call, conn, kind, ("Put", "Policy"), Context::new())?;
    let name = call.req("PolicyName")?;
    let doc = call.req("PolicyDocument")?;
    check_identity_policy(&doc)?;
    let others: usize = store::inline_policies(conn, kind, &owner)?
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(_, d)| size(d))
        .sum();
    let quota = inline_quota(kind);
    if others + size(&doc) > quota {
        return Err(ApiError::limit_exceeded(format!(
            "Maximum policy size of {quota} bytes exceeded for {} {owner}",
            kind.as_str()
        )));
    }
    store::put_inline_policy(conn, kind, &owner, &name, &doc)?;
    Ok(json!({}))
}

pub fn get_inline(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, key) = named_entity(call, conn, kind, ("Get", "Policy"), Context::new())?;
    let name = call.req("PolicyName")?;
    let doc = store::inline_policies(conn, kind, &owner)?
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, d)| d)
        .ok_or_else(|| {
            ApiError::no_such_entity(format!(
                "The {} policy with name {name} cannot be found.",
                kind.as_str()
            ))
        })?;
    Ok(json!({key: owner, "PolicyName": name, "PolicyDocument": encode_document(&doc)}))
}

pub fn list_inline(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, _) = named_entity(call, conn, kind, ("List", "Policies"), Context::new())?;
    let names = store::inline_policies(conn, kind, &owner)?
        .into_iter()
        .map(|(n, _)| json!(n))
        .collect();
    page(call, "PolicyNames", names)
}

pub fn delete_inline(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, _) = named_entity(call, conn, kind, ("Delete", "Policy"), Context::new())?;
    let name = call.req("PolicyName")?;
    if !store::delete_inline_policy(conn, kind, &owner, &name)? {
        return Err(ApiError::no_such_entity(format!(
            "The {} policy with name {name} cannot be found.",
            kind.as_str()
        )));
    }
    Ok(json!({}))
}

fn check_managed_document(doc: &str) -> ApiResult<()> {
    if size(doc) > MANAGED_POLICY_SIZE {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for PolicySize: {MANAGED_POLICY_SIZE}"
        )));
    }
    check_identity_policy(doc)
}

pub fn create_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("PolicyName")?;
    let doc = call.req("PolicyDocument")?;
    let path = call.opt("Path").unwrap_or_else(|| "/".into());
    let arn = call.arn("policy", &path, &name);
    let tags = call.tags();
    let mut keys = Context::new();
    request_tags(&mut keys, &tags);
    authorize(call.who, "iam:CreatePolicy", &arn, &keys)?;
    if store::policies(conn)?
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::already_exists(format!(
            "A policy called {name} already exists. Duplicate names are not allowed."
        )));
    }
    check_managed_document(&doc)?;
    let p = ManagedPolicyRow {
        arn: arn.clone(),
        name,
        id: ids::unique_id("ANPA"),
        path,
        description: call.opt("Description"),
        default_version: "v1".into(),
        next_version: 2,
        created: call.now,
        updated: call.now,
    };
    store::insert_policy(conn, &p)?;
    store::insert_policy_version(conn, &arn, "v1", &doc, call.now)?;
    store::put_tags(conn, "policy", &arn, &tags)?;
    Ok(json!({"Policy": policy_json(conn, &p)?}))
}

/// A customer policy by ARN, or NoSuchEntity.
fn customer_policy(conn: &Connection, arn: &str) -> ApiResult<ManagedPolicyRow> {
    store::policy(conn, arn)?.ok_or_else(|| {
        ApiError::no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
    })
}

pub fn get_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    authorize(call.who, "iam:GetPolicy", &arn, &Context::new())?;
    if let Some(m) = ssmgate_catalog::catalog().managed_policy(&arn) {
        return Ok(json!({"Policy": aws_policy_json(conn, m)?}));
    }
    let p = customer_policy(conn, &arn)?;
    Ok(json!({"Policy": policy_json(conn, &p)?}))
}

pub fn list_policies(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call.who, "iam:ListPolicies", "*", &Context::new())?;
    let scope = call.opt("Scope").unwrap_or_else(|| "All".into());
    let only_attached = call.flag("OnlyAttached").unwrap_or(false);
    let mut items = Vec::new();
    if scope != "Local" {
        for m in ssmgate_catalog::catalog().managed_policies() {
            let v = aws_policy_json(conn, m)?;
            items.push((m.path.clone(), v));
        }
    }
    if scope != "AWS" {
        for p in store::policies(conn)? {
            items.push((p.path.clone(), policy_json(conn, &p)?));
        }
    }
    let items = items
        .into_iter()
        .filter(|(path, v)| {
            under_prefix(call, path)
                && (!only_attached || v["AttachmentCount"].as_u64().unwrap_or(0) > 0)
        })
        .map(|(_, v)| v)
        .collect();
    page(call, "Policies", items)
}

pub fn delete_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    authorize(call.who, "iam:DeletePolicy", &arn, &Context::new())?;
    let p = customer_policy(conn, &arn)?;
    if !store::attached_to(conn, &arn)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete a policy attached to entities.",
        ));
    }
    if store::policy_versions(conn, &arn)?.len() > 1 {
        return Err(ApiError::delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        ));
    }
    store::delete_policy(conn, &p.arn)?;
    Ok(json!({}))
}

fn version_json(id: &str, doc: &str, created: i64, default: &str) -> Value {
    json!({"Document": encode_document(doc), "VersionId": id, "IsDefaultVersion": id == default, "CreateDate": created})
}

pub fn create_policy_version(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    let doc = call.req("PolicyDocument")?;
    authorize(call.who, "iam:CreatePolicyVersion", &arn, &Context::new())?;
    let p = customer_policy(conn, &arn)?;
    if store::policy_versions(conn, &arn)?.len() >= MAX_VERSIONS {
        return Err(ApiError::limit_exceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        ));
    }
    check_managed_document(&doc)?;
    let id = format!("v{}", p.next_version);
    store::insert_policy_version(conn, &arn, &id, &doc, call.now)?;
    let default = if call.flag("SetAsDefault").unwrap_or(false) {
        id.clone()
    } else {
        p.default_version.clone()
    };
    store::update_policy(conn, &arn, &default, p.next_version + 1, call.now)?;
    Ok(json!({"PolicyVersion": version_json(&id, &doc, call.now, &default)}))
}

pub fn get_policy_version(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    let version = call.req("VersionId")?;
    authorize(call.who, "iam:GetPolicyVersion", &arn, &Context::new())?;
    let missing = || {
        ApiError::no_such_entity(format!(
            "Policy {arn} version {version} does not exist or is not attachable."
        ))
    };
    if let Some(m) = ssmgate_catalog::catalog().managed_policy(&arn) {
        if m.version_id != version {
            return Err(missing());
        }
        return Ok(
            json!({"PolicyVersion": version_json(&m.version_id, m.document, 1_420_070_400, &m.version_id)}),
        );
    }
    let p = customer_policy(conn, &arn)?;
    let (id, doc, created) = store::policy_versions(conn, &arn)?
        .into_iter()
        .find(|(id, _, _)| *id == version)
        .ok_or_else(missing)?;
    Ok(json!({"PolicyVersion": version_json(&id, &doc, created, &p.default_version)}))
}

pub fn list_policy_versions(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    authorize(call.who, "iam:ListPolicyVersions", &arn, &Context::new())?;
    if let Some(m) = ssmgate_catalog::catalog().managed_policy(&arn) {
        let mut v = version_json(&m.version_id, m.document, 1_420_070_400, &m.version_id);
        if let Some(o) = v.as_object_mut() {
            o.remove("Document");
        }
        return page(call, "Versions", vec![v]);
    }
    let p = customer_policy(conn, &arn)?;
    // IAM lists the newest version first and leaves the documents out.
    let items = store::policy_versions(conn, &arn)?
        .into_iter()
        .rev()
        .map(|(id, _, created)| json!({"VersionId": id, "IsDefaultVersion": id == p.default_version, "CreateDate": created}))
        .collect();
    page(call, "Versions", items)
}

pub fn delete_policy_version(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    let version = call.req("VersionId")?;
    authorize(call.who, "iam:DeletePolicyVersion", &arn, &Context::new())?;
    let p = customer_policy(conn, &arn)?;
    if p.default_version == version {
        return Err(ApiError::delete_conflict(
            "Cannot delete the default version of a policy.",
        ));
    }
    if !store::delete_policy_version(conn, &arn, &version)? {
        return Err(ApiError::no_such_entity(format!(
            "Policy {arn} version {version} does not exist or is not attachable."
        )));
    }
    Ok(json!({}))
}

pub fn set_default_policy_version(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    let version = call.req("VersionId")?;
    authorize(
        call.who,
        "iam:SetDefaultPolicyVersion",
        &arn,
        &Context::new(),
    )?;
    let p = customer_policy(conn, &arn)?;
    if !store::policy_versions(conn, &arn)?
        .iter()
        .any(|(id, _, _)| *id == version)
    {
        return Err(ApiError::no_such_entity(format!(
            "Policy {arn} version {version} does not exist or is not attachable."
        )));
    }
    store::update_policy(conn, &arn, &version, p.next_version, call.now)?;
    Ok(json!({}))
}

/// Authorize `iam:{verb}{Kind}Policy` on the entity with `iam:PolicyARN`: (entity name, ARN).
fn attachment(
    call: &Call<'_>,
    conn: &Connection,
    kind: Kind,
    verb: &str,
) -> ApiResult<(String, String)> {
    let arn = call.req("PolicyArn")?;
    let mut keys = Context::new();
    keys.set("iam:PolicyARN", arn.clone());
    let (owner, _) = named_entity(call, conn, kind, (verb, "Policy"), keys)?;
    Ok((owner, arn))
}

pub fn attach(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, arn) = attachment(call, conn, kind, "Attach")?;
    require_policy(conn, &arn)?;
    let current = store::attachments(conn, kind, &owner)?;
    if !current.contains(&arn) && current.len() >= MAX_ATTACHED {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for PoliciesPer{}: {MAX_ATTACHED}",
            owner_key(kind).1
        )));
    }
    store::attach(conn, kind, &owner, &arn)?;
    Ok(json!({}))
}

pub fn detach(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, arn) = attachment(call, conn, kind, "Detach")?;
    if !store::detach(conn, kind, &owner, &arn)? {
        return Err(ApiError::no_such_entity(format!(
            "Policy {arn} was not found."
        )));
    }
    Ok(json!({}))
}

pub fn list_attached(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let (owner, _) = named_entity(
        call,
        conn,
        kind,
        ("ListAttached", "Policies"),
        Context::new(),
    )?;
    let Value::Array(items) = attached_list(conn, kind, &owner)? else {
        return Ok(json!({}));
    };
    page(call, "AttachedPolicies", items)
}

pub fn list_entities_for_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let arn = call.req("PolicyArn")?;
    authorize(call.who, "iam:ListEntitiesForPolicy", &arn, &Context::new())?;
    require_policy(conn, &arn)?;
    let (mut users, mut groups, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    for (kind, owner) in store::attached_to(conn, &arn)? {
        let k = match kind.as_str() {
            "user" => Kind::User,
            "group" => Kind::Group,
            _ => Kind::Role,
        };
        if let Some(e) = store::entity(conn, k, &owner)? {
            match k {
                Kind::User => users.push(json!({"UserName": e.name, "UserId": e.id})),
                Kind::Group => groups.push(json!({"GroupName": e.name, "GroupId": e.id})),
                Kind::Role => roles.push(json!({"RoleName": e.name, "RoleId": e.id})),
            }
        }
    }
    Ok(
        json!({"PolicyUsers": users, "PolicyGroups": groups, "PolicyRoles": roles, "IsTruncated": false}),
    )
}

pub fn put_boundary(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let arn = call.req("PermissionsBoundary")?;
    let mut keys = Context::new();
    keys.set("iam:PermissionsBoundary", arn.clone());
    let (owner, _) = named_entity(call, conn, kind, ("Put", "PermissionsBoundary"), keys)?;
    require_policy(conn, &arn)?;
    store::update_entity(conn, kind, &owner, "boundary", &arn)?;
    Ok(json!({}))
}

pub fn delete_boundary(call: &Call<'_>, conn: &Connection, kind: Kind) -> ApiResult<Value> {
    let named = call.req(owner_key(kind).0)?;
    let current = store::entity(conn, kind, &named)?.and_then(|e| e.boundary);
    let mut keys = Context::new();
    if let Some(b) = current {
        keys.set("iam:PermissionsBoundary", b);
    }
    let (owner, _) = named_entity(call, conn, kind, ("Delete", "PermissionsBoundary"), keys)?;
    store::update_entity(conn, kind, &owner, "boundary", &rusqlite::types::Null)?;
    Ok(json!({}))
}
