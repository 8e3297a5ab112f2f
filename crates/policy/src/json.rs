//! A strict JSON (RFC 8259) reader that keeps the span of every value and key.
//!
//! serde_json forgets positions and silently keeps the last of duplicate keys; IAM needs
//! both: positions for MatchedStatements and diagnostics, duplicates to reject them.
//!
//! The tree lives in an arena the caller provides and borrows its strings from the text: a
//! policy is read once, into the model, and the tree is thrown away, so it is built without an
//! allocation per node and dropped without a walk.

use crate::span::Span;
use bumpalo::collections::String as BumpString;
use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;

/// How deep arrays and objects may nest before the input is refused (guards the stack).
pub const MAX_DEPTH: usize = 64;

/// A JSON value with its span, borrowing from the text it was read from and from the arena.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Json<'a> {
    pub kind: JsonKind<'a>,
    pub span: Span,
}

/// The kinds of JSON value; numbers keep their source text. Strings without escapes (nearly
/// all of a policy's) are borrowed from the text; the others are decoded into the arena.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsonKind<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(&'a str),
    Array(&'a [Json<'a>]),
    Object(&'a [Member<'a>]),
}

/// One `"key": value` pair of an object, duplicates kept in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member<'a> {
    pub key: &'a str,
    pub key_span: Span,
    pub value: Json<'a>,
}

/// Why the text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    pub message: String,
    pub span: Span,
}

impl Json<'_> {
    /// The name of this value's JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

/// Parse `text` as one JSON value surrounded by optional whitespace, building the tree in
/// `arena`.
pub fn parse<'a>(text: &'a str, arena: &'a Bump) -> Result<Json<'a>, JsonError> {
    let mut p = Parser {
        arena,
        // In the arena too, sized to the text (a statement list of a managed policy's size
        // fits), so they seldom grow, and never through the allocator.
        values: BumpVec::with_capacity_in((text.len() / 100).clamp(4, 64), arena),
        members: BumpVec::with_capacity_in((text.len() / 400).clamp(4, 16), arena),
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the end of the JSON document"));
    }
    Ok(value)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `x` that is less than `n` (at most 128). Bytes after the
/// first such byte may be flagged wrongly (a borrow carries), so only the lowest flag counts.
fn bytes_below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS
}

