//! botocore's service models for IAM, STS and SSM, embedded: the shapes that requests are read
//! in and responses written in.

#![expect(
    clippy::indexing_slicing,
    reason = "reads of serde_json values by key: a missing key or a non-object gives Null, never a panic"
)]

use serde_json::Value;
use std::sync::OnceLock;

/// One service's model (`data/models/*.json`, written by `scripts/gen-models.py`).
pub struct ServiceModel {
    root: Value,
}

/// An operation's name and shapes.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'m> {
    pub name: &'m str,
    pub input: Option<&'m str>,
    pub output: Option<&'m str>,
    /// The Query protocol's `<OpResult>` element.
    pub result_wrapper: Option<&'m str>,
}

fn load(text: &str) -> ServiceModel {
    // The files are generated and checked by tests; an unreadable one is an empty model, which
    // the tests catch.
    ServiceModel {
        root: serde_json::from_str(text).unwrap_or(Value::Null),
    }
}

/// IAM (2010-05-08, Query protocol).
pub fn iam() -> &'static ServiceModel {
    static M: OnceLock<ServiceModel> = OnceLock::new();
    M.get_or_init(|| load(include_str!("../../../data/models/iam.json")))
}

/// STS (2011-06-15, Query protocol).
pub fn sts() -> &'static ServiceModel {
    static M: OnceLock<ServiceModel> = OnceLock::new();
    M.get_or_init(|| load(include_str!("../../../data/models/sts.json")))
}

/// SSM (2014-11-06, JSON 1.1 protocol).
pub fn ssm() -> &'static ServiceModel {
    static M: OnceLock<ServiceModel> = OnceLock::new();
    M.get_or_init(|| load(include_str!("../../../data/models/ssm.json")))
}

impl ServiceModel {
    /// The XML namespace of Query responses.
    pub fn namespace(&self) -> &str {
        self.root["metadata"]["xmlNamespace"]
            .as_str()
            .unwrap_or_default()
    }

    /// The API version (`Version=` of Query requests).
    pub fn api_version(&self) -> &str {
        self.root["metadata"]["apiVersion"]
            .as_str()
            .unwrap_or_default()
    }

    /// An operation by its exact name.
    pub fn operation(&self, name: &str) -> Option<Operation<'_>> {
        let op = self.root["operations"].get(name)?;
        Some(Operation {
            name: op["name"].as_str().unwrap_or_default(),
            input: op["input"]["shape"].as_str(),
            output: op["output"]["shape"].as_str(),
            result_wrapper: op["output"]["resultWrapper"].as_str(),
        })
    }

    /// Every operation's name.
    pub fn operation_names(&self) -> impl Iterator<Item = &str> {
        self.root["operations"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
    }

    /// A shape by name.
    pub fn shape(&self, name: &str) -> Option<&Value> {
        self.root["shapes"].get(name)
    }
}

/// A shape's member list in declaration order: (name, member shape name, wire name).
pub fn members(shape: &Value) -> impl Iterator<Item = (&str, &str, &str)> {
    shape["members"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.iter())
        .map(|(name, m)| {
            let target = m["shape"].as_str().unwrap_or_default();
            let wire = m["locationName"].as_str().unwrap_or(name);
            (name.as_str(), target, wire)
        })
}

/// A shape's type (`structure`, `list`, `map`, `string`, `timestamp`, ...).
pub fn kind(shape: &Value) -> &str {
    shape["type"].as_str().unwrap_or("string")
}

/// Set `key` of a JSON object (a no-op on anything else).
pub fn set(target: &mut Value, key: &str, value: Value) {
    if let Some(o) = target.as_object_mut() {
        o.insert(key.to_string(), value);
    }
}
