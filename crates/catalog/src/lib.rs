//! What AWS says exists, from the Service Authorization Reference and AWS's managed policies.
//!
//! The data lives under the repository's `data/` (see `data/PROVENANCE.md`) and is embedded at
//! build time, so the binary needs nothing at run time.

#![forbid(unsafe_code)]

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

const SERVICES_JSON: &str = include_str!("../../../data/ssm-service.json");
const GLOBAL_KEYS_JSON: &str = include_str!("../../../data/global-condition-keys.json");
const MANAGED_INDEX_JSON: &str = include_str!("../../../data/managed-policies/index.json");
const SERVICE_PREFIXES_JSON: &str = include_str!("../../../data/service-prefixes.json");

/// Managed policy documents by file name.
const MANAGED_DOCUMENTS: &[(&str, &str)] = &[
    (
        "AWSResourceAccessManagerServiceRolePolicy.json",
        include_str!(
            "../../../data/managed-policies/AWSResourceAccessManagerServiceRolePolicy.json"
        ),
    ),
    (
        "AdministratorAccess.json",
        include_str!("../../../data/managed-policies/AdministratorAccess.json"),
    ),
    (
        "AmazonEC2RoleforSSM.json",
        include_str!("../../../data/managed-policies/AmazonEC2RoleforSSM.json"),
    ),
    (
        "AmazonSSMAutomationApproverAccess.json",
        include_str!("../../../data/managed-policies/AmazonSSMAutomationApproverAccess.json"),
    ),
    (
        "AmazonSSMAutomationRole.json",
        include_str!("../../../data/managed-policies/AmazonSSMAutomationRole.json"),
    ),
    (
        "AmazonSSMDirectoryServiceAccess.json",
        include_str!("../../../data/managed-policies/AmazonSSMDirectoryServiceAccess.json"),
    ),
    (
        "AmazonSSMFullAccess.json",
        include_str!("../../../data/managed-policies/AmazonSSMFullAccess.json"),
    ),
    (
        "AmazonSSMMaintenanceWindowRole.json",
        include_str!("../../../data/managed-policies/AmazonSSMMaintenanceWindowRole.json"),
    ),
    (
        "AmazonSSMManagedInstanceCore.json",
        include_str!("../../../data/managed-policies/AmazonSSMManagedInstanceCore.json"),
    ),
    (
        "AmazonSSMReadOnlyAccess.json",
        include_str!("../../../data/managed-policies/AmazonSSMReadOnlyAccess.json"),
    ),
    (
        "AmazonSSMServiceRolePolicy.json",
        include_str!("../../../data/managed-policies/AmazonSSMServiceRolePolicy.json"),
    ),
];

/// A resource type an action takes.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionResource {
    pub name: String,
    /// Marked `*` in the reference: the action always involves this resource type.
    pub required: bool,
    #[serde(rename = "conditionKeys", default)]
    pub condition_keys: Vec<String>,
}

/// One action of a service.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    #[serde(rename = "accessLevel")]
    pub access_level: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "resourceTypes", default)]
    pub resource_types: Vec<ActionResource>,
    #[serde(rename = "conditionKeys", default)]
    pub condition_keys: Vec<String>,
}

/// A resource type with its ARN format.
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceType {
    pub arn: String,
    #[serde(rename = "conditionKeys", default)]
    pub condition_keys: Vec<String>,
}

/// A condition key with its type.
#[derive(Debug, Clone, Deserialize)]
pub struct ConditionKey {
    #[serde(rename = "type")]
    pub key_type: String,
    #[serde(default)]
    pub description: String,
}

/// A service: its actions, resource types and condition keys.
#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    pub name: String,
    pub prefix: String,
    #[serde(default)]
    pub actions: BTreeMap<String, Action>,
    #[serde(rename = "resourceTypes", default)]
    pub resource_types: BTreeMap<String, ResourceType>,
    #[serde(rename = "conditionKeys", default)]
    pub condition_keys: BTreeMap<String, ConditionKey>,
}

#[derive(Deserialize)]
struct ServicesFile {
    services: BTreeMap<String, Service>,
}

#[derive(Deserialize)]
struct GlobalKey {
    #[serde(rename = "type")]
    key_type: String,
}

#[derive(Deserialize)]
struct GlobalKeysFile {
    keys: BTreeMap<String, GlobalKey>,
}

#[derive(Deserialize)]
struct PrefixesFile {
    prefixes: Vec<String>,
}

#[derive(Deserialize)]
struct ManagedEntry {
    name: String,
    arn: String,
    path: String,
    #[serde(rename = "versionId")]
    version_id: String,
    file: String,
}

#[derive(Deserialize)]
struct ManagedIndex {
    policies: Vec<ManagedEntry>,
}

/// An AWS-managed policy.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub version_id: String,
    pub document: &'static str,
}

