//! Managed nodes: EC2 instances from the fleet file and hybrid nodes registered with an
//! activation; their tags, information, properties and connection status.

use super::{authorize, page, ssm_error, tag_list, SsmCall};
use crate::error::ApiResult;
use crate::{ids, store};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use ssmgate_ssm::fleet::Fleet;
use ssmgate_ssm::operation::Operation;
use std::collections::BTreeMap;

/// A managed node.
#[derive(Debug, Clone)]
pub struct InstanceRow {
    pub id: String,
    pub name: Option<String>,
    pub platform: String,
    pub platform_name: Option<String>,
    pub ping_status: String,
    pub region: String,
    pub account: String,
    /// `EC2Instance` or `ManagedInstance`.
    pub resource_type: String,
    pub activation_id: Option<String>,
    pub iam_role: Option<String>,
    pub registered: i64,
    pub ip: Option<String>,
    pub computer_name: Option<String>,
}

const COLUMNS: &str = "id, name, platform, platform_name, ping_status, region, account, resource_type, activation_id, iam_role, registered, ip, computer_name";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InstanceRow> {
    Ok(InstanceRow {
        id: r.get(0)?,
        name: r.get(1)?,
        platform: r.get(2)?,
        platform_name: r.get(3)?,
        ping_status: r.get(4)?,
        region: r.get(5)?,
        account: r.get(6)?,
        resource_type: r.get(7)?,
        activation_id: r.get(8)?,
        iam_role: r.get(9)?,
        registered: r.get(10)?,
        ip: r.get(11)?,
        computer_name: r.get(12)?,
    })
}

/// Every managed node, by id.
pub fn all(conn: &Connection) -> ApiResult<Vec<InstanceRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM instances ORDER BY id"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A managed node by id.
pub fn get(conn: &Connection, id: &str) -> ApiResult<Option<InstanceRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM instances WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

fn insert(conn: &Connection, i: &InstanceRow) -> ApiResult<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO instances ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        params![i.id, i.name, i.platform, i.platform_name, i.ping_status, i.region, i.account, i.resource_type,
                i.activation_id, i.iam_role, i.registered, i.ip, i.computer_name],
    )?;
    Ok(())
}

/// Put the fleet file's instances (and their tags) in the store; an instance already there is
/// replaced, so the file is the truth at start-up.
pub fn import_fleet(conn: &Connection, fleet: &Fleet, now: i64) -> ApiResult<usize> {
    for (n, i) in fleet.instances.iter().enumerate() {
        let hybrid = i.id.starts_with("mi-");
        let platform = i.platform.clone().unwrap_or_else(|| "Linux".into());
        insert(
            conn,
            &InstanceRow {
                id: i.id.clone(),
                name: i.name.clone(),
                platform_name: Some(if platform == "Windows" {
                    "Microsoft Windows Server 2022 Datacenter".into()
                } else {
                    "Amazon Linux".into()
                }),
                platform,
                ping_status: "Online".into(),
                region: i.region.clone().unwrap_or_else(|| fleet.region.clone()),
                account: i.account.clone().unwrap_or_else(|| fleet.account.clone()),
                resource_type: if hybrid {
                    "ManagedInstance".into()
                } else {
                    "EC2Instance".into()
                },
                activation_id: None,
                iam_role: None,
                registered: now,
                ip: Some(format!("10.0.{}.{}", n / 250, n % 250 + 4)),
                computer_name: i.name.clone(),
            },
        )?;
        conn.execute(
            "DELETE FROM tags WHERE kind = 'instance' AND owner = ?1",
            [&i.id],
        )?;
        store::put_tags(
            conn,
            "instance",
            &i.id,
            &i.tags.clone().into_iter().collect::<Vec<_>>(),
        )?;
    }
    Ok(fleet.instances.len())
}

