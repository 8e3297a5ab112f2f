//! Run Command: SendCommand to instances or tag targets, one invocation per instance, each
//! authorized separately; the command's status follows its invocations through AWS's states.
//! No agent runs anything yet: invocations stay Pending until cancelled or completed through
//! the `Ssmgate.CompleteCommandInvocation` test hook, never faked as Success.

#![expect(
    clippy::indexing_slicing,
    reason = "reads of serde_json values by key: a missing key gives Null, never a panic"
)]

use super::{authorize, authorize_plan, documents, instances, page, ssm_error, SsmCall};
use crate::error::ApiResult;
use crate::ids;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use ssmgate_ssm::operation::Operation;

const TERMINAL: &[&str] = &["Success", "Cancelled", "Failed", "TimedOut"];

/// One invocation row.
struct Invocation {
    instance_id: String,
    status: String,
    details: String,
    output: String,
    error: String,
    response_code: i64,
    updated: i64,
}

fn invocations(conn: &Connection, command_id: &str) -> ApiResult<Vec<Invocation>> {
    let mut stmt = conn.prepare(
        "SELECT instance_id, status, status_details, output, error, response_code, updated FROM invocations WHERE command_id = ?1 ORDER BY instance_id",
    )?;
    let rows = stmt.query_map([command_id], |r| {
        Ok(Invocation {
            instance_id: r.get(0)?,
            status: r.get(1)?,
            details: r.get(2)?,
            output: r.get(3)?,
            error: r.get(4)?,
            response_code: r.get(5)?,
            updated: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The command's status from its invocations, and (completed, errors).
fn aggregate(inv: &[Invocation]) -> (&'static str, usize, usize) {
    let done = inv
        .iter()
        .filter(|i| TERMINAL.contains(&i.status.as_str()))
        .count();
    let errors = inv
        .iter()
        .filter(|i| i.status == "Failed" || i.status == "TimedOut")
        .count();
    let status = if done < inv.len() {
        if done > 0 || inv.iter().any(|i| i.status == "InProgress") {
            "InProgress"
        } else {
            "Pending"
        }
    } else if inv.iter().any(|i| i.status == "Cancelled") && errors == 0 {
        "Cancelled"
    } else if errors > 0 {
        "Failed"
    } else {
        "Success"
    };
    (status, done, errors)
}

fn command_json(conn: &Connection, id: &str) -> ApiResult<Option<Value>> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM commands WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(body) = body else { return Ok(None) };
    let mut v: Value = serde_json::from_str(&body).unwrap_or_default();
    let inv = invocations(conn, id)?;
    let (status, done, errors) = aggregate(&inv);
    crate::model::set(&mut v, "Status", json!(status));
    crate::model::set(&mut v, "StatusDetails", json!(status));
    crate::model::set(&mut v, "CompletedCount", json!(done));
    crate::model::set(&mut v, "ErrorCount", json!(errors));
    crate::model::set(&mut v, "DeliveryTimedOutCount", json!(0));
    Ok(Some(v))
}

pub fn send_command(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let document_name = call.req("DocumentName")?;
    let instance_ids = call.strings("InstanceIds");
    let targets = call.targets();
    let op = Operation::SendCommand {
        instance_ids: instance_ids.clone(),
        targets: targets.clone(),
        document_name: document_name.clone(),
        document_version: call.opt("DocumentVersion"),
    };
    let (outcome, plan) = authorize_plan(call, conn, &op)?;
    if instance_ids.is_empty() == targets.is_empty() {
        return Err(ssm_error(
            "ValidationException",
            "Specify either InstanceIds or Targets, and not both.",
        ));
    }
    let doc = documents::require(conn, &document_name)?;
    if doc.doc_type != "Command" && doc.doc_type != "Automation" {
        return Err(ssm_error(
            "InvalidDocument",
            format!(
                "Document {} is of type {}; SendCommand runs Command documents.",
                doc.name, doc.doc_type
            ),
        ));
    }
    let version = documents::version(conn, &doc, call.opt("DocumentVersion").as_deref())?;
    let given = documents::call_parameters(call, &doc, &version)?;
    let unknown: Vec<&String> = instance_ids
        .iter()
        .map(|id| Ok((id, instances::get(conn, id)?.is_none())))
        .collect::<ApiResult<Vec<_>>>()?
        .into_iter()
        .filter_map(|(id, missing)| missing.then_some(id))
        .collect();
    if !unknown.is_empty() {
        return Err(ssm_error(
            "InvalidInstanceId",
            format!(
                "Instances [[{}]] not in a valid state for account {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                call.svc.account_id
            ),
        ));
    }
    // By tags, the plan resolved the targets: one check per instance.
    let resolved: Vec<String> = if targets.is_empty() {
        instance_ids.clone()
    } else {
        plan.checks
            .iter()
            .filter_map(|c| c.target.clone())
            .collect()
    };
    let id = ids::uuid();
    let timeout = call
        .input
        .get("TimeoutSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    let mut body = json!({
        "CommandId": id, "DocumentName": doc.name, "DocumentVersion": version.version.to_string(),
        "Parameters": Value::Object(given), "InstanceIds": instance_ids,
        "Targets": call.input.get("Targets").cloned().unwrap_or_else(|| json!([])),
        "RequestedDateTime": call.now, "ExpiresAfter": call.now + timeout + 3600,
        "MaxConcurrency": call.opt("MaxConcurrency").unwrap_or_else(|| "50".into()),
        "MaxErrors": call.opt("MaxErrors").unwrap_or_else(|| "0".into()),
        "TargetCount": resolved.len(), "TimeoutSeconds": timeout,
    });
    if let Some(c) = call.opt("Comment") {
        crate::model::set(&mut body, "Comment", json!(c));
    }
    conn.execute(
        "INSERT INTO commands (id, body, requested, owner) VALUES (?1, ?2, ?3, ?4)",
        params![id, body.to_string(), call.now, call.who.caller.arn],
    )?;
    for instance in &resolved {
        // A targeted instance the caller may not touch fails on its own; the others go on.
        let (status, details) = if outcome.denied_targets.contains(instance) {
            ("Failed", "AccessDenied")
        } else {
            ("Pending", "Pending")
        };
        conn.execute(
            "INSERT INTO invocations (command_id, instance_id, status, status_details, updated) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, instance, status, details, call.now],
        )?;
    }
    let command = command_json(conn, &id)?.unwrap_or_default();
    Ok(json!({"Command": command}))
}

fn command_ids(conn: &Connection) -> ApiResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM commands ORDER BY requested DESC, rowid DESC")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn time_filter(value: &str) -> Option<i64> {
    ssmgate_policy::values::parse_date(value).map(|t| t.seconds)
}

/// The `Filters` of ListCommands and ListCommandInvocations (`key`/`value`).
fn command_filters(call: &SsmCall<'_>) -> Vec<(String, Vec<String>)> {
    crate::input::filters(call.input, "Filters", "key", "value")
}

fn passes(v: &Value, filters: &[(String, Vec<String>)], requested_key: &str) -> bool {
    filters.iter().all(|(key, values)| {
        let value = values.first().map(String::as_str).unwrap_or_default();
        let requested = v.get(requested_key).and_then(Value::as_i64).unwrap_or(0);
        match key.as_str() {
            "Status" => v.get("Status").and_then(Value::as_str) == Some(value),
            "DocumentName" => v.get("DocumentName").and_then(Value::as_str) == Some(value),
            "InvokedAfter" => time_filter(value).is_some_and(|t| requested >= t),
            "InvokedBefore" => time_filter(value).is_some_and(|t| requested <= t),
            _ => true,
        }
    })
}

/// The commands a list call looks at: the one it names, or every one.
fn candidate_ids(conn: &Connection, wanted: Option<&str>) -> ApiResult<Vec<String>> {
    match wanted {
        Some(w) => Ok(vec![w.to_string()]),
        None => command_ids(conn),
    }
}

pub fn list_commands(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::ListCommands)?;
    let filters = command_filters(call);
    let wanted = call.opt("CommandId");
    let instance = call.opt("InstanceId");
    let mut items = Vec::new();
    for id in candidate_ids(conn, wanted.as_deref())? {
        if let Some(i) = &instance {
            if !invocations(conn, &id)?.iter().any(|x| &x.instance_id == i) {
                continue;
            }
        }
        if let Some(v) = command_json(conn, &id)? {
            if passes(&v, &filters, "RequestedDateTime") {
                items.push(v);
            }
        }
    }
    if let Some(w) = wanted {
        if items.is_empty() && command_json(conn, &w)?.is_none() {
            return Err(ssm_error(
                "InvalidCommandId",
                format!("Command {w} does not exist."),
            ));
        }
    }
    page(call, "Commands", items, 50)
}

fn invocation_json(
    command: &Value,
    inv: &Invocation,
    instance_name: Option<String>,
    details: bool,
) -> Value {
    let mut v = json!({
        "CommandId": command["CommandId"], "InstanceId": inv.instance_id,
        "DocumentName": command["DocumentName"], "DocumentVersion": command["DocumentVersion"],
        "RequestedDateTime": command["RequestedDateTime"], "Status": inv.status, "StatusDetails": inv.details,
        "StandardOutputUrl": "", "StandardErrorUrl": "", "CommandPlugins": [],
    });
    if let Some(c) = command.get("Comment") {
        crate::model::set(&mut v, "Comment", c.clone());
    }
    if let Some(n) = instance_name {
        crate::model::set(&mut v, "InstanceName", json!(n));
    }
    if details {
        let plugin = json!({
            "Name": plugin_name(command), "Status": inv.status, "StatusDetails": inv.details,
            "ResponseCode": inv.response_code, "Output": inv.output,
            "ResponseStartDateTime": inv.updated, "ResponseFinishDateTime": inv.updated,
            "StandardOutputUrl": "", "StandardErrorUrl": "", "OutputS3Region": "", "OutputS3BucketName": "", "OutputS3KeyPrefix": "",
        });
        crate::model::set(&mut v, "CommandPlugins", json!([plugin]));
    }
    v
}

fn plugin_name(command: &Value) -> &'static str {
    match command.get("DocumentName").and_then(Value::as_str) {
        Some("AWS-RunPowerShellScript") => "aws:runPowerShellScript",
        _ => "aws:runShellScript",
    }
}

