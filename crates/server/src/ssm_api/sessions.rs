//! Session Manager: start, resume, terminate and describe sessions, with the target and owner
//! checks of the SSM model (the `aws:ssmmessages:target-id` and `...:session-id` system tags).

use super::{authorize, documents, instances, page, ssm_error, SsmCall};
use crate::error::ApiResult;
use crate::ids;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use ssmgate_ssm::operation::Operation;
use ssmgate_ssm::plan::DEFAULT_SESSION_DOCUMENT;

/// A session row.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub target: String,
    pub owner_arn: String,
    /// The owner's `aws:userid`, the value of the `aws:ssmmessages:session-id` tag.
    pub owner_userid: String,
    pub document: String,
    pub reason: Option<String>,
    pub status: String,
    pub started: i64,
    pub ended: Option<i64>,
}

const COLUMNS: &str =
    "id, target, owner_arn, owner_userid, document, reason, status, started, ended";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        target: r.get(1)?,
        owner_arn: r.get(2)?,
        owner_userid: r.get(3)?,
        document: r.get(4)?,
        reason: r.get(5)?,
        status: r.get(6)?,
        started: r.get(7)?,
        ended: r.get(8)?,
    })
}

/// Every session, newest first.
pub fn all(conn: &Connection) -> ApiResult<Vec<SessionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM ssm_sessions ORDER BY started DESC, rowid DESC"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A session by id.
pub fn get(conn: &Connection, id: &str) -> ApiResult<Option<SessionRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM ssm_sessions WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

fn stream(call: &SsmCall<'_>, id: &str) -> Value {
    json!({
        "SessionId": id,
        "TokenValue": ids::session_token().as_str(),
        "StreamUrl": format!("wss://ssmmessages.{}.amazonaws.com/v1/data-channel/{id}?role=publish_subscribe&cell-number=1", call.svc.region),
    })
}

pub fn start_session(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let target = call.req("Target")?;
    let document = call.opt("DocumentName");
    authorize(
        call,
        conn,
        &Operation::StartSession {
            target: target.clone(),
            document_name: document.clone(),
        },
    )?;
    if instances::get(conn, &target)?.is_none_or(|i| i.ping_status != "Online") {
        return Err(ssm_error(
            "TargetNotConnected",
            format!("{target} is not connected."),
        ));
    }
    let doc_name = document.unwrap_or_else(|| DEFAULT_SESSION_DOCUMENT.to_string());
    let doc = documents::require(conn, &doc_name)?;
    if doc.doc_type != "Session" {
        return Err(ssm_error(
            "InvalidDocument",
            format!(
                "Document {} is of type {}; sessions take Session documents.",
                doc.name, doc.doc_type
            ),
        ));
    }
    let v = documents::version(conn, &doc, None)?;
    documents::call_parameters(call, &doc, &v)?;
    let id = ssmgate_ssm::session::new_session_id(&call.who.caller.name);
    conn.execute(
        &format!("INSERT INTO ssm_sessions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'Connected', ?7, NULL)"),
        params![id, target, call.who.caller.arn, call.who.caller.userid, doc.name, call.opt("Reason"), call.now],
    )?;
    Ok(stream(call, &id))
}

pub fn resume_session(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("SessionId")?;
    authorize(
        call,
        conn,
        &Operation::ResumeSession {
            session_id: id.clone(),
        },
    )?;
    let s = get(conn, &id)?
        .filter(|s| s.status != "Terminated" && s.status != "Failed")
        .ok_or_else(|| {
            ssm_error(
                "DoesNotExistException",
                format!("Session {id} does not exist or has ended."),
            )
        })?;
    conn.execute(
        "UPDATE ssm_sessions SET status = 'Connected' WHERE id = ?1",
        [&s.id],
    )?;
    Ok(stream(call, &s.id))
}

pub fn terminate_session(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("SessionId")?;
    authorize(
        call,
        conn,
        &Operation::TerminateSession {
            session_id: id.clone(),
        },
    )?;
    let s = get(conn, &id)?.ok_or_else(|| {
        ssm_error(
            "DoesNotExistException",
            format!("Session {id} does not exist."),
        )
    })?;
    // Terminating an ended session is not an error: the answer is the same.
    conn.execute(
        "UPDATE ssm_sessions SET status = 'Terminated', ended = COALESCE(ended, ?1) WHERE id = ?2",
        params![call.now, s.id],
    )?;
    Ok(json!({"SessionId": s.id}))
}

fn session_json(s: &SessionRow) -> Value {
    let mut v = json!({
        "SessionId": s.id, "Target": s.target, "Status": s.status, "StartDate": s.started,
        "DocumentName": s.document, "Owner": s.owner_arn, "Details": "",
        "OutputUrl": {"S3OutputUrl": "", "CloudWatchOutputUrl": ""}, "AccessType": "Standard",
    });
    if let Some(e) = s.ended {
        crate::model::set(&mut v, "EndDate", json!(e));
    }
    if let Some(r) = &s.reason {
        crate::model::set(&mut v, "Reason", json!(r));
    }
    v
}

pub fn describe_sessions(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let state = call.req("State")?;
    authorize(call, conn, &Operation::DescribeSessions)?;
    let active = state == "Active";
    let filters = crate::input::filters(call.input, "Filters", "key", "value");
    let mut items = Vec::new();
    'next: for s in all(conn)? {
        let is_active = matches!(
            s.status.as_str(),
            "Connected" | "Connecting" | "Disconnected"
        );
        if is_active != active {
            continue;
        }
        for (key, values) in &filters {
            let value = values.first().map(String::as_str).unwrap_or_default();
            let when = || ssmgate_policy::values::parse_date(value).map(|t| t.seconds);
            let ok = match key.as_str() {
                "InvokedAfter" => when().is_some_and(|t| s.started >= t),
                "InvokedBefore" => when().is_some_and(|t| s.started <= t),
                "Target" => s.target == value,
                "Owner" => s.owner_arn == value,
                "Status" => s.status == value,
                "SessionId" => s.id == value,
                "AccessType" => value == "Standard",
                other => {
                    return Err(ssm_error(
                        "InvalidFilterKey",
                        format!("The filter key {other} is not valid."),
                    ))
                }
            };
            if !ok {
                continue 'next;
            }
        }
        items.push(session_json(&s));
    }
    page(call, "Sessions", items, 20)
}
