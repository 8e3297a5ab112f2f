//! Combining what each type of policy says into AWS's decision.
//!
//! Kept apart from matching so that the combining rules are tested on their own.

/// allowed, explicitDeny or implicitDeny, as the simulator names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    /// The simulator's spelling: `allowed`, `explicitDeny`, `implicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// The types of policy that take part in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    Identity,
    PermissionsBoundary,
    ServiceControl,
    /// Resource control policies of AWS Organizations.
    ResourceControl,
    Session,
    ResourceBased,
}

impl PolicyType {
    /// The words AWS uses for this type in denial messages.
    pub fn words(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
            PolicyType::Session => "session policy",
            PolicyType::ResourceBased => "resource-based policy",
        }
    }
}

/// Whether a set of policies had an applicable Allow and an applicable Deny.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    pub allow: bool,
    pub deny: bool,
}

/// What each type of policy said about one request. `None`: no such policy is in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs {
    pub identity: Effects,
    pub boundary: Option<Effects>,
    /// SCPs: whether any denies, and whether every level of the hierarchy allows.
    pub scp: Option<ScpEffects>,
    /// RCPs, read the same way as SCPs (every level must allow).
    pub rcp: Option<ScpEffects>,
    pub session: Option<Effects>,
    pub resource: Option<ResourceEffects>,
    /// The account root user, which "has full access" unless denied.
    pub caller_is_root: bool,
}

/// SCP results over the organization hierarchy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScpEffects {
    pub deny: bool,
    pub every_level_allows: bool,
}

/// Resource-based policy results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResourceEffects {
    pub allow: bool,
    pub deny: bool,
    /// The Allow named the caller's own user, role-session or federated-user ARN.
    pub allow_names_caller_directly: bool,
}

/// The decision and the policy type that decided a denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict {
    pub decision: Decision,
    /// For a denial, the type of policy to name in the message.
    pub denied_by: Option<PolicyType>,
}

impl Verdict {
    fn allowed() -> Verdict {
        Verdict {
            decision: Decision::Allowed,
            denied_by: None,
        }
    }
    fn explicit(by: PolicyType) -> Verdict {
        Verdict {
            decision: Decision::ExplicitDeny,
            denied_by: Some(by),
        }
    }
    fn implicit(by: PolicyType) -> Verdict {
        Verdict {
            decision: Decision::ImplicitDeny,
            denied_by: Some(by),
        }
    }

    /// AWS's AccessDenied message for this verdict (None when allowed).
    ///
    /// `User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no
    /// identity-based policy allows the ACTION action`, or `... with an explicit deny in a(n)
    /// TYPE`. The ` on resource: X` part is left out when there is no resource.
    pub fn denial_message(
        &self,
        caller_arn: &str,
        action: &str,
        resource: Option<&str>,
    ) -> Option<String> {
        let by = self.denied_by?;
        let on = resource
            .map(|r| format!(" on resource: {r}"))
            .unwrap_or_default();
        let why = match self.decision {
            Decision::Allowed => return None,
            Decision::ExplicitDeny => {
                let article = if by == PolicyType::Identity {
                    "an"
                } else {
                    "a"
                };
                format!("with an explicit deny in {article} {}", by.words())
            }
            Decision::ImplicitDeny => {
                format!("because no {} allows the {action} action", by.words())
            }
        };
        Some(format!(
            "User: {caller_arn} is not authorized to perform: {action}{on} {why}"
        ))
    }
}

