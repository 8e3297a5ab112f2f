//! IAM's policy simulator: the request and response of `simulate-custom-policy` and
//! `simulate-principal-policy`, answered by the engine.

use serde::{Deserialize, Serialize};
use ssmgate_policy::context::{ContextValue, Scalar};
use ssmgate_policy::diagnostic::render;
use ssmgate_policy::explain::explain;
use ssmgate_policy::{
    CompiledPolicy, Context, Decision, PolicyError, PolicyKind, PolicySet, PolicySource, Principal,
    PrincipalKind, Request,
};

/// The input shape (botocore's `SimulateCustomPolicyRequest`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    #[serde(rename = "PolicyInputList", default)]
    pub policy_input_list: Vec<String>,
    #[serde(rename = "PermissionsBoundaryPolicyInputList", default)]
    pub boundary_input_list: Vec<String>,
    #[serde(rename = "ActionNames")]
    pub action_names: Vec<String>,
    #[serde(rename = "ResourceArns", default)]
    pub resource_arns: Vec<String>,
    #[serde(rename = "ResourcePolicy")]
    pub resource_policy: Option<String>,
    /// Accepted for compatibility; ssmgate simulates one account, so the owner changes nothing.
    #[serde(rename = "ResourceOwner")]
    pub _resource_owner: Option<String>,
    #[serde(rename = "CallerArn")]
    pub caller_arn: Option<String>,
    #[serde(rename = "ContextEntries", default)]
    pub context_entries: Vec<ContextEntry>,
    #[serde(rename = "ResourceHandlingOption")]
    pub _resource_handling_option: Option<String>,
    #[serde(rename = "MaxItems")]
    pub _max_items: Option<i64>,
    #[serde(rename = "Marker")]
    pub _marker: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextEntry {
    #[serde(rename = "ContextKeyName")]
    pub name: String,
    #[serde(rename = "ContextKeyValues", default)]
    pub values: Vec<String>,
    #[serde(rename = "ContextKeyType")]
    pub key_type: String,
}

#[derive(Serialize)]
pub struct PositionOut {
    #[serde(rename = "Line")]
    line: usize,
    #[serde(rename = "Column")]
    column: usize,
}

#[derive(Serialize)]
pub struct MatchedStatement {
    #[serde(rename = "SourcePolicyId")]
    source_policy_id: String,
    #[serde(rename = "SourcePolicyType", skip_serializing_if = "Option::is_none")]
    source_policy_type: Option<String>,
    #[serde(rename = "StartPosition")]
    start: PositionOut,
    #[serde(rename = "EndPosition")]
    end: PositionOut,
}

#[derive(Serialize)]
pub struct BoundaryDetail {
    #[serde(rename = "AllowedByPermissionsBoundary")]
    allowed: bool,
}

#[derive(Serialize)]
pub struct EvaluationResult {
    #[serde(rename = "EvalActionName")]
    action: String,
    #[serde(rename = "EvalResourceName")]
    resource: String,
    #[serde(rename = "EvalDecision")]
    decision: &'static str,
    #[serde(rename = "MatchedStatements")]
    matched: Vec<MatchedStatement>,
    #[serde(rename = "MissingContextValues")]
    missing: Vec<String>,
    #[serde(
        rename = "EvalDecisionDetails",
        skip_serializing_if = "Option::is_none"
    )]
    details: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(
        rename = "PermissionsBoundaryDecisionDetail",
        skip_serializing_if = "Option::is_none"
    )]
    boundary: Option<BoundaryDetail>,
}

#[derive(Serialize)]
pub struct SimulateResponse {
    #[serde(rename = "EvaluationResults")]
    pub results: Vec<EvaluationResult>,
    #[serde(rename = "IsTruncated")]
    pub is_truncated: bool,
}

/// An error as the service would return it.
pub struct ServiceError {
    pub code: &'static str,
    pub message: String,
    /// Our located messages, one per error.
    pub details: Vec<String>,
}

fn policy_errors(source: &str, text: &str, errors: &[PolicyError]) -> ServiceError {
    ServiceError {
        code: "MalformedPolicyDocument",
        message: errors
            .first()
            .map(|e| e.aws_message.clone())
            .unwrap_or_default(),
        details: errors
            .iter()
            .map(|e| {
                render(
                    source,
                    text,
                    e.span,
                    "error",
                    e.kind.code(),
                    &e.message,
                    e.help.as_deref(),
                )
            })
            .collect(),
    }
}

fn invalid_input(message: String) -> ServiceError {
    ServiceError {
        code: "InvalidInput",
        message,
        details: Vec::new(),
    }
}

/// Check a context value against its declared type, as the simulator does.
fn typed_value(entry: &ContextEntry, v: &str) -> Result<Scalar, ServiceError> {
    let s = Scalar::new(v);
    let base = entry.key_type.trim_end_matches("List");
    let ok = match base {
        "string" => true,
        "numeric" => s.number.is_some(),
        "boolean" => s.boolean.is_some(),
        "ip" => s.ip.is_some(),
        "binary" => s.binary.is_some(),
        "date" => s.date.is_some(),
        _ => {
            return Err(invalid_input(format!(
                "ContextKeyType '{}' of context key '{}' is not one of string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList",
                entry.key_type, entry.name
            )))
        }
    };
    if !ok {
        return Err(invalid_input(format!(
            "Invalid value '{v}' for context key '{}' of type {}",
            entry.name, entry.key_type
        )));
    }
    Ok(s)
}

