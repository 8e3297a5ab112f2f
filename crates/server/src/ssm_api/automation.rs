//! Automation: executions of Automation runbooks. No step runs yet: an execution stays
//! InProgress until stopped (Cancelled), never faked as Success.

use super::{authorize, documents, page, ssm_error, SsmCall};
use crate::error::ApiResult;
use crate::{ids, store};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use ssmgate_ssm::operation::Operation;

fn load(conn: &Connection, id: &str) -> ApiResult<Option<Value>> {
    let row: Option<(String, String, Option<i64>)> = conn
        .query_row(
            "SELECT body, status, ended FROM automations WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(body, status, ended)| {
        let mut v: Value = serde_json::from_str(&body).unwrap_or_default();
        crate::model::set(&mut v, "AutomationExecutionStatus", json!(status));
        if let Some(e) = ended {
            crate::model::set(&mut v, "ExecutionEndTime", json!(e));
        }
        v
    }))
}

pub fn start_automation_execution(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let name = call.req("DocumentName")?;
    let tags = call.tags();
    authorize(
        call,
        conn,
        &Operation::StartAutomationExecution {
            document_name: name.clone(),
            document_version: call.opt("DocumentVersion"),
            tags: tags.clone(),
        },
    )?;
    let doc = documents::get(conn, &name)?
        .filter(|d| d.doc_type == "Automation")
        .ok_or_else(|| {
            ssm_error(
                "AutomationDefinitionNotFoundException",
                format!("Automation definition {name} not found."),
            )
        })?;
    let version =
        documents::version(conn, &doc, call.opt("DocumentVersion").as_deref()).map_err(|_| {
            ssm_error(
                "AutomationDefinitionVersionNotFoundException",
                format!("Automation definition {name} has no such version."),
            )
        })?;
    let given = documents::call_parameters(call, &doc, &version)
        .map_err(|e| ssm_error("InvalidAutomationExecutionParametersException", e.message))?;
    let id = ids::uuid();
    let body = json!({
        "AutomationExecutionId": id, "DocumentName": doc.name, "DocumentVersion": version.version.to_string(),
        "ExecutionStartTime": call.now, "Parameters": Value::Object(given), "Outputs": {},
        "Mode": call.opt("Mode").unwrap_or_else(|| "Auto".into()), "ExecutedBy": call.who.caller.arn,
        "StepExecutions": [], "StepExecutionsTruncated": false,
        "Targets": call.input.get("Targets").cloned().unwrap_or_else(|| json!([])),
    });
    conn.execute(
        "INSERT INTO automations (id, body, status, started, ended) VALUES (?1, ?2, 'InProgress', ?3, NULL)",
        params![id, body.to_string(), call.now],
    )?;
    store::put_tags(
        conn,
        "automation",
        &id,
        &tags.into_iter().collect::<Vec<_>>(),
    )?;
    Ok(json!({"AutomationExecutionId": id}))
}

fn require(conn: &Connection, id: &str) -> ApiResult<Value> {
    load(conn, id)?.ok_or_else(|| {
        ssm_error(
            "AutomationExecutionNotFoundException",
            format!("Automation execution {id} not found."),
        )
    })
}

pub fn stop_automation_execution(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("AutomationExecutionId")?;
    authorize(
        call,
        conn,
        &Operation::StopAutomationExecution {
            execution_id: id.clone(),
        },
    )?;
    let v = require(conn, &id)?;
    let status = v
        .get("AutomationExecutionStatus")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !matches!(status, "Pending" | "InProgress" | "Waiting") {
        return Err(ssm_error(
            "InvalidAutomationStatusUpdateException",
            format!("Automation execution {id} is {status} and can't be stopped."),
        ));
    }
    conn.execute(
        "UPDATE automations SET status = 'Cancelled', ended = ?1 WHERE id = ?2",
        params![call.now, id],
    )?;
    Ok(json!({}))
}

pub fn get_automation_execution(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let id = call.req("AutomationExecutionId")?;
    authorize(
        call,
        conn,
        &Operation::GetAutomationExecution {
            execution_id: id.clone(),
        },
    )?;
    Ok(json!({"AutomationExecution": require(conn, &id)?}))
}

pub fn describe_automation_executions(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::DescribeAutomationExecutions)?;
    let mut stmt = conn.prepare("SELECT id FROM automations ORDER BY started DESC, rowid DESC")?;
    let ids: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let filters = crate::input::filters(call.input, "Filters", "Key", "Values");
    let mut items = Vec::new();
    'next: for id in ids {
        let Some(v) = load(conn, &id)? else { continue };
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let started = v
            .get("ExecutionStartTime")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        for (key, values) in &filters {
            let date = |x: &String| ssmgate_policy::values::parse_date(x).map(|t| t.seconds);
            let ok = match key.as_str() {
                "DocumentNamePrefix" => values
                    .iter()
                    .any(|p| s("DocumentName").starts_with(p.as_str())),
                "ExecutionStatus" => values.contains(&s("AutomationExecutionStatus")),
                "ExecutionId" => values.contains(&id),
                "StartTimeBefore" => values.iter().filter_map(date).any(|t| started <= t),
                "StartTimeAfter" => values.iter().filter_map(date).any(|t| started >= t),
                "TagKey" => store::tags(conn, "automation", &id)?
                    .iter()
                    .any(|(k, _)| values.contains(k)),
                _ => true,
            };
            if !ok {
                continue 'next;
            }
        }
        let mut meta = json!({
            "AutomationExecutionId": id, "DocumentName": s("DocumentName"), "DocumentVersion": s("DocumentVersion"),
            "AutomationExecutionStatus": s("AutomationExecutionStatus"), "ExecutionStartTime": started,
            "ExecutedBy": s("ExecutedBy"), "Mode": s("Mode"), "Outputs": {}, "AutomationType": "Local",
        });
        if let Some(e) = v.get("ExecutionEndTime") {
            crate::model::set(&mut meta, "ExecutionEndTime", e.clone());
        }
        items.push(meta);
    }
    page(call, "AutomationExecutionMetadataList", items, 50)
}
