//! The SSM (and EC2) calls ssmgate models, read from the aws CLI's own words:
//! `ssm send-command --instance-ids i-1 i-2 --document-name AWS-RunShellScript`.

use std::collections::BTreeMap;

/// A call and the inputs that decide its authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    SendCommand {
        instance_ids: Vec<String>,
        targets: Vec<(String, Vec<String>)>,
        document_name: String,
        document_version: Option<String>,
    },
    ListCommands,
    ListCommandInvocations,
    GetCommandInvocation {
        command_id: String,
        instance_id: String,
    },
    CancelCommand {
        command_id: String,
    },
    StartSession {
        target: String,
        document_name: Option<String>,
    },
    ResumeSession {
        session_id: String,
    },
    TerminateSession {
        session_id: String,
    },
    DescribeSessions,
    GetConnectionStatus {
        target: String,
    },
    CreateDocument {
        name: String,
        tags: BTreeMap<String, String>,
    },
    GetDocument {
        name: String,
    },
    DescribeDocument {
        name: String,
    },
    UpdateDocument {
        name: String,
    },
    UpdateDocumentDefaultVersion {
        name: String,
    },
    DeleteDocument {
        name: String,
    },
    ListDocuments,
    ListDocumentVersions {
        name: String,
    },
    DescribeDocumentParameters {
        name: String,
    },
    DescribeInstanceInformation,
    DescribeInstanceProperties,
    AddTagsToResource {
        resource_type: String,
        resource_id: String,
        tags: BTreeMap<String, String>,
    },
    RemoveTagsFromResource {
        resource_type: String,
        resource_id: String,
        keys: Vec<String>,
    },
    ListTagsForResource {
        resource_type: String,
        resource_id: String,
    },
    StartAutomationExecution {
        document_name: String,
        document_version: Option<String>,
        tags: BTreeMap<String, String>,
    },
    StopAutomationExecution {
        execution_id: String,
    },
    GetAutomationExecution {
        execution_id: String,
    },
    DescribeAutomationExecutions,
    CreateActivation {
        iam_role: String,
        tags: BTreeMap<String, String>,
    },
    DescribeActivations,
    DeleteActivation {
        activation_id: String,
    },
    Ec2DescribeInstances,
}

/// Why a call could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OperationError {
    #[error("unknown call `{0} {1}`: ssmgate models ssm {2} and ec2 describe-instances")]
    Unknown(String, String, &'static str),
    #[error("{op}: the following arguments are required: {arg}")]
    Missing { op: String, arg: String },
    #[error("{op}: cannot read {arg} `{value}`: {why}")]
    Bad {
        op: String,
        arg: String,
        value: String,
        why: String,
    },
}

/// The SSM operations modelled, in CLI spelling.
pub const SSM_OPERATIONS: &[&str] = &[
    "send-command",
    "list-commands",
    "list-command-invocations",
    "get-command-invocation",
    "cancel-command",
    "start-session",
    "resume-session",
    "terminate-session",
    "describe-sessions",
    "get-connection-status",
    "create-document",
    "get-document",
    "describe-document",
    "update-document",
    "update-document-default-version",
    "delete-document",
    "list-documents",
    "list-document-versions",
    "describe-document-parameters",
    "describe-instance-information",
    "describe-instance-properties",
    "add-tags-to-resource",
    "remove-tags-from-resource",
    "list-tags-for-resource",
    "start-automation-execution",
    "stop-automation-execution",
    "get-automation-execution",
    "describe-automation-executions",
    "create-activation",
    "describe-activations",
    "delete-activation",
];

