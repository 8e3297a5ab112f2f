//! Verifying requests as the endpoint will: botocore's signatures pass; tampering, the wrong
//! secret, an unknown key, a stale or future date and a broken header are each refused.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_server::sigv4::RequestParts;
use ssmgate_server::verify::{parse_amz_date, verify, SignatureError};

mod common;
use common::{requests, Signed};

fn run(s: &Signed, secret: &str, now_offset: i64) -> Result<(), SignatureError> {
    let stamp = s
        .headers
        .iter()
        .find(|(k, _)| k == "X-Amz-Date")
        .unwrap()
        .1
        .clone();
    let now = parse_amz_date(&stamp).unwrap() + now_offset;
    let parts = RequestParts {
        method: &s.method,
        path: &s.path,
        query: &s.query,
        headers: &s.headers,
    };
    let secret = secret.to_string();
    verify(&parts, s.body.as_bytes(), now, &|k| {
        (k == "AKIAEXAMPLEKEY000001").then(|| zeroize::Zeroizing::new(secret.clone()))
    })
    .map(|_| ())
}

#[test]
fn botocores_signatures_verify() {
    let (secret, list) = requests();
    for s in &list {
        assert_eq!(run(s, &secret, 0), Ok(()));
        assert_eq!(
            run(s, &secret, 14 * 60),
            Ok(()),
            "within the 15-minute window"
        );
    }
}

#[test]
fn tampering_is_refused() {
    let (secret, list) = requests();
    let mut body = list
        .first()
        .map(|s| Signed {
            body: r#"{"Target": "i-0evil"}"#.into(),
            ..s.clone()
        })
        .unwrap();
    assert_eq!(
        run(&body, &secret, 0),
        Err(SignatureError::Mismatch),
        "body"
    );
    body.body = list[0].body.clone();
    *body.header_mut("X-Amz-Target") = "AmazonSSM.TerminateSession".into();
    assert_eq!(
        run(&body, &secret, 0),
        Err(SignatureError::Mismatch),
        "signed header"
    );
    let q = &list[3];
    let query = Signed {
        query: "b=3&a=1&empty=".into(),
        ..q.clone()
    };
    assert_eq!(
        run(&query, &secret, 0),
        Err(SignatureError::Mismatch),
        "query"
    );
    assert_eq!(
        run(&list[1], "not-the-secret", 0),
        Err(SignatureError::Mismatch),
        "wrong secret"
    );
}

/// "RequestExpired – The request reached the service more than 15 minutes after the date
/// stamp on the request ... or the date stamp on the request is more than 15 minutes in the future."
#[test]
fn requests_outside_fifteen_minutes_are_refused() {
    let (secret, list) = requests();
    assert!(matches!(
        run(&list[0], &secret, 16 * 60),
        Err(SignatureError::Expired { .. })
    ));
    assert!(matches!(
        run(&list[0], &secret, -16 * 60),
        Err(SignatureError::NotYetCurrent { .. })
    ));
}

#[test]
fn missing_unknown_and_malformed_credentials_are_refused() {
    let (secret, list) = requests();
    let s = &list[2];
    let without: Vec<(String, String)> = s
        .headers
        .iter()
        .filter(|(k, _)| k != "Authorization")
        .cloned()
        .collect();
    let missing = Signed {
        headers: without,
        ..s.clone()
    };
    assert_eq!(run(&missing, &secret, 0), Err(SignatureError::Missing));
    let mut other = s.clone();
    let auth = other.header_mut("Authorization");
    *auth = auth.replace("AKIAEXAMPLEKEY000001", "AKIAUNKNOWN000000001");
    assert_eq!(run(&other, &secret, 0), Err(SignatureError::UnknownKey));
    let auth = other.header_mut("Authorization");
    *auth = auth.replace("/aws4_request", "/aws5_request");
    assert!(
        matches!(run(&other, &secret, 0), Err(SignatureError::Incomplete(m)) if m.contains("valid terminator"))
    );
}