fn build_context(entries: &[ContextEntry]) -> Result<Context, ServiceError> {
    let mut ctx = Context::new();
    for e in entries {
        if e.name.len() < 5 || e.name.len() > 256 {
            return Err(invalid_input(format!(
                "ContextKeyName '{}' must be 5 to 256 characters long",
                e.name
            )));
        }
        let values = e
            .values
            .iter()
            .map(|v| typed_value(e, v))
            .collect::<Result<_, _>>()?;
        ctx.insert(
            &e.name,
            ContextValue {
                values,
                multivalued: e.key_type.ends_with("List"),
            },
        );
    }
    Ok(ctx)
}

fn compile_list(
    texts: &[String],
    list: &str,
    kind: PolicyKind,
) -> Result<Vec<CompiledPolicy>, ServiceError> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let id = format!("{list}.{}", i + 1);
            CompiledPolicy::from_text(text, kind, PolicySource::new(id.clone(), "none"))
                .map_err(|errs| policy_errors(&id, text, &errs))
        })
        .collect()
}

fn caller(arn: &str) -> Result<Principal, ServiceError> {
    let parts = ssmgate_policy::arn::split(arn)
        .filter(|p| p.service == "iam" && p.resource.starts_with("user/"))
        .ok_or_else(|| {
            invalid_input(format!("CallerArn '{arn}' must be the ARN of an IAM user"))
        })?;
    Ok(Principal {
        kind: PrincipalKind::User,
        arn: arn.to_string(),
        account: parts.account.to_string(),
        role_arn: None,
    })
}

/// Simulate `req`: its policies alone (`simulate-custom-policy`).
pub fn simulate(req: &SimulateRequest) -> Result<(SimulateResponse, Vec<String>), ServiceError> {
    simulate_with(req, Vec::new(), Vec::new(), None)
}

/// Simulate `req` on top of a principal's own identity policies and boundary, as
/// `simulate-principal-policy` does; `principal` is the caller when the request names none.
pub fn simulate_with(
    req: &SimulateRequest,
    base_identity: Vec<CompiledPolicy>,
    base_boundary: Vec<CompiledPolicy>,
    principal: Option<Principal>,
) -> Result<(SimulateResponse, Vec<String>), ServiceError> {
    if req.policy_input_list.is_empty() && base_identity.is_empty() && principal.is_none() {
        return Err(invalid_input(
            "PolicyInputList must contain at least one policy".into(),
        ));
    }
    if req.action_names.is_empty() {
        return Err(invalid_input(
            "ActionNames must contain at least one action".into(),
        ));
    }
    let mut identity = base_identity;
    identity.extend(compile_list(
        &req.policy_input_list,
        "PolicyInputList",
        PolicyKind::Identity,
    )?);
    let mut boundary = base_boundary;
    boundary.extend(compile_list(
        &req.boundary_input_list,
        "PermissionsBoundaryPolicyInputList",
        PolicyKind::Identity,
    )?);
    let mut set = PolicySet {
        identity,
        boundary,
        ..PolicySet::default()
    };
    if let Some(text) = &req.resource_policy {
        if req.caller_arn.is_none() && principal.is_none() {
            return Err(invalid_input(
                "CallerArn is required when a ResourcePolicy is given".into(),
            ));
        }
        let p = CompiledPolicy::from_text(
            text,
            PolicyKind::Resource,
            PolicySource::new("ResourcePolicy", "resource"),
        )
        .map_err(|errs| policy_errors("ResourcePolicy", text, &errs))?;
        set.resource.push(p);
    }
    let principal = match req.caller_arn.as_deref() {
        Some(arn) => Some(caller(arn)?),
        None => principal,
    };
    let ctx = build_context(&req.context_entries)?;
    let resources: Vec<String> = if req.resource_arns.is_empty() {
        vec!["*".to_string()]
    } else {
        req.resource_arns.clone()
    };
    let mut results = Vec::new();
    let mut explanations = Vec::new();
    for action in &req.action_names {
        for resource in &resources {
            let mut request = Request::new(action, resource, &ctx);
            if let Some(p) = &principal {
                request = request.with_principal(p);
            }
            let eval = set.evaluate_traced(&request);
            explanations.push(explain(&eval, action, resource));
            let matched = eval
                .matched_statements()
                .map(|s| MatchedStatement {
                    source_policy_id: s.policy_id.clone(),
                    source_policy_type: (s.source_type != "none").then(|| s.source_type.clone()),
                    start: PositionOut {
                        line: s.statement.start.line,
                        column: s.statement.start.column,
                    },
                    end: PositionOut {
                        line: s.statement.end.line,
                        column: s.statement.end.column,
                    },
                })
                .collect();
            let boundary = (!set.boundary.is_empty()).then(|| BoundaryDetail {
                allowed: eval.statements.iter().any(|s| {
                    s.policy_type == ssmgate_policy::PolicyType::PermissionsBoundary
                        && s.outcome == ssmgate_policy::evaluate::Outcome::Applies
                        && s.statement.effect == ssmgate_policy::model::Effect::Allow
                }) && !(eval.verdict.decision == Decision::ExplicitDeny
                    && eval.verdict.denied_by
                        == Some(ssmgate_policy::PolicyType::PermissionsBoundary)),
            });
            results.push(EvaluationResult {
                action: action.clone(),
                resource: resource.clone(),
                decision: eval.verdict.decision.as_str(),
                matched,
                missing: eval.missing_context_values.clone(),
                details: (resource != "*").then(serde_json::Map::new),
                boundary,
            });
        }
    }
    Ok((
        SimulateResponse {
            results,
            is_truncated: false,
        },
        explanations,
    ))
}