/// Combine as AWS's evaluation logic does, in its order of steps.
pub fn combine(i: &Inputs) -> Verdict {
    // 1. "An explicit deny in any policy overrides any allows."
    if i.scp.is_some_and(|s| s.deny) {
        return Verdict::explicit(PolicyType::ServiceControl);
    }
    if i.rcp.is_some_and(|s| s.deny) {
        return Verdict::explicit(PolicyType::ResourceControl);
    }
    if i.resource.is_some_and(|r| r.deny) {
        return Verdict::explicit(PolicyType::ResourceBased);
    }
    if i.identity.deny {
        return Verdict::explicit(PolicyType::Identity);
    }
    if i.boundary.is_some_and(|b| b.deny) {
        return Verdict::explicit(PolicyType::PermissionsBoundary);
    }
    if i.session.is_some_and(|s| s.deny) {
        return Verdict::explicit(PolicyType::Session);
    }
    // 2. RCPs: "If there is no applicable Allow, the result is Deny."
    if i.rcp.is_some_and(|s| !s.every_level_allows) {
        return Verdict::implicit(PolicyType::ResourceControl);
    }
    // 3. SCPs must allow at every level of the organization.
    if i.scp.is_some_and(|s| !s.every_level_allows) {
        return Verdict::implicit(PolicyType::ServiceControl);
    }
    // "all requests are implicitly denied with the exception of the AWS account root user,
    // which has full access."
    if i.caller_is_root {
        return Verdict::allowed();
    }
    // 4. A resource-based policy that names the caller's own ARN is enough on its own.
    let resource_allows = i.resource.is_some_and(|r| r.allow);
    if i.resource
        .is_some_and(|r| r.allow && r.allow_names_caller_directly)
    {
        return Verdict::allowed();
    }
    // 5. "If either the identity-based policy or the resource-based policy within the same
    // account allows the request and the other doesn't, the request is still allowed."
    if !i.identity.allow && !resource_allows {
        return Verdict::implicit(PolicyType::Identity);
    }
    // 6. Boundaries and session policies can only take away.
    if i.boundary.is_some_and(|b| !b.allow) {
        return Verdict::implicit(PolicyType::PermissionsBoundary);
    }
    if i.session.is_some_and(|s| !s.allow) {
        return Verdict::implicit(PolicyType::Session);
    }
    Verdict::allowed()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW: Effects = Effects {
        allow: true,
        deny: false,
    };
    const DENY: Effects = Effects {
        allow: false,
        deny: true,
    };
    const NONE: Effects = Effects {
        allow: false,
        deny: false,
    };

    fn d(i: Inputs) -> Decision {
        combine(&i).decision
    }

    /// "By default, all requests are implicitly denied".
    #[test]
    fn by_default_all_requests_are_implicitly_denied() {
        assert_eq!(d(Inputs::default()), Decision::ImplicitDeny);
    }

    /// "An explicit allow in an identity-based or resource-based policy overrides this default."
    #[test]
    fn an_explicit_allow_overrides_the_default() {
        assert_eq!(
            d(Inputs {
                identity: ALLOW,
                ..Default::default()
            }),
            Decision::Allowed
        );
    }

    /// "An explicit deny in any policy overrides any allows."
    #[test]
    fn an_explicit_deny_in_any_policy_overrides_any_allows() {
        let allow_everywhere = Inputs {
            identity: ALLOW,
            boundary: Some(ALLOW),
            scp: Some(ScpEffects {
                deny: false,
                every_level_allows: true,
            }),
            rcp: None,
            session: Some(ALLOW),
            resource: Some(ResourceEffects {
                allow: true,
                deny: false,
                allow_names_caller_directly: true,
            }),
            caller_is_root: false,
        };
        assert_eq!(d(allow_everywhere), Decision::Allowed);
        let cases: [(Inputs, PolicyType); 5] = [
            (
                Inputs {
                    identity: Effects {
                        allow: true,
                        deny: true,
                    },
                    ..allow_everywhere
                },
                PolicyType::Identity,
            ),
            (
                Inputs {
                    boundary: Some(Effects {
                        allow: true,
                        deny: true,
                    }),
                    ..allow_everywhere
                },
                PolicyType::PermissionsBoundary,
            ),
            (
                Inputs {
                    scp: Some(ScpEffects {
                        deny: true,
                        every_level_allows: true,
                    }),
                    ..allow_everywhere
                },
                PolicyType::ServiceControl,
            ),
            (
                Inputs {
                    session: Some(DENY),
                    ..allow_everywhere
                },
                PolicyType::Session,
            ),
            (
                Inputs {
                    resource: Some(ResourceEffects {
                        allow: true,
                        deny: true,
                        allow_names_caller_directly: true,
                    }),
                    ..allow_everywhere
                },
                PolicyType::ResourceBased,
            ),
        ];
        for (inputs, by) in cases {
            assert_eq!(
                combine(&inputs),
                Verdict {
                    decision: Decision::ExplicitDeny,
                    denied_by: Some(by)
                }
            );
        }
    }

    /// "If a permissions boundary, Organizations SCP, or session policy is present, it might
    /// override the allow with an implicit deny."
    #[test]
    fn a_boundary_scp_or_session_policy_can_only_take_away() {
        let base = Inputs {
            identity: ALLOW,
            ..Default::default()
        };
        assert_eq!(
            combine(&Inputs {
                boundary: Some(NONE),
                ..base
            })
            .denied_by,
            Some(PolicyType::PermissionsBoundary)
        );
        assert_eq!(
            combine(&Inputs {
                session: Some(NONE),
                ..base
            })
            .denied_by,
            Some(PolicyType::Session)
        );
        assert_eq!(
            combine(&Inputs {
                scp: Some(ScpEffects {
                    deny: false,
                    every_level_allows: false
                }),
                ..base
            })
            .denied_by,
            Some(PolicyType::ServiceControl)
        );
        // A boundary alone grants nothing.
        assert_eq!(
            d(Inputs {
                boundary: Some(ALLOW),
                ..Default::default()
            }),
            Decision::ImplicitDeny
        );
    }

    /// RCPs "apply to resources in the account where they are attached. If there is no
    /// applicable Allow, the result is Deny"; their denies are explicit like any other.
    #[test]
    fn resource_control_policies_must_allow_and_their_denies_win() {
        let base = Inputs {
            identity: ALLOW,
            ..Default::default()
        };
        let every = ScpEffects {
            deny: false,
            every_level_allows: true,
        };
        assert_eq!(
            d(Inputs {
                rcp: Some(every),
                ..base
            }),
            Decision::Allowed
        );
        assert_eq!(
            combine(&Inputs {
                rcp: Some(ScpEffects {
                    every_level_allows: false,
                    ..every
                }),
                ..base
            })
            .denied_by,
            Some(PolicyType::ResourceControl)
        );
        assert_eq!(
            d(Inputs {
                rcp: Some(ScpEffects {
                    deny: true,
                    ..every
                }),
                ..base
            }),
            Decision::ExplicitDeny
        );
    }

    /// "If either the identity-based policy or the resource-based policy within the same
    /// account allows the request and the other doesn't, the request is still allowed."
    #[test]
    fn either_identity_or_resource_policy_allowing_is_enough() {
        let r = ResourceEffects {
            allow: true,
            deny: false,
            allow_names_caller_directly: false,
        };
        assert_eq!(
            d(Inputs {
                resource: Some(r),
                ..Default::default()
            }),
            Decision::Allowed
        );
    }

    /// Naming the role ARN: the grant is "limited by an implicit deny in a permissions boundary
    /// or session policy"; naming the user or session ARN: "not limited by" them.
    #[test]
    fn a_resource_policy_naming_the_caller_directly_is_not_limited_by_a_boundary() {
        let indirect = ResourceEffects {
            allow: true,
            deny: false,
            allow_names_caller_directly: false,
        };
        let direct = ResourceEffects {
            allow_names_caller_directly: true,
            ..indirect
        };
        assert_eq!(
            d(Inputs {
                resource: Some(indirect),
                boundary: Some(NONE),
                ..Default::default()
            }),
            Decision::ImplicitDeny
        );
        assert_eq!(
            d(Inputs {
                resource: Some(direct),
                boundary: Some(NONE),
                ..Default::default()
            }),
            Decision::Allowed
        );
        assert_eq!(
            d(Inputs {
                resource: Some(direct),
                session: Some(NONE),
                ..Default::default()
            }),
            Decision::Allowed
        );
    }

    /// "with the exception of the AWS account root user, which has full access" — but an
    /// explicit deny and SCPs still apply to it.
    #[test]
    fn the_root_user_has_full_access_unless_denied() {
        assert_eq!(
            d(Inputs {
                caller_is_root: true,
                ..Default::default()
            }),
            Decision::Allowed
        );
        assert_eq!(
            d(Inputs {
                caller_is_root: true,
                identity: DENY,
                ..Default::default()
            }),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn denial_messages_use_aws_wording() {
        let v = Verdict {
            decision: Decision::ImplicitDeny,
            denied_by: Some(PolicyType::Identity),
        };
        assert_eq!(
            v.denial_message("arn:aws:iam::123456789012:user/alice", "ssm:SendCommand", Some("arn:aws:ec2:us-east-1:123456789012:instance/i-1")).as_deref(),
            Some("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-1 because no identity-based policy allows the ssm:SendCommand action")
        );
        let v = Verdict {
            decision: Decision::ExplicitDeny,
            denied_by: Some(PolicyType::Identity),
        };
        assert_eq!(
            v.denial_message("arn:aws:iam::1:user/a", "ssm:StartSession", None).as_deref(),
            Some("User: arn:aws:iam::1:user/a is not authorized to perform: ssm:StartSession with an explicit deny in an identity-based policy")
        );
        let v = Verdict {
            decision: Decision::ExplicitDeny,
            denied_by: Some(PolicyType::ServiceControl),
        };
        assert!(v
            .denial_message("a", "x:Y", None)
            .is_some_and(|m| m.ends_with("with an explicit deny in a service control policy")));
    }
}