/// The whole catalog.
pub struct Catalog {
    services: BTreeMap<String, Service>,
    /// Lower-cased action name -> documented name, per service prefix.
    action_names: HashMap<String, HashMap<String, String>>,
    global_keys: BTreeMap<String, String>,
    managed: Vec<ManagedPolicy>,
    /// Every service prefix AWS documents, lower case.
    prefixes: Vec<String>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

/// The embedded catalog.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

impl Catalog {
    fn load() -> Catalog {
        // The embedded data is part of the build and checked by this crate's tests, so a
        // failure here is a build defect; degrade to an empty catalog rather than panic.
        let services = serde_json::from_str::<ServicesFile>(SERVICES_JSON)
            .map(|f| f.services)
            .unwrap_or_default();
        let action_names = services
            .values()
            .map(|s| {
                let names = s
                    .actions
                    .keys()
                    .map(|a| (a.to_ascii_lowercase(), a.clone()))
                    .collect();
                (s.prefix.to_ascii_lowercase(), names)
            })
            .collect();
        let global_keys = serde_json::from_str::<GlobalKeysFile>(GLOBAL_KEYS_JSON)
            .map(|f| f.keys.into_iter().map(|(k, v)| (k, v.key_type)).collect())
            .unwrap_or_default();
        let managed = serde_json::from_str::<ManagedIndex>(MANAGED_INDEX_JSON)
            .map(|i| i.policies)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| {
                let document = MANAGED_DOCUMENTS.iter().find(|(f, _)| *f == e.file)?.1;
                Some(ManagedPolicy {
                    name: e.name,
                    arn: e.arn,
                    path: e.path,
                    version_id: e.version_id,
                    document,
                })
            })
            .collect();
        let prefixes = serde_json::from_str::<PrefixesFile>(SERVICE_PREFIXES_JSON)
            .map(|f| f.prefixes)
            .unwrap_or_default();
        Catalog {
            services,
            action_names,
            global_keys,
            managed,
            prefixes,
        }
    }

    /// A service by its prefix (`ssm`), case-insensitively.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .values()
            .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
    }

    /// Whether `prefix` is a service prefix AWS documents (case-insensitively).
    pub fn is_service_prefix(&self, prefix: &str) -> bool {
        self.prefixes.iter().any(|p| p.eq_ignore_ascii_case(prefix))
    }

    /// Every documented service prefix.
    pub fn service_prefixes(&self) -> impl Iterator<Item = &str> {
        self.prefixes.iter().map(String::as_str)
    }

    /// Every service in the catalog.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }

    /// An action by `service:Name`, case-insensitively; returns its documented name too.
    pub fn action(&self, action: &str) -> Option<(&str, &Action)> {
        let (svc, name) = action.split_once(':')?;
        let documented = self
            .action_names
            .get(&svc.to_ascii_lowercase())?
            .get(&name.to_ascii_lowercase())?;
        let service = self.service(svc)?;
        service
            .actions
            .get_key_value(documented)
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The type of a global condition key (`aws:SourceIp` -> `IPAddress`), case-insensitively.
    pub fn global_key_type(&self, key: &str) -> Option<&str> {
        let lower = key.to_ascii_lowercase();
        let prefix_of = |k: &str| k.split_once('/').map(|(p, _)| p.to_ascii_lowercase());
        self.global_keys
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(key)
                    || (k.contains('/')
                        && prefix_of(k).is_some_and(|p| lower.starts_with(&format!("{p}/"))))
            })
            .map(|(_, t)| t.as_str())
    }

    /// Every AWS-managed policy in the catalog.
    pub fn managed_policies(&self) -> &[ManagedPolicy] {
        &self.managed
    }

    /// An AWS-managed policy by ARN (`arn:aws:iam::aws:policy/AmazonSSMFullAccess`).
    pub fn managed_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.managed.iter().find(|m| m.arn == arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_loads() {
        let c = catalog();
        assert!(c.service("ssm").is_some_and(|s| s.actions.len() > 150));
        assert_eq!(c.managed_policies().len(), MANAGED_DOCUMENTS.len());
        assert!(c.global_key_type("aws:PrincipalArn").is_some());
        assert!(c.service_prefixes().count() > 400);
        assert!(
            c.is_service_prefix("iam")
                && c.is_service_prefix("EC2")
                && !c.is_service_prefix("ssmm")
        );
    }

    /// "The prefix and the action name are case insensitive."
    #[test]
    fn action_lookup_is_case_insensitive() {
        let (name, action) = catalog().action("SSM:sendcommand").expect("known action");
        assert_eq!(name, "SendCommand");
        assert!(action
            .resource_types
            .iter()
            .any(|r| r.name == "document" && r.required));
        assert!(catalog().action("ssm:ListDocumentsVersions").is_none());
    }

    #[test]
    fn global_tag_keys_match_any_tag() {
        assert_eq!(
            catalog().global_key_type("aws:PrincipalTag/team"),
            Some("String")
        );
        assert_eq!(
            catalog().global_key_type("AWS:SOURCEIP"),
            catalog().global_key_type("aws:SourceIp")
        );
    }

    #[test]
    fn managed_policies_are_addressable_by_arn() {
        let p = catalog()
            .managed_policy("arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")
            .expect("present");
        assert!(p.document.contains("ssm:Describe*"));
    }
}