fn information(i: &InstanceRow) -> Value {
    let mut v = json!({
        "InstanceId": i.id, "PingStatus": i.ping_status, "LastPingDateTime": i.registered,
        "AgentVersion": "3.3.0.0", "IsLatestVersion": true, "PlatformType": i.platform,
        "RegistrationDate": i.registered, "ResourceType": i.resource_type,
        "SourceId": i.id, "SourceType": if i.resource_type == "EC2Instance" { "AWS::EC2::Instance" } else { "AWS::SSM::ManagedInstance" },
    });
    let optional = [
        ("PlatformName", &i.platform_name),
        ("Name", &i.name),
        ("IPAddress", &i.ip),
        ("ComputerName", &i.computer_name),
        ("ActivationId", &i.activation_id),
        ("IamRole", &i.iam_role),
    ];
    for (k, val) in optional {
        if let Some(x) = val {
            crate::model::set(&mut v, k, json!(x));
        }
    }
    v
}

fn filter_ok(conn: &Connection, i: &InstanceRow, key: &str, values: &[&str]) -> ApiResult<bool> {
    Ok(match key {
        "InstanceIds" => values.contains(&i.id.as_str()),
        "PingStatus" => values.contains(&i.ping_status.as_str()),
        "PlatformTypes" => values.contains(&i.platform.as_str()),
        "ResourceType" => values.contains(&i.resource_type.as_str()),
        "ActivationIds" => i
            .activation_id
            .as_deref()
            .is_some_and(|a| values.contains(&a)),
        "IamRole" => i.iam_role.as_deref().is_some_and(|a| values.contains(&a)),
        "AgentVersion" => values.contains(&"3.3.0.0"),
        "AssociationStatus" => false,
        k => {
            let tags = store::tags(conn, "instance", &i.id)?;
            match k.strip_prefix("tag:") {
                Some(tk) => tags
                    .iter()
                    .any(|(key, v)| key == tk && values.contains(&v.as_str())),
                None if k == "tag-key" => {
                    tags.iter().any(|(key, _)| values.contains(&key.as_str()))
                }
                None => {
                    return Err(ssm_error(
                        "InvalidInstanceInformationFilterValue",
                        format!("The filter key {k} is not valid."),
                    ))
                }
            }
        }
    })
}

fn filtered(
    call: &SsmCall<'_>,
    conn: &Connection,
    lists: &[(&str, &str, &str)],
) -> ApiResult<Vec<InstanceRow>> {
    let filters: Vec<(String, Vec<String>)> = lists
        .iter()
        .flat_map(|(list, key, values)| crate::input::filters(call.input, list, key, values))
        .collect();
    let mut out = Vec::new();
    'next: for i in all(conn)? {
        for (key, values) in &filters {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            if !filter_ok(conn, &i, key, &values)? {
                continue 'next;
            }
        }
        out.push(i);
    }
    Ok(out)
}

pub fn describe_instance_information(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::DescribeInstanceInformation)?;
    let list = filtered(
        call,
        conn,
        &[
            ("InstanceInformationFilterList", "key", "valueSet"),
            ("Filters", "Key", "Values"),
        ],
    )?;
    page(
        call,
        "InstanceInformationList",
        list.iter().map(information).collect(),
        50,
    )
}

pub fn describe_instance_properties(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::DescribeInstanceProperties)?;
    let list = filtered(
        call,
        conn,
        &[
            ("InstancePropertyFilterList", "key", "valueSet"),
            ("FiltersWithOperator", "Key", "Values"),
        ],
    )?;
    let items = list
        .iter()
        .map(|i| {
            let mut v = information(i);
            if let Some(o) = v.as_object_mut() {
                o.remove("IsLatestVersion");
                o.insert("InstanceState".into(), json!("running"));
                o.insert("InstanceType".into(), json!("t3.micro"));
                o.insert("Architecture".into(), json!("x86_64"));
                o.insert("LaunchTime".into(), json!(i.registered));
            }
            v
        })
        .collect();
    page(call, "InstanceProperties", items, 50)
}

pub fn get_connection_status(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let target = call.req("Target")?;
    authorize(
        call,
        conn,
        &Operation::GetConnectionStatus {
            target: target.clone(),
        },
    )?;
    let connected = get(conn, &target)?.is_some_and(|i| i.ping_status == "Online");
    Ok(json!({"Target": target, "Status": if connected { "connected" } else { "notconnected" }}))
}

