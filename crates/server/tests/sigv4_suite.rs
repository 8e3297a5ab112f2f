//! AWS's SigV4 test suite (as shipped in the aws-sigv4 crate, `tests/data/sigv4-test-suite`):
//! for every case, our canonical request, string to sign and signature must be AWS's, byte for
//! byte, for header-signed requests.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_server::sigv4::*;
use std::path::Path;

mod common;

struct Case {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> Case {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let first = lines.next().expect("request line");
    let method = first.split(' ').next().unwrap().to_string();
    let target = first[method.len() + 1..first.rfind(" HTTP/").unwrap()].to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded continuation of the previous header's value.
            headers
                .last_mut()
                .unwrap()
                .1
                .push_str(&format!(" {}", line.trim()));
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.to_string(), v.to_string()));
        }
    }
    Case {
        method,
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn every_header_signed_case_of_the_aws_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4-test-suite/v4");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in dirs {
        let Ok(ctx) = std::fs::read_to_string(dir.join("context.json")) else {
            continue; // the two double-encoding cases carry no signing context
        };
        let ctx: serde_json::Value = serde_json::from_str(&ctx).unwrap();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut case = parse_request(&std::fs::read_to_string(dir.join("request.txt")).unwrap());
        let ts = ctx["timestamp"].as_str().unwrap();
        let amz_date = ts.replace(['-', ':'], "");
        let date = &amz_date[..8];
        let region = ctx["region"].as_str().unwrap();
        let service = ctx["service"].as_str().unwrap();
        let secret = ctx["credentials"]["secret_access_key"].as_str().unwrap();
        let payload = sha256_hex(&case.body);
        if !case
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("x-amz-date"))
        {
            case.headers.push(("X-Amz-Date".into(), amz_date.clone()));
        }
        if ctx["sign_body"].as_bool() == Some(true) {
            case.headers
                .push(("X-Amz-Content-Sha256".into(), payload.clone()));
        }
        if let Some(token) = ctx["credentials"]["token"].as_str() {
            if ctx["omit_session_token"].as_bool() != Some(true) {
                case.headers
                    .push(("X-Amz-Security-Token".into(), token.into()));
            }
        }
        let signed: Vec<String> = case
            .headers
            .iter()
            .map(|(k, _)| k.to_ascii_lowercase())
            .collect();
        let normalize = ctx["normalize"].as_bool().unwrap_or(true);
        // The suite's cases keep existing escapes (see the double-encoding unit test for the rest).
        let parts = RequestParts {
            method: &case.method,
            path: &case.path,
            query: &case.query,
            headers: &case.headers,
        };
        let rules = PathRules {
            normalize,
            encoding: PathEncoding::Single,
        };
        let canonical = canonical_request(&parts, &signed, &payload, rules);
        let sts = string_to_sign(&amz_date, &scope(date, region, service), &canonical);
        let sig = signature(&signing_key(secret, date, region, service), &sts);
        let want = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        if canonical != want("header-canonical-request.txt") {
            failures.push(format!(
                "{name}: canonical request\n--- ours\n{canonical}\n--- AWS\n{}",
                want("header-canonical-request.txt")
            ));
        } else if sts != want("header-string-to-sign.txt") {
            failures.push(format!("{name}: string to sign"));
        } else if sig != want("header-signature.txt").trim() {
            failures.push(format!("{name}: signature"));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 38, "only {checked} cases found");
}

/// Requests signed by botocore (the signer of the aws CLI and boto3), verified by recomputing
/// their signature from what they carry, as the endpoint will: SSM's JSON protocol, IAM's and
/// STS's query protocol (one with a session token), and a path with escapes and dot segments.
#[test]
fn botocore_signed_requests_verify() {
    let (secret, list) = common::requests();
    let secret = secret.as_str();
    for r in &list {
        let (path, query, headers) = (r.path.as_str(), r.query.as_str(), &r.headers);
        let url = format!("{}?{}", r.path, r.query);
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        let authorization = get("Authorization");
        let fields = authorization.strip_prefix("AWS4-HMAC-SHA256 ").unwrap();
        let field = |name: &str| {
            fields
                .split(", ")
                .find_map(|f| f.strip_prefix(&format!("{name}=")))
                .unwrap()
                .to_string()
        };
        let credential = field("Credential");
        let scope_parts: Vec<&str> = credential.split_once('/').unwrap().1.split('/').collect();
        let (date, region, service) = (scope_parts[0], scope_parts[1], scope_parts[2]);
        let signed: Vec<String> = field("SignedHeaders")
            .split(';')
            .map(String::from)
            .collect();
        let payload = sha256_hex(r.body.as_bytes());
        let parts = RequestParts {
            method: &r.method,
            path,
            query,
            headers,
        };
        let canonical = canonical_request(
            &parts,
            &signed,
            &payload,
            PathRules {
                normalize: true,
                encoding: PathEncoding::Double,
            },
        );
        let sts = string_to_sign(
            &get("X-Amz-Date"),
            &scope(date, region, service),
            &canonical,
        );
        let ours = signature(&signing_key(secret, date, region, service), &sts);
        assert!(
            signatures_match(&ours, &field("Signature")),
            "{url} ({service}): ours {ours}\n{canonical}"
        );
        // A tampered body must not verify, or the check above proves nothing.
        let tampered = canonical_request(
            &parts,
            &signed,
            &sha256_hex(b"{}"),
            PathRules {
                normalize: true,
                encoding: PathEncoding::Double,
            },
        );
        let forged = signature(
            &signing_key(secret, date, region, service),
            &string_to_sign(&get("X-Amz-Date"), &scope(date, region, service), &tampered),
        );
        assert!(!signatures_match(&forged, &field("Signature")));
    }
    assert_eq!(list.len(), 4);
}
