//! Any text: parsing, validating and compiling must never panic, every error span must lie
//! inside the text, and compiling while reading must give what compiling the model gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssmgate_policy::{parse_policy, CompiledPolicy, PolicyKind, PolicySource};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in [PolicyKind::Identity, PolicyKind::Resource] {
        let parsed = parse_policy(text, kind);
        for e in &parsed.errors {
            assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "span out of range");
            let _ = ssmgate_policy::diagnostic::render("f", text, e.span, "error", e.kind.code(), &e.message, e.help.as_deref());
        }
        if let Some(p) = &parsed.policy {
            let compiled = CompiledPolicy::compile(p, text, kind, PolicySource::new("f", "none"));
            // Statement positions come from a forward cursor; the line index is the reference.
            let lines = ssmgate_policy::span::LineIndex::new(text);
            for s in &compiled.statements {
                let mut start = lines.position(text, s.meta.span.start);
                start.column += 1;
                assert_eq!(s.meta.start, start, "statement start position");
            }
            let (direct, errors) = CompiledPolicy::from_text_lenient(text, kind, PolicySource::new("f", "none"));
            assert_eq!(direct.as_ref(), Some(&compiled), "compiled while read");
            assert_eq!(errors, parsed.errors, "errors while read");
        }
    }
});
