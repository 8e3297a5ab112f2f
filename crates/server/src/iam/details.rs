//! IAM's answer shapes for entities and policies, and the whole-account dump
//! (GetAccountAuthorizationDetails) that the engine builds callers from.

use super::{encode_document, tag_list, Call};
use crate::error::ApiResult;
use crate::service::authorize;
use crate::store::{self, Entity, Kind, ManagedPolicyRow};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

/// The name of a managed policy by ARN: a customer policy's, else an AWS policy's.
pub fn policy_name(conn: &Connection, arn: &str) -> ApiResult<String> {
    if let Some(p) = store::policy(conn, arn)? {
        return Ok(p.name);
    }
    Ok(ssmgate_catalog::catalog()
        .managed_policy(arn)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string()))
}

/// `AttachedManagedPolicies` of an entity.
pub fn attached_list(conn: &Connection, kind: Kind, name: &str) -> ApiResult<Value> {
    let mut out = Vec::new();
    for arn in store::attachments(conn, kind, name)? {
        out.push(json!({"PolicyName": policy_name(conn, &arn)?, "PolicyArn": arn}));
    }
    Ok(Value::Array(out))
}

fn boundary(e: &Entity) -> Option<Value> {
    e.boundary.as_ref().map(|b| {
        json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": b})
    })
}

/// A `User`, `Group` or `Role` shape.
pub fn entity_json(conn: &Connection, e: &Entity, with_tags: bool) -> ApiResult<Value> {
    let mut m = Map::new();
    m.insert("Path".into(), json!(e.path));
    let (name_key, id_key) = match e.kind {
        Kind::User => ("UserName", "UserId"),
        Kind::Group => ("GroupName", "GroupId"),
        Kind::Role => ("RoleName", "RoleId"),
    };
    m.insert(name_key.into(), json!(e.name));
    m.insert(id_key.into(), json!(e.id));
    m.insert("Arn".into(), json!(e.arn));
    m.insert("CreateDate".into(), json!(e.created));
    if let Some(t) = &e.trust {
        m.insert("AssumeRolePolicyDocument".into(), json!(encode_document(t)));
    }
    if let Some(d) = &e.description {
        m.insert("Description".into(), json!(d));
    }
    if e.kind == Kind::Role {
        m.insert(
            "MaxSessionDuration".into(),
            json!(e.max_session.unwrap_or(3600)),
        );
    }
    if let Some(b) = boundary(e) {
        m.insert("PermissionsBoundary".into(), b);
    }
    if with_tags && e.kind != Kind::Group {
        let tags = store::tags(conn, e.kind.as_str(), &e.name)?;
        if !tags.is_empty() {
            m.insert("Tags".into(), tag_list(&tags));
        }
    }
    Ok(Value::Object(m))
}

/// A `Policy` shape (customer managed).
pub fn policy_json(conn: &Connection, p: &ManagedPolicyRow) -> ApiResult<Value> {
    let count = store::attached_to(conn, &p.arn)?.len();
    let boundary_uses = boundary_uses(conn, &p.arn)?;
    let mut m = json!({
        "PolicyName": p.name, "PolicyId": p.id, "Arn": p.arn, "Path": p.path,
        "DefaultVersionId": p.default_version, "AttachmentCount": count,
        "PermissionsBoundaryUsageCount": boundary_uses, "IsAttachable": true,
        "CreateDate": p.created, "UpdateDate": p.updated,
    });
    if let Some(d) = &p.description {
        crate::model::set(&mut m, "Description", json!(d));
    }
    let tags = store::tags(conn, "policy", &p.arn)?;
    if !tags.is_empty() {
        crate::model::set(&mut m, "Tags", tag_list(&tags));
    }
    Ok(m)
}

/// A `Policy` shape for an AWS managed policy from the catalog.
pub fn aws_policy_json(conn: &Connection, m: &ssmgate_catalog::ManagedPolicy) -> ApiResult<Value> {
    Ok(json!({
        "PolicyName": m.name, "PolicyId": format!("ANPA{}", &stable_suffix(&m.name)),
        "Arn": m.arn, "Path": m.path, "DefaultVersionId": m.version_id,
        "AttachmentCount": store::attached_to(conn, &m.arn)?.len(),
        "PermissionsBoundaryUsageCount": boundary_uses(conn, &m.arn)?,
        "IsAttachable": true, "CreateDate": 1_420_070_400, "UpdateDate": 1_420_070_400,
    }))
}