/// The store key of a tagged resource, after checking it exists.
fn tagged(conn: &Connection, resource_type: &str, id: &str) -> ApiResult<&'static str> {
    let (kind, exists) = match resource_type {
        "ManagedInstance" => ("instance", get(conn, id)?.is_some()),
        "Document" => ("document", super::documents::get(conn, id)?.is_some()),
        "Automation" => ("automation", conn.query_row("SELECT 1 FROM automations WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some()),
        other => return Err(ssm_error("InvalidResourceType", format!("ssmgate keeps tags on ManagedInstance, Document and Automation resources, not {other}."))),
    };
    if !exists {
        return Err(ssm_error(
            "InvalidResourceId",
            format!("The resource ID {id} is not valid. Verify the ID and try again."),
        ));
    }
    Ok(kind)
}

pub fn add_tags_to_resource(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let resource_type = call.req("ResourceType")?;
    let resource_id = call.req("ResourceId")?;
    let tags = call.tags();
    authorize(
        call,
        conn,
        &Operation::AddTagsToResource {
            resource_type: resource_type.clone(),
            resource_id: resource_id.clone(),
            tags: tags.clone(),
        },
    )?;
    let kind = tagged(conn, &resource_type, &resource_id)?;
    if tags.keys().any(|k| k.starts_with("aws:")) {
        return Err(ssm_error(
            "InvalidTag",
            "Tag keys beginning with aws: are reserved.",
        ));
    }
    let mut all: BTreeMap<String, String> =
        store::tags(conn, kind, &resource_id)?.into_iter().collect();
    all.extend(tags.clone());
    if all.len() > 50 {
        return Err(ssm_error(
            "TooManyTagsError",
            "A resource can have at most 50 tags.",
        ));
    }
    store::put_tags(
        conn,
        kind,
        &resource_id,
        &tags.into_iter().collect::<Vec<_>>(),
    )?;
    Ok(json!({}))
}

pub fn remove_tags_from_resource(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let resource_type = call.req("ResourceType")?;
    let resource_id = call.req("ResourceId")?;
    let keys = call.strings("TagKeys");
    authorize(
        call,
        conn,
        &Operation::RemoveTagsFromResource {
            resource_type: resource_type.clone(),
            resource_id: resource_id.clone(),
            keys: keys.clone(),
        },
    )?;
    let kind = tagged(conn, &resource_type, &resource_id)?;
    store::remove_tags(conn, kind, &resource_id, &keys)?;
    Ok(json!({}))
}

pub fn list_tags_for_resource(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let resource_type = call.req("ResourceType")?;
    let resource_id = call.req("ResourceId")?;
    authorize(
        call,
        conn,
        &Operation::ListTagsForResource {
            resource_type: resource_type.clone(),
            resource_id: resource_id.clone(),
        },
    )?;
    let kind = tagged(conn, &resource_type, &resource_id)?;
    Ok(json!({"TagList": tag_list(&store::tags(conn, kind, &resource_id)?.into_iter().collect())}))
}

pub fn create_activation(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let role = call.req("IamRole")?;
    let tags = call.tags();
    authorize(
        call,
        conn,
        &Operation::CreateActivation {
            iam_role: role.clone(),
            tags: tags.clone(),
        },
    )?;
    let id = ids::uuid();
    let code = ids::activation_code();
    // "The default value is 24 hours", "the maximum ... is 30 days".
    let expires = match call.input.get("ExpirationDate").and_then(Value::as_f64) {
        Some(t) => t as i64,
        None => call.now + 24 * 3600,
    };
    if expires <= call.now || expires > call.now + 30 * 86_400 {
        return Err(ssm_error(
            "ValidationException",
            "ExpirationDate must be in the future and at most 30 days away.",
        ));
    }
    let body = json!({
        "ActivationId": id, "Description": call.opt("Description"), "DefaultInstanceName": call.opt("DefaultInstanceName"),
        "IamRole": role, "RegistrationLimit": call.input.get("RegistrationLimit").and_then(Value::as_i64).unwrap_or(1),
        "ExpirationDate": expires, "CreatedDate": call.now, "Tags": tag_list(&tags),
    });
    conn.execute(
        "INSERT INTO activations (id, code, body, registrations, created, expires) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
        params![id, code, body.to_string(), call.now, expires],
    )?;
    Ok(json!({"ActivationId": id, "ActivationCode": code}))
}

fn activation_json(body: &str, registrations: i64, now: i64) -> Value {
    let mut v: Value = serde_json::from_str(body).unwrap_or_default();
    let expires = v.get("ExpirationDate").and_then(Value::as_i64).unwrap_or(0);
    crate::model::set(&mut v, "RegistrationsCount", json!(registrations));
    crate::model::set(&mut v, "Expired", json!(expires <= now));
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !x.is_null());
    }
    v
}