pub fn list_command_invocations(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    authorize(call, conn, &Operation::ListCommandInvocations)?;
    let details = call
        .input
        .get("Details")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let filters = command_filters(call);
    let wanted = call.opt("CommandId");
    let instance = call.opt("InstanceId");
    let mut items = Vec::new();
    for id in candidate_ids(conn, wanted.as_deref())? {
        let Some(command) = command_json(conn, &id)? else {
            continue;
        };
        for inv in invocations(conn, &id)? {
            if instance.as_ref().is_some_and(|i| *i != inv.instance_id) {
                continue;
            }
            let name = instances::get(conn, &inv.instance_id)?.and_then(|i| i.name);
            let v = invocation_json(&command, &inv, name, details);
            if passes(&v, &filters, "RequestedDateTime") {
                items.push(v);
            }
        }
    }
    page(call, "CommandInvocations", items, 50)
}

pub fn get_command_invocation(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let command_id = call.req("CommandId")?;
    let instance_id = call.req("InstanceId")?;
    authorize(
        call,
        conn,
        &Operation::GetCommandInvocation {
            command_id: command_id.clone(),
            instance_id: instance_id.clone(),
        },
    )?;
    let missing = || {
        ssm_error(
            "InvocationDoesNotExist",
            format!("Command {command_id} has no invocation on {instance_id}."),
        )
    };
    let command = command_json(conn, &command_id)?.ok_or_else(missing)?;
    let inv = invocations(conn, &command_id)?
        .into_iter()
        .find(|i| i.instance_id == instance_id)
        .ok_or_else(missing)?;
    let done = TERMINAL.contains(&inv.status.as_str());
    let mut v = json!({
        "CommandId": command_id, "InstanceId": instance_id, "DocumentName": command["DocumentName"],
        "DocumentVersion": command["DocumentVersion"], "PluginName": plugin_name(&command),
        "ResponseCode": inv.response_code, "Status": inv.status, "StatusDetails": inv.details,
        "StandardOutputContent": inv.output, "StandardOutputUrl": "", "StandardErrorContent": inv.error, "StandardErrorUrl": "",
        "ExecutionStartDateTime": "", "ExecutionElapsedTime": "", "ExecutionEndDateTime": "",
        "CloudWatchOutputConfig": {"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": false},
    });
    if done {
        let t = ssmgate_ssm::time::iso8601(inv.updated);
        crate::model::set(&mut v, "ExecutionStartDateTime", json!(t));
        crate::model::set(&mut v, "ExecutionEndDateTime", json!(t));
        crate::model::set(&mut v, "ExecutionElapsedTime", json!("PT0S"));
    }
    if let Some(c) = command.get("Comment") {
        crate::model::set(&mut v, "Comment", c.clone());
    }
    Ok(v)
}

