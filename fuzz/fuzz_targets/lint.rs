//! Any text: linting, fixing and every output format must never panic, and every finding's
//! span must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssmgate_lint::output::{self, FileReport};
use ssmgate_policy::PolicyKind;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let findings = ssmgate_lint::lint(text, PolicyKind::Identity);
    for f in &findings {
        assert!(f.span.start <= f.span.end && f.span.end <= text.len(), "span out of range");
    }
    let (fixed, _) = ssmgate_lint::fix::apply(text, &findings, true);
    let _ = ssmgate_lint::lint(&fixed, PolicyKind::Identity);
    let reports = [FileReport { path: "f", text, findings: &findings }];
    let _ = output::text(&reports);
    let _ = output::sarif(&reports);
});
