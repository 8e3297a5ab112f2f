//! The fleet: instances, documents and sessions, as a YAML or JSON file describes them.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Why a fleet file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: not a fleet file: {message}")]
pub struct FleetError {
    pub path: String,
    pub message: String,
}

/// An EC2 instance or hybrid managed node.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Region; the fleet's when absent.
    #[serde(default)]
    pub region: Option<String>,
    /// Account; the fleet's when absent.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A Systems Manager document.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub name: String,
    /// `Amazon`, or an account id (the fleet's when absent, unless the name is Amazon's).
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default, rename = "type")]
    pub document_type: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A Session Manager session that already exists.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub id: String,
    /// Who started it: `user/NAME` or `role/NAME/SESSION`.
    pub owner: String,
    /// The instance it runs on.
    pub target: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// The whole fleet file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// The account the instances belong to by default.
    pub account: String,
    /// The Region calls are made in, and instances are in by default.
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub sessions: Vec<Session>,
}

fn default_region() -> String {
    "us-east-1".into()
}

impl Fleet {
    /// Read a fleet file (YAML, of which JSON is a subset).
    pub fn from_text(path: &str, text: &str) -> Result<Fleet, FleetError> {
        serde_norway::from_str(text).map_err(|e| FleetError {
            path: path.into(),
            message: e.to_string(),
        })
    }

    /// An instance by id.
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    /// A document by name.
    pub fn document(&self, name: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.name == name)
    }

    /// A session by id.
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// The instances whose tags match every `tag:KEY` target, or whose ids are listed
    /// under an `InstanceIds` target.
    pub fn targets(&self, targets: &[(String, Vec<String>)]) -> Vec<&Instance> {
        if targets.is_empty() {
            // No targets select nothing (not everything).
            return Vec::new();
        }
        self.instances
            .iter()
            .filter(|i| {
                targets
                    .iter()
                    .all(|(key, values)| match key.strip_prefix("tag:") {
                        Some(k) => i.tags.get(k).is_some_and(|v| values.contains(v)),
                        None if key == "InstanceIds" => values.contains(&i.id),
                        None if key == "tag-key" => values.iter().any(|v| i.tags.contains_key(v)),
                        None => false,
                    })
            })
            .collect()
    }
}