pub fn cancel_command(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let command_id = call.req("CommandId")?;
    authorize(
        call,
        conn,
        &Operation::CancelCommand {
            command_id: command_id.clone(),
        },
    )?;
    if command_json(conn, &command_id)?.is_none() {
        return Err(ssm_error(
            "InvalidCommandId",
            format!("Command {command_id} does not exist."),
        ));
    }
    let only = call.strings("InstanceIds");
    for inv in invocations(conn, &command_id)? {
        if TERMINAL.contains(&inv.status.as_str())
            || (!only.is_empty() && !only.contains(&inv.instance_id))
        {
            continue;
        }
        // With no agent to acknowledge, Cancelling settles at once on Cancelled.
        conn.execute(
            "UPDATE invocations SET status = 'Cancelled', status_details = 'Cancelled', updated = ?1 WHERE command_id = ?2 AND instance_id = ?3",
            params![call.now, command_id, inv.instance_id],
        )?;
    }
    Ok(json!({}))
}

/// `Ssmgate.CompleteCommandInvocation`: set an invocation's outcome as an agent would report it.
pub fn complete_invocation(call: &SsmCall<'_>, conn: &Connection) -> ApiResult<Value> {
    let command_id = call.req("CommandId")?;
    let instance_id = call.req("InstanceId")?;
    let status = call.opt("Status").unwrap_or_else(|| "Success".into());
    if !["InProgress", "Success", "Failed", "TimedOut"].contains(&status.as_str()) {
        return Err(ssm_error(
            "ValidationException",
            format!("Status {status} is not one of InProgress, Success, Failed, TimedOut."),
        ));
    }
    let code = call
        .input
        .get("ResponseCode")
        .and_then(Value::as_i64)
        .unwrap_or(if status == "Success" { 0 } else { 1 });
    let changed = conn.execute(
        "UPDATE invocations SET status = ?1, status_details = ?1, output = ?2, error = ?3, response_code = ?4, updated = ?5
         WHERE command_id = ?6 AND instance_id = ?7 AND status IN ('Pending', 'InProgress')",
        params![status, call.opt("StandardOutputContent").unwrap_or_default(), call.opt("StandardErrorContent").unwrap_or_default(),
                code, call.now, command_id, instance_id],
    )?;
    if changed == 0 {
        return Err(ssm_error(
            "InvocationDoesNotExist",
            format!("Command {command_id} has no pending invocation on {instance_id}."),
        ));
    }
    Ok(json!({}))
}
