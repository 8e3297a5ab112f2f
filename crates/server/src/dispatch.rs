//! One HTTP request to one answer: the protocol (Query or JSON 1.1), the signature, the caller,
//! the operation. Pure: no sockets, so that tests drive it directly.

use crate::error::ApiError;
use crate::model::{self, ServiceModel};
use crate::service::{Authenticated, Credential, Service};
use crate::sigv4::RequestParts;
use crate::verify::{parse_authorization, verify, SignatureError};
use crate::{iam, ids, query, sts, validate};
use serde_json::Value;
use ssmgate_ssm::identity::RequestEnv;

/// Bodies larger than this are refused before they are read further.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// A request as it arrived.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// The path as sent, escapes included.
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The peer's IP address (`aws:SourceIp`).
    pub peer: String,
    /// The body was longer than [`MAX_BODY`] and was not read whole.
    pub oversized: bool,
}

/// The answer.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub request_id: String,
    pub body: String,
}

/// What the log line says of a request (never a secret).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub operation: String,
    pub principal: String,
    /// `allowed`, `denied` (by IAM), `unauthenticated` or `error`.
    pub decision: &'static str,
}

/// The two wire protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Query,
    Json,
    /// EC2's variant of Query: its own error shape and codes.
    Ec2,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The error code each protocol gives a signature failure, and its HTTP status.
fn signature_error(protocol: Protocol, e: &SignatureError) -> ApiError {
    let (query, json, status_q, status_j) = match e {
        SignatureError::Missing => (
            "MissingAuthenticationToken",
            "MissingAuthenticationTokenException",
            403,
            400,
        ),
        SignatureError::Incomplete(_) => (
            "IncompleteSignature",
            "IncompleteSignatureException",
            400,
            400,
        ),
        SignatureError::UnknownKey => (
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            403,
            400,
        ),
        SignatureError::Mismatch => (
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
            403,
            400,
        ),
        SignatureError::Expired { .. } | SignatureError::NotYetCurrent { .. } => {
            ("RequestExpired", "InvalidSignatureException", 400, 400)
        }
    };
    let message = match e {
        SignatureError::Missing if protocol == Protocol::Query => {
            "Request is missing Authentication Token".to_string()
        }
        other => other.to_string(),
    };
    match protocol {
        Protocol::Query => ApiError::new(query, status_q, message),
        Protocol::Json => ApiError::new(json, status_j, message),
        // "AuthFailure: The provided credentials could not be validated."
        Protocol::Ec2 if matches!(e, SignatureError::UnknownKey) => ApiError::new(
            "AuthFailure",
            401,
            "AWS was not able to validate the provided access credentials",
        ),
        Protocol::Ec2 => ApiError::new(query, status_q, message),
    }
}

fn expired_token(protocol: Protocol) -> ApiError {
    let message = "The security token included in the request is expired";
    match protocol {
        Protocol::Query | Protocol::Ec2 => ApiError::new("ExpiredToken", 400, message),
        Protocol::Json => ApiError::new("ExpiredTokenException", 400, message),
    }
}

/// Verify the signature and resolve the caller.
fn authenticate(
    svc: &Service,
    req: &HttpRequest,
    protocol: Protocol,
    now: i64,
) -> Result<Authenticated, ApiError> {
    let sig = |e: SignatureError| signature_error(protocol, &e);
    let auth = parse_authorization(
        req.header("authorization")
            .ok_or(SignatureError::Missing)
            .map_err(sig)?,
    )
    .map_err(sig)?;
    let lookup = svc.lookup_key(&auth.access_key)?;
    let parts = RequestParts {
        method: &req.method,
        path: &req.path,
        query: &req.query,
        headers: &req.headers,
    };
    let secret = |id: &str| {
        lookup
            .as_ref()
            .filter(|l| l.active && id == auth.access_key)
            .map(|l| l.secret.clone())
    };
    let verified = verify(&parts, &req.body, now, &secret).map_err(sig)?;
    let Some(lookup) = lookup else {
        return Err(sig(SignatureError::UnknownKey));
    };
    if let Some(token) = &lookup.token {
        // Temporary credentials are valid only with their session token.
        if req.header("x-amz-security-token") != Some(token.as_str()) {
            return Err(sig(SignatureError::UnknownKey));
        }
        if let Credential::Session { expires, .. } = &lookup.credential {
            if *expires <= now {
                return Err(expired_token(protocol));
            }
        }
    }
    let caller = svc
        .cached_caller(&auth.access_key, &lookup.credential)
        .map_err(|_| sig(SignatureError::UnknownKey))?;
    Ok(Authenticated {
        caller,
        credential: lookup.credential,
        access_key: verified.access_key,
        env: RequestEnv {
            region: verified.region,
            source_ip: req.peer.clone(),
            now,
            mfa: false,
        },
    })
}