pub fn describe_activations(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::DescribeActivations)?;
    let mut stmt =
        conn.prepare("SELECT body, registrations FROM activations ORDER BY created, id")?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let filters = crate::input::filters(call.input, "Filters", "FilterKey", "FilterValues");
    let mut items = Vec::new();
    'next: for (body, n) in rows {
        let v = activation_json(&body, n, call.now);
        for (key, values) in &filters {
            let key = if key == "ActivationIds" {
                "ActivationId"
            } else {
                key.as_str()
            };
            if !v
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|x| values.iter().any(|w| w == x))
            {
                continue 'next;
            }
        }
        items.push(v);
    }
    page(call, "ActivationList", items, 50)
}

pub fn delete_activation(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("ActivationId")?;
    authorize(
        call,
        conn,
        &Operation::DeleteActivation {
            activation_id: id.clone(),
        },
    )?;
    if conn.execute("DELETE FROM activations WHERE id = ?1", [&id])? == 0 {
        return Err(ssm_error(
            "InvalidActivationId",
            format!("The activation ID {id} is not valid. Verify the ID and try again."),
        ));
    }
    Ok(json!({}))
}

/// The registration a node's agent makes with an activation code and id (ssmgate's hook
/// `Ssmgate.RegisterManagedInstance`): a new `mi-...` node, Online, with the activation's role.
pub fn register_with_activation(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("ActivationId")?;
    let code = call.req("ActivationCode")?;
    let found: Option<(String, String, i64, i64)> = conn
        .query_row(
            "SELECT code, body, registrations, expires FROM activations WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let invalid = || {
        ssm_error(
            "InvalidActivation",
            "The activation is not valid: check the activation code and id.",
        )
    };
    let (expected, body, registrations, expires) = found.ok_or_else(invalid)?;
    if !crate::sigv4::signatures_match(&expected, &code) {
        return Err(invalid());
    }
    if expires <= call.now {
        return Err(ssm_error(
            "InvalidActivation",
            "The activation has expired.",
        ));
    }
    let activation: Value = serde_json::from_str(&body).unwrap_or_default();
    let limit = activation
        .get("RegistrationLimit")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    if registrations >= limit {
        return Err(ssm_error(
            "InvalidActivation",
            format!("The activation has reached its registration limit of {limit}."),
        ));
    }
    let node = format!("mi-{}", ids::hex(17));
    let name = call.opt("Name").or_else(|| {
        activation
            .get("DefaultInstanceName")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    insert(
        conn,
        &InstanceRow {
            id: node.clone(),
            name: name.clone(),
            platform: call.opt("PlatformType").unwrap_or_else(|| "Linux".into()),
            platform_name: None,
            ping_status: "Online".into(),
            region: call.svc.region.clone(),
            account: call.svc.account_id.clone(),
            resource_type: "ManagedInstance".into(),
            activation_id: Some(id.clone()),
            iam_role: activation
                .get("IamRole")
                .and_then(Value::as_str)
                .map(str::to_string),
            registered: call.now,
            ip: call.opt("IPAddress"),
            computer_name: name,
        },
    )?;
    conn.execute(
        "UPDATE activations SET registrations = registrations + 1 WHERE id = ?1",
        [&id],
    )?;
    let tags = crate::input::tags(&activation, "Tags");
    store::put_tags(
        conn,
        "instance",
        &node,
        &tags.into_iter().collect::<Vec<_>>(),
    )?;
    Ok(json!({"InstanceId": node}))
}
