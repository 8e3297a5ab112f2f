//! A request's members, read from the JSON value both protocols are read into.

use serde_json::Value;

/// A string member.
pub fn string(input: &Value, name: &str) -> Option<String> {
    input.get(name).and_then(Value::as_str).map(str::to_string)
}

/// A list-of-strings member (absent: empty).
pub fn strings(input: &Value, name: &str) -> Vec<String> {
    input
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A `[{"Key", "Value"}]` member as pairs, in order; a missing value is empty.
pub fn tags(input: &Value, name: &str) -> Vec<(String, String)> {
    input
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_string(),
                t.get("Value")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            ))
        })
        .collect()
}

/// A filter list `[{key: NAME, values: VALUE or [VALUES]}]` as (name, values), for the many
/// spellings SSM's filters have (`key`/`value`, `Key`/`Values`, `FilterKey`/`FilterValues`).
pub fn filters(input: &Value, list: &str, key: &str, values: &str) -> Vec<(String, Vec<String>)> {
    input
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let name = f.get(key)?.as_str()?.to_string();
            let vals = match f.get(values) {
                Some(Value::String(one)) => vec![one.clone()],
                _ => strings(f, values),
            };
            Some((name, vals))
        })
        .collect()
}
