//! The ARNs Systems Manager authorizes against.

/// Where a call is made: partition, Region and the caller's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub partition: String,
    pub region: String,
    pub account: String,
}

impl Scope {
    /// The `aws` partition in `region` for `account`.
    pub fn new(region: impl Into<String>, account: impl Into<String>) -> Scope {
        Scope {
            partition: "aws".into(),
            region: region.into(),
            account: account.into(),
        }
    }
}

/// Prefixes of the documents and runbooks Amazon owns (whose ARNs have no account).
const AMAZON_PREFIXES: &[&str] = &[
    "AWS-",
    "AWSEC2-",
    "AWSSupport-",
    "AWSConfigRemediation-",
    "AWSFleetManager-",
    "AmazonCloudWatch-",
    "AmazonInspector-",
    "AWSSSO-",
    "AWSIncidents-",
    "AWSQuickStart-",
];

/// Whether a document named so belongs to Amazon; `SSM-SessionManagerRunShell` and other
/// `SSM-` session documents are the account's own (Session Manager creates them there).
pub fn is_amazon_owned(name: &str) -> bool {
    AMAZON_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// An EC2 instance (`i-...`) or a hybrid managed node (`mi-...`).
pub fn instance(scope: &Scope, region: &str, account: &str, id: &str) -> String {
    if id.starts_with("mi-") {
        format!(
            "arn:{}:ssm:{region}:{account}:managed-instance/{id}",
            scope.partition
        )
    } else {
        format!(
            "arn:{}:ec2:{region}:{account}:instance/{id}",
            scope.partition
        )
    }
}

/// A document: "Documents ... owned by Amazon do not support account-id in their ARN";
/// a name given as a full ARN (a shared document) is used as it is.
pub fn document(scope: &Scope, name: &str, amazon_owned: bool) -> String {
    if name.starts_with("arn:") {
        return name.to_string();
    }
    let account = if amazon_owned {
        ""
    } else {
        scope.account.as_str()
    };
    format!(
        "arn:{}:ssm:{}:{account}:document/{name}",
        scope.partition, scope.region
    )
}

/// A Session Manager session.
pub fn session(scope: &Scope, id: &str) -> String {
    format!(
        "arn:{}:ssm:{}:{}:session/{id}",
        scope.partition, scope.region, scope.account
    )
}

/// A runbook at a version (`$DEFAULT` when none is named).
pub fn automation_definition(
    scope: &Scope,
    name: &str,
    version: Option<&str>,
    amazon_owned: bool,
) -> String {
    let account = if amazon_owned {
        ""
    } else {
        scope.account.as_str()
    };
    let version = version.unwrap_or("$DEFAULT");
    format!(
        "arn:{}:ssm:{}:{account}:automation-definition/{name}:{version}",
        scope.partition, scope.region
    )
}

/// An automation execution.
pub fn automation_execution(scope: &Scope, id: &str) -> String {
    format!(
        "arn:{}:ssm:{}:{}:automation-execution/{id}",
        scope.partition, scope.region, scope.account
    )
}

/// A parameter (without its leading slash).
pub fn parameter(scope: &Scope, name: &str) -> String {
    format!(
        "arn:{}:ssm:{}:{}:parameter/{}",
        scope.partition,
        scope.region,
        scope.account,
        name.trim_start_matches('/')
    )
}

/// An IAM role.
pub fn role(scope: &Scope, name: &str) -> String {
    if name.starts_with("arn:") {
        return name.to_string();
    }
    format!("arn:{}:iam::{}:role/{name}", scope.partition, scope.account)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Documents and automation definition resources that are owned by Amazon do not
    /// support account-id in their ARN format."
    #[test]
    fn amazon_owned_documents_have_no_account() {
        let s = Scope::new("us-east-1", "123456789012");
        assert_eq!(
            document(&s, "AWS-RunShellScript", true),
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
        );
        assert_eq!(
            document(&s, "Mine", false),
            "arn:aws:ssm:us-east-1:123456789012:document/Mine"
        );
        assert_eq!(
            automation_definition(&s, "AWS-RestartEC2Instance", None, true),
            "arn:aws:ssm:us-east-1::automation-definition/AWS-RestartEC2Instance:$DEFAULT"
        );
    }

    /// EC2 instances are `arn:aws:ec2:REGION:ACCOUNT:instance/i-...`, hybrid nodes
    /// `arn:aws:ssm:REGION:ACCOUNT:managed-instance/mi-...`.
    #[test]
    fn instances_and_managed_nodes_have_their_own_arns() {
        let s = Scope::new("us-east-1", "123456789012");
        assert_eq!(
            instance(&s, "us-east-2", "1", "i-0abc"),
            "arn:aws:ec2:us-east-2:1:instance/i-0abc"
        );
        assert_eq!(
            instance(&s, "us-east-2", "1", "mi-0abc"),
            "arn:aws:ssm:us-east-2:1:managed-instance/mi-0abc"
        );
    }
}
