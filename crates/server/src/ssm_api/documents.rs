//! SSM documents: the AWS-owned ones people use and customer documents with versions, content
//! validated as Systems Manager validates it.

use super::{authorize, page, ssm_error, tag_list, SsmCall};
use crate::error::ApiResult;
use crate::store;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};
use ssmgate_ssm::operation::Operation;

/// "The maximum size of a document is 64 KB."
const MAX_CONTENT: usize = 64 * 1024;

/// A document row.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub name: String,
    /// `Amazon` or the account id.
    pub owner: String,
    pub doc_type: String,
    pub target_type: Option<String>,
    pub default_version: i64,
    pub latest_version: i64,
    pub created: i64,
}

/// A document version row.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub version: i64,
    pub version_name: Option<String>,
    pub format: String,
    pub content: String,
    pub created: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        name: r.get(0)?,
        owner: r.get(1)?,
        doc_type: r.get(2)?,
        target_type: r.get(3)?,
        default_version: r.get(4)?,
        latest_version: r.get(5)?,
        created: r.get(6)?,
    })
}

const COLUMNS: &str =
    "name, owner, doc_type, target_type, default_version, latest_version, created";

/// Every document, by name.
pub fn all(conn: &Connection) -> ApiResult<Vec<DocumentRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM documents ORDER BY name"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A document by name (or by its ARN).
pub fn get(conn: &Connection, name: &str) -> ApiResult<Option<DocumentRow>> {
    let name = name.rsplit(":document/").next().unwrap_or(name);
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM documents WHERE name = ?1"),
            [name],
            row,
        )
        .optional()?)
}

/// The document, or `InvalidDocument`.
pub fn require(conn: &Connection, name: &str) -> ApiResult<DocumentRow> {
    get(conn, name)?.ok_or_else(|| {
        ssm_error(
            "InvalidDocument",
            format!("Document with name {name} does not exist."),
        )
    })
}

/// One version of a document (`$DEFAULT`, `$LATEST`, a number, or none for the default).
pub fn version(conn: &Connection, d: &DocumentRow, which: Option<&str>) -> ApiResult<VersionRow> {
    let n = match which {
        None | Some("$DEFAULT") => d.default_version,
        Some("$LATEST") => d.latest_version,
        Some(v) => v.parse::<i64>().map_err(|_| {
            ssm_error(
                "InvalidDocumentVersion",
                format!("Document version {v} is not valid."),
            )
        })?,
    };
    conn.query_row(
        "SELECT version, version_name, format, content, created FROM document_versions WHERE name = ?1 AND version = ?2",
        params![d.name, n],
        |r| Ok(VersionRow { version: r.get(0)?, version_name: r.get(1)?, format: r.get(2)?, content: r.get(3)?, created: r.get(4)? }),
    )
    .optional()?
    .ok_or_else(|| ssm_error("InvalidDocumentVersion", format!("Document {} has no version {n}.", d.name)))
}