/// A fixed 17-character id for an AWS managed policy, so that it is the same on every call.
fn stable_suffix(name: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    digest
        .iter()
        .take(17)
        .map(|b| (b'A' + b % 26) as char)
        .collect()
}

fn boundary_uses(conn: &Connection, arn: &str) -> ApiResult<usize> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM entities WHERE boundary = ?1",
        [arn],
        |r| r.get::<_, i64>(0),
    )? as usize)
}

fn inline_list(conn: &Connection, kind: Kind, name: &str) -> ApiResult<Value> {
    Ok(Value::Array(
        store::inline_policies(conn, kind, name)?
            .into_iter()
            .map(|(n, d)| json!({"PolicyName": n, "PolicyDocument": encode_document(&d)}))
            .collect(),
    ))
}

/// The whole account in GetAccountAuthorizationDetails' shape; `filter` empty means all.
pub fn details(conn: &Connection, filter: &[String]) -> ApiResult<Value> {
    let wants = |f: &str| filter.is_empty() || filter.iter().any(|x| x == f);
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    if wants("User") {
        for u in store::entities(conn, Kind::User)? {
            let mut v = entity_json(conn, &u, true)?;
            crate::model::set(
                &mut v,
                "UserPolicyList",
                inline_list(conn, Kind::User, &u.name)?,
            );
            crate::model::set(&mut v, "GroupList", json!(store::groups_of(conn, &u.name)?));
            crate::model::set(
                &mut v,
                "AttachedManagedPolicies",
                attached_list(conn, Kind::User, &u.name)?,
            );
            users.push(v);
        }
    }
    if wants("Group") {
        for g in store::entities(conn, Kind::Group)? {
            let mut v = entity_json(conn, &g, false)?;
            crate::model::set(
                &mut v,
                "GroupPolicyList",
                inline_list(conn, Kind::Group, &g.name)?,
            );
            crate::model::set(
                &mut v,
                "AttachedManagedPolicies",
                attached_list(conn, Kind::Group, &g.name)?,
            );
            groups.push(v);
        }
    }
    if wants("Role") {
        for r in store::entities(conn, Kind::Role)? {
            let mut v = entity_json(conn, &r, true)?;
            crate::model::set(&mut v, "InstanceProfileList", json!([]));
            crate::model::set(
                &mut v,
                "RolePolicyList",
                inline_list(conn, Kind::Role, &r.name)?,
            );
            crate::model::set(
                &mut v,
                "AttachedManagedPolicies",
                attached_list(conn, Kind::Role, &r.name)?,
            );
            crate::model::set(&mut v, "RoleLastUsed", json!({}));
            roles.push(v);
        }
    }
    if wants("LocalManagedPolicy") {
        for p in store::policies(conn)? {
            let mut v = policy_json(conn, &p)?;
            let versions = store::policy_versions(conn, &p.arn)?
                .into_iter()
                .map(|(id, doc, created)| {
                    json!({"Document": encode_document(&doc), "VersionId": id,
                           "IsDefaultVersion": id == p.default_version, "CreateDate": created})
                })
                .collect();
            crate::model::set(&mut v, "PolicyVersionList", Value::Array(versions));
            policies.push(v);
        }
    }
    if wants("AWSManagedPolicy") {
        // AWS lists the AWS managed policies in use; the catalog holds their documents.
        for m in ssmgate_catalog::catalog().managed_policies() {
            let used =
                !store::attached_to(conn, &m.arn)?.is_empty() || boundary_uses(conn, &m.arn)? > 0;
            if used {
                let mut v = aws_policy_json(conn, m)?;
                let versions = json!([{"Document": encode_document(m.document),
                    "VersionId": m.version_id, "IsDefaultVersion": true, "CreateDate": 1_420_070_400}]);
                crate::model::set(&mut v, "PolicyVersionList", versions);
                policies.push(v);
            }
        }
    }
    Ok(json!({
        "UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
        "Policies": policies, "IsTruncated": false,
    }))
}

/// GetAccountAuthorizationDetails.
pub fn get_account_authorization_details(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(
        call.who,
        "iam:GetAccountAuthorizationDetails",
        "*",
        &ssmgate_policy::Context::new(),
    )?;
    details(conn, &call.strings("Filter"))
}
