//! Every request is verified: each way a signature can fail gets AWS's error for the protocol
//! that carried it, never a 500.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod common;
mod harness;

use harness::{json_error, query_error, Creds, Endpoint};

fn wrong_secret(c: &Creds) -> Creds {
    Creds {
        secret: "x".repeat(40),
        ..c.clone()
    }
}

/// "SignatureDoesNotMatch: The request signature we calculated does not match the signature
/// you provided" (Query) and "InvalidSignatureException" (JSON).
#[test]
fn a_wrong_secret_is_signature_does_not_match() {
    let e = Endpoint::new();
    let bad = wrong_secret(&e.root);
    let (status, code, message) = query_error(&e.iam(&bad, &[("Action", "ListUsers")]));
    assert_eq!((status, code.as_str()), (403, "SignatureDoesNotMatch"));
    assert!(
        message.starts_with("The request signature we calculated does not match"),
        "{message}"
    );
    let (status, code, _) = json_error(&e.ssm(&bad, "DescribeInstanceInformation", "{}"));
    assert_eq!((status, code.as_str()), (400, "InvalidSignatureException"));
}

/// "InvalidClientTokenId: The X.509 certificate or AWS access key ID provided does not exist
/// in our records" (Query); JSON services say "UnrecognizedClientException".
#[test]
fn an_unknown_key_is_invalid_client_token_id() {
    let e = Endpoint::new();
    let ghost = Creds {
        key: "AKIANOSUCHKEY0000000".into(),
        ..e.root.clone()
    };
    let (status, code, message) = query_error(&e.iam(&ghost, &[("Action", "ListUsers")]));
    assert_eq!((status, code.as_str()), (403, "InvalidClientTokenId"));
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );
    let (status, code, _) = json_error(&e.ssm(&ghost, "ListDocuments", "{}"));
    assert_eq!(
        (status, code.as_str()),
        (400, "UnrecognizedClientException")
    );
    let (_, code, _) = query_error(&e.sts(&ghost, &[("Action", "GetCallerIdentity")]));
    assert_eq!(code, "InvalidClientTokenId");
}

/// "RequestExpired: The request reached the service more than 15 minutes after the date stamp
/// on the request ... or the date stamp on the request is more than 15 minutes in the future."
#[test]
fn a_timestamp_outside_fifteen_minutes_is_request_expired() {
    let e = Endpoint::new();
    for skew in [-16 * 60, 16 * 60] {
        let mut req = Endpoint::query_request("iam", &[("Action", "ListUsers")]);
        Endpoint::sign(&mut req, &e.root, "iam", e.now + skew);
        let (status, code, message) = query_error(&e.send(&req));
        assert_eq!(
            (status, code.as_str()),
            (400, "RequestExpired"),
            "{message}"
        );
        assert!(message.starts_with("Signature"), "{message}");
        let mut req = Endpoint::json_request("ListDocuments", "{}");
        Endpoint::sign(&mut req, &e.root, "ssm", e.now + skew);
        let (_, code, message) = json_error(&e.send(&req));
        assert_eq!(code, "InvalidSignatureException");
        assert!(
            message.starts_with("Signature expired")
                || message.starts_with("Signature not yet current"),
            "{message}"
        );
    }
    // Within the window both ways, the request is taken.
    for skew in [-14 * 60, 14 * 60] {
        let mut req = Endpoint::query_request("iam", &[("Action", "ListUsers")]);
        Endpoint::sign(&mut req, &e.root, "iam", e.now + skew);
        assert_eq!(e.send(&req).status, 200);
    }
}

#[test]
fn a_tampered_body_header_or_query_no_longer_matches() {
    let e = Endpoint::new();
    let mut base =
        Endpoint::query_request("iam", &[("Action", "CreateUser"), ("UserName", "mallory")]);
    Endpoint::sign(&mut base, &e.root, "iam", e.now);

    let mut body = base.clone();
    body.body = String::from_utf8(body.body)
        .unwrap()
        .replace("mallory", "mallorz")
        .into_bytes();
    let mut header = base.clone();
    header
        .headers
        .iter_mut()
        .find(|(k, _)| k == "Host")
        .unwrap()
        .1 = "evil.example:4510".into();
    let mut query = base.clone();
    query.query = "Action=DeleteUser".into();
    for (what, req) in [("body", body), ("header", header), ("query", query)] {
        let (status, code, _) = query_error(&e.send(&req));
        assert_eq!(
            (status, code.as_str()),
            (403, "SignatureDoesNotMatch"),
            "tampered {what}"
        );
    }
    assert!(
        !e.root_ok(&[("Action", "ListUsers")]).contains("mallor"),
        "no tampered request may act"
    );
    assert_eq!(e.send(&base).status, 200, "the untouched request is taken");
}

