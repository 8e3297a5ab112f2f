//! Checks that need to know what exists: services, actions, resource types, condition keys.

use super::{did_you_mean, key_matches, key_type, Input};
use crate::finding::{Finding, Severity};
use ssmgate_catalog::{Action, Catalog, Service};
use ssmgate_policy::arn;
use ssmgate_policy::model::{ConditionBlock, ItemList, Spanned, Statement, Text};
use ssmgate_policy::operator::Family;

/// Account ids that AWS's documentation uses in examples.
const EXAMPLE_ACCOUNTS: &[&str] = &[
    "123456789012",
    "111122223333",
    "111222333444",
    "987654321098",
    "444455556666",
    "777788889999",
    "210987654321",
    "999999999999",
];

/// Resource-name text that marks a placeholder copied from documentation.
const PLACEHOLDER_NAMES: &[&str] = &[
    "EXAMPLE",
    "instance-id",
    "document-name",
    "account-id",
    "session-id",
    "resource-id",
    "region",
];

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    for s in &i.policy.statements {
        if let Some(a) = &s.action {
            for item in &a.items {
                action(i.catalog, item, out);
            }
        }
        if let Some(r) = &s.resource {
            for item in &r.items {
                resource(item, out);
            }
        }
        resource_types(i.catalog, s, out);
        for block in &s.conditions {
            condition_keys(i.catalog, s, block, out);
        }
    }
}

/// An action resolved in the catalog: its documented name, its data, its service.
type Resolved<'c> = Option<(String, &'c Action, &'c Service)>;

/// A known action named without wildcards: (documented name, its data, its service).
fn known_action<'c>(catalog: &'c Catalog, name: &str) -> Option<(String, &'c Action, &'c Service)> {
    // Only services whose actions the catalog lists can be judged.
    let clean: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.contains(['*', '?']) {
        return None;
    }
    let (svc, _) = clean.split_once(':')?;
    let service = catalog.service(svc)?;
    let (documented, action) = catalog.action(&clean)?;
    Some((format!("{}:{documented}", service.prefix), action, service))
}

fn action(catalog: &Catalog, a: &Spanned<Text>, out: &mut Vec<Finding>) {
    let raw = a.value.as_str();
    if raw == "*" {
        return;
    }
    let clean: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if clean != raw {
        out.push(
            Finding::new(
                "action-whitespace",
                Severity::Error,
                a.span,
                format!("\"{raw}\" contains white space, so it matches no action"),
            )
            .help(format!("write \"{clean}\""))
            .fix(
                a.span,
                format!("\"{clean}\""),
                true,
                format!("write \"{clean}\""),
            ),
        );
    }
    let Some((svc, name)) = clean.split_once(':') else {
        return;
    };
    if svc.contains(['*', '?']) || svc.is_empty() {
        return;
    }
    if !catalog.is_service_prefix(svc) {
        let guess = did_you_mean(svc, catalog.service_prefixes());
        let mut f = Finding::new(
            "unknown-service",
            Severity::Error,
            a.span,
            format!("\"{svc}\" is not an AWS service prefix"),
        );
        f = match guess {
            Some(g) => f.help(format!("did you mean \"{g}\"?")),
            None => f.help("check the service prefix in the Service Authorization Reference"),
        };
        out.push(f);
        return;
    }
    let Some(service) = catalog.service(svc).filter(|s| !s.actions.is_empty()) else {
        // A real service whose actions the catalog does not list: nothing more to check.
        return;
    };
    if name.contains(['*', '?']) {
        let pattern = ssmgate_policy::compile::ActionPattern::compile(&clean);
        let any = service
            .actions
            .keys()
            .any(|n| pattern.matches(&format!("{}:{}", service.prefix, n).to_ascii_lowercase()));
        if !any {
            out.push(
                Finding::new(
                    "action-wildcard-matches-nothing",
                    Severity::Warning,
                    a.span,
                    format!("\"{clean}\" matches no {} action", service.prefix),
                )
                .help("check the pattern against the service's action names"),
            );
        }
        return;
    }
    if catalog.action(&clean).is_none() {
        let guess = did_you_mean(name, service.actions.keys().map(String::as_str));
        let mut f = Finding::new(
            "invalid-action",
            Severity::Error,
            a.span,
            format!("the action {clean} does not exist, so this grants nothing"),
        );
        if let Some(g) = guess {
            let fixed = format!("{}:{g}", service.prefix);
            f = f.help(format!("did you mean {fixed}?")).fix(
                a.span,
                format!("\"{fixed}\""),
                false,
                format!("write {fixed}"),
            );
        } else {
            f = f.help(format!(
                "see the {} actions in the Service Authorization Reference",
                service.name
            ));
        }
        out.push(f);
    }
}

