//! Rendering a located message like a compiler: `file:line:col: severity[code]: message`,
//! the source line, a caret under the span, and the help.

use crate::span::{LineIndex, Span};

/// Render one diagnostic against `text` (named `source` in the output).
pub fn render(
    source: &str,
    text: &str,
    span: Span,
    severity: &str,
    code: &str,
    message: &str,
    help: Option<&str>,
) -> String {
    let lines = LineIndex::new(text);
    let start = lines.position(text, span.start);
    let line_text = lines.line_text(text, start.line);
    let mut out = format!(
        "{source}:{}:{}: {severity}[{code}]: {message}\n",
        start.line, start.column
    );
    // Long one-line policies: show a window around the span rather than the whole line.
    let chars: Vec<char> = line_text.chars().collect();
    let col0 = start.column.saturating_sub(1);
    let width = text
        .get(span.start..span.end.max(span.start))
        .map(|s| s.chars().take_while(|&c| c != '\n').count())
        .unwrap_or(1)
        .max(1);
    let (from, prefix) = if col0 > 60 {
        (col0 - 40, "...")
    } else {
        (0, "")
    };
    let to = (col0 + width + 40).min(chars.len()).max(from);
    let shown: String = chars
        .get(from..to)
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    let suffix = if to < chars.len() { "..." } else { "" };
    let gutter = format!("{:>4} | ", start.line);
    out.push_str(&format!("{gutter}{prefix}{shown}{suffix}\n"));
    let pad = " ".repeat(prefix.len() + (col0 - from));
    out.push_str(&format!(
        "{}| {pad}{}\n",
        " ".repeat(gutter.len() - 2),
        "^".repeat(width.min(to.saturating_sub(col0).max(1)))
    ));
    if let Some(h) = help {
        out.push_str(&format!("     = help: {h}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_span_with_a_caret() {
        let text = "{\n  \"Effect\": \"allow\"\n}";
        let r = render(
            "p.json",
            text,
            Span::new(14, 21),
            "error",
            "invalid-effect",
            "bad",
            Some("fix"),
        );
        assert_eq!(
            r,
            "p.json:2:13: error[invalid-effect]: bad\n   2 |   \"Effect\": \"allow\"\n     |             ^^^^^^^\n     = help: fix\n"
        );
    }
}
