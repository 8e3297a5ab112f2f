//! Any signed request body, in either protocol: the endpoint answers with AWS's error or a
//! result, never a panic and never a 500.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssmgate_server::dispatch::{handle, HttpRequest};
use ssmgate_server::service::Service;
use ssmgate_server::sigv4::{authorization_header, RequestParts, SigningParams};
use ssmgate_server::store::{self, AccessKeyRow, Store};
use std::sync::OnceLock;

const KEY: &str = "AKIAFUZZFUZZFUZZFUZZ";
const SECRET: &str = "fuzzsecretfuzzsecretfuzzsecretfuzzsecret";
const NOW: i64 = 1_795_000_000;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        let store = Store::in_memory().expect("in-memory store");
        store
            .write(|c| {
                store::create_account(c, "123456789012", "us-east-1", 0)?;
                store::insert_access_key(c, &AccessKeyRow {
                    id: KEY.into(),
                    secret: zeroize::Zeroizing::new(SECRET.into()),
                    user: None,
                    status: "Active".into(),
                    created: 0,
                })
            })
            .expect("account");
        Service::new(store, "123456789012", "us-east-1")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let json = selector & 1 == 1;
    // JSON requests take a second byte: the operation's index in the model.
    let (op_index, body) = if json {
        match rest.split_first() {
            Some((&i, b)) => (usize::from(i), b),
            None => return,
        }
    } else {
        (0, rest)
    };
    let (scope, mut headers) = if json {
        let ops: Vec<&str> = ssmgate_server::model::ssm().operation_names().collect();
        let op = ops[op_index % ops.len()];
        ("ssm", vec![("X-Amz-Target".to_string(), format!("AmazonSSM.{op}"))])
    } else {
        ("iam", vec![("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string())])
    };
    headers.push(("Host".into(), "127.0.0.1:4510".into()));
    headers.push(("X-Amz-Date".into(), "20261118T110640Z".into()));
    let auth = authorization_header(
        &RequestParts { method: "POST", path: "/", query: "", headers: &headers },
        body,
        &SigningParams { access_key: KEY, secret: SECRET, region: "us-east-1", service: scope, amz_date: "20261118T110640Z" },
    );
    headers.push(("Authorization".into(), auth));
    let req = HttpRequest {
        method: "POST".into(),
        path: "/".into(),
        query: String::new(),
        headers,
        body: body.to_vec(),
        peer: "127.0.0.1".into(),
        oversized: false,
    };
    let (resp, _) = handle(service(), &req, NOW);
    assert!(resp.status < 500, "{} {}", resp.status, resp.body);
});
