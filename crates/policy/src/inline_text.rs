//! Pattern text kept inside the compiled pattern.
//!
//! A policy names dozens of actions and ARNs; most are 25 to 64 bytes long, past what
//! [`crate::model::Text`] keeps inline (24). Each would take an allocation to compile and a
//! free to drop, which cost W3 more than the compiling itself.

use smallvec::SmallVec;

/// Text of up to `N` bytes kept inline, longer text on the heap. It is compared as bytes on
/// the evaluation path and read as `&str` only where indexes are built.
#[derive(Clone, PartialEq, Eq)]
pub struct InlineText<const N: usize>(SmallVec<[u8; N]>);

impl<const N: usize> InlineText<N> {
    /// A copy of `s`.
    pub fn new(s: &str) -> InlineText<N> {
        InlineText(SmallVec::from_slice(s.as_bytes()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes from `from` to `to`; empty when out of range.
    pub fn bytes(&self, from: usize, to: usize) -> &[u8] {
        self.0.get(from..to).unwrap_or_default()
    }

    /// The text from `from` to `to`: None when out of range or not cut at character bounds.
    pub fn str(&self, from: usize, to: usize) -> Option<&str> {
        std::str::from_utf8(self.0.get(from..to)?).ok()
    }

    /// The whole text (it was copied from a `&str`, so it always reads back).
    pub fn as_str(&self) -> &str {
        self.str(0, self.0.len()).unwrap_or_default()
    }
}

impl<const N: usize> std::fmt::Debug for InlineText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_text_read_back_as_written() {
        let long = "arn:aws:ssm:us-east-1:123456789012:document/".repeat(3);
        for s in ["", "ssm:SendCommand", "é:ü", long.as_str()] {
            let t = InlineText::<16>::new(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t.as_bytes(), s.as_bytes());
        }
        let t = InlineText::<16>::new("é:ü");
        assert_eq!(t.str(0, 2), Some("é"));
        assert_eq!(t.str(0, 1), None, "not a character boundary");
        assert_eq!(t.bytes(3, 99), b"");
    }
}
