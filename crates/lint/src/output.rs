//! Findings as text (like a compiler), JSON, or SARIF 2.1.0.

use crate::finding::{Finding, Severity};
use serde_json::{json, Value};
use ssmgate_policy::diagnostic::render;
use ssmgate_policy::span::LineIndex;

/// One linted file and its findings.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub findings: &'a [Finding],
}

/// Compiler-style text: `file:line:col: severity[code]: message`, the line, a caret, help.
pub fn text(reports: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    let mut counts = [0usize; 4];
    for r in reports {
        for f in r.findings {
            out.push_str(&render(
                r.path,
                r.text,
                f.span,
                f.severity.as_str(),
                f.code,
                &f.message,
                f.help.as_deref(),
            ));
            if let Some(fix) = &f.fix {
                let tag = if fix.safe {
                    "fix"
                } else {
                    "fix (changes permissions, apply with --fix=all)"
                };
                out.push_str(&format!("     = {tag}: {}\n", fix.description));
            }
            if let Some(p) = &f.proposal {
                out.push_str("     = proposed policy:\n");
                for line in serde_json::to_string_pretty(p).unwrap_or_default().lines() {
                    out.push_str("       ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push('\n');
            if let Some(c) = counts.get_mut(f.severity as usize) {
                *c += 1;
            }
        }
    }
    out.push_str(&format!(
        "{} file(s): {} error(s), {} security warning(s), {} warning(s), {} suggestion(s)\n",
        reports.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    ));
    out
}

fn position(text: &str, lines: &LineIndex, offset: usize) -> (usize, usize) {
    let p = lines.position(text, offset);
    (p.line, p.column)
}

/// JSON: one object per file with its findings and their positions.
pub fn json(reports: &[FileReport<'_>]) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let lines = LineIndex::new(r.text);
            let findings: Vec<Value> = r
                .findings
                .iter()
                .map(|f| {
                    let (line, column) = position(r.text, &lines, f.span.start);
                    let (end_line, end_column) = position(r.text, &lines, f.span.end);
                    json!({
                        "code": f.code,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "line": line,
                        "column": column,
                        "endLine": end_line,
                        "endColumn": end_column,
                        "offset": f.span.start,
                        "length": f.span.end - f.span.start,
                        "help": f.help,
                        "fix": f.fix.as_ref().map(|x| json!({"replacement": x.replacement, "safe": x.safe, "description": x.description, "offset": x.span.start, "length": x.span.end - x.span.start})),
                        "proposal": f.proposal,
                    })
                })
                .collect();
            json!({"path": r.path, "findings": findings})
        })
        .collect();
    json!({"files": files})
}

/// SARIF 2.1.0, as code-scanning tools take it.
pub fn sarif(reports: &[FileReport<'_>]) -> Value {
    let mut rules: Vec<(&str, Severity)> = Vec::new();
    for r in reports {
        for f in r.findings {
            if !rules.iter().any(|(c, _)| *c == f.code) {
                rules.push((f.code, f.severity));
            }
        }
    }
    let rule_values: Vec<Value> = rules
        .iter()
        .map(|(code, sev)| {
            json!({
                "id": code,
                "name": code,
                "defaultConfiguration": {"level": sev.sarif_level()},
                "properties": {"severity": sev.as_str()}
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let lines = LineIndex::new(r.text);
        for f in r.findings {
            let (line, column) = position(r.text, &lines, f.span.start);
            let (end_line, end_column) = position(r.text, &lines, f.span.end.max(f.span.start));
            let location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": r.path},
                    "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column.max(if end_line == line { column } else { 1 })}
                }
            });
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": rules.iter().position(|(c, _)| *c == f.code).unwrap_or(0),
                "level": f.severity.sarif_level(),
                "message": {"text": match &f.help { Some(h) => format!("{} ({h})", f.message), None => f.message.clone() }},
                "locations": [location],
                "properties": {"severity": f.severity.as_str()}
            });
            if let Some(fix) = &f.fix {
                let (fl, fc) = position(r.text, &lines, fix.span.start);
                let (el, ec) = position(r.text, &lines, fix.span.end);
                let fixes = json!([{
                    "description": {"text": fix.description},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": r.path},
                        "replacements": [{
                            "deletedRegion": {"startLine": fl, "startColumn": fc, "endLine": el, "endColumn": ec},
                            "insertedContent": {"text": fix.replacement}
                        }]
                    }]
                }]);
                if let Some(o) = result.as_object_mut() {
                    o.insert("fixes".into(), fixes);
                }
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ssmgate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_values
            }},
            "results": results
        }]
    })
}