/// `start-session` -> `StartSession`.
pub fn pascal(cli: &str) -> String {
    cli.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

struct Args {
    op: String,
    values: BTreeMap<String, Vec<String>>,
}

impl Args {
    fn parse(op: &str, args: &[String]) -> Args {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for a in args {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                let entry = values.entry(name.to_string()).or_default();
                if let Some(v) = inline {
                    entry.push(v);
                }
                current = Some(name.to_string());
            } else if let Some(c) = &current {
                values.entry(c.clone()).or_default().push(a.clone());
            }
        }
        Args {
            op: op.to_string(),
            values,
        }
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn opt(&self, name: &str) -> Option<String> {
        self.values.get(name).and_then(|v| v.first().cloned())
    }

    fn req(&self, name: &str) -> Result<String, OperationError> {
        self.opt(name).ok_or_else(|| OperationError::Missing {
            op: self.op.clone(),
            arg: format!("--{name}"),
        })
    }

    /// `Key=k,Value=v Key=k2,Value=v2`, or the JSON list the CLI also takes.
    fn tags(&self, name: &str) -> Result<BTreeMap<String, String>, OperationError> {
        let mut out = BTreeMap::new();
        for item in self.list(name) {
            if item.trim_start().starts_with('[') {
                let v: Vec<serde_json::Value> = serde_json::from_str(&item)
                    .map_err(|e| self.bad(name, &item, &e.to_string()))?;
                for t in v {
                    let k = t
                        .get("Key")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    out.insert(
                        k,
                        t.get("Value")
                            .and_then(serde_json::Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    );
                }
                continue;
            }
            let mut key = None;
            let mut value = String::new();
            for part in item.split(',') {
                match part.split_once('=') {
                    Some(("Key", k)) => key = Some(k.to_string()),
                    Some(("Value", v)) => value = v.to_string(),
                    _ => return Err(self.bad(name, &item, "expected Key=KEY,Value=VALUE")),
                }
            }
            let key = key.ok_or_else(|| self.bad(name, &item, "expected Key=KEY,Value=VALUE"))?;
            out.insert(key, value);
        }
        Ok(out)
    }

    /// `Key=tag:Env,Values=prod,dev` (Values run to the end), or JSON.
    fn targets(&self) -> Result<Vec<(String, Vec<String>)>, OperationError> {
        let mut out = Vec::new();
        for item in self.list("targets") {
            if item.trim_start().starts_with('[') {
                let v: Vec<serde_json::Value> = serde_json::from_str(&item)
                    .map_err(|e| self.bad("targets", &item, &e.to_string()))?;
                for t in v {
                    let k = t
                        .get("Key")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let vals = t
                        .get("Values")
                        .and_then(serde_json::Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    out.push((k, vals));
                }
                continue;
            }
            let (Some(k), Some(vals)) = (
                item.strip_prefix("Key=")
                    .and_then(|r| r.split(",Values=").next()),
                item.split_once(",Values=").map(|(_, v)| v),
            ) else {
                return Err(self.bad("targets", &item, "expected Key=tag:NAME,Values=V1,V2"));
            };
            out.push((k.to_string(), vals.split(',').map(String::from).collect()));
        }
        Ok(out)
    }

    fn bad(&self, arg: &str, value: &str, why: &str) -> OperationError {
        OperationError::Bad {
            op: self.op.clone(),
            arg: format!("--{arg}"),
            value: value.into(),
            why: why.into(),
        }
    }
}

impl Operation {
    /// Read `SERVICE OPERATION --arg value ...` as the aws CLI writes it.
    pub fn from_cli(service: &str, op: &str, args: &[String]) -> Result<Operation, OperationError> {
        let a = Args::parse(op, args);
        use Operation::*;
        Ok(match (service, op) {
            ("ec2", "describe-instances") => Ec2DescribeInstances,
            ("ssm", "send-command") => {
                let instance_ids = a.list("instance-ids");
                let targets = a.targets()?;
                if instance_ids.is_empty() && targets.is_empty() {
                    return Err(OperationError::Missing {
                        op: op.into(),
                        arg: "--instance-ids or --targets".into(),
                    });
                }
                SendCommand {
                    instance_ids,
                    targets,
                    document_name: a.req("document-name")?,
                    document_version: a.opt("document-version"),
                }
            }
            ("ssm", "list-commands") => ListCommands,
            ("ssm", "list-command-invocations") => ListCommandInvocations,
            ("ssm", "get-command-invocation") => GetCommandInvocation {
                command_id: a.req("command-id")?,
                instance_id: a.req("instance-id")?,
            },
            ("ssm", "cancel-command") => CancelCommand {
                command_id: a.req("command-id")?,
            },
            ("ssm", "start-session") => StartSession {
                target: a.req("target")?,
                document_name: a.opt("document-name"),
            },
            ("ssm", "resume-session") => ResumeSession {
                session_id: a.req("session-id")?,
            },
            ("ssm", "terminate-session") => TerminateSession {
                session_id: a.req("session-id")?,
            },
            ("ssm", "describe-sessions") => DescribeSessions,
            ("ssm", "get-connection-status") => GetConnectionStatus {
                target: a.req("target")?,
            },
            ("ssm", "create-document") => CreateDocument {
                name: a.req("name")?,
                tags: a.tags("tags")?,
            },
            ("ssm", "get-document") => GetDocument {
                name: a.req("name")?,
            },
            ("ssm", "describe-document") => DescribeDocument {
                name: a.req("name")?,
            },
            ("ssm", "update-document") => UpdateDocument {
                name: a.req("name")?,
            },
            ("ssm", "update-document-default-version") => UpdateDocumentDefaultVersion {
                name: a.req("name")?,
            },
            ("ssm", "delete-document") => DeleteDocument {
                name: a.req("name")?,
            },
            ("ssm", "list-documents") => ListDocuments,
            ("ssm", "list-document-versions") => ListDocumentVersions {
                name: a.req("name")?,
            },
            ("ssm", "describe-document-parameters") => DescribeDocumentParameters {
                name: a.req("name")?,
            },
            ("ssm", "describe-instance-information") => DescribeInstanceInformation,
            ("ssm", "describe-instance-properties") => DescribeInstanceProperties,
            ("ssm", "add-tags-to-resource") => AddTagsToResource {
                resource_type: a.req("resource-type")?,
                resource_id: a.req("resource-id")?,
                tags: a.tags("tags")?,
            },
            ("ssm", "remove-tags-from-resource") => RemoveTagsFromResource {
                resource_type: a.req("resource-type")?,
                resource_id: a.req("resource-id")?,
                keys: a.list("tag-keys"),
            },
            ("ssm", "list-tags-for-resource") => ListTagsForResource {
                resource_type: a.req("resource-type")?,
                resource_id: a.req("resource-id")?,
            },
            ("ssm", "start-automation-execution") => StartAutomationExecution {
                document_name: a.req("document-name")?,
                document_version: a.opt("document-version"),
                tags: a.tags("tags")?,
            },
            ("ssm", "stop-automation-execution") => StopAutomationExecution {
                execution_id: a.req("automation-execution-id")?,
            },
            ("ssm", "get-automation-execution") => GetAutomationExecution {
                execution_id: a.req("automation-execution-id")?,
            },
            ("ssm", "describe-automation-executions") => DescribeAutomationExecutions,
            ("ssm", "create-activation") => CreateActivation {
                iam_role: a.req("iam-role")?,
                tags: a.tags("tags")?,
            },
            ("ssm", "describe-activations") => DescribeActivations,
            ("ssm", "delete-activation") => DeleteActivation {
                activation_id: a.req("activation-id")?,
            },
            _ => {
                return Err(OperationError::Unknown(
                    service.into(),
                    op.into(),
                    "operations such as send-command, start-session, terminate-session",
                ))
            }
        })
    }

    /// The operation's API name (`StartSession`).
    pub fn name(&self) -> &'static str {
        use Operation::*;
        match self {
            SendCommand { .. } => "SendCommand",
            ListCommands => "ListCommands",
            ListCommandInvocations => "ListCommandInvocations",
            GetCommandInvocation { .. } => "GetCommandInvocation",
            CancelCommand { .. } => "CancelCommand",
            StartSession { .. } => "StartSession",
            ResumeSession { .. } => "ResumeSession",
            TerminateSession { .. } => "TerminateSession",
            DescribeSessions => "DescribeSessions",
            GetConnectionStatus { .. } => "GetConnectionStatus",
            CreateDocument { .. } => "CreateDocument",
            GetDocument { .. } => "GetDocument",
            DescribeDocument { .. } => "DescribeDocument",
            UpdateDocument { .. } => "UpdateDocument",
            UpdateDocumentDefaultVersion { .. } => "UpdateDocumentDefaultVersion",
            DeleteDocument { .. } => "DeleteDocument",
            ListDocuments => "ListDocuments",
            ListDocumentVersions { .. } => "ListDocumentVersions",
            DescribeDocumentParameters { .. } => "DescribeDocumentParameters",
            DescribeInstanceInformation => "DescribeInstanceInformation",
            DescribeInstanceProperties => "DescribeInstanceProperties",
            AddTagsToResource { .. } => "AddTagsToResource",
            RemoveTagsFromResource { .. } => "RemoveTagsFromResource",
            ListTagsForResource { .. } => "ListTagsForResource",
            StartAutomationExecution { .. } => "StartAutomationExecution",
            StopAutomationExecution { .. } => "StopAutomationExecution",
            GetAutomationExecution { .. } => "GetAutomationExecution",
            DescribeAutomationExecutions => "DescribeAutomationExecutions",
            CreateActivation { .. } => "CreateActivation",
            DescribeActivations => "DescribeActivations",
            DeleteActivation { .. } => "DeleteActivation",
            Ec2DescribeInstances => "DescribeInstances",
        }
    }

    /// The IAM service prefix of the operation's action.
    pub fn service(&self) -> &'static str {
        match self {
            Operation::Ec2DescribeInstances => "ec2",
            _ => "ssm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(s: &str) -> Result<Operation, OperationError> {
        let words: Vec<String> = s.split_whitespace().map(String::from).collect();
        Operation::from_cli(&words[0], &words[1], &words[2..])
    }

    #[test]
    fn reads_the_aws_cli_shorthand() {
        assert_eq!(
            cli("ssm send-command --instance-ids i-1 i-2 --document-name AWS-RunShellScript --parameters commands=id"),
            Ok(Operation::SendCommand { instance_ids: vec!["i-1".into(), "i-2".into()], targets: vec![], document_name: "AWS-RunShellScript".into(), document_version: None })
        );
        assert_eq!(
            cli("ssm send-command --targets Key=tag:Env,Values=prod,dev --document-name X"),
            Ok(Operation::SendCommand {
                instance_ids: vec![],
                targets: vec![("tag:Env".into(), vec!["prod".into(), "dev".into()])],
                document_name: "X".into(),
                document_version: None
            })
        );
        assert_eq!(
            cli("ssm start-session --target=i-0abc"),
            Ok(Operation::StartSession {
                target: "i-0abc".into(),
                document_name: None
            })
        );
        let tags = cli("ssm add-tags-to-resource --resource-type ManagedInstance --resource-id mi-1 --tags Key=Env,Value=prod");
        assert!(
            matches!(tags, Ok(Operation::AddTagsToResource { tags, .. }) if tags.get("Env").map(String::as_str) == Some("prod"))
        );
    }

    #[test]
    fn missing_arguments_are_named() {
        assert_eq!(
            cli("ssm start-session"),
            Err(OperationError::Missing {
                op: "start-session".into(),
                arg: "--target".into()
            })
        );
        assert!(matches!(
            cli("ssm frobnicate"),
            Err(OperationError::Unknown(..))
        ));
    }
}
