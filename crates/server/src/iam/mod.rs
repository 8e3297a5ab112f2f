//! IAM's API (2010-05-08): users, groups, roles, access keys, inline and managed policies,
//! boundaries, tags, the authorization-details dump and the simulators. Each call is
//! authorized by the engine as IAM authorizes it, then runs in one store transaction.

pub mod details;
mod entities;
mod keys;
pub mod policies;
mod simulate;

use crate::error::{ApiError, ApiResult};
use crate::service::{Authenticated, Service};
use crate::store::Kind;
use rusqlite::Connection;
use serde_json::{json, Map, Value};

/// One IAM call: who makes it, its input (already checked against the model), the time.
pub struct Call<'a> {
    pub svc: &'a Service,
    pub who: &'a Authenticated,
    pub input: &'a Value,
    pub now: i64,
}

impl Call<'_> {
    /// A member the model requires (validation has checked it is there).
    pub fn req(&self, name: &str) -> ApiResult<String> {
        self.opt(name).ok_or_else(|| {
            ApiError::validation(format!(
                "Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }

    /// An optional string member.
    pub fn opt(&self, name: &str) -> Option<String> {
        crate::input::string(self.input, name)
    }

    /// An optional boolean member.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.input.get(name).and_then(Value::as_bool)
    }

    /// The `Tags` member as (key, value) pairs.
    pub fn tags(&self) -> Vec<(String, String)> {
        crate::input::tags(self.input, "Tags")
    }

    /// A list-of-strings member.
    pub fn strings(&self, name: &str) -> Vec<String> {
        crate::input::strings(self.input, name)
    }

    /// `arn:aws:iam::ACCOUNT:{kind}{path}{name}`.
    pub fn arn(&self, kind: &str, path: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:{kind}{path}{name}", self.svc.account_id)
    }
}

/// Whether the operation only reads.
fn read_only(op: &str) -> bool {
    op.starts_with("Get") || op.starts_with("List") || op.starts_with("Simulate")
}

/// Run an IAM operation; None when ssmgate does not implement it.
pub fn handle(op: &str, call: &Call<'_>) -> Option<ApiResult<Value>> {
    let run = |f: fn(&Call<'_>, &Connection) -> ApiResult<Value>| {
        if read_only(op) {
            call.svc.store.read(|c| f(call, c))
        } else {
            call.svc.store.write(|c| f(call, c))
        }
    };
    let f: fn(&Call<'_>, &Connection) -> ApiResult<Value> = match op {
        "CreateUser" => entities::create_user,
        "GetUser" => entities::get_user,
        "ListUsers" => |c, conn| entities::list(c, conn, Kind::User, "Users"),
        "DeleteUser" => entities::delete_user,
        "TagUser" => |c, conn| entities::tag(c, conn, Kind::User, "UserName"),
        "UntagUser" => |c, conn| entities::untag(c, conn, Kind::User, "UserName"),
        "ListUserTags" => |c, conn| entities::list_tags(c, conn, Kind::User, "UserName"),
        "CreateGroup" => entities::create_group,
        "GetGroup" => entities::get_group,
        "ListGroups" => |c, conn| entities::list(c, conn, Kind::Group, "Groups"),
        "DeleteGroup" => entities::delete_group,
        "AddUserToGroup" => entities::add_user_to_group,
        "RemoveUserFromGroup" => entities::remove_user_from_group,
        "ListGroupsForUser" => entities::list_groups_for_user,
        "CreateRole" => entities::create_role,
        "GetRole" => entities::get_role,
        "ListRoles" => |c, conn| entities::list(c, conn, Kind::Role, "Roles"),
        "DeleteRole" => entities::delete_role,
        "UpdateAssumeRolePolicy" => entities::update_assume_role_policy,
        "TagRole" => |c, conn| entities::tag(c, conn, Kind::Role, "RoleName"),
        "UntagRole" => |c, conn| entities::untag(c, conn, Kind::Role, "RoleName"),
        "ListRoleTags" => |c, conn| entities::list_tags(c, conn, Kind::Role, "RoleName"),
        "CreateAccessKey" => keys::create_access_key,
        "ListAccessKeys" => keys::list_access_keys,
        "UpdateAccessKey" => keys::update_access_key,
        "DeleteAccessKey" => keys::delete_access_key,
        "PutUserPolicy" => |c, conn| policies::put_inline(c, conn, Kind::User),
        "GetUserPolicy" => |c, conn| policies::get_inline(c, conn, Kind::User),
        "ListUserPolicies" => |c, conn| policies::list_inline(c, conn, Kind::User),
        "DeleteUserPolicy" => |c, conn| policies::delete_inline(c, conn, Kind::User),
        "PutGroupPolicy" => |c, conn| policies::put_inline(c, conn, Kind::Group),
        "GetGroupPolicy" => |c, conn| policies::get_inline(c, conn, Kind::Group),
        "ListGroupPolicies" => |c, conn| policies::list_inline(c, conn, Kind::Group),
        "DeleteGroupPolicy" => |c, conn| policies::delete_inline(c, conn, Kind::Group),
        "PutRolePolicy" => |c, conn| policies::put_inline(c, conn, Kind::Role),
        "GetRolePolicy" => |c, conn| policies::get_inline(c, conn, Kind::Role),
        "ListRolePolicies" => |c, conn| policies::list_inline(c, conn, Kind::Role),
        "DeleteRolePolicy" => |c, conn| policies::delete_inline(c, conn, Kind::Role),
        "CreatePolicy" => policies::create_policy,
        "GetPolicy" => policies::get_policy,
        "ListPolicies" => policies::list_policies,
        "DeletePolicy" => policies::delete_policy,
        "CreatePolicyVersion" => policies::create_policy_version,
        "GetPolicyVersion" => policies::get_policy_version,
        "ListPolicyVersions" => policies::list_policy_versions,
        "DeletePolicyVersion" => policies::delete_policy_version,
        "SetDefaultPolicyVersion" => policies::set_default_policy_version,
        "AttachUserPolicy" => |c, conn| policies::attach(c, conn, Kind::User),
        "DetachUserPolicy" => |c, conn| policies::detach(c, conn, Kind::User),
        "ListAttachedUserPolicies" => |c, conn| policies::list_attached(c, conn, Kind::User),
        "AttachGroupPolicy" => |c, conn| policies::attach(c, conn, Kind::Group),
        "DetachGroupPolicy" => |c, conn| policies::detach(c, conn, Kind::Group),
        "ListAttachedGroupPolicies" => |c, conn| policies::list_attached(c, conn, Kind::Group),
        "AttachRolePolicy" => |c, conn| policies::attach(c, conn, Kind::Role),
        "DetachRolePolicy" => |c, conn| policies::detach(c, conn, Kind::Role),
        "ListAttachedRolePolicies" => |c, conn| policies::list_attached(c, conn, Kind::Role),
        "ListEntitiesForPolicy" => policies::list_entities_for_policy,
        "PutUserPermissionsBoundary" => |c, conn| policies::put_boundary(c, conn, Kind::User),
        "DeleteUserPermissionsBoundary" => |c, conn| policies::delete_boundary(c, conn, Kind::User),
        "PutRolePermissionsBoundary" => |c, conn| policies::put_boundary(c, conn, Kind::Role),
        "DeleteRolePermissionsBoundary" => |c, conn| policies::delete_boundary(c, conn, Kind::Role),
        "GetAccountAuthorizationDetails" => details::get_account_authorization_details,
        "SimulateCustomPolicy" => simulate::simulate_custom_policy,
        "SimulatePrincipalPolicy" => simulate::simulate_principal_policy,
        _ => return None,
    };
    Some(run(f))
}

/// One page of `items` by IAM's `Marker`/`MaxItems` (default 100), as `{key: [...],
/// IsTruncated, Marker?}`.
pub fn page(call: &Call<'_>, key: &str, items: Vec<Value>) -> ApiResult<Value> {
    let start = match call.opt("Marker") {
        Some(m) => m
            .parse::<usize>()
            .ok()
            .filter(|i| *i <= items.len())
            .ok_or_else(|| ApiError::invalid_input(format!("Invalid Marker: {m}")))?,
        None => 0,
    };
    let max = call
        .input
        .get("MaxItems")
        .and_then(Value::as_u64)
        .unwrap_or(100) as usize;
    let end = start.saturating_add(max).min(items.len());
    let mut out = Map::new();
    out.insert(
        key.to_string(),
        Value::Array(items.get(start..end).unwrap_or_default().to_vec()),
    );
    out.insert("IsTruncated".into(), json!(end < items.len()));
    if end < items.len() {
        out.insert("Marker".into(), json!(end.to_string()));
    }
    Ok(Value::Object(out))
}

/// Whether an entity's path starts with the request's `PathPrefix`.
pub fn under_prefix(call: &Call<'_>, path: &str) -> bool {
    call.opt("PathPrefix").is_none_or(|p| path.starts_with(&p))
}

/// The tags as IAM's `Tags` list.
pub fn tag_list(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// A policy document as IAM returns it: URL-encoded.
pub fn encode_document(doc: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(doc, KEEP).to_string()
}
