//! Applying fixes to the policy text.

use crate::finding::Finding;

/// Apply the fixes of `findings` (only the safe ones unless `all`) to `text`; overlapping
/// fixes after the first are skipped. Returns the new text and how many fixes were applied.
pub fn apply(text: &str, findings: &[Finding], all: bool) -> (String, usize) {
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|f| all || f.safe)
        .collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut applied = 0;
    for f in fixes {
        if f.span.start < pos || f.span.end > text.len() {
            continue;
        }
        let (Some(before), true) = (
            text.get(pos..f.span.start),
            text.is_char_boundary(f.span.end),
        ) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&f.replacement);
        pos = f.span.end;
        applied += 1;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    (out, applied)
}