fn error_response(
    protocol: Protocol,
    namespace: &str,
    e: &ApiError,
    request_id: String,
) -> HttpResponse {
    match protocol {
        Protocol::Query => HttpResponse {
            status: e.status,
            content_type: "text/xml",
            body: query::write_error(namespace, e, &request_id),
            request_id,
        },
        Protocol::Json => HttpResponse {
            status: e.status,
            content_type: "application/x-amz-json-1.1",
            body: serde_json::json!({"__type": e.code, "message": e.message}).to_string(),
            request_id,
        },
        Protocol::Ec2 => HttpResponse {
            status: e.status,
            content_type: "text/xml",
            body: crate::ec2::write_error(e, &request_id),
            request_id,
        },
    }
}

fn decision_of(e: &ApiError) -> &'static str {
    match e.code.as_str() {
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => "denied",
        "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignature"
        | "IncompleteSignatureException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "InvalidSignatureException"
        | "RequestExpired"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "AuthFailure" => "unauthenticated",
        _ => "error",
    }
}

/// Answer one request at time `now` (seconds since the epoch).
pub fn handle(svc: &Service, req: &HttpRequest, now: i64) -> (HttpResponse, Outcome) {
    let request_id = ids::request_id();
    let protocol = if req.header("x-amz-target").is_some() {
        Protocol::Json
    } else if is_ec2(req) {
        Protocol::Ec2
    } else {
        Protocol::Query
    };
    let mut outcome = Outcome::default();
    let (namespace, result) = match protocol {
        Protocol::Query => query_call(svc, req, now, &request_id, &mut outcome),
        Protocol::Json => ("", json_call(svc, req, now, &request_id, &mut outcome)),
        Protocol::Ec2 => ("", ec2_call(svc, req, now, &request_id, &mut outcome)),
    };
    match result {
        Ok(resp) => {
            outcome.decision = "allowed";
            (resp, outcome)
        }
        Err(e) => {
            outcome.decision = decision_of(&e);
            (error_response(protocol, namespace, &e, request_id), outcome)
        }
    }
}

/// An EC2 request: signed for `ec2`, or (unsigned) with EC2's API version.
fn is_ec2(req: &HttpRequest) -> bool {
    if let Some(a) = req
        .header("authorization")
        .and_then(|a| parse_authorization(a).ok())
    {
        return a.service == "ec2";
    }
    let pairs = query::request_pairs(&req.query, &req.body);
    pairs
        .iter()
        .any(|(k, v)| k == "Version" && v == "2016-11-15")
}

fn ec2_call(
    svc: &Service,
    req: &HttpRequest,
    now: i64,
    request_id: &str,
    outcome: &mut Outcome,
) -> Result<HttpResponse, ApiError> {
    if let Some(e) = too_large(req) {
        return Err(e);
    }
    let pairs = query::request_pairs(&req.query, &req.body);
    let action = pairs
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    outcome.operation = action.clone();
    let who = authenticate(svc, req, Protocol::Ec2, now)?;
    outcome.principal = who.caller.arn.clone();
    if action != "DescribeInstances" {
        return Err(ApiError::new(
            "InvalidAction",
            400,
            format!("ssmgate answers the EC2 action DescribeInstances only, not {action}"),
        ));
    }
    let body = crate::ec2::describe_instances(svc, &who, &pairs, request_id)?;
    Ok(HttpResponse {
        status: 200,
        content_type: "text/xml",
        body,
        request_id: request_id.to_string(),
    })
}

fn too_large(req: &HttpRequest) -> Option<ApiError> {
    (req.oversized || req.body.len() > MAX_BODY).then(|| {
        ApiError::new(
            "RequestEntityTooLarge",
            413,
            format!("The request body is larger than the limit of {MAX_BODY} bytes."),
        )
    })
}

