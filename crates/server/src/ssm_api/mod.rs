//! Systems Manager's API (JSON 1.1, `AmazonSSM.<Operation>`): managed nodes, documents, Run
//! Command, Session Manager, activations and automation. Every call is authorized through the
//! SSM model (`ssmgate_ssm::plan`) and the engine, then runs in one store transaction.

mod automation;
mod commands;
pub mod documents;
pub mod instances;
mod sessions;

use crate::error::{ApiError, ApiResult};
use crate::service::{Authenticated, Service};
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use ssmgate_ssm::authorize::Answer;
use ssmgate_ssm::fleet::Fleet;
use ssmgate_ssm::operation::Operation;
use std::collections::BTreeMap;

/// One SSM call: who makes it, its input (checked against the model), the time.
pub struct SsmCall<'a> {
    pub svc: &'a Service,
    pub who: &'a Authenticated,
    pub input: &'a Value,
    pub now: i64,
}

impl SsmCall<'_> {
    /// An optional string member.
    pub fn opt(&self, name: &str) -> Option<String> {
        crate::input::string(self.input, name)
    }

    /// A member the model requires (validation has checked it is there).
    pub fn req(&self, name: &str) -> ApiResult<String> {
        self.opt(name).ok_or_else(|| {
            ApiError::new(
                "ValidationException",
                400,
                format!("1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"),
            )
        })
    }

    /// A list of strings.
    pub fn strings(&self, name: &str) -> Vec<String> {
        crate::input::strings(self.input, name)
    }

    /// A `Tags` list as a map.
    pub fn tags(&self) -> BTreeMap<String, String> {
        crate::input::tags(self.input, "Tags").into_iter().collect()
    }

    /// `Targets` as (key, values).
    pub fn targets(&self) -> Vec<(String, Vec<String>)> {
        self.input
            .get("Targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t.get("Key")?.as_str()?.to_string(),
                    crate::input::strings(t, "Values"),
                ))
            })
            .collect()
    }

    /// The ARN prefix of this account's SSM resources.
    pub fn ssm_arn(&self, rest: &str) -> String {
        format!(
            "arn:aws:ssm:{}:{}:{rest}",
            self.svc.region, self.svc.account_id
        )
    }
}

/// A map as a `[{Key, Value}]` list.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// An SSM error: `{"__type": code, "message": ...}` with status 400.
pub fn ssm_error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, 400, message)
}

/// The fleet as the SSM model reads it: every instance, document and session in the store.
pub fn fleet(conn: &Connection, svc: &Service) -> ApiResult<Fleet> {
    let mut f = empty_fleet(svc);
    for i in instances::all(conn)? {
        add_instance(conn, &mut f, i)?;
    }
    for d in documents::all(conn)? {
        add_document(conn, &mut f, d)?;
    }
    for s in sessions::all(conn)? {
        add_session(&mut f, s);
    }
    Ok(f)
}

fn empty_fleet(svc: &Service) -> Fleet {
    Fleet {
        account: svc.account_id.clone(),
        region: svc.region.clone(),
        instances: Vec::new(),
        documents: Vec::new(),
        sessions: Vec::new(),
    }
}

fn add_instance(conn: &Connection, f: &mut Fleet, i: instances::InstanceRow) -> ApiResult<()> {
    f.instances.push(ssmgate_ssm::fleet::Instance {
        tags: crate::store::tags(conn, "instance", &i.id)?
            .into_iter()
            .collect(),
        id: i.id,
        name: i.name,
        region: Some(i.region),
        account: Some(i.account),
        platform: Some(i.platform),
    });
    Ok(())
}

fn add_document(conn: &Connection, f: &mut Fleet, d: documents::DocumentRow) -> ApiResult<()> {
    f.documents.push(ssmgate_ssm::fleet::Document {
        tags: crate::store::tags(conn, "document", &d.name)?
            .into_iter()
            .collect(),
        owner: Some(d.owner.clone()),
        document_type: Some(d.doc_type.clone()),
        name: d.name,
    });
    Ok(())
}

