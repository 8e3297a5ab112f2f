//! The botocore-signed requests of `tests/data/botocore-signed.json`, as the endpoint receives them.

#![allow(dead_code, clippy::indexing_slicing, clippy::unwrap_used)]

use std::path::Path;

/// One request as sent: the Host header is added from the URL, as HTTP clients do.
#[derive(Clone)]
pub struct Signed {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Signed {
    /// The value of header `name` (as botocore spells it), to change it.
    pub fn header_mut(&mut self, name: &str) -> &mut String {
        &mut self.headers.iter_mut().find(|(k, _)| k == name).unwrap().1
    }
}

/// The secret and the requests.
pub fn requests() -> (String, Vec<Signed>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/botocore-signed.json");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let list = data["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let url = r["url"].as_str().unwrap();
            let rest = url.split_once("://").unwrap().1;
            let (host, target) = rest.split_at(rest.find('/').unwrap());
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let mut headers: Vec<(String, String)> = r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap().to_string(),
                        h[1].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            headers.push(("Host".into(), host.into()));
            Signed {
                method: r["method"].as_str().unwrap().into(),
                path: path.into(),
                query: query.into(),
                headers,
                body: r["body"].as_str().unwrap().into(),
            }
        })
        .collect();
    (data["secret"].as_str().unwrap().to_string(), list)
}