fn versions(conn: &Connection, name: &str) -> ApiResult<Vec<VersionRow>> {
    let mut stmt = conn.prepare(
        "SELECT version, version_name, format, content, created FROM document_versions WHERE name = ?1 ORDER BY version",
    )?;
    let rows = stmt.query_map([name], |r| {
        Ok(VersionRow {
            version: r.get(0)?,
            version_name: r.get(1)?,
            format: r.get(2)?,
            content: r.get(3)?,
            created: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Document content as JSON, whatever its format.
pub fn parse(content: &str, format: &str) -> ApiResult<Value> {
    let parsed: Result<Value, String> = match format {
        "YAML" => serde_norway::from_str(content).map_err(|e| e.to_string()),
        _ => serde_json::from_str(content)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column())),
    };
    parsed.map_err(|e| {
        ssm_error(
            "InvalidDocumentContent",
            format!("The document content is not valid {format}: {e}"),
        )
    })
}

const PARAMETER_TYPES: &[&str] = &[
    "String",
    "StringList",
    "Integer",
    "Boolean",
    "MapList",
    "StringMap",
];

/// Check content as Systems Manager does for a document of `doc_type`: the schema version the
/// type allows, the sections it needs, and well-formed parameters.
pub fn validate(content: &Value, doc_type: &str) -> ApiResult<()> {
    let invalid = |m: String| ssm_error("InvalidDocumentContent", m);
    let obj = content
        .as_object()
        .ok_or_else(|| invalid("The document content must be an object.".into()))?;
    let schema = obj
        .get("schemaVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("The document content has no schemaVersion.".into()))?;
    let allowed: &[&str] = match doc_type {
        "Command" => &["1.2", "2.0", "2.2"],
        "Session" => &["1.0"],
        "Automation" => &["0.3"],
        _ => &[],
    };
    if !allowed.is_empty() && !allowed.contains(&schema) {
        return Err(ssm_error(
            "InvalidDocumentSchemaVersion",
            format!("Document schema version {schema} is not supported for {doc_type} documents; use {}.", allowed.join(", ")),
        ));
    }
    match (doc_type, schema) {
        ("Command", "1.2") if !obj.get("runtimeConfig").is_some_and(Value::is_object) => {
            return Err(invalid(
                "A schema 1.2 Command document needs a runtimeConfig object.".into(),
            ))
        }
        ("Command", "2.0" | "2.2") | ("Automation", _) => {
            let steps = obj
                .get("mainSteps")
                .and_then(Value::as_array)
                .filter(|s| !s.is_empty());
            let steps = steps
                .ok_or_else(|| invalid("The document needs a non-empty mainSteps list.".into()))?;
            for (i, s) in steps.iter().enumerate() {
                if s.get("action").and_then(Value::as_str).is_none()
                    || s.get("name").and_then(Value::as_str).is_none()
                {
                    return Err(invalid(format!(
                        "mainSteps[{i}] needs an action and a name."
                    )));
                }
            }
        }
        ("Session", _) => {
            let kinds = [
                "Standard_Stream",
                "Port",
                "InteractiveCommands",
                "NonInteractiveCommands",
            ];
            match obj.get("sessionType").and_then(Value::as_str) {
                Some(t) if kinds.contains(&t) => {}
                other => {
                    return Err(invalid(format!(
                        "sessionType {} is not one of {}.",
                        other.unwrap_or("(missing)"),
                        kinds.join(", ")
                    )))
                }
            }
        }
        _ => {}
    }
    if let Some(p) = obj.get("parameters") {
        let p = p
            .as_object()
            .ok_or_else(|| invalid("parameters must be an object.".into()))?;
        for (name, def) in p {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(invalid(format!(
                    "Parameter name {name} may hold only letters, digits and underscores."
                )));
            }
            let ty = def.get("type").and_then(Value::as_str).unwrap_or_default();
            if !PARAMETER_TYPES.contains(&ty) {
                return Err(invalid(format!(
                    "Parameter {name} has type {ty:?}; use one of {}.",
                    PARAMETER_TYPES.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// A default value as SSM lists it: strings as they are, anything else as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The `Parameters` list of a document description.
fn parameter_list(content: &Value) -> Value {
    Value::Array(
        content
            .get("parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, def)| {
                let mut p = json!({"Name": name, "Type": def.get("type").and_then(Value::as_str).unwrap_or("String")});
                if let Some(d) = def.get("description").and_then(Value::as_str) {
                    crate::model::set(&mut p, "Description", json!(d));
                }
                if let Some(d) = def.get("default") {
                    crate::model::set(&mut p, "DefaultValue", json!(shown(d)));
                }
                p
            })
            .collect(),
    )
}

/// Check a command's parameters against the document: every name declared, every parameter
/// without a default given, single-valued types given one value, allowed values and patterns.
pub fn check_parameters(
    doc_name: &str,
    content: &Value,
    given: &serde_json::Map<String, Value>,
) -> ApiResult<()> {
    let invalid = |m: String| ssm_error("InvalidParameters", m);
    let declared = content
        .get("parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (name, values) in given {
        let def = declared.get(name).ok_or_else(|| {
            invalid(format!(
                "Parameter \"{name}\" is not defined in document {doc_name}."
            ))
        })?;
        let values: Vec<&str> = values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let ty = def.get("type").and_then(Value::as_str).unwrap_or("String");
        if matches!(ty, "String" | "Integer" | "Boolean") && values.len() != 1 {
            return Err(invalid(format!(
                "Parameter \"{name}\" is of type {ty} and takes one value, not {}.",
                values.len()
            )));
        }
        if let Some(allowed) = def.get("allowedValues").and_then(Value::as_array) {
            if let Some(bad) = values
                .iter()
                .find(|v| !allowed.iter().any(|a| a.as_str() == Some(v)))
            {
                return Err(invalid(format!(
                    "Parameter \"{name}\" value \"{bad}\" is not one of its allowed values."
                )));
            }
        }
        if let Some(p) = def.get("allowedPattern").and_then(Value::as_str) {
            if let Ok(re) = regex::Regex::new(&format!("^(?:{p})$")) {
                if let Some(bad) = values.iter().find(|v| !re.is_match(v)) {
                    return Err(invalid(format!("Parameter \"{name}\" value \"{bad}\" failed to satisfy constraint: Member must satisfy regular expression pattern: {p}")));
                }
            }
        }
    }
    for (name, def) in &declared {
        if def.get("default").is_none() && !given.contains_key(name) {
            return Err(invalid(format!(
                "Parameter \"{name}\" is required by document {doc_name} and has no default."
            )));
        }
    }
    Ok(())
}

/// The call's `Parameters`, checked against `version` of `doc` ([`check_parameters`]).
pub fn call_parameters(
    call: &SsmCall<'_>,
    doc: &DocumentRow,
    version: &VersionRow,
) -> ApiResult<Map<String, Value>> {
    let given: Map<String, Value> = call
        .input
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    check_parameters(
        &doc.name,
        &parse(&version.content, &version.format)?,
        &given,
    )?;
    Ok(given)
}

fn hash(content: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(content.as_bytes()))
}

fn platforms(doc_type: &str, content: &Value) -> Value {
    let mut out = Vec::new();
    let text = content.to_string();
    if doc_type != "Command" || text.contains("aws:runShellScript") || text.contains("\"Linux\"") {
        out.push("Linux");
        out.push("MacOS");
    }
    if doc_type != "Command" || text.contains("aws:runPowerShellScript") {
        out.insert(0, "Windows");
    }
    json!(out)
}

fn description(conn: &Connection, d: &DocumentRow, v: &VersionRow) -> ApiResult<Value> {
    let content = parse(&v.content, &v.format)?;
    let mut out = json!({
        "Sha1": hash(&v.content), "Hash": hash(&v.content), "HashType": "Sha256",
        "Name": d.name, "Owner": d.owner, "CreatedDate": d.created, "Status": "Active",
        "DocumentVersion": v.version.to_string(), "Parameters": parameter_list(&content),
        "PlatformTypes": platforms(&d.doc_type, &content), "DocumentType": d.doc_type,
        "SchemaVersion": content.get("schemaVersion").and_then(Value::as_str).unwrap_or_default(),
        "LatestVersion": d.latest_version.to_string(), "DefaultVersion": d.default_version.to_string(),
        "DocumentFormat": v.format,
        "Tags": tag_list(&store::tags(conn, "document", &d.name)?.into_iter().collect()),
    });
    if let Some(desc) = content.get("description").and_then(Value::as_str) {
        crate::model::set(&mut out, "Description", json!(desc));
    }
    if let Some(t) = &d.target_type {
        crate::model::set(&mut out, "TargetType", json!(t));
    }
    if let Some(n) = &v.version_name {
        crate::model::set(&mut out, "VersionName", json!(n));
    }
    Ok(out)
}

fn identifier(conn: &Connection, d: &DocumentRow) -> ApiResult<Value> {
    let v = version(conn, d, None)?;
    let content = parse(&v.content, &v.format)?;
    Ok(json!({
        "Name": d.name, "CreatedDate": d.created, "Owner": d.owner,
        "PlatformTypes": platforms(&d.doc_type, &content), "DocumentVersion": d.default_version.to_string(),
        "DocumentType": d.doc_type,
        "SchemaVersion": content.get("schemaVersion").and_then(Value::as_str).unwrap_or_default(),
        "DocumentFormat": v.format,
        "Tags": tag_list(&store::tags(conn, "document", &d.name)?.into_iter().collect()),
    }))
}

/// The documents every account sees: `data/documents`.
pub fn seed(conn: &Connection, account: &str, now: i64) -> ApiResult<()> {
    let builtin: [(&str, &str, &str, &str); 7] = [
        (
            "AWS-RunShellScript",
            "Amazon",
            "Command",
            include_str!("../../../../data/documents/AWS-RunShellScript.json"),
        ),
        (
            "AWS-RunPowerShellScript",
            "Amazon",
            "Command",
            include_str!("../../../../data/documents/AWS-RunPowerShellScript.json"),
        ),
        (
            "AWS-StartSSHSession",
            "Amazon",
            "Session",
            include_str!("../../../../data/documents/AWS-StartSSHSession.json"),
        ),
        (
            "AWS-StartPortForwardingSession",
            "Amazon",
            "Session",
            include_str!("../../../../data/documents/AWS-StartPortForwardingSession.json"),
        ),
        (
            "AWS-StartInteractiveCommand",
            "Amazon",
            "Session",
            include_str!("../../../../data/documents/AWS-StartInteractiveCommand.json"),
        ),
        (
            "AWS-RestartEC2Instance",
            "Amazon",
            "Automation",
            include_str!("../../../../data/documents/AWS-RestartEC2Instance.json"),
        ),
        (
            "SSM-SessionManagerRunShell",
            "self",
            "Session",
            include_str!("../../../../data/documents/SSM-SessionManagerRunShell.json"),
        ),
    ];
    for (name, owner, doc_type, content) in builtin {
        if get(conn, name)?.is_some() {
            continue;
        }
        let owner = if owner == "self" { account } else { owner };
        conn.execute(
            "INSERT INTO documents (name, owner, doc_type, target_type, default_version, latest_version, created) VALUES (?1, ?2, ?3, NULL, 1, 1, ?4)",
            params![name, owner, doc_type, now],
        )?;
        conn.execute(
            "INSERT INTO document_versions (name, version, version_name, format, content, created) VALUES (?1, 1, NULL, 'JSON', ?2, ?3)",
            params![name, content, now],
        )?;
    }
    Ok(())
}

fn check_size(content: &str) -> ApiResult<()> {
    if content.len() > MAX_CONTENT {
        return Err(ssm_error(
            "MaxDocumentSizeExceeded",
            format!(
                "The document is {} bytes; the limit is {MAX_CONTENT} bytes.",
                content.len()
            ),
        ));
    }
    Ok(())
}

pub fn create_document(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    let content = call.req("Content")?;
    let tags = call.tags();
    authorize(
        call,
        conn,
        &Operation::CreateDocument {
            name: name.clone(),
            tags: tags.clone(),
        },
    )?;
    let lower = name.to_ascii_lowercase();
    if ["aws", "amazon", "amzn"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return Err(ssm_error(
            "ValidationException",
            format!(
                "Document name {name} is reserved: names can't begin with aws, amazon or amzn."
            ),
        ));
    }
    if get(conn, &name)?.is_some() {
        return Err(ssm_error(
            "DocumentAlreadyExists",
            format!("Document with same name {name} already exists"),
        ));
    }
    check_size(&content)?;
    let doc_type = call.opt("DocumentType").unwrap_or_else(|| "Command".into());
    let format = call.opt("DocumentFormat").unwrap_or_else(|| "JSON".into());
    validate(&parse(&content, &format)?, &doc_type)?;
    conn.execute(
        "INSERT INTO documents (name, owner, doc_type, target_type, default_version, latest_version, created) VALUES (?1, ?2, ?3, ?4, 1, 1, ?5)",
        params![name, call.svc.account_id, doc_type, call.opt("TargetType"), call.now],
    )?;
    conn.execute(
        "INSERT INTO document_versions (name, version, version_name, format, content, created) VALUES (?1, 1, ?2, ?3, ?4, ?5)",
        params![name, call.opt("VersionName"), format, content, call.now],
    )?;
    store::put_tags(
        conn,
        "document",
        &name,
        &tags.into_iter().collect::<Vec<_>>(),
    )?;
    let d = require(conn, &name)?;
    let v = version(conn, &d, None)?;
    Ok(json!({"DocumentDescription": description(conn, &d, &v)?}))
}

pub fn get_document(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    authorize(call, conn, &Operation::GetDocument { name: name.clone() })?;
    let d = require(conn, &name)?;
    let v = version(conn, &d, call.opt("DocumentVersion").as_deref())?;
    let mut out = json!({
        "Name": d.name, "CreatedDate": v.created, "DocumentVersion": v.version.to_string(), "Status": "Active",
        "Content": v.content, "DocumentType": d.doc_type, "DocumentFormat": v.format,
    });
    if let Some(n) = &v.version_name {
        crate::model::set(&mut out, "VersionName", json!(n));
    }
    Ok(out)
}

pub fn describe_document(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    authorize(
        call,
        conn,
        &Operation::DescribeDocument { name: name.clone() },
    )?;
    let d = require(conn, &name)?;
    let v = version(conn, &d, call.opt("DocumentVersion").as_deref())?;
    Ok(json!({"Document": description(conn, &d, &v)?}))
}

fn owned(call: &SsmCall<'_>, d: &DocumentRow) -> ApiResult<()> {
    if d.owner != call.svc.account_id {
        return Err(ssm_error(
            "InvalidDocumentOperation",
            format!(
                "You can't change or delete document {}: it is owned by {}.",
                d.name, d.owner
            ),
        ));
    }
    Ok(())
}

pub fn update_document(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    let content = call.req("Content")?;
    authorize(
        call,
        conn,
        &Operation::UpdateDocument { name: name.clone() },
    )?;
    let d = require(conn, &name)?;
    owned(call, &d)?;
    if let Some(v) = call.opt("DocumentVersion") {
        if v != "$LATEST" && v != d.latest_version.to_string() {
            return Err(ssm_error(
                "InvalidDocumentVersion",
                format!(
                    "Only the latest version ({}) can be updated.",
                    d.latest_version
                ),
            ));
        }
    }
    check_size(&content)?;
    let format = call.opt("DocumentFormat").unwrap_or_else(|| "JSON".into());
    validate(&parse(&content, &format)?, &d.doc_type)?;
    if version(conn, &d, Some("$LATEST"))?.content == content {
        return Err(ssm_error("DuplicateDocumentContent", "The content of the document matches its latest version. Change the content and try again."));
    }
    let next = d.latest_version + 1;
    conn.execute(
        "INSERT INTO document_versions (name, version, version_name, format, content, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![d.name, next, call.opt("VersionName"), format, content, call.now],
    )?;
    conn.execute(
        "UPDATE documents SET latest_version = ?1 WHERE name = ?2",
        params![next, d.name],
    )?;
    let d = require(conn, &name)?;
    let v = version(conn, &d, Some("$LATEST"))?;
    Ok(json!({"DocumentDescription": description(conn, &d, &v)?}))
}

pub fn update_document_default_version(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    let which = call.req("DocumentVersion")?;
    authorize(
        call,
        conn,
        &Operation::UpdateDocumentDefaultVersion { name: name.clone() },
    )?;
    let d = require(conn, &name)?;
    owned(call, &d)?;
    let v = version(conn, &d, Some(&which))?;
    conn.execute(
        "UPDATE documents SET default_version = ?1 WHERE name = ?2",
        params![v.version, d.name],
    )?;
    let mut out = json!({"Name": d.name, "DefaultVersion": v.version.to_string()});
    if let Some(n) = &v.version_name {
        crate::model::set(&mut out, "DefaultVersionName", json!(n));
    }
    Ok(json!({"Description": out}))
}

pub fn delete_document(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    authorize(
        call,
        conn,
        &Operation::DeleteDocument { name: name.clone() },
    )?;
    let d = require(conn, &name)?;
    owned(call, &d)?;
    match call.opt("DocumentVersion") {
        Some(v) => {
            let v = version(conn, &d, Some(&v))?;
            if v.version == d.default_version {
                return Err(ssm_error(
                    "InvalidDocumentOperation",
                    "You can't delete the default version of a document.",
                ));
            }
            conn.execute(
                "DELETE FROM document_versions WHERE name = ?1 AND version = ?2",
                params![d.name, v.version],
            )?;
        }
        None => {
            conn.execute("DELETE FROM document_versions WHERE name = ?1", [&d.name])?;
            conn.execute("DELETE FROM documents WHERE name = ?1", [&d.name])?;
            conn.execute(
                "DELETE FROM tags WHERE kind = 'document' AND owner = ?1",
                [&d.name],
            )?;
        }
    }
    Ok(json!({}))
}

fn matches_filters(
    call: &SsmCall<'_>,
    conn: &Connection,
    d: &DocumentRow,
    filters: &[(String, Vec<String>)],
) -> ApiResult<bool> {
    let owner_ok = |v: &str| match v {
        "Self" | "Private" => d.owner == call.svc.account_id,
        "Amazon" => d.owner == "Amazon",
        "All" | "Public" => true,
        other => d.owner == other,
    };
    let tags = store::tags(conn, "document", &d.name)?;
    for (key, values) in filters {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let ok = match key.as_str() {
            "Name" => values.iter().any(|v| d.name.starts_with(v)),
            "Owner" => values.iter().any(|v| owner_ok(v)),
            "DocumentType" => values.contains(&d.doc_type.as_str()),
            "TargetType" => d
                .target_type
                .as_deref()
                .is_some_and(|t| values.contains(&t)),
            "SearchKeyword" => values.iter().any(|v| {
                d.name
                    .to_ascii_lowercase()
                    .contains(&v.to_ascii_lowercase())
            }),
            "PlatformTypes" => true,
            k => match k.strip_prefix("tag:") {
                Some(tk) => tags.iter().any(|(key, val)| {
                    key == tk && (values.is_empty() || values.contains(&val.as_str()))
                }),
                None if k == "tag-key" => {
                    tags.iter().any(|(key, _)| values.contains(&key.as_str()))
                }
                None => true,
            },
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn list_documents(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::ListDocuments)?;
    // The older list (`key`/`value`) and the newer (`Key`/`Values`) filter the same way.
    let mut filters = crate::input::filters(call.input, "DocumentFilterList", "key", "value");
    filters.extend(crate::input::filters(
        call.input, "Filters", "Key", "Values",
    ));
    let mut items = Vec::new();
    for d in all(conn)? {
        if matches_filters(call, conn, &d, &filters)? {
            items.push(identifier(conn, &d)?);
        }
    }
    page(call, "DocumentIdentifiers", items, 50)
}

pub fn list_document_versions(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("Name")?;
    authorize(
        call,
        conn,
        &Operation::ListDocumentVersions { name: name.clone() },
    )?;
    let d = require(conn, &name)?;
    let items = versions(conn, &d.name)?
        .into_iter()
        .map(|v| {
            let mut out = json!({"Name": d.name, "DocumentVersion": v.version.to_string(), "CreatedDate": v.created,
                "IsDefaultVersion": v.version == d.default_version, "DocumentFormat": v.format, "Status": "Active"});
            if let Some(n) = &v.version_name {
                crate::model::set(&mut out, "VersionName", json!(n));
            }
            out
        })
        .collect();
    page(call, "DocumentVersions", items, 50)
}
