//! Checking a request against its input shape's constraints, with AWS's wording:
//! `1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: ...`.

#![expect(
    clippy::indexing_slicing,
    reason = "reads of serde_json values by key: a missing key or a non-object gives Null, never a panic"
)]

use crate::model::{kind, members, ServiceModel};
use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Every constraint `value` breaks, as AWS words each; empty when the request is valid.
pub fn violations(model: &ServiceModel, shape: &str, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(model, shape, value, "", &mut out);
    out
}

/// The message AWS gives for a list of violations.
pub fn message(violations: &[String]) -> String {
    let n = violations.len();
    format!(
        "{n} validation error{} detected: {}",
        if n == 1 { "" } else { "s" },
        violations.join("; ")
    )
}

fn camel(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn at(path: &str, name: &str) -> String {
    if path.is_empty() {
        camel(name)
    } else {
        format!("{path}.{}", camel(name))
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pattern(p: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().ok()?;
    map.entry(p.to_string())
        .or_insert_with(|| Regex::new(&format!("^(?:{p})$")).ok())
        .clone()
}

fn check(model: &ServiceModel, shape_name: &str, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(shape) = model.shape(shape_name) else {
        return;
    };
    let bad = |what: String, out: &mut Vec<String>| {
        out.push(format!(
            "Value '{}' at '{path}' failed to satisfy constraint: {what}",
            shown(value)
        ))
    };
    match kind(shape) {
        "structure" => {
            let Some(obj) = value.as_object() else {
                bad("Member must be a structure".into(), out);
                return;
            };
            for req in shape["required"].as_array().into_iter().flatten() {
                if let Some(r) = req.as_str() {
                    if obj.get(r).is_none_or(Value::is_null) {
                        out.push(format!(
                            "Value null at '{}' failed to satisfy constraint: Member must not be null",
                            at(path, r)
                        ));
                    }
                }
            }
            for (name, target, _) in members(shape) {
                if let Some(v) = obj.get(name).filter(|v| !v.is_null()) {
                    check(model, target, v, &at(path, name), out);
                }
            }
        }
        "list" => {
            let Some(items) = value.as_array() else {
                bad("Member must be a list".into(), out);
                return;
            };
            length(shape, items.len(), &bad, out);
            let item = shape["member"]["shape"].as_str().unwrap_or_default();
            for (i, v) in items.iter().enumerate() {
                check(model, item, v, &format!("{path}.{}.member", i + 1), out);
            }
        }
        "map" => {
            let Some(entries) = value.as_object() else {
                bad("Member must be a map".into(), out);
                return;
            };
            length(shape, entries.len(), &bad, out);
            let value_shape = shape["value"]["shape"].as_str().unwrap_or_default();
            for (k, v) in entries {
                check(model, value_shape, v, &format!("{path}.{k}"), out);
            }
        }
        "string" => {
            let Some(s) = value.as_str() else {
                bad("Member must be a string".into(), out);
                return;
            };
            length(shape, s.chars().count(), &bad, out);
            if let Some(p) = shape["pattern"].as_str() {
                if pattern(p).is_some_and(|re| !re.is_match(s)) {
                    bad(
                        format!("Member must satisfy regular expression pattern: {p}"),
                        out,
                    );
                }
            }
            if let Some(allowed) = shape["enum"].as_array() {
                if !allowed.iter().any(|a| a.as_str() == Some(s)) {
                    let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                    bad(
                        format!("Member must satisfy enum value set: [{}]", names.join(", ")),
                        out,
                    );
                }
            }
        }
        "integer" | "long" => {
            let Some(n) = value.as_i64() else {
                bad("Member must be a number".into(), out);
                return;
            };
            if let Some(min) = shape["min"].as_i64() {
                if n < min {
                    bad(
                        format!("Member must have value greater than or equal to {min}"),
                        out,
                    );
                }
            }
            if let Some(max) = shape["max"].as_i64() {
                if n > max {
                    bad(
                        format!("Member must have value less than or equal to {max}"),
                        out,
                    );
                }
            }
        }
        "boolean" if !value.is_boolean() => bad("Member must be a boolean".into(), out),
        _ => {}
    }
}

fn length(
    shape: &Value,
    len: usize,
    bad: &dyn Fn(String, &mut Vec<String>),
    out: &mut Vec<String>,
) {
    if let Some(min) = shape["min"].as_u64() {
        if (len as u64) < min {
            bad(
                format!("Member must have length greater than or equal to {min}"),
                out,
            );
        }
    }
    if let Some(max) = shape["max"].as_u64() {
        if (len as u64) > max {
            bad(
                format!("Member must have length less than or equal to {max}"),
                out,
            );
        }
    }
}
