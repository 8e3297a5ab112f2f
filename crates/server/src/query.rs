//! The AWS Query protocol (IAM, STS): form-encoded parameters in, XML out.

#![expect(
    clippy::indexing_slicing,
    reason = "reads of serde_json values by key: a missing key or a non-object gives Null, never a panic"
)]

use crate::error::{ApiError, Fault};
use crate::model::{kind, members, ServiceModel};
use serde_json::{Map, Value};

/// The form parameters of a request body or query string, decoded.
pub fn form_pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

/// Read the parameters of `shape` from `pairs`, as botocore's Query serializer writes them:
/// `Name`, `List.member.N`, `Map.entry.N.key`/`.value`, `Struct.Member`.
pub fn read_input(model: &ServiceModel, shape: &str, pairs: &[(String, String)]) -> Value {
    read_shape(model, shape, "", pairs).unwrap_or_else(|| Value::Object(Map::new()))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn read_shape(
    model: &ServiceModel,
    shape_name: &str,
    prefix: &str,
    pairs: &[(String, String)],
) -> Option<Value> {
    let shape = model.shape(shape_name)?;
    match kind(shape) {
        "structure" => {
            let mut out = Map::new();
            for (name, target, wire) in members(shape) {
                if let Some(v) = read_shape(model, target, &join(prefix, wire), pairs) {
                    out.insert(name.to_string(), v);
                }
            }
            (prefix.is_empty() || !out.is_empty()).then_some(Value::Object(out))
        }
        "list" => {
            let item = shape["member"]["shape"].as_str()?;
            let base = format!("{prefix}.member.");
            // An empty list is sent as `Name=` with no members.
            let present = pairs.iter().any(|(k, _)| k == prefix);
            let indices = indices(pairs, &base);
            if indices.is_empty() {
                return present.then(|| Value::Array(Vec::new()));
            }
            let items = indices
                .into_iter()
                .filter_map(|i| read_shape(model, item, &format!("{base}{i}"), pairs))
                .collect();
            Some(Value::Array(items))
        }
        "map" => {
            let key = shape["key"]["shape"].as_str()?;
            let value = shape["value"]["shape"].as_str()?;
            let base = format!("{prefix}.entry.");
            let indices = indices(pairs, &base);
            if indices.is_empty() {
                return None;
            }
            let mut out = Map::new();
            for i in indices {
                let k = read_shape(model, key, &format!("{base}{i}.key"), pairs);
                let v = read_shape(model, value, &format!("{base}{i}.value"), pairs);
                if let (Some(Value::String(k)), Some(v)) = (k, v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        ty => {
            let raw = pairs.iter().find(|(k, _)| k == prefix).map(|(_, v)| v)?;
            Some(scalar(ty, raw))
        }
    }
}

/// The numbers N of the parameters `{base}N...`, in order, once each.
fn indices(pairs: &[(String, String)], base: &str) -> Vec<usize> {
    let mut out: Vec<usize> = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(base))
        .filter_map(|rest| rest.split('.').next()?.parse().ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The parameters of a Query request: its query string, then its form body.
pub fn request_pairs(query: &str, body: &[u8]) -> Vec<(String, String)> {
    let mut pairs = form_pairs(query.as_bytes());
    pairs.extend(form_pairs(body));
    pairs
}

fn scalar(ty: &str, raw: &str) -> Value {
    match ty {
        "boolean" => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.to_string()),
        },
        "integer" | "long" => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(raw.to_string())),
        _ => Value::String(raw.to_string()),
    }
}

/// Escape text for an XML element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// The XML body of a successful call of `operation` whose result is `result`.
pub fn write_response(
    model: &ServiceModel,
    operation: &str,
    result: &Value,
    request_id: &str,
) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<{operation}Response xmlns=\"{}\">",
        model.namespace()
    ));
    if let Some(op) = model.operation(operation) {
        if let (Some(output), Some(wrapper)) = (op.output, op.result_wrapper) {
            out.push_str(&format!("<{wrapper}>"));
            if let Some(shape) = model.shape(output) {
                write_members(model, shape, result, &mut out);
            }
            out.push_str(&format!("</{wrapper}>"));
        }
    }
    out.push_str(&format!(
        "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
    ));
    out
}

fn write_members(model: &ServiceModel, shape: &serde_json::Value, value: &Value, out: &mut String) {
    for (name, target, wire) in members(shape) {
        if let Some(v) = value.get(name) {
            if v.is_null() {
                continue;
            }
            out.push_str(&format!("<{wire}>"));
            write_value(model, target, v, out);
            out.push_str(&format!("</{wire}>"));
        }
    }
}

fn write_value(model: &ServiceModel, shape_name: &str, value: &Value, out: &mut String) {
    let Some(shape) = model.shape(shape_name) else {
        return;
    };
    match kind(shape) {
        "structure" => write_members(model, shape, value, out),
        "list" => {
            let item = shape["member"]["shape"].as_str().unwrap_or_default();
            let tag = shape["member"]["locationName"].as_str().unwrap_or("member");
            for v in value.as_array().into_iter().flatten() {
                out.push_str(&format!("<{tag}>"));
                write_value(model, item, v, out);
                out.push_str(&format!("</{tag}>"));
            }
        }
        "map" => {
            let value_shape = shape["value"]["shape"].as_str().unwrap_or_default();
            for (k, v) in value.as_object().into_iter().flatten() {
                out.push_str(&format!("<entry><key>{}</key><value>", escape(k)));
                write_value(model, value_shape, v, out);
                out.push_str("</value></entry>");
            }
        }
        "timestamp" => match value {
            Value::Number(n) => {
                out.push_str(&ssmgate_ssm::time::iso8601(n.as_f64().unwrap_or(0.0) as i64))
            }
            Value::String(s) => out.push_str(&escape(s)),
            _ => {}
        },
        _ => match value {
            Value::String(s) => out.push_str(&escape(s)),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&n.to_string()),
            _ => {}
        },
    }
}

/// The XML body of an error, in the namespace of `model`.
pub fn write_error(namespace: &str, error: &ApiError, request_id: &str) -> String {
    let fault = match error.fault {
        Fault::Sender => "Sender",
        Fault::Receiver => "Receiver",
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{fault}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        escape(&error.code),
        escape(&error.message)
    )
}