fn query_call(
    svc: &Service,
    req: &HttpRequest,
    now: i64,
    request_id: &str,
    outcome: &mut Outcome,
) -> (&'static str, Result<HttpResponse, ApiError>) {
    let pairs = query::request_pairs(&req.query, &req.body);
    let action = pairs
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    // The credential scope names the service; unsigned requests are placed by their action.
    let scope_service = req
        .header("authorization")
        .and_then(|a| parse_authorization(a).ok())
        .map(|a| a.service);
    let model: &ServiceModel = match (scope_service.as_deref(), action.as_deref()) {
        (Some("sts"), _) => model::sts(),
        (Some(_), _) => model::iam(),
        (None, Some(a)) if model::sts().operation(a).is_some() => model::sts(),
        _ => model::iam(),
    };
    let ns = if std::ptr::eq(model, model::sts()) {
        "https://sts.amazonaws.com/doc/2011-06-15/"
    } else {
        "https://iam.amazonaws.com/doc/2010-05-08/"
    };
    let result = (|| {
        if let Some(e) = too_large(req) {
            return Err(e);
        }
        let action = action.ok_or_else(|| ApiError::new("MissingAction", 400, "Missing Action"))?;
        outcome.operation = action.clone();
        let op = model.operation(&action).ok_or_else(|| {
            ApiError::new(
                "InvalidAction",
                400,
                format!(
                    "Could not find operation {action} for version {}",
                    model.api_version()
                ),
            )
        })?;
        let who = authenticate(svc, req, Protocol::Query, now)?;
        outcome.principal = who.caller.arn.clone();
        let input = op
            .input
            .map(|shape| query::read_input(model, shape, &pairs))
            .unwrap_or_else(|| Value::Object(Default::default()));
        if let Some(shape) = op.input {
            let problems = validate::violations(model, shape, &input);
            if !problems.is_empty() {
                return Err(ApiError::validation(validate::message(&problems)));
            }
        }
        let answer = if std::ptr::eq(model, model::sts()) {
            sts::handle(&action, svc, &who, &input, now)
        } else {
            let call = iam::Call {
                svc,
                who: &who,
                input: &input,
                now,
            };
            iam::handle(&action, &call)
        };
        let result = answer.unwrap_or_else(|| {
            Err(ApiError::new(
                "InvalidAction",
                400,
                format!("ssmgate does not implement the operation {action} yet"),
            ))
        })?;
        Ok(HttpResponse {
            status: 200,
            content_type: "text/xml",
            body: query::write_response(model, &action, &result, request_id),
            request_id: request_id.to_string(),
        })
    })();
    (ns, result)
}

fn json_call(
    svc: &Service,
    req: &HttpRequest,
    now: i64,
    request_id: &str,
    outcome: &mut Outcome,
) -> Result<HttpResponse, ApiError> {
    if let Some(e) = too_large(req) {
        return Err(e);
    }
    let target = req.header("x-amz-target").unwrap_or_default();
    let unknown = || {
        ApiError::new(
            "UnknownOperationException",
            400,
            format!("Unknown operation {target}"),
        )
    };
    if let Some(hook) = target.strip_prefix("Ssmgate.") {
        outcome.operation = target.to_string();
        let who = authenticate(svc, req, Protocol::Json, now)?;
        outcome.principal = who.caller.arn.clone();
        let input: Value = serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::new(
                "SerializationException",
                400,
                format!("The request body is not valid JSON: {e}"),
            )
        })?;
        let result = crate::ssm_api::handle_hook(hook, svc, &who, &input, now)?;
        return Ok(HttpResponse {
            status: 200,
            content_type: "application/x-amz-json-1.1",
            body: result.to_string(),
            request_id: request_id.to_string(),
        });
    }
    let op_name = target.strip_prefix("AmazonSSM.").ok_or_else(unknown)?;
    outcome.operation = op_name.to_string();
    let model = model::ssm();
    let op = model.operation(op_name).ok_or_else(unknown)?;
    let who = authenticate(svc, req, Protocol::Json, now)?;
    outcome.principal = who.caller.arn.clone();
    let input: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::new(
                "SerializationException",
                400,
                format!(
                    "The request body is not valid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?
    };
    if let Some(shape) = op.input {
        let problems = validate::violations(model, shape, &input);
        if !problems.is_empty() {
            return Err(ApiError::new(
                "ValidationException",
                400,
                validate::message(&problems),
            ));
        }
    }
    let result = crate::ssm_api::handle(op_name, svc, &who, &input, now).unwrap_or_else(|| {
        Err(ApiError::new(
            "UnknownOperationException",
            400,
            format!("ssmgate does not implement the Systems Manager operation {op_name} yet"),
        ))
    })?;
    Ok(HttpResponse {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body: result.to_string(),
        request_id: request_id.to_string(),
    })
}
