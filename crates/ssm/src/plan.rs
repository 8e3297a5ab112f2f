//! The checks Systems Manager makes for a call: which action on which resource, with which
//! context keys, derived from the call's input and the state it touches.

use crate::arns::{self, Scope};
use crate::fleet::Fleet;
use crate::identity::Caller;
use crate::operation::Operation;
use crate::session::SESSION_ID_TAG;
use crate::session::TARGET_ID_TAG;
use std::collections::BTreeMap;

/// The default Session-type document: used, and not checked, when no document is named.
pub const DEFAULT_SESSION_DOCUMENT: &str = "SSM-SessionManagerRunShell";

/// One authorization check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Check {
    /// `ssm:SendCommand`.
    pub action: String,
    /// The action in lower case, as the engine compares actions.
    pub action_lower: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// Keys this check adds to the caller's global context.
    pub context: BTreeMap<String, String>,
    /// Multivalued keys this check adds (`aws:TagKeys`).
    pub lists: BTreeMap<String, Vec<String>>,
    /// For per-instance checks of a targeted command, the instance.
    pub target: Option<String>,
}

impl Check {
    fn new(action: &str, resource: impl Into<String>) -> Check {
        Check {
            action: action.into(),
            action_lower: action.to_ascii_lowercase(),
            resource: resource.into(),
            context: BTreeMap::new(),
            lists: BTreeMap::new(),
            target: None,
        }
    }
}

/// All the checks of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub operation: String,
    pub checks: Vec<Check>,
}

/// Resource tags as both condition keys SSM fills: `ssm:resourceTag/K` and `aws:ResourceTag/K`.
fn resource_tags(check: &mut Check, tags: &BTreeMap<String, String>) {
    for (k, v) in tags {
        check
            .context
            .insert(format!("ssm:resourceTag/{k}"), v.clone());
        check
            .context
            .insert(format!("aws:ResourceTag/{k}"), v.clone());
    }
}

/// Request tags: `aws:RequestTag/K` and the list `aws:TagKeys`.
fn request_tags(check: &mut Check, tags: &BTreeMap<String, String>) {
    for (k, v) in tags {
        check
            .context
            .insert(format!("aws:RequestTag/{k}"), v.clone());
    }
    if !tags.is_empty() {
        check
            .lists
            .insert("aws:TagKeys".into(), tags.keys().cloned().collect());
    }
}

fn instance_check(action: &str, fleet: &Fleet, scope: &Scope, id: &str) -> Check {
    let inst = fleet.instance(id);
    let region = inst
        .and_then(|i| i.region.clone())
        .unwrap_or_else(|| fleet.region.clone());
    let account = inst
        .and_then(|i| i.account.clone())
        .unwrap_or_else(|| fleet.account.clone());
    let mut c = Check::new(action, arns::instance(scope, &region, &account, id));
    if let Some(i) = inst {
        resource_tags(&mut c, &i.tags);
    }
    c
}

/// Whether a document is Amazon's: as the fleet says, else by its name.
fn amazon_owned(fleet: &Fleet, name: &str) -> bool {
    match fleet.document(name).and_then(|d| d.owner.as_deref()) {
        Some(owner) => owner.eq_ignore_ascii_case("Amazon"),
        None => arns::is_amazon_owned(name),
    }
}

fn document_check(action: &str, fleet: &Fleet, scope: &Scope, name: &str) -> Check {
    let mut c = Check::new(
        action,
        arns::document(scope, name, amazon_owned(fleet, name)),
    );
    if let Some(d) = fleet.document(name) {
        resource_tags(&mut c, &d.tags);
        if let Some(t) = &d.document_type {
            c.context.insert("ssm:DocumentType".into(), t.clone());
        }
    }
    c
}

fn session_check(
    action: &str,
    fleet: &Fleet,
    scope: &Scope,
    session_id: &str,
    owner_userid: Option<String>,
) -> Check {
    let mut c = Check::new(action, arns::session(scope, session_id));
    if let Some(s) = fleet.session(session_id) {
        c.context
            .insert(format!("ssm:resourceTag/{TARGET_ID_TAG}"), s.target.clone());
    }
    if let Some(u) = owner_userid {
        c.context
            .insert(format!("ssm:resourceTag/{SESSION_ID_TAG}"), u);
    }
    c
}

