//! SimulateCustomPolicy and SimulatePrincipalPolicy: the same engine and answers as the
//! `ssmgate simulate-custom-policy` command.

use super::Call;
use crate::error::{ApiError, ApiResult};
use crate::service::authorize;
use rusqlite::Connection;
use serde_json::Value;
use ssmgate_ssm::identity::{Caller, CallerSpec};
use ssmgate_ssm::simulate::{simulate_with, ServiceError, SimulateRequest};

fn request(input: &Value) -> ApiResult<SimulateRequest> {
    let mut v = input.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("PolicySourceArn");
    }
    serde_json::from_value(v).map_err(|e| ApiError::invalid_input(e.to_string()))
}

fn answer(
    r: Result<(ssmgate_ssm::simulate::SimulateResponse, Vec<String>), ServiceError>,
) -> ApiResult<Value> {
    match r {
        Ok((resp, _)) => serde_json::to_value(resp).map_err(|e| ApiError::internal(e.to_string())),
        Err(e) => Err(ApiError::new(e.code, 400, e.message)),
    }
}

pub fn simulate_custom_policy(call: &Call<'_>, _conn: &Connection) -> ApiResult<Value> {
    authorize(
        call.who,
        "iam:SimulateCustomPolicy",
        "*",
        &ssmgate_policy::Context::new(),
    )?;
    let req = request(call.input)?;
    answer(simulate_with(&req, Vec::new(), Vec::new(), None))
}

pub fn simulate_principal_policy(call: &Call<'_>, conn: &Connection) -> ApiResult<Value> {
    let source = call.req("PolicySourceArn")?;
    authorize(
        call.who,
        "iam:SimulatePrincipalPolicy",
        &source,
        &ssmgate_policy::Context::new(),
    )?;
    let not_found =
        || ApiError::no_such_entity(format!("The principal with ARN {source} cannot be found."));
    let resource = ssmgate_policy::arn::split(&source)
        .filter(|p| p.service == "iam")
        .map(|p| p.resource.to_string())
        .ok_or_else(|| {
            ApiError::invalid_input(format!(
                "PolicySourceArn '{source}' is not the ARN of an IAM user or role"
            ))
        })?;
    let name = resource.rsplit('/').next().unwrap_or_default().to_string();
    let spec = if resource.starts_with("user/") {
        CallerSpec::User(name)
    } else if resource.starts_with("role/") {
        CallerSpec::Role {
            name,
            session_name: "simulation".into(),
            session_policy: None,
            session_tags: Default::default(),
        }
    } else {
        return Err(ApiError::invalid_input(format!(
            "PolicySourceArn '{source}': ssmgate simulates users and roles; name one of them"
        )));
    };
    let account = crate::service::account_from(conn, &call.svc.account_id)?;
    let principal = Caller::from_account(&account, &spec).map_err(|_| not_found())?;
    let req = request(call.input)?;
    let p = principal.principal();
    answer(simulate_with(
        &req,
        principal.policies.identity.clone(),
        principal.policies.boundary.clone(),
        Some(p),
    ))
}