/// The offset of the first `"`, `\\` or control character in `bytes`. Policy strings are a few
/// dozen bytes: eight at a time in a register beats setting up a vector search for each one.
fn first_special(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let flags = bytes_below(x ^ (ONES * u64::from(b'"')), 1)
            | bytes_below(x ^ (ONES * u64::from(b'\\')), 1)
            | bytes_below(x, 0x20);
        if flags != 0 {
            return Some(offset + (flags.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| offset + i)
}

struct Parser<'a> {
    arena: &'a Bump,
    /// The items and members of the arrays and objects being read, innermost last: each is
    /// copied into the arena once, at its exact size, when its container closes.
    values: BumpVec<'a, Json<'a>>,
    members: BumpVec<'a, Member<'a>>,
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error_at(&self, start: usize, message: impl Into<String>) -> JsonError {
        let end = (start + 1).min(self.bytes.len()).max(start);
        JsonError {
            message: message.into(),
            span: Span::new(start, end),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> JsonError {
        // Point at the whole offending character, not at a byte inside it.
        let start = self.pos;
        let len = self
            .src
            .get(start..)
            .and_then(|s| s.chars().next())
            .map(char::len_utf8)
            .unwrap_or(0);
        JsonError {
            message: message.into(),
            span: Span::new(start, start + len),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Json<'a>, JsonError> {
        match self.peek() {
            None => Err(self.error_here("unexpected end of input: expected a value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let start = self.pos;
                let s = self.string()?;
                Ok(Json {
                    kind: JsonKind::String(s),
                    span: Span::new(start, self.pos),
                })
            }
            Some(b't') => self.literal("true", JsonKind::Bool(true)),
            Some(b'f') => self.literal("false", JsonKind::Bool(false)),
            Some(b'n') => self.literal("null", JsonKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error_here(
                "expected a value (string, number, object, array, true, false or null)",
            )),
        }
    }

    fn literal(&mut self, word: &str, kind: JsonKind<'a>) -> Result<Json<'a>, JsonError> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(Json {
                kind,
                span: Span::new(start, self.pos),
            })
        } else {
            Err(self.error_here(format!("invalid literal: expected `{word}`")))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json<'a>, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error_here("invalid number: expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error_here("invalid number: expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error_here("invalid number: expected a digit in the exponent"));
            }
        }
        let text = self.src.get(start..self.pos).unwrap_or_default();
        Ok(Json {
            kind: JsonKind::Number(text),
            span: Span::new(start, self.pos),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.error_here("invalid \\u escape: expected 4 hex digits")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<&'a str, JsonError> {
        let open = self.pos;
        self.pos += 1; // the opening quote
        let stop = |b: &u8| *b == b'"' || *b == b'\\' || *b < 0x20;
        // The usual string, with no escape: its end found eight bytes at a time, and borrowed
        // as it stands.
        let run = self.bytes.get(self.pos..).unwrap_or_default();
        if let Some(n) = first_special(run) {
            if run.get(n) == Some(&b'"') {
                let s = self.src.get(self.pos..self.pos + n).unwrap_or_default();
                self.pos += n + 1;
                return Ok(s);
            }
        }
        let mut out = BumpString::new_in(self.arena);
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if stop(&b) {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.src.get(run_start..self.pos).unwrap_or_default());
            match self.peek() {
                None => {
                    return Err(self.error_at(open, "unterminated string: missing closing `\"`"))
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out.into_bump_str());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                                    return Err(self.error_here("unpaired surrogate in \\u escape"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error_here("unpaired surrogate in \\u escape"));
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                char::from_u32(hi)
                            };
                            match c {
                                Some(c) => out.push(c),
                                None => {
                                    return Err(self.error_here("unpaired surrogate in \\u escape"))
                                }
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.error_here("invalid escape sequence in string"));
                        }
                    }
                }
                Some(_) => {
                    return Err(self
                        .error_here("control character in string: escape it (\\n, \\t, \\u00XX)"))
                }
            }
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Move the items read since `base` into the arena.
    fn close(&mut self, base: usize) -> &'a [Json<'a>] {
        let items = self
            .arena
            .alloc_slice_copy(self.values.get(base..).unwrap_or_default());
        self.values.truncate(base);
        items
    }

    /// Move the members read since `base` into the arena.
    fn close_object(&mut self, base: usize) -> &'a [Member<'a>] {
        let members = self
            .arena
            .alloc_slice_copy(self.members.get(base..).unwrap_or_default());
        self.members.truncate(base);
        members
    }

    fn array(&mut self) -> Result<Json<'a>, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let base = self.values.len();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let item = self.value()?;
                self.values.push(item);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.error_at(start, "unterminated array: missing `]`")),
                    Some(_) => return Err(self.error_here("expected `,` or `]` in array")),
                }
            }
        }
        self.depth -= 1;
        Ok(Json {
            kind: JsonKind::Array(self.close(base)),
            span: Span::new(start, self.pos),
        })
    }

    fn object(&mut self) -> Result<Json<'a>, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let base = self.members.len();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    if self.peek().is_none() {
                        return Err(self.error_at(start, "unterminated object: missing `}`"));
                    }
                    return Err(self.error_here("expected a quoted key in object"));
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_span = Span::new(key_start, self.pos);
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(self.error_here("expected `:` after object key"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                self.members.push(Member {
                    key,
                    key_span,
                    value,
                });
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.error_at(start, "unterminated object: missing `}`")),
                    Some(_) => return Err(self.error_here("expected `,` or `}` in object")),
                }
            }
        }
        self.depth -= 1;
        Ok(Json {
            kind: JsonKind::Object(self.close_object(base)),
            span: Span::new(start, self.pos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_duplicate_keys() {
        let text = r#"{"a": [1, "x"], "a": true}"#;
        let arena = Bump::new();
        let v = parse(text, &arena).expect("valid JSON");
        let JsonKind::Object(members) = &v.kind else {
            unreachable!("an object")
        };
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].key_span, Span::new(1, 4));
        assert_eq!(members[0].value.span, Span::new(6, 14));
        assert_eq!(members[1].value.kind, JsonKind::Bool(true));
        assert_eq!(v.span, Span::new(0, text.len()));
    }

    /// The eight-at-a-time search finds the same first byte as a plain scan, wherever it is.
    #[test]
    fn first_special_agrees_with_a_plain_scan() {
        let plain = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    // Bytes around the specials that a careless bit trick confuses with them.
                    if at > 0 {
                        bytes[at - 1] = 0x20;
                    }
                    bytes[at] = special;
                    if at + 1 < len {
                        bytes[at + 1] = 0x21;
                    }
                    assert_eq!(first_special(&bytes), plain(&bytes), "{bytes:?}");
                }
            }
            let clean: Vec<u8> = (0..len).map(|i| 0x20 + (i % 90) as u8).collect();
            assert_eq!(first_special(&clean), plain(&clean));
        }
    }

    #[test]
    fn decodes_escapes_and_surrogates() {
        let arena = Bump::new();
        let v = parse(r#""a\"\u00e9\ud83d\ude00\n""#, &arena).expect("valid");
        assert_eq!(v.kind, JsonKind::String("a\"\u{e9}\u{1f600}\n"));
    }

    #[test]
    fn rejects_what_rfc_8259_rejects_with_a_position() {
        for (text, at) in [
            ("{\"a\":1,}", 7),
            ("[1 2]", 3),
            ("{'a':1}", 1),
            ("01", 1),
            ("\"abc", 0),
            ("{\"a\":1} x", 8),
            ("[1.]", 3),
            ("\"\t\"", 1),
            ("", 0),
        ] {
            let err = parse(text, &Bump::new()).expect_err(text);
            assert_eq!(err.span.start, at, "{text}: {}", err.message);
        }
    }

    #[test]
    fn refuses_nesting_past_the_limit_without_overflowing_the_stack() {
        let text = "[".repeat(100_000);
        assert!(parse(&text, &Bump::new())
            .expect_err("too deep")
            .message
            .contains("nesting"));
    }
}
