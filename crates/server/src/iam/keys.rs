//! Access keys: a user's own (no `UserName`) or another's.

use super::entities::{existing, subject_user};
use super::{page, Call};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::service::{authorize, resource_tags};
use crate::store::{self, AccessKeyRow, Kind};
use rusqlite::Connection;
use serde_json::{json, Value};

/// "Access keys assigned to an IAM user: 2".
const MAX_KEYS: usize = 2;

/// Authorize `action` on the subject user (or the root), returning the user's exact name.
fn authorize_subject(
    call: &Call<'_>,
    conn: &Connection,
    action: &str,
) -> ApiResult<Option<String>> {
    match subject_user(call)? {
        Some(name) => {
            let arn = match store::entity(conn, Kind::User, &name)? {
                Some(e) => e.arn,
                None => call.arn("user", "/", &name),
            };
            let mut keys = ssmgate_policy::Context::new();
            resource_tags(&mut keys, conn, "user", &name)?;
            authorize(call.who, action, &arn, &keys)?;
            Ok(Some(existing(conn, Kind::User, &name)?.name))
        }
        None => {
            let arn = format!("arn:aws:iam::{}:root", call.svc.account_id);
            authorize(call.who, action, &arn, &ssmgate_policy::Context::new())?;
            Ok(None)
        }
    }
}

fn shown_user(call: &Call<'_>, user: &Option<String>) -> String {
    user.clone().unwrap_or_else(|| call.svc.account_id.clone())
}

pub fn create_access_key(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let user = authorize_subject(call, conn, "iam:CreateAccessKey")?;
    if store::access_keys(conn, user.as_deref())?.len() >= MAX_KEYS {
        return Err(ApiError::limit_exceeded(format!(
            "Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}"
        )));
    }
    let key = AccessKeyRow {
        id: ids::access_key_id(false),
        secret: ids::secret_key(),
        user: user.clone(),
        status: "Active".into(),
        created: call.now,
    };
    store::insert_access_key(conn, &key)?;
    Ok(json!({"AccessKey": {
        "UserName": shown_user(call, &user), "AccessKeyId": key.id, "Status": key.status,
        "SecretAccessKey": key.secret.as_str(), "CreateDate": key.created,
    }}))
}

pub fn list_access_keys(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let user = authorize_subject(call, conn, "iam:ListAccessKeys")?;
    let items = store::access_keys(conn, user.as_deref())?
        .into_iter()
        .map(|k| {
            json!({"UserName": shown_user(call, &user), "AccessKeyId": k.id,
                   "Status": k.status, "CreateDate": k.created})
        })
        .collect();
    page(call, "AccessKeyMetadata", items)
}

fn owned_key(call: &Call<'_>, conn: &Connection, user: &Option<String>) -> ApiResult<AccessKeyRow> {
    let id = call.req("AccessKeyId")?;
    store::access_key(conn, &id)?
        .filter(|k| match (&k.user, user) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        })
        .ok_or_else(|| {
            ApiError::no_such_entity(format!("The Access Key with id {id} cannot be found."))
        })
}

pub fn update_access_key(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let user = authorize_subject(call, conn, "iam:UpdateAccessKey")?;
    let key = owned_key(call, conn, &user)?;
    store::set_key_status(conn, &key.id, &call.req("Status")?)?;
    Ok(json!({}))
}

pub fn delete_access_key(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let user = authorize_subject(call, conn, "iam:DeleteAccessKey")?;
    let key = owned_key(call, conn, &user)?;
    store::delete_access_key(conn, &key.id)?;
    Ok(json!({}))
}
