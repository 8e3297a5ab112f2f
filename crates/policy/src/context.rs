//! The request context: condition keys and their values, typed once when the request is built.

use crate::values::{parse_binary, parse_bool, parse_date, parse_ip, parse_number, Timestamp};
use crate::wildcard::Variables;
use compact_str::CompactString;
use smallvec::SmallVec;
use std::net::IpAddr;

/// The type a context value was declared with (as `ContextKeyType` in the simulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Numeric,
    Boolean,
    Ip,
    Binary,
    Date,
}

/// One value of a context key, with every typed reading prepared ahead of evaluation.
///
/// The text is a [`CompactString`]: the values conditions compare (user names, Regions, tag
/// values, `true`) are short, so they sit inline, in the cache line the look-up already read.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: CompactString,
    pub number: Option<f64>,
    pub date: Option<Timestamp>,
    pub boolean: Option<bool>,
    pub ip: Option<IpAddr>,
    pub binary: Option<Vec<u8>>,
}

impl Scalar {
    /// Read `text` in every way an operator may need it.
    pub fn new(text: impl Into<String>) -> Scalar {
        let text: String = text.into();
        Scalar {
            number: parse_number(&text),
            date: parse_date(&text),
            boolean: parse_bool(&text),
            ip: parse_ip(&text),
            binary: parse_binary(&text),
            text: CompactString::from(text),
        }
    }
}

/// The values of a key. Nearly every key has one, which is kept inline.
pub type Scalars = SmallVec<[Scalar; 1]>;

/// The values of one key: single-valued, or a list (a multivalued key).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextValue {
    pub values: Scalars,
    /// Declared as a list type (`stringList`, `ArrayOfString`, ...).
    pub multivalued: bool,
}

impl ContextValue {
    /// The value as a policy variable: "You can't use a multivalued condition key as a
    /// variable", so a list resolves to nothing.
    pub fn variable_value(&self) -> Option<&str> {
        match self.values.as_slice() {
            [one] if !self.multivalued => Some(one.text.as_str()),
            _ => None,
        }
    }
}

/// The hash under which a lower-case key is stored; compiled conditions compute it once, so
/// looking a key up costs a scan of a few hashes and one comparison, not a hash of the key.
pub fn key_hash(lower: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(lower)
}

/// Whether `a` and `b` are the same bytes, compared eight at a time in registers: keys and values
/// are a few dozen bytes, and a call to `memcmp` for each comparison cost more than the compare.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_ne_bytes(w)
    };
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    if !ca
        .by_ref()
        .zip(cb.by_ref())
        .all(|(x, y)| word(x) == word(y))
    {
        return false;
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x == y)
}

/// Keys whose hashes are kept inside the context itself.
const INLINE_KEYS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// The key in lower case, as conditions look it up.
    key: CompactString,
    /// The key as it was given, for messages and MissingContextValues.
    name: CompactString,
    value: ContextValue,
}

/// Condition keys of a request; key names are case-insensitive.
///
/// A request has a handful of keys, and a decision looks several of them up in a context that
/// is rarely in cache: the layout is chosen for that. The keys' hashes are scanned in place
/// (one cache line for up to eight keys), and a hit lands on an entry that holds the key and,
/// for the usual single short value, the value's text too. A hash table touched three or four
/// scattered lines a look-up (control bytes, entry, key, value, text) and made W1 memory-bound.
#[derive(Debug, Clone, Default)]
pub struct Context {
    hashes: SmallVec<[u64; INLINE_KEYS]>,
    entries: Vec<Entry>,
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&self.hashes).all(|(e, &h)| {
                other
                    .find(h, &e.key)
                    .is_some_and(|o| o.name == e.name && o.value == e.value)
            })
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Set a single-valued key.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.insert(
            key,
            ContextValue {
                values: smallvec::smallvec![Scalar::new(value)],
                multivalued: false,
            },
        )
    }

    /// Set a multivalued key.
    pub fn set_list<I, S>(&mut self, key: &str, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.insert(
            key,
            ContextValue {
                values: values.into_iter().map(Scalar::new).collect(),
                multivalued: true,
            },
        )
    }

    fn position(&self, hash: u64, lower: &str) -> Option<usize> {
        self.hashes
            .iter()
            .enumerate()
            .filter(|&(_, &h)| h == hash)
            .map(|(i, _)| i)
            .find(|&i| {
                self.entries
                    .get(i)
                    .is_some_and(|e| same_text(&e.key, lower))
            })
    }

    fn find(&self, hash: u64, lower: &str) -> Option<&Entry> {
        self.position(hash, lower).and_then(|i| self.entries.get(i))
    }

    /// Set a key to a prepared value.
    pub fn insert(&mut self, key: &str, value: ContextValue) -> &mut Self {
        let lower = key.to_lowercase();
        let hash = key_hash(&lower);
        let name = CompactString::from(key);
        match self
            .position(hash, &lower)
            .and_then(|i| self.entries.get_mut(i))
        {
            Some(e) => {
                e.name = name;
                e.value = value;
            }
            None => {
                self.hashes.push(hash);
                self.entries.push(Entry {
                    key: lower.into(),
                    name,
                    value,
                });
            }
        }
        self
    }

    /// Remove a key.
    pub fn remove(&mut self, key: &str) {
        let lower = key.to_lowercase();
        if let Some(i) = self.position(key_hash(&lower), &lower) {
            self.hashes.remove(i);
            self.entries.remove(i);
        }
    }

    /// The value of a key given in lower case, whose [`key_hash`] is `hash`.
    #[inline]
    pub fn get_hashed(&self, hash: u64, lower: &str) -> Option<&ContextValue> {
        self.find(hash, lower).map(|e| &e.value)
    }

    /// The value of a key given in lower case.
    pub fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        self.get_hashed(key_hash(lower), lower)
    }

    /// The value of a key in any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_lower(&key.to_lowercase())
    }

    /// Every key, in its original spelling, in the order they were set.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    /// Whether the context has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Variables for Context {
    /// "You can't use a multivalued condition key as a variable": lists resolve to nothing.
    fn variable(&self, key: &str) -> Option<&str> {
        self.variable_hashed(key_hash(key), key)
    }

    fn variable_hashed(&self, hash: u64, key: &str) -> Option<&str> {
        self.get_hashed(hash, key)?.variable_value()
    }
}