/// The checks for `op` made by `caller`; `owner_userid` resolves a session owner's user id.
pub fn plan(
    op: &Operation,
    caller: &Caller,
    fleet: &Fleet,
    owner_userid: &dyn Fn(&str) -> Option<String>,
) -> Plan {
    let scope = Scope::new(fleet.region.clone(), caller.account.clone());
    let ssm = |name: &str| format!("ssm:{name}");
    let action = ssm(op.name());
    let star = |a: &str| vec![Check::new(a, "*")];
    use Operation::*;
    let checks = match op {
        // The document first, then every instance. With --targets each resolved instance is
        // authorized separately (see README: "Choices").
        SendCommand {
            instance_ids,
            targets,
            document_name,
            ..
        } => {
            let mut v = vec![document_check(&action, fleet, &scope, document_name)];
            for id in instance_ids {
                v.push(instance_check(&action, fleet, &scope, id));
            }
            for i in fleet.targets(targets) {
                let mut c = instance_check(&action, fleet, &scope, &i.id);
                c.target = Some(i.id.clone());
                v.push(c);
            }
            v
        }
        StartSession {
            target,
            document_name,
        } => {
            let mut inst = instance_check(&action, fleet, &scope, target);
            match document_name {
                // "Using the default SSM-SessionManagerRunShell session document is the only
                // case when a document name can be omitted": it is not checked, and the
                // SessionDocumentAccessCheck key lets a BoolIfExists "true" refuse the call.
                None => {
                    inst.context
                        .insert("ssm:SessionDocumentAccessCheck".into(), "false".into());
                    vec![inst]
                }
                Some(name) => {
                    inst.context
                        .insert("ssm:SessionDocumentAccessCheck".into(), "true".into());
                    let mut doc = document_check(&action, fleet, &scope, name);
                    doc.context
                        .insert("ssm:SessionDocumentAccessCheck".into(), "true".into());
                    vec![inst, doc]
                }
            }
        }
        TerminateSession { session_id } | ResumeSession { session_id } => {
            let owner = fleet
                .session(session_id)
                .and_then(|s| owner_userid(&s.owner));
            vec![session_check(&action, fleet, &scope, session_id, owner)]
        }
        GetConnectionStatus { target } => vec![instance_check(&action, fleet, &scope, target)],
        CreateDocument { name, tags } => {
            let mut c = Check::new(&action, arns::document(&scope, name, false));
            request_tags(&mut c, tags);
            vec![c]
        }
        GetDocument { name }
        | DescribeDocument { name }
        | UpdateDocument { name }
        | UpdateDocumentDefaultVersion { name }
        | DeleteDocument { name }
        | ListDocumentVersions { name }
        | DescribeDocumentParameters { name } => {
            vec![document_check(&action, fleet, &scope, name)]
        }
        AddTagsToResource {
            resource_type,
            resource_id,
            tags,
        } => {
            let mut c = tag_target(&action, fleet, &scope, resource_type, resource_id);
            request_tags(&mut c, tags);
            vec![c]
        }
        RemoveTagsFromResource {
            resource_type,
            resource_id,
            keys,
        } => {
            let mut c = tag_target(&action, fleet, &scope, resource_type, resource_id);
            if !keys.is_empty() {
                c.lists.insert("aws:TagKeys".into(), keys.clone());
            }
            vec![c]
        }
        ListTagsForResource {
            resource_type,
            resource_id,
        } => vec![tag_target(
            &action,
            fleet,
            &scope,
            resource_type,
            resource_id,
        )],
        StartAutomationExecution {
            document_name,
            document_version,
            tags,
        } => {
            let mut c = Check::new(
                &action,
                arns::automation_definition(
                    &scope,
                    document_name,
                    document_version.as_deref(),
                    amazon_owned(fleet, document_name),
                ),
            );
            request_tags(&mut c, tags);
            vec![c]
        }
        StopAutomationExecution { execution_id } | GetAutomationExecution { execution_id } => {
            vec![Check::new(
                &action,
                arns::automation_execution(&scope, execution_id),
            )]
        }
        CreateActivation { iam_role, tags } => {
            let mut c = Check::new(&action, "*");
            request_tags(&mut c, tags);
            // Registering nodes hands them the role: iam:PassRole to Systems Manager.
            let mut pass = Check::new("iam:PassRole", arns::role(&scope, iam_role));
            pass.context
                .insert("iam:PassedToService".into(), "ssm.amazonaws.com".into());
            vec![c, pass]
        }
        Ec2DescribeInstances => star("ec2:DescribeInstances"),
        ListCommands
        | ListCommandInvocations
        | GetCommandInvocation { .. }
        | CancelCommand { .. }
        | DescribeSessions
        | ListDocuments
        | DescribeInstanceInformation
        | DescribeInstanceProperties
        | DescribeAutomationExecutions
        | DescribeActivations
        | DeleteActivation { .. } => star(&action),
    };
    Plan {
        operation: op.name().to_string(),
        checks,
    }
}

/// The resource of a tagging call: `--resource-type ManagedInstance|Document|Parameter|...`.
fn tag_target(action: &str, fleet: &Fleet, scope: &Scope, resource_type: &str, id: &str) -> Check {
    match resource_type {
        "ManagedInstance" => instance_check(action, fleet, scope, id),
        "Document" => document_check(action, fleet, scope, id),
        "Parameter" => Check::new(action, arns::parameter(scope, id)),
        "Automation" => Check::new(action, arns::automation_execution(scope, id)),
        other => {
            let kind = match other {
                "MaintenanceWindow" => "maintenancewindow",
                "PatchBaseline" => "patchbaseline",
                "OpsItem" => "opsitem",
                "OpsMetadata" => "opsmetadata",
                "Association" => "association",
                _ => "resource",
            };
            Check::new(
                action,
                format!(
                    "arn:{}:ssm:{}:{}:{kind}/{id}",
                    scope.partition, scope.region, scope.account
                ),
            )
        }
    }
}