fn is_region_like(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn resource(r: &Spanned<Text>, out: &mut Vec<Finding>) {
    let Some(parts) = arn::split(&r.value) else {
        return;
    };
    let wild = |s: &str| s.contains(['*', '?']) || s.contains("${");
    if parts.service.is_empty() || parts.service.contains(['*', '?']) {
        // IAM refuses it already; its other parts are not where they seem.
        return;
    }
    if let Some((ty, "")) = parts.resource.split_once('/') {
        out.push(
            Finding::new("arn-empty-resource-name", Severity::Warning, r.span, format!("\"{}\" names no {ty}: the part after the / is empty, so this ARN matches nothing", r.value))
                .help(format!("name the {ty}, or write {ty}/* for all of them")),
        );
    }
    if parts.service != parts.service.to_ascii_lowercase() {
        let fixed = r
            .value
            .replacen(parts.service, &parts.service.to_ascii_lowercase(), 1);
        out.push(
            Finding::new(
                "arn-service-case",
                Severity::Error,
                r.span,
                format!(
                    "the service name \"{}\" in this ARN must be lower case",
                    parts.service
                ),
            )
            .fix(
                r.span,
                format!("\"{fixed}\""),
                true,
                "write the service in lower case",
            ),
        );
    }
    if let Some((ty, _)) = parts.resource.split_once('/') {
        if ty.contains(['*', '?']) {
            out.push(
                Finding::new("arn-wildcard-in-resource-type", Severity::Warning, r.span, format!("the resource type \"{ty}\" has a wildcard: \"You cannot use a wildcard in the portion of the ARN that specifies the resource type\""))
                    .help("name the resource type (document, instance, session, ...) and put the wildcard after the /"),
            );
        }
    }
    if !parts.region.is_empty() && !wild(parts.region) && !is_region_like(parts.region) {
        out.push(
            Finding::new(
                "arn-placeholder-region",
                Severity::Warning,
                r.span,
                format!(
                    "\"{}\" is not a Region: this ARN matches nothing",
                    parts.region
                ),
            )
            .help("write a Region such as us-east-1, or * for every Region"),
        );
    }
    let account_ok = parts.account.is_empty()
        || wild(parts.account)
        || parts.account == "aws"
        || (parts.account.len() == 12 && parts.account.chars().all(|c| c.is_ascii_digit()));
    if !account_ok {
        out.push(
            Finding::new(
                "arn-placeholder-account",
                Severity::Warning,
                r.span,
                format!(
                    "\"{}\" is not an account id: this ARN matches nothing",
                    parts.account
                ),
            )
            .help("write the 12-digit account id, or * for any account"),
        );
    } else if EXAMPLE_ACCOUNTS.contains(&parts.account) {
        out.push(
            Finding::new(
                "arn-example-account",
                Severity::Warning,
                r.span,
                format!(
                    "{} is an account id from AWS's documentation",
                    parts.account
                ),
            )
            .help("replace it with your account id"),
        );
    }
    if let Some(p) = PLACEHOLDER_NAMES
        .iter()
        .find(|p| parts.resource.contains(*p))
    {
        out.push(
            Finding::new(
                "arn-placeholder-name",
                Severity::Warning,
                r.span,
                format!(
                    "the resource \"{}\" looks like a documentation placeholder (\"{p}\")",
                    parts.resource
                ),
            )
            .help("replace the placeholder with the real name or id"),
        );
    }
}

/// The literal part of a resource ARN format before its first variable: `document/`.
fn format_prefix(format: &str) -> Option<(String, String)> {
    let p = arn::split(format)?;
    let head = p.resource.split("${").next().unwrap_or("");
    Some((p.service.to_string(), head.to_string()))
}

/// Whether a policy resource can denote resources of the given ARN format.
fn may_denote(r: &str, format: &str) -> bool {
    if r == "*" {
        return true;
    }
    let (Some(p), Some((svc, head))) = (arn::split(r), format_prefix(format)) else {
        return false;
    };
    let pattern = ssmgate_policy::variables::tokenize(
        p.service,
        ssmgate_policy::variables::Wildcards::On,
        false,
    );
    let svc_ok = ssmgate_policy::wildcard::matches(
        &pattern,
        &svc,
        ssmgate_policy::wildcard::Case::Sensitive,
        &ssmgate_policy::wildcard::NoVariables,
    ) == Some(true);
    let lit: String = p
        .resource
        .chars()
        .take_while(|c| !matches!(c, '*' | '?' | '$'))
        .collect();
    let whole = lit.len() == p.resource.len();
    let res_ok = if whole {
        p.resource.starts_with(&head)
    } else {
        lit.starts_with(&head) || head.starts_with(&lit)
    };
    svc_ok && res_ok
}

fn resource_types(catalog: &Catalog, s: &Statement, out: &mut Vec<Finding>) {
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    if actions.negated || resources.negated || resources.items.is_empty() {
        return;
    }
    if resources
        .items
        .iter()
        .any(|r| r.value != "*" && arn::split(&r.value).is_none_or(|p| p.service.is_empty()))
    {
        // Malformed resources are IAM errors already.
        return;
    }
    let resolved: Vec<(&Spanned<Text>, Resolved<'_>)> = actions
        .items
        .iter()
        .map(|a| (a, known_action(catalog, &a.value)))
        .collect();
    let formats = |action: &Action, service: &Service| -> Vec<String> {
        action
            .resource_types
            .iter()
            .filter_map(|rt| service.resource_types.get(&rt.name).map(|t| t.arn.clone()))
            .collect()
    };
    let has_star = resources.items.iter().any(|r| r.value == "*");
    for (a, known) in &resolved {
        let Some((name, action, service)) = known else {
            continue;
        };
        if has_star {
            continue;
        }
        if action.resource_types.is_empty() {
            out.push(
                Finding::new("action-no-resource-level-permissions", Severity::Warning, a.span, format!("{name} supports no resource-level permissions (AWS checks it against \"*\"), so this statement grants nothing for it"))
                    .help(format!("move {name} to a statement with \"Resource\": \"*\"")),
            );
            continue;
        }
        let fmts = formats(action, service);
        if !resources
            .items
            .iter()
            .any(|r| fmts.iter().any(|f| may_denote(&r.value, f)))
        {
            let kinds: Vec<&str> = action
                .resource_types
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            out.push(
                Finding::new("resource-type-mismatch", Severity::Warning, a.span, format!("{name} takes {} resources, and none of this statement's resources is one: it grants nothing for {name}", kinds.join(" or ")))
                    .help(format!("add the {} ARNs {name} is checked against, or move it to its own statement", kinds.join("/"))),
            );
        }
    }
    if resolved.iter().all(|(_, k)| k.is_some()) {
        for r in &resources.items {
            let fits = resolved.iter().any(|(_, k)| {
                k.as_ref().is_some_and(|(_, action, service)| {
                    !action.resource_types.is_empty()
                        && formats(action, service)
                            .iter()
                            .any(|f| may_denote(&r.value, f))
                })
            });
            if !fits && r.value != "*" && arn::split(&r.value).is_some() {
                out.push(
                    Finding::new(
                        "resource-matches-no-action",
                        Severity::Warning,
                        r.span,
                        format!(
                            "none of this statement's actions is checked against \"{}\"",
                            r.value
                        ),
                    )
                    .help("remove it, or add the action that uses it"),
                );
            }
        }
    }
}

fn compatible(family: Family, key_type: &str) -> bool {
    let t = key_type.trim_start_matches("ArrayOf");
    match family {
        Family::String => true,
        Family::Null => true,
        Family::Arn => matches!(t, "ARN" | "String"),
        Family::Numeric => t == "Numeric",
        Family::Date => t == "Date",
        Family::Bool => t == "Bool",
        Family::Ip => t == "IPAddress",
        Family::Binary => t == "Binary",
    }
}

fn condition_keys(
    catalog: &Catalog,
    s: &Statement,
    block: &ConditionBlock,
    out: &mut Vec<Finding>,
) {
    let family = block.operator.value.base.family();
    for e in &block.entries {
        let key = e.key.value.as_str();
        let Some((prefix, _)) = key.split_once(':') else {
            continue;
        };
        if prefix.eq_ignore_ascii_case("aws") {
            if catalog.global_key_type(key).is_none() {
                out.push(
                    Finding::new(
                        "invalid-global-condition-key",
                        Severity::Error,
                        e.key.span,
                        format!(
                            "{key} is not a global condition key: the condition never sees a value"
                        ),
                    )
                    .help("check the spelling against the global condition context keys"),
                );
                continue;
            }
        } else if let Some(service) = catalog.service(prefix) {
            if !service.condition_keys.keys().any(|k| key_matches(k, key)) {
                let guess = did_you_mean(key, service.condition_keys.keys().map(String::as_str));
                let mut f = Finding::new(
                    "invalid-service-condition-key",
                    Severity::Error,
                    e.key.span,
                    format!("{key} is not a condition key of {}", service.name),
                );
                if let Some(g) = guess {
                    f = f.help(format!("did you mean {g}?"));
                }
                out.push(f);
                continue;
            }
            if let Some(actions) = s.action.as_ref().filter(|a| !a.negated) {
                supported_by_actions(catalog, actions, key, e.key.span, out);
            }
        }
        if let Some(t) = key_type(catalog, key) {
            if !compatible(family, &t) {
                out.push(
                    Finding::new(
                        "condition-type-mismatch",
                        Severity::Warning,
                        block.operator.span,
                        format!(
                            "{} compares {}, but {key} is of type {t}",
                            block.operator.value.name(),
                            family_words(family)
                        ),
                    )
                    .help("use the operator family that matches the key's type"),
                );
            }
        }
    }
}

fn family_words(f: Family) -> &'static str {
    match f {
        Family::String => "strings",
        Family::Numeric => "numbers",
        Family::Date => "dates",
        Family::Bool => "booleans",
        Family::Binary => "binary values",
        Family::Ip => "IP addresses",
        Family::Arn => "ARNs",
        Family::Null => "presence",
    }
}

fn supported_by_actions(
    catalog: &Catalog,
    actions: &ItemList,
    key: &str,
    span: ssmgate_policy::span::Span,
    out: &mut Vec<Finding>,
) {
    let resolved: Option<Vec<(String, &Action, &Service)>> = actions
        .items
        .iter()
        .map(|a| known_action(catalog, &a.value))
        .collect();
    let Some(resolved) = resolved else { return };
    let supports = |action: &Action, service: &Service| {
        action.condition_keys.iter().any(|k| key_matches(k, key))
            || action.resource_types.iter().any(|rt| {
                rt.condition_keys.iter().any(|k| key_matches(k, key))
                    || service
                        .resource_types
                        .get(&rt.name)
                        .is_some_and(|t| t.condition_keys.iter().any(|k| key_matches(k, key)))
            })
    };
    if !resolved.is_empty() && !resolved.iter().any(|(_, a, s)| supports(a, s)) {
        let names: Vec<&str> = resolved.iter().map(|(n, _, _)| n.as_str()).collect();
        out.push(
            Finding::new("condition-key-not-supported", Severity::Warning, span, format!("{key} is not available for {}: the condition never sees a value", names.join(", ")))
                .help("use a condition key that the Service Authorization Reference lists for these actions"),
        );
    }
}