/// Reading condition keys: a context alone, or one laid over another.
pub trait Lookup: Variables {
    /// The value of a key given in lower case.
    fn get_lower(&self, lower: &str) -> Option<&ContextValue>;
    /// The same, with the key's [`key_hash`] computed ahead.
    fn get_hashed(&self, hash: u64, lower: &str) -> Option<&ContextValue>;
}

impl Lookup for Context {
    fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        Context::get_lower(self, lower)
    }
    fn get_hashed(&self, hash: u64, lower: &str) -> Option<&ContextValue> {
        Context::get_hashed(self, hash, lower)
    }
}

/// A request's keys: `top` (what one check adds, such as a resource's tags) over `base`
/// (what every request of the caller has), without copying either.
#[derive(Debug, Clone, Copy)]
pub struct Layered<'a> {
    pub top: Option<&'a Context>,
    pub base: &'a Context,
}

impl<'a> Layered<'a> {
    /// The value of a key given in lower case, borrowed from the contexts themselves.
    pub fn value(&self, lower: &str) -> Option<&'a ContextValue> {
        self.value_hashed(key_hash(lower), lower)
    }

    /// [`Layered::value`] with the key's hash computed ahead.
    #[inline]
    pub fn value_hashed(&self, hash: u64, lower: &str) -> Option<&'a ContextValue> {
        let top = self.top.and_then(|t| t.get_hashed(hash, lower));
        top.or_else(|| self.base.get_hashed(hash, lower))
    }
}

impl Lookup for Layered<'_> {
    fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        self.value(lower)
    }
    fn get_hashed(&self, hash: u64, lower: &str) -> Option<&ContextValue> {
        self.value_hashed(hash, lower)
    }
}

impl Variables for Layered<'_> {
    fn variable(&self, key: &str) -> Option<&str> {
        self.variable_hashed(key_hash(key), key)
    }

    /// The top context's value when it has the key, even a list (which resolves to nothing).
    fn variable_hashed(&self, hash: u64, key: &str) -> Option<&str> {
        self.value_hashed(hash, key)?.variable_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The register-wide comparison agrees with `==` at every length and every differing byte.
    #[test]
    fn same_text_agrees_with_equality() {
        for len in 0..40 {
            let a: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            assert!(same_text(&a, &a.clone()));
            assert!(!same_text(&a, &format!("{a}x")));
            for at in 0..len {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                let b = String::from_utf8(b).expect("ASCII");
                assert_eq!(same_text(&a, &b), a == b, "{a} vs {b}");
            }
        }
        assert!(same_text("r\u{e9}gion", "r\u{e9}gion"));
        assert!(!same_text("r\u{e9}gion", "r\u{e8}gion"));
    }

    /// "Condition key names are not case-sensitive": a key set in one case is found in another.
    #[test]
    fn condition_keys_are_found_in_any_case() {
        let mut c = Context::new();
        c.set("aws:RequestedRegion", "us-east-1");
        for i in 0..20 {
            c.set(&format!("ssm:resourceTag/k{i}"), "v");
        }
        assert_eq!(
            c.get("AWS:requestedregion")
                .map(|v| v.values[0].text.as_str()),
            Some("us-east-1")
        );
        assert!(c.get("ssm:resourcetag/K19").is_some());
        c.remove("SSM:RESOURCETAG/k3");
        assert!(c.get("ssm:resourceTag/k3").is_none());
        assert_eq!(
            c.keys().next(),
            Some("aws:RequestedRegion"),
            "keys keep their order"
        );
    }
}
