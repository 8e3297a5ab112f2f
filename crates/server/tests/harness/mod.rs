//! An endpoint in process: requests signed as botocore signs them, answered by
//! `dispatch::handle` at a chosen time.

#![allow(
    dead_code,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::string_slice
)]

use ssmgate_server::bootstrap::{self, Options};
use ssmgate_server::dispatch::{handle, HttpRequest, HttpResponse};
use ssmgate_server::service::Service;
use ssmgate_server::sigv4::{authorization_header, RequestParts, SigningParams};

pub const ACCOUNT: &str = "123456789012";
pub const NOW: i64 = 1_795_000_000;

/// Credentials a test signs with.
#[derive(Clone, Debug)]
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: Option<String>,
}

pub struct Endpoint {
    pub svc: Service,
    pub root: Creds,
    pub dir: tempfile::TempDir,
    pub now: i64,
}

pub fn amz_date(t: i64) -> String {
    ssmgate_ssm::time::iso8601(t).replace(['-', ':'], "")
}

impl Endpoint {
    pub fn new() -> Endpoint {
        let dir = tempfile::tempdir().unwrap();
        Endpoint::open_in(dir)
    }

    pub fn open_in(dir: tempfile::TempDir) -> Endpoint {
        Endpoint::open_with(dir, None)
    }

    /// An endpoint whose store holds `fleet`'s instances.
    pub fn with_fleet(yaml: &str) -> Endpoint {
        let fleet = ssmgate_ssm::fleet::Fleet::from_text("fleet.yaml", yaml).unwrap();
        Endpoint::open_with(tempfile::tempdir().unwrap(), Some(fleet))
    }

    pub fn open_with(dir: tempfile::TempDir, fleet: Option<ssmgate_ssm::fleet::Fleet>) -> Endpoint {
        let opened = bootstrap::open(
            &Options {
                data_dir: dir.path().to_path_buf(),
                account_id: ACCOUNT.into(),
                region: "us-east-1".into(),
                fleet,
                root_key: Some((
                    "AKIAROOTROOTROOTROOT".into(),
                    zeroize::Zeroizing::new("rootsecretrootsecretrootsecretrootsecret".into()),
                )),
            },
            NOW,
        )
        .unwrap();
        Endpoint {
            svc: opened.service,
            root: Creds {
                key: "AKIAROOTROOTROOTROOT".into(),
                secret: "rootsecretrootsecretrootsecretrootsecret".into(),
                token: None,
            },
            dir,
            now: NOW,
        }
    }

    /// A Query request (IAM or STS) with `params`, unsigned.
    pub fn query_request(service: &str, params: &[(&str, &str)]) -> HttpRequest {
        let version = if service == "sts" {
            "2011-06-15"
        } else {
            "2010-05-08"
        };
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            form.append_pair(k, v);
        }
        form.append_pair("Version", version);
        HttpRequest {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                ),
                ("Host".into(), "127.0.0.1:4510".into()),
            ],
            body: form.finish().into_bytes(),
            peer: "127.0.0.1".into(),
            oversized: false,
        }
    }

    /// A JSON 1.1 request to SSM, unsigned.
    pub fn json_request(operation: &str, body: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: vec![
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                ("Host".into(), "127.0.0.1:4510".into()),
                ("X-Amz-Target".into(), format!("AmazonSSM.{operation}")),
            ],
            body: body.as_bytes().to_vec(),
            peer: "127.0.0.1".into(),
            oversized: false,
        }
    }

    /// Sign `req` with `creds` for `service` at time `at`.
    pub fn sign(req: &mut HttpRequest, creds: &Creds, service: &str, at: i64) {
        let date = amz_date(at);
        req.headers.push(("X-Amz-Date".into(), date.clone()));
        if let Some(t) = &creds.token {
            req.headers.push(("X-Amz-Security-Token".into(), t.clone()));
        }
        let auth = authorization_header(
            &RequestParts {
                method: &req.method,
                path: &req.path,
                query: &req.query,
                headers: &req.headers,
            },
            &req.body,
            &SigningParams {
                access_key: &creds.key,
                secret: &creds.secret,
                region: "us-east-1",
                service,
                amz_date: &date,
            },
        );
        req.headers.push(("Authorization".into(), auth));
    }

    pub fn send(&self, req: &HttpRequest) -> HttpResponse {
        handle(&self.svc, req, self.now).0
    }

    /// Call an IAM operation as `creds`.
    pub fn iam(&self, creds: &Creds, params: &[(&str, &str)]) -> HttpResponse {
        let mut req = Endpoint::query_request("iam", params);
        Endpoint::sign(&mut req, creds, "iam", self.now);
        self.send(&req)
    }

    /// Call an STS operation as `creds`.
    pub fn sts(&self, creds: &Creds, params: &[(&str, &str)]) -> HttpResponse {
        let mut req = Endpoint::query_request("sts", params);
        Endpoint::sign(&mut req, creds, "sts", self.now);
        self.send(&req)
    }

    /// Call an SSM operation as `creds`.
    pub fn ssm(&self, creds: &Creds, operation: &str, body: &str) -> HttpResponse {
        let mut req = Endpoint::json_request(operation, body);
        Endpoint::sign(&mut req, creds, "ssm", self.now);
        self.send(&req)
    }

    /// Call IAM as root and insist it succeeds.
    pub fn root_ok(&self, params: &[(&str, &str)]) -> String {
        let r = self.iam(&self.root, params);
        assert_eq!(r.status, 200, "{params:?}: {}", r.body);
        r.body
    }

    /// A user with `policy` inline (if any) and an access key.
    pub fn user(&self, name: &str, policy: Option<&str>) -> Creds {
        self.root_ok(&[("Action", "CreateUser"), ("UserName", name)]);
        if let Some(p) = policy {
            self.root_ok(&[
                ("Action", "PutUserPolicy"),
                ("UserName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", p),
            ]);
        }
        let body = self.root_ok(&[("Action", "CreateAccessKey"), ("UserName", name)]);
        Creds {
            key: xml(&body, "AccessKeyId").unwrap(),
            secret: xml(&body, "SecretAccessKey").unwrap(),
            token: None,
        }
    }
}

/// The text of the first `<tag>` element.
pub fn xml(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(
        body[start..end]
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Every `<tag>` text.
pub fn xml_all(body: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(v) = xml(rest, tag) {
        out.push(v);
        let open = format!("<{tag}>");
        let i = rest.find(&open).unwrap() + open.len();
        rest = &rest[i..];
    }
    out
}

/// The error code and message of a Query error response.
pub fn query_error(r: &HttpResponse) -> (u16, String, String) {
    (
        r.status,
        xml(&r.body, "Code").unwrap_or_default(),
        xml(&r.body, "Message").unwrap_or_default(),
    )
}

/// The `__type` and message of a JSON error response.
pub fn json_error(r: &HttpResponse) -> (u16, String, String) {
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    (
        r.status,
        v["__type"].as_str().unwrap_or_default().into(),
        v["message"].as_str().unwrap_or_default().into(),
    )
}
