//! Users, groups and roles: create, read, list, delete, tags and group membership.

use super::details::entity_json;
use super::{page, policies::check_trust_policy, tag_list, under_prefix, Call};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::service::{authorize, request_tags, resource_tags};
use crate::store::{self, Entity, Kind};
use rusqlite::Connection;
use serde_json::{json, Value};
use ssmgate_policy::Context;

/// "Tags per IAM user/role: 50".
const MAX_TAGS: usize = 50;

fn missing(kind: Kind, name: &str) -> ApiError {
    ApiError::no_such_entity(format!(
        "The {} with name {name} cannot be found.",
        kind.as_str()
    ))
}

/// An entity that must exist.
pub fn existing(conn: &Connection, kind: Kind, name: &str) -> ApiResult<Entity> {
    store::entity(conn, kind, name)?.ok_or_else(|| missing(kind, name))
}

/// The ARN a request about `name` is authorized on: the entity's own, or the ARN it would have.
fn target_arn(call: &Call<'_>, conn: &Connection, kind: Kind, name: &str) -> ApiResult<String> {
    Ok(match store::entity(conn, kind, name)? {
        Some(e) => e.arn,
        None => call.arn(kind.as_str(), "/", name),
    })
}

/// Authorize `action` on the entity `name`, with its tags as resource keys.
fn authorize_on(
    call: &Call<'_>,
    conn: &Connection,
    action: &str,
    kind: Kind,
    name: &str,
) -> ApiResult<()> {
    let arn = target_arn(call, conn, kind, name)?;
    let mut keys = Context::new();
    if kind != Kind::Group {
        resource_tags(&mut keys, conn, kind.as_str(), name)?;
    }
    authorize(call.who, action, &arn, &keys)
}

fn create(
    call: &Call<'_>,
    conn: &Connection,
    kind: Kind,
    name_key: &str,
    id_prefix: &str,
) -> ApiResult<Entity> {
    let name = call.req(name_key)?;
    let path = call.opt("Path").unwrap_or_else(|| "/".into());
    let arn = call.arn(kind.as_str(), &path, &name);
    let tags = call.tags();
    let mut keys = Context::new();
    request_tags(&mut keys, &tags);
    let boundary = call.opt("PermissionsBoundary");
    if let Some(b) = &boundary {
        keys.set("iam:PermissionsBoundary", b.clone());
    }
    authorize(call.who, &format!("iam:Create{}", title(kind)), &arn, &keys)?;
    if store::entity(conn, kind, &name)?.is_some() {
        return Err(ApiError::already_exists(format!(
            "{} with name {name} already exists.",
            title(kind)
        )));
    }
    if tags.len() > MAX_TAGS {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for TagsPer{}: {MAX_TAGS}",
            title(kind)
        )));
    }
    if let Some(b) = &boundary {
        super::policies::require_policy(conn, b)?;
    }
    let e = Entity {
        kind,
        name,
        id: ids::unique_id(id_prefix),
        path,
        arn,
        created: call.now,
        trust: None,
        boundary,
        description: call.opt("Description"),
        max_session: call.input.get("MaxSessionDuration").and_then(Value::as_i64),
    };
    Ok(e)
}

fn title(kind: Kind) -> &'static str {
    match kind {
        Kind::User => "User",
        Kind::Group => "Group",
        Kind::Role => "Role",
    }
}

pub fn create_user(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let e = create(call, conn, Kind::User, "UserName", "AIDA")?;
    store::insert_entity(conn, &e)?;
    store::put_tags(conn, "user", &e.name, &call.tags())?;
    Ok(json!({"User": entity_json(conn, &e, true)?}))
}

/// The user a call is about: `UserName`, else the caller (IAM's rule for self-service calls).
pub fn subject_user(call: &Call<'_>) -> ApiResult<Option<String>> {
    if let Some(u) = call.opt("UserName") {
        return Ok(Some(u));
    }
    match &call.who.credential {
        crate::service::Credential::User(u) => Ok(Some(u.clone())),
        crate::service::Credential::Root => Ok(None),
        crate::service::Credential::Session { .. } => Err(ApiError::validation(
            "Must specify userName when calling with non-User credentials",
        )),
    }
}

