//! Byte spans into the policy text and their line/column positions.

/// A half-open byte range `[start, end)` into the source text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets to line/column positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Lines of ASCII only, where a column is a byte offset: positions in them cost O(1)
    /// (policies are often one long line with a statement every few hundred bytes).
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        let mut ascii = Vec::new();
        let mut start = 0;
        // Line by line, so that the ASCII test runs a word at a time.
        for line in text.as_bytes().split(|&b| b == b'\n') {
            ascii.push(line.is_ascii());
            start += line.len() + 1;
            if start <= text.len() {
                line_starts.push(start);
            }
        }
        LineIndex { line_starts, ascii }
    }

    /// The position of byte `offset` in `text` (which must be the indexed text).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = if self.ascii.get(line).copied().unwrap_or(false) {
            offset - start
        } else {
            text.get(start..offset)
                .map(|s| s.chars().count())
                .unwrap_or(offset - start)
        } + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .line_starts
            .get(line)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(text.len());
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// Positions of increasing offsets, found in one forward pass: compiling needs the positions
/// of every statement once, in order, and an index of every line would cost more than that.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    text: &'a str,
    /// One line of ASCII (a minified policy): a position is its byte offset, nothing to count.
    flat: bool,
    offset: usize,
    line: usize,
    column: usize,
}

/// Characters in `bytes` (whole UTF-8 sequences): the bytes that do not continue a character.
fn chars_in(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        bytes.len()
    } else {
        bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
    }
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            flat: text.is_ascii() && memchr::memchr(b'\n', text.as_bytes()).is_none(),
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The position of byte `offset`; cheapest when offsets come in increasing order.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        if self.flat {
            return Position {
                line: 1,
                column: offset + 1,
            };
        }
        if offset < self.offset {
            (self.offset, self.line, self.column) = (0, 1, 1);
        }
        let bytes = self
            .text
            .as_bytes()
            .get(self.offset..offset)
            .unwrap_or_default();
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = 1 + chars_in(bytes.get(last + 1..).unwrap_or_default());
            }
            None => self.column += chars_in(bytes),
        }
        self.offset = offset;
        Position {
            line: self.line,
            column: self.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\n\u{e9}x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 3), Position { line: 2, column: 1 });
        // 'x' follows a two-byte character: column 2, not 3.
        assert_eq!(idx.position(text, 5), Position { line: 2, column: 2 });
        assert_eq!(idx.line_text(text, 2), "\u{e9}x");
    }

    #[test]
    fn the_cursor_agrees_with_the_line_index_forwards_and_backwards() {
        for text in [
            "{\n  \"a\": \"\u{e9}\u{e9}\",\r\n\n\t\"b\": 1}\n",
            "{\"a\":\"x\",\"b\":[1,2]}",
            "{\"a\":\"\u{e9}\",\"b\":[1,2]}",
        ] {
            let idx = LineIndex::new(text);
            let mut cursor = Cursor::new(text);
            let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            for &o in offsets.iter().chain(offsets.iter().rev()) {
                assert_eq!(cursor.position(o), idx.position(text, o), "{text:?} at {o}");
            }
            assert_eq!(cursor.position(text.len()), idx.position(text, text.len()));
        }
    }
}