/// "MissingAuthenticationToken: The request must contain either a valid (registered) AWS
/// access key ID or X.509 certificate."
#[test]
fn an_unsigned_request_is_missing_authentication_token() {
    let e = Endpoint::new();
    let (status, code, message) =
        query_error(&e.send(&Endpoint::query_request("iam", &[("Action", "ListUsers")])));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token"
        )
    );
    let (_, code, _) = query_error(&e.send(&Endpoint::query_request(
        "sts",
        &[("Action", "GetCallerIdentity")],
    )));
    assert_eq!(code, "MissingAuthenticationToken");
    let (_, code, _) = json_error(&e.send(&Endpoint::json_request("ListDocuments", "{}")));
    assert_eq!(code, "MissingAuthenticationTokenException");
}

/// "IncompleteSignature: The request signature does not conform to AWS standards."
#[test]
fn an_authorization_header_without_its_parts_is_incomplete_signature() {
    let e = Endpoint::new();
    let mut req = Endpoint::query_request("iam", &[("Action", "ListUsers")]);
    req.headers
        .push(("X-Amz-Date".into(), harness::amz_date(e.now)));
    req.headers.push((
        "Authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/20261125/us-east-1/iam/aws4_request",
            e.root.key
        ),
    ));
    let (status, code, message) = query_error(&e.send(&req));
    assert_eq!((status, code.as_str()), (400, "IncompleteSignature"));
    assert!(message.contains("SignedHeaders"), "{message}");
    let mut req = Endpoint::json_request("ListDocuments", "{}");
    req.headers
        .push(("Authorization".into(), "Bearer nonsense".into()));
    let (_, code, _) = json_error(&e.send(&req));
    assert_eq!(code, "IncompleteSignatureException");
}

#[test]
fn an_inactive_key_is_refused_like_an_unknown_one() {
    let e = Endpoint::new();
    let alice = e.user("alice", None);
    e.root_ok(&[
        ("Action", "UpdateAccessKey"),
        ("UserName", "alice"),
        ("AccessKeyId", &alice.key),
        ("Status", "Inactive"),
    ]);
    let (_, code, _) = query_error(&e.sts(&alice, &[("Action", "GetCallerIdentity")]));
    assert_eq!(code, "InvalidClientTokenId");
    e.root_ok(&[
        ("Action", "UpdateAccessKey"),
        ("UserName", "alice"),
        ("AccessKeyId", &alice.key),
        ("Status", "Active"),
    ]);
    assert_eq!(
        e.sts(&alice, &[("Action", "GetCallerIdentity")]).status,
        200
    );
}

#[test]
fn oversized_bodies_are_refused_before_anything_else() {
    let e = Endpoint::new();
    let mut req = Endpoint::query_request("iam", &[("Action", "ListUsers")]);
    req.oversized = true;
    let (status, code, _) = query_error(&e.send(&req));
    assert_eq!((status, code.as_str()), (413, "RequestEntityTooLarge"));
    let mut req = Endpoint::json_request(
        "ListDocuments",
        &"x".repeat(ssmgate_server::dispatch::MAX_BODY + 1),
    );
    Endpoint::sign(&mut req, &e.root, "ssm", e.now);
    let (status, code, _) = json_error(&e.send(&req));
    assert_eq!((status, code.as_str()), (413, "RequestEntityTooLarge"));
}

/// Our signer is the verifier's canonical request run the other way: it reproduces the
/// Authorization header botocore computed for each recorded request.
#[test]
fn the_signer_reproduces_botocore_signatures() {
    let (secret, list) = common::requests();
    assert!(list.len() >= 3, "only {} requests recorded", list.len());
    for r in list {
        let mut headers = r.headers.clone();
        let theirs = headers
            .iter()
            .find(|(k, _)| k == "Authorization")
            .unwrap()
            .1
            .clone();
        let auth = ssmgate_server::verify::parse_authorization(&theirs).unwrap();
        headers.retain(|(k, _)| auth.signed_headers.contains(&k.to_ascii_lowercase()));
        let date = headers
            .iter()
            .find(|(k, _)| k == "X-Amz-Date")
            .unwrap()
            .1
            .clone();
        let ours = ssmgate_server::sigv4::authorization_header(
            &ssmgate_server::sigv4::RequestParts {
                method: &r.method,
                path: &r.path,
                query: &r.query,
                headers: &headers,
            },
            r.body.as_bytes(),
            &ssmgate_server::sigv4::SigningParams {
                access_key: &auth.access_key,
                secret: &secret,
                region: &auth.region,
                service: &auth.service,
                amz_date: &date,
            },
        );
        assert_eq!(ours, theirs, "{} {}", r.method, r.path);
    }
}
