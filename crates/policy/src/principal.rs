//! Who makes a request, and how a resource-based policy's Principal element names them.

use crate::model::PrincipalBlock;

/// The kinds of principal AWS distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Root,
    User,
    AssumedRole,
    FederatedUser,
    Service,
    Anonymous,
}

/// The caller as a resource-based policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The caller's ARN: a user's ARN, an assumed-role session's ARN, the root ARN.
    pub arn: String,
    pub account: String,
    /// For a role session, the role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`).
    pub role_arn: Option<String>,
}

/// How a Principal element named the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Not named.
    No,
    /// Named through its account, `*` or its role: limited by boundaries and session policies.
    Indirect,
    /// The user, role-session or federated-user ARN itself: "not limited by an implicit deny
    /// in an identity-based policy, a permissions boundary, or session policy".
    Direct,
}

fn names(block: &PrincipalBlock, p: &Principal) -> Naming {
    if block.any {
        return Naming::Indirect;
    }
    let mut best = Naming::No;
    for (kind, value) in &block.entries {
        let v = value.value.as_str();
        let n = match kind.as_str() {
            "AWS" if v == p.arn && p.kind != PrincipalKind::Root => Naming::Direct,
            "AWS" if v == p.account || v == format!("arn:aws:iam::{}:root", p.account) => {
                Naming::Indirect
            }
            "AWS" if p.role_arn.as_deref() == Some(v) => Naming::Indirect,
            "AWS" if v == p.arn => Naming::Indirect,
            "Service" if p.kind == PrincipalKind::Service && v == p.arn => Naming::Direct,
            _ => Naming::No,
        };
        if n == Naming::Direct {
            return n;
        }
        if n == Naming::Indirect {
            best = n;
        }
    }
    best
}

/// How `block` (Principal or NotPrincipal) applies to the caller.
pub fn principal_matches(block: &PrincipalBlock, caller: Option<&Principal>) -> Naming {
    let Some(p) = caller else {
        return if block.any && !block.negated {
            Naming::Indirect
        } else {
            Naming::No
        };
    };
    let n = names(block, p);
    if block.negated {
        if n == Naming::No {
            Naming::Indirect
        } else {
            Naming::No
        }
    } else {
        n
    }
}