fn add_session(f: &mut Fleet, s: sessions::SessionRow) {
    f.sessions.push(ssmgate_ssm::fleet::Session {
        id: s.id,
        // The model asks for the owner's user id through a lookup; the store keeps it.
        owner: s.owner_userid,
        target: s.target,
        status: Some(s.status),
    });
}

/// Only what `op`'s checks read: its instances, documents and session, so that a call costs
/// the same whatever the size of the store. Tag targets read every instance.
fn fleet_for(conn: &Connection, svc: &Service, op: &Operation) -> ApiResult<Fleet> {
    use Operation::*;
    let mut f = empty_fleet(svc);
    let mut instance_ids: Vec<&str> = Vec::new();
    let mut document_names: Vec<&str> = Vec::new();
    match op {
        SendCommand {
            instance_ids: ids,
            targets,
            document_name,
            ..
        } => {
            if !targets.is_empty() {
                return fleet(conn, svc);
            }
            instance_ids.extend(ids.iter().map(String::as_str));
            document_names.push(document_name);
        }
        StartSession {
            target,
            document_name,
        } => {
            instance_ids.push(target);
            document_names.extend(document_name.as_deref());
        }
        GetConnectionStatus { target } => instance_ids.push(target),
        TerminateSession { session_id } | ResumeSession { session_id } => {
            if let Some(s) = sessions::get(conn, session_id)? {
                add_session(&mut f, s);
            }
        }
        CreateDocument { name, .. }
        | GetDocument { name }
        | DescribeDocument { name }
        | UpdateDocument { name }
        | UpdateDocumentDefaultVersion { name }
        | DeleteDocument { name }
        | ListDocumentVersions { name }
        | DescribeDocumentParameters { name } => document_names.push(name),
        StartAutomationExecution { document_name, .. } => document_names.push(document_name),
        AddTagsToResource { resource_id, .. }
        | RemoveTagsFromResource { resource_id, .. }
        | ListTagsForResource { resource_id, .. } => {
            instance_ids.push(resource_id);
            document_names.push(resource_id);
        }
        _ => {}
    }
    for id in instance_ids {
        if let Some(i) = instances::get(conn, id)? {
            add_instance(conn, &mut f, i)?;
        }
    }
    for name in document_names {
        if let Some(d) = documents::get(conn, name)? {
            add_document(conn, &mut f, d)?;
        }
    }
    Ok(f)
}

/// Authorize `op` as Systems Manager does; `AccessDeniedException` in AWS's words if refused.
pub fn authorize(call: &SsmCall<'_>, conn: &Connection, op: &Operation) -> ApiResult<Answer> {
    authorize_plan(call, conn, op).map(|(answer, _)| answer)
}

/// [`authorize`], with the plan it checked (a targeted command's instances are in it).
pub fn authorize_plan(
    call: &SsmCall<'_>,
    conn: &Connection,
    op: &Operation,
) -> ApiResult<(Answer, ssmgate_ssm::plan::Plan)> {
    let fleet = fleet_for(conn, call.svc, op)?;
    let plan = ssmgate_ssm::plan::plan(op, &call.who.caller, &fleet, &|owner| {
        Some(owner.to_string())
    });
    let answer = ssmgate_ssm::authorize::decide(&call.who.caller, &plan, &call.who.env);
    if let Some(message) = &answer.denial {
        return Err(ssm_error("AccessDeniedException", message.clone()));
    }
    Ok((answer, plan))
}

