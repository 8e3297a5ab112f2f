//! An account as `aws iam get-account-authorization-details` prints it: users, groups, roles
//! and the policies attached to them.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why an account dump could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{path}:{line}:{column}: not an account authorization dump: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InlinePolicy {
    #[serde(rename = "PolicyName")]
    pub name: String,
    #[serde(rename = "PolicyDocument")]
    pub document: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AttachedPolicy {
    #[serde(rename = "PolicyName", default)]
    pub name: String,
    #[serde(rename = "PolicyArn")]
    pub arn: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Boundary {
    #[serde(rename = "PermissionsBoundaryArn")]
    pub arn: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    #[serde(rename = "UserName")]
    pub name: String,
    #[serde(rename = "UserId")]
    pub id: String,
    #[serde(rename = "Arn")]
    pub arn: String,
    #[serde(rename = "UserPolicyList", default)]
    pub inline: Vec<InlinePolicy>,
    #[serde(rename = "GroupList", default)]
    pub groups: Vec<String>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    pub attached: Vec<AttachedPolicy>,
    #[serde(rename = "PermissionsBoundary")]
    pub boundary: Option<Boundary>,
    #[serde(rename = "Tags", default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    #[serde(rename = "GroupName")]
    pub name: String,
    #[serde(rename = "GroupId", default)]
    pub id: String,
    #[serde(rename = "Arn", default)]
    pub arn: String,
    #[serde(rename = "GroupPolicyList", default)]
    pub inline: Vec<InlinePolicy>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Role {
    #[serde(rename = "RoleName")]
    pub name: String,
    #[serde(rename = "RoleId")]
    pub id: String,
    #[serde(rename = "Arn")]
    pub arn: String,
    #[serde(rename = "AssumeRolePolicyDocument", default)]
    pub trust: Value,
    #[serde(rename = "RolePolicyList", default)]
    pub inline: Vec<InlinePolicy>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    pub attached: Vec<AttachedPolicy>,
    #[serde(rename = "PermissionsBoundary")]
    pub boundary: Option<Boundary>,
    #[serde(rename = "Tags", default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PolicyVersion {
    #[serde(rename = "Document")]
    pub document: Value,
    #[serde(rename = "IsDefaultVersion", default)]
    pub is_default: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ManagedPolicy {
    #[serde(rename = "PolicyName")]
    pub name: String,
    #[serde(rename = "Arn")]
    pub arn: String,
    #[serde(rename = "PolicyVersionList", default)]
    pub versions: Vec<PolicyVersion>,
}

/// The dump as the aws CLI prints it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Account {
    #[serde(rename = "UserDetailList", default)]
    pub users: Vec<User>,
    #[serde(rename = "GroupDetailList", default)]
    pub groups: Vec<Group>,
    #[serde(rename = "RoleDetailList", default)]
    pub roles: Vec<Role>,
    #[serde(rename = "Policies", default)]
    pub policies: Vec<ManagedPolicy>,
    /// The account id when known apart from the ARNs (an account with no users or roles yet).
    #[serde(skip)]
    pub account_id: Option<String>,
}

/// A policy document as text: the CLI prints documents as JSON objects, the API returns them
/// URL-encoded; both are accepted.
pub fn document_text(v: &Value) -> String {
    match v {
        Value::String(s) if s.trim_start().starts_with('{') => s.clone(),
        Value::String(s) => percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

impl Account {
    /// Read a dump from JSON text; `path` names it in errors.
    pub fn from_json(path: &str, text: &str) -> Result<Account, AccountError> {
        serde_json::from_str(text).map_err(|e| AccountError::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// The account id, read from the ARNs in the dump.
    pub fn id(&self) -> Option<String> {
        if let Some(id) = &self.account_id {
            return Some(id.clone());
        }
        let arns = self
            .users
            .iter()
            .map(|u| &u.arn)
            .chain(self.roles.iter().map(|r| &r.arn));
        arns.filter_map(|a| ssmgate_policy::arn::split(a).map(|p| p.account.to_string()))
            .next()
    }

    /// A user by name (IAM names are unique case-insensitively).
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(name))
    }

    /// A role by name.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// A group by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// The default version of a managed policy: from the dump, else AWS's managed policies
    /// from the catalog.
    pub fn managed_document(&self, arn: &str) -> Option<String> {
        if let Some(p) = self.policies.iter().find(|p| p.arn == arn) {
            let v = p
                .versions
                .iter()
                .find(|v| v.is_default)
                .or(p.versions.first())?;
            return Some(document_text(&v.document));
        }
        ssmgate_catalog::catalog()
            .managed_policy(arn)
            .map(|m| m.document.to_string())
    }

    /// Tags as a map.
    pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
        tags.iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect()
    }
}
