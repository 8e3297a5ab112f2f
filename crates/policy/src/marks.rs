//! Where an action holds the bytes its checks look for: `:` (after the service) and `$` (a
//! variable, not allowed there), found in one pass, eight bytes at a time.
//!
//! Every action of every policy is checked; a pass per question cost W3 more than reading the
//! JSON around the actions.

/// What [`marks`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// How many `:` there are.
    pub colons: usize,
    /// The offset of the first `:`.
    pub first_colon: Option<usize>,
    /// Whether there is a `$`.
    pub dollar: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit set in exactly those bytes of `x` that are zero (no borrow between bytes, so
/// the flags can be counted).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The high bit set in the bytes of `x` equal to `b`.
fn equal_bytes(x: u64, b: u8) -> u64 {
    zero_bytes(x ^ (ONES * u64::from(b)))
}

/// Add the marks of the eight bytes `x` (little-endian) found at `offset`.
fn add_word(m: &mut Marks, x: u64, offset: usize) {
    let colons = equal_bytes(x, b':');
    if colons != 0 {
        if m.first_colon.is_none() {
            m.first_colon = Some(offset + (colons.trailing_zeros() / 8) as usize);
        }
        m.colons += colons.count_ones() as usize;
    }
    m.dollar |= equal_bytes(x, b'$') != 0;
}

/// Calls `f` on the bytes of `bytes` eight at a time, little-endian, with their offset, until
/// it returns false. The last few bytes make one word whose high bytes are zero (no mark): the
/// string's last eight bytes shifted past those already seen, or, in a string that short, the
/// bytes themselves.
fn each_word(bytes: &[u8], mut f: impl FnMut(usize, u64) -> bool) {
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        if !f(offset, word(chunk)) {
            return;
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return;
    }
    let x = match bytes
        .len()
        .checked_sub(8)
        .and_then(|from| bytes.get(from..))
    {
        Some(last) => word(last) >> (8 * (8 - rest.len())),
        None => rest
            .iter()
            .rev()
            .fold(0u64, |x, &b| (x << 8) | u64::from(b)),
    };
    f(offset, x);
}

/// Whether `s` holds a `*` or a `?`: the same eight-byte test, for the action compiler, where
/// setting up a vector search cost more than the look at a twenty-byte action itself.
pub fn has_wildcard(s: &str) -> bool {
    let mut wild = false;
    each_word(s.as_bytes(), |_, x| {
        wild = (equal_bytes(x, b'*') | equal_bytes(x, b'?')) != 0;
        !wild
    });
    wild
}

/// The marks of `s`.
pub fn marks(s: &str) -> Marks {
    let mut m = Marks::default();
    each_word(s.as_bytes(), |offset, x| {
        add_word(&mut m, x, offset);
        true
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(s: &str) -> Marks {
        Marks {
            colons: s.bytes().filter(|&b| b == b':').count(),
            first_colon: s.find(':'),
            dollar: s.contains('$'),
        }
    }

    #[test]
    fn marks_agree_with_a_byte_by_byte_look() {
        // `;` is `:` + 1, `%` is `$` + 1, `+` is `*` + 1 and `@` is `?` + 1: the bytes a
        // borrowing test would count wrongly.
        let alphabet = [
            ":", ";", "*", "+", "?", "@", "$", "%", "a", "é", "\u{7f}", "\u{80}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..50 {
                let s: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                assert_eq!(marks(&s), reference(&s), "{s:?}");
                assert_eq!(has_wildcard(&s), s.contains(['*', '?']), "{s:?}");
            }
        }
        for s in [
            "",
            "ssm:Get*",
            "?",
            "ssm:SendCommand",
            "ssm:DescribeInstanceInformation?",
        ] {
            assert_eq!(has_wildcard(s), s.contains(['*', '?']), "{s:?}");
        }
        assert_eq!(
            marks("ssm:SendCommand"),
            Marks {
                colons: 1,
                first_colon: Some(3),
                dollar: false
            }
        );
    }
}