pub fn get_user(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let Some(name) = subject_user(call)? else {
        // The root user asking about itself.
        let arn = format!("arn:aws:iam::{}:root", call.svc.account_id);
        return Ok(
            json!({"User": {"Path": "/", "UserName": call.svc.account_id, "UserId": call.svc.account_id,
            "Arn": arn, "CreateDate": 0}}),
        );
    };
    authorize_on(call, conn, "iam:GetUser", Kind::User, &name)?;
    let e = existing(conn, Kind::User, &name)?;
    Ok(json!({"User": entity_json(conn, &e, true)?}))
}

pub fn list(call: &Call<'_>, conn: &Connection, kind: Kind, key: &str) -> ApiResult<Value> {
    let prefix = call.opt("PathPrefix").unwrap_or_else(|| "/".into());
    let resource = call.arn(kind.as_str(), &prefix, "");
    authorize(
        call.who,
        &format!("iam:List{}s", title(kind)),
        &resource,
        &Context::new(),
    )?;
    let mut items = Vec::new();
    for e in store::entities(conn, kind)? {
        if under_prefix(call, &e.path) {
            // IAM's List* calls leave tags out; Get* calls carry them.
            items.push(entity_json(conn, &e, false)?);
        }
    }
    page(call, key, items)
}

pub fn delete_user(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("UserName")?;
    authorize_on(call, conn, "iam:DeleteUser", Kind::User, &name)?;
    let e = existing(conn, Kind::User, &name)?;
    // IAM refuses to delete a user that still has subresources, naming the first it finds.
    if !store::access_keys(conn, Some(&e.name))?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must delete access keys first.",
        ));
    }
    if !store::inline_policies(conn, Kind::User, &e.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    if !store::attachments(conn, Kind::User, &e.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if !store::groups_of(conn, &e.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must remove users from group first.",
        ));
    }
    store::delete_entity(conn, Kind::User, &e.name)?;
    Ok(json!({}))
}

pub fn tag(call: &Call<'_>, conn: &Connection, kind: Kind, name_key: &str) -> ApiResult<Value> {
    let name = call.req(name_key)?;
    let tags = call.tags();
    let arn = target_arn(call, conn, kind, &name)?;
    let mut keys = Context::new();
    resource_tags(&mut keys, conn, kind.as_str(), &name)?;
    request_tags(&mut keys, &tags);
    authorize(call.who, &format!("iam:Tag{}", title(kind)), &arn, &keys)?;
    let e = existing(conn, kind, &name)?;
    let mut all: std::collections::BTreeMap<String, String> =
        store::tags(conn, kind.as_str(), &e.name)?
            .into_iter()
            .collect();
    all.extend(tags.iter().cloned());
    if all.len() > MAX_TAGS {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for TagsPer{}: {MAX_TAGS}",
            title(kind)
        )));
    }
    store::put_tags(conn, kind.as_str(), &e.name, &tags)?;
    Ok(json!({}))
}

pub fn untag(call: &Call<'_>, conn: &Connection, kind: Kind, name_key: &str) -> ApiResult<Value> {
    let name = call.req(name_key)?;
    let keys_removed = call.strings("TagKeys");
    let arn = target_arn(call, conn, kind, &name)?;
    let mut keys = Context::new();
    resource_tags(&mut keys, conn, kind.as_str(), &name)?;
    keys.set_list("aws:TagKeys", keys_removed.iter().cloned());
    authorize(call.who, &format!("iam:Untag{}", title(kind)), &arn, &keys)?;
    let e = existing(conn, kind, &name)?;
    store::remove_tags(conn, kind.as_str(), &e.name, &keys_removed)?;
    Ok(json!({}))
}

pub fn list_tags(
    call: &Call<'_>,
    conn: &Connection,
    kind: Kind,
    name_key: &str,
) -> ApiResult<Value> {
    let name = call.req(name_key)?;
    authorize_on(
        call,
        conn,
        &format!("iam:List{}Tags", title(kind)),
        kind,
        &name,
    )?;
    let e = existing(conn, kind, &name)?;
    let tags = store::tags(conn, kind.as_str(), &e.name)?;
    let Value::Array(items) = tag_list(&tags) else {
        return Ok(json!({}));
    };
    page(call, "Tags", items)
}

pub fn create_group(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let e = create(call, conn, Kind::Group, "GroupName", "AGPA")?;
    store::insert_entity(conn, &e)?;
    Ok(json!({"Group": entity_json(conn, &e, false)?}))
}

