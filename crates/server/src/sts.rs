//! STS (2011-06-15): GetCallerIdentity and AssumeRole.

use crate::error::{ApiError, ApiResult};
use crate::iam::policies::check_identity_policy;
use crate::ids;
use crate::service::{request_tags, Authenticated, Credential, Service};
use crate::store::{self, Kind, SessionRow};
use serde_json::{json, Value};
use ssmgate_policy::{
    CompiledPolicy, Context, Decision, PolicyKind, PolicySet, PolicySource, Request,
};

/// "The plaintext that you use for both inline and managed session policies can't exceed
/// 2,048 characters."
const SESSION_POLICY_SIZE: usize = 2048;

/// May the caller assume the role? "A role trust policy is a required resource-based policy":
/// it must allow the caller. When it names the caller's own ARN that is enough; when it names
/// the account, "the administrator must also attach an identity-based policy that allows the
/// user to assume the role". Explicit denies anywhere win.
fn trust_check(
    who: &Authenticated,
    role_arn: &str,
    action: &str,
    trust: Option<&CompiledPolicy>,
    base: &Context,
    top: &Context,
) -> ApiResult<()> {
    let trust_only = PolicySet {
        resource: trust.cloned().into_iter().collect(),
        ..PolicySet::default()
    };
    let principal = who.caller.principal();
    // The same caller with no account: only a Principal naming its own ARN still matches.
    let unaccounted = ssmgate_policy::Principal {
        account: String::new(),
        role_arn: None,
        ..principal.clone()
    };
    let request = |p| {
        Request::new(action, role_arn, base)
            .with_overlay(top)
            .with_principal(p)
    };
    let refuse = |verdict: &ssmgate_policy::Verdict| {
        let message = verdict
            .denial_message(&who.caller.arn, action, Some(role_arn))
            .unwrap_or_else(|| {
                format!(
                    "User: {} is not authorized to perform: {action} on resource: {role_arn}",
                    who.caller.arn
                )
            });
        ApiError::new("AccessDenied", 403, message)
    };
    // The caller's own policies (identity, boundary, session), indexed once per caller.
    let own = who.caller.prepared().evaluate(&request(&principal));
    let trusted = trust_only.evaluate(&request(&principal));
    // An explicit deny in either wins.
    for verdict in [&own, &trusted] {
        if verdict.decision == Decision::ExplicitDeny {
            return Err(refuse(verdict));
        }
    }
    if trusted.decision != Decision::Allowed {
        return Err(ApiError::new(
            "AccessDenied",
            403,
            format!(
                "User: {} is not authorized to perform: {action} on resource: {role_arn}",
                who.caller.arn
            ),
        ));
    }
    if trust_only.evaluate(&request(&unaccounted)).decision == Decision::Allowed {
        return Ok(());
    }
    if own.decision != Decision::Allowed {
        return Err(refuse(&own));
    }
    Ok(())
}

/// Run an STS operation; None when ssmgate does not implement it.
pub fn handle(
    op: &str,
    svc: &Service,
    who: &Authenticated,
    input: &Value,
    now: i64,
) -> Option<ApiResult<Value>> {
    match op {
        "GetCallerIdentity" => Some(Ok(get_caller_identity(who))),
        "AssumeRole" => Some(assume_role(svc, who, input, now)),
        _ => None,
    }
}

/// "No permissions are required to perform this operation": even an explicit deny does not
/// stop it.
fn get_caller_identity(who: &Authenticated) -> Value {
    json!({"UserId": who.caller.userid, "Account": who.caller.account, "Arn": who.caller.arn})
}

fn assume_role(svc: &Service, who: &Authenticated, input: &Value, now: i64) -> ApiResult<Value> {
    let s = |k: &str| crate::input::string(input, k);
    let role_arn = s("RoleArn").unwrap_or_default();
    let session_name = s("RoleSessionName").unwrap_or_default();
    let policy = s("Policy");
    let tags = crate::input::tags(input, "Tags");
    if who.credential == Credential::Root {
        // "You cannot use AWS account root user credentials to call AssumeRole."
        return Err(ApiError::new(
            "AccessDenied",
            403,
            "Roles may not be assumed by root accounts.",
        ));
    }
    let denied = || {
        ApiError::new(
            "AccessDenied",
            403,
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                who.caller.arn
            ),
        )
    };
    let role_name = ssmgate_policy::arn::split(&role_arn)
        .filter(|p| p.service == "iam" && p.account == svc.account_id)
        .and_then(|p| {
            p.resource
                .strip_prefix("role/")
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
        })
        .ok_or_else(denied)?;
    let role = svc
        .store
        .read(|c| store::entity(c, Kind::Role, &role_name))?
        .filter(|r| r.arn == role_arn)
        .ok_or_else(denied)?;
    if let Some(p) = &policy {
        if p.chars().filter(|c| !c.is_whitespace()).count() > SESSION_POLICY_SIZE {
            return Err(ApiError::new(
                "PackedPolicyTooLarge",
                400,
                "Packed size of consumed session policies exceeds 2048 characters.",
            ));
        }
        check_identity_policy(p)?;
    }
    // Role chaining limits a session to one hour.
    let max = if matches!(who.credential, Credential::Session { .. }) {
        3600
    } else {
        role.max_session.unwrap_or(3600)
    };
    let duration = input
        .get("DurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600.min(max));
    if duration > max {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let trust_text = role.trust.clone().unwrap_or_default();
    let (trust, _) = CompiledPolicy::from_text_lenient(
        &trust_text,
        PolicyKind::Resource,
        PolicySource::new("TrustPolicy", "resource"),
    );
    let base = who.caller.global_context(&who.env);
    let mut top = Context::new();
    top.set("sts:RoleSessionName", session_name.clone());
    if let Some(x) = s("ExternalId") {
        top.set("sts:ExternalId", x);
    }
    if let Some(x) = s("SourceIdentity") {
        top.set("sts:SourceIdentity", x);
    }
    request_tags(&mut top, &tags);
    let mut actions = vec!["sts:AssumeRole"];
    if !tags.is_empty() {
        // "the sts:TagSession permission" is needed to pass session tags.
        actions.push("sts:TagSession");
    }
    for action in actions {
        trust_check(who, &role_arn, action, trust.as_ref(), &base, &top)?;
    }
    let session = SessionRow {
        access_key: ids::access_key_id(true),
        secret: ids::secret_key(),
        token: ids::session_token(),
        role: role.name.clone(),
        session_name: session_name.clone(),
        session_policy: policy.clone(),
        tags: serde_json::to_string(
            &tags
                .iter()
                .cloned()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .unwrap_or_else(|_| "{}".into()),
        created: now,
        expires: now + duration,
    };
    svc.store
        .write_state(|c| store::insert_session(c, &session))?;
    let mut out = json!({
        "Credentials": {
            "AccessKeyId": session.access_key, "SecretAccessKey": session.secret.as_str(),
            "SessionToken": session.token.as_str(), "Expiration": session.expires,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": format!("{}:{session_name}", role.id),
            "Arn": format!("arn:aws:sts::{}:assumed-role/{}/{session_name}", svc.account_id, role.name),
        },
    });
    if policy.is_some() || !tags.is_empty() {
        let packed = policy.as_deref().map(str::len).unwrap_or(0) + tags.len() * 8;
        crate::model::set(
            &mut out,
            "PackedPolicySize",
            json!((packed * 100 / SESSION_POLICY_SIZE).min(100)),
        );
    }
    Ok(out)
}