/// One page of `items` by `NextToken`/`MaxResults` (default `default_max`), as `{key: [...],
/// NextToken?}`.
pub fn page(
    call: &SsmCall<'_>,
    key: &str,
    items: Vec<Value>,
    default_max: usize,
) -> ApiResult<Value> {
    let start = match call.opt("NextToken") {
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|i| *i <= items.len())
            .ok_or_else(|| ssm_error("InvalidNextToken", "The specified token isn't valid."))?,
        None => 0,
    };
    let max = call
        .input
        .get("MaxResults")
        .and_then(Value::as_u64)
        .map(|m| m as usize)
        .unwrap_or(default_max)
        .max(1);
    let end = start.saturating_add(max).min(items.len());
    let mut out = Map::new();
    out.insert(
        key.to_string(),
        Value::Array(items.get(start..end).unwrap_or_default().to_vec()),
    );
    if end < items.len() {
        out.insert("NextToken".into(), json!(end.to_string()));
    }
    Ok(Value::Object(out))
}

/// Run an SSM operation; None when ssmgate does not implement it yet.
pub fn handle(
    op: &str,
    svc: &Service,
    who: &Authenticated,
    input: &Value,
    now: i64,
) -> Option<ApiResult<Value>> {
    let call = SsmCall {
        svc,
        who,
        input,
        now,
    };
    let f: fn(&SsmCall<'_>, &Connection) -> ApiResult<Value> = match op {
        "DescribeInstanceInformation" => instances::describe_instance_information,
        "DescribeInstanceProperties" => instances::describe_instance_properties,
        "GetConnectionStatus" => instances::get_connection_status,
        "AddTagsToResource" => instances::add_tags_to_resource,
        "RemoveTagsFromResource" => instances::remove_tags_from_resource,
        "ListTagsForResource" => instances::list_tags_for_resource,
        "CreateActivation" => instances::create_activation,
        "DescribeActivations" => instances::describe_activations,
        "DeleteActivation" => instances::delete_activation,
        "CreateDocument" => documents::create_document,
        "GetDocument" => documents::get_document,
        "DescribeDocument" => documents::describe_document,
        "UpdateDocument" => documents::update_document,
        "UpdateDocumentDefaultVersion" => documents::update_document_default_version,
        "DeleteDocument" => documents::delete_document,
        "ListDocuments" => documents::list_documents,
        "ListDocumentVersions" => documents::list_document_versions,
        "SendCommand" => commands::send_command,
        "ListCommands" => commands::list_commands,
        "ListCommandInvocations" => commands::list_command_invocations,
        "GetCommandInvocation" => commands::get_command_invocation,
        "CancelCommand" => commands::cancel_command,
        "StartSession" => sessions::start_session,
        "ResumeSession" => sessions::resume_session,
        "TerminateSession" => sessions::terminate_session,
        "DescribeSessions" => sessions::describe_sessions,
        "StartAutomationExecution" => automation::start_automation_execution,
        "StopAutomationExecution" => automation::stop_automation_execution,
        "GetAutomationExecution" => automation::get_automation_execution,
        "DescribeAutomationExecutions" => automation::describe_automation_executions,
        _ => return None,
    };
    Some(svc.store.write_state(|c| f(&call, c)))
}

/// ssmgate's own test hooks (`X-Amz-Target: Ssmgate.<Hook>`), for the root user only.
pub fn handle_hook(
    hook: &str,
    svc: &Service,
    who: &Authenticated,
    input: &Value,
    now: i64,
) -> ApiResult<Value> {
    if who.credential != crate::service::Credential::Root {
        return Err(ssm_error(
            "AccessDeniedException",
            "ssmgate's test hooks are for the account's root user",
        ));
    }
    let call = SsmCall {
        svc,
        who,
        input,
        now,
    };
    match hook {
        "CompleteCommandInvocation" => svc.store.write(|c| commands::complete_invocation(&call, c)),
        "RegisterManagedInstance" => svc
            .store
            .write(|c| instances::register_with_activation(&call, c)),
        other => Err(ssm_error(
            "UnknownOperationException",
            format!("Unknown ssmgate hook {other}"),
        )),
    }
}