pub fn get_group(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("GroupName")?;
    authorize_on(call, conn, "iam:GetGroup", Kind::Group, &name)?;
    let g = existing(conn, Kind::Group, &name)?;
    let mut users = Vec::new();
    for u in store::members_of(conn, &g.name)? {
        if let Some(e) = store::entity(conn, Kind::User, &u)? {
            users.push(entity_json(conn, &e, false)?);
        }
    }
    let mut out = page(call, "Users", users)?;
    crate::model::set(&mut out, "Group", entity_json(conn, &g, false)?);
    Ok(out)
}

pub fn delete_group(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("GroupName")?;
    authorize_on(call, conn, "iam:DeleteGroup", Kind::Group, &name)?;
    let g = existing(conn, Kind::Group, &name)?;
    if !store::members_of(conn, &g.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must remove users from group first.",
        ));
    }
    if !store::inline_policies(conn, Kind::Group, &g.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    if !store::attachments(conn, Kind::Group, &g.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    store::delete_entity(conn, Kind::Group, &g.name)?;
    Ok(json!({}))
}

/// "Groups an IAM user can be a member of: 10".
const MAX_GROUPS_PER_USER: usize = 10;

pub fn add_user_to_group(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let group = call.req("GroupName")?;
    let user = call.req("UserName")?;
    authorize_on(call, conn, "iam:AddUserToGroup", Kind::Group, &group)?;
    let g = existing(conn, Kind::Group, &group)?;
    let u = existing(conn, Kind::User, &user)?;
    let current = store::groups_of(conn, &u.name)?;
    if !current.iter().any(|c| c.eq_ignore_ascii_case(&g.name))
        && current.len() >= MAX_GROUPS_PER_USER
    {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}"
        )));
    }
    store::add_member(conn, &g.name, &u.name)?;
    Ok(json!({}))
}

pub fn remove_user_from_group(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let group = call.req("GroupName")?;
    let user = call.req("UserName")?;
    authorize_on(call, conn, "iam:RemoveUserFromGroup", Kind::Group, &group)?;
    let g = existing(conn, Kind::Group, &group)?;
    let u = existing(conn, Kind::User, &user)?;
    if !store::remove_member(conn, &g.name, &u.name)? {
        return Err(ApiError::no_such_entity(format!(
            "The user with name {} cannot be found in group {}.",
            u.name, g.name
        )));
    }
    Ok(json!({}))
}

pub fn list_groups_for_user(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let user = call.req("UserName")?;
    authorize_on(call, conn, "iam:ListGroupsForUser", Kind::User, &user)?;
    let u = existing(conn, Kind::User, &user)?;
    let mut groups = Vec::new();
    for g in store::groups_of(conn, &u.name)? {
        if let Some(e) = store::entity(conn, Kind::Group, &g)? {
            groups.push(entity_json(conn, &e, false)?);
        }
    }
    page(call, "Groups", groups)
}

pub fn create_role(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let mut e = create(call, conn, Kind::Role, "RoleName", "AROA")?;
    let trust = call.req("AssumeRolePolicyDocument")?;
    check_trust_policy(&trust)?;
    e.trust = Some(trust);
    store::insert_entity(conn, &e)?;
    store::put_tags(conn, "role", &e.name, &call.tags())?;
    Ok(json!({"Role": entity_json(conn, &e, true)?}))
}

pub fn get_role(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("RoleName")?;
    authorize_on(call, conn, "iam:GetRole", Kind::Role, &name)?;
    let e = existing(conn, Kind::Role, &name)?;
    let mut role = entity_json(conn, &e, true)?;
    crate::model::set(&mut role, "RoleLastUsed", json!({}));
    Ok(json!({"Role": role}))
}

pub fn delete_role(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("RoleName")?;
    authorize_on(call, conn, "iam:DeleteRole", Kind::Role, &name)?;
    let e = existing(conn, Kind::Role, &name)?;
    if !store::inline_policies(conn, Kind::Role, &e.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    if !store::attachments(conn, Kind::Role, &e.name)?.is_empty() {
        return Err(ApiError::delete_conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    store::delete_entity(conn, Kind::Role, &e.name)?;
    Ok(json!({}))
}

pub fn update_assume_role_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("RoleName")?;
    let doc = call.req("PolicyDocument")?;
    authorize_on(call, conn, "iam:UpdateAssumeRolePolicy", Kind::Role, &name)?;
    let e = existing(conn, Kind::Role, &name)?;
    check_trust_policy(&doc)?;
    store::update_entity(conn, Kind::Role, &e.name, "trust", &doc)?;
    Ok(json!({}))
}
