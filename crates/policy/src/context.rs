//! The request context: condition keys and their values, typed once when the request is built.

use crate::values::{parse_binary, parse_bool, parse_date, parse_ip, parse_number, Timestamp};
use crate::wildcard::Variables;
use rustc_hash::FxHashMap as HashMap;
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
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub number: Option<f64>,
    pub date: Option<Timestamp>,
    pub boolean: Option<bool>,
    pub ip: Option<IpAddr>,
    pub binary: Option<Vec<u8>>,
}

impl Scalar {
    /// Read `text` in every way an operator may need it.
    pub fn new(text: impl Into<String>) -> Scalar {
        let text = text.into();
        Scalar {
            number: parse_number(&text),
            date: parse_date(&text),
            boolean: parse_bool(&text),
            ip: parse_ip(&text),
            binary: parse_binary(&text),
            text,
        }
    }
}

/// The values of one key: single-valued, or a list (a multivalued key).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextValue {
    pub values: Vec<Scalar>,
    /// Declared as a list type (`stringList`, `ArrayOfString`, ...).
    pub multivalued: bool,
}

/// The hash under which a lower-case key is stored; compiled conditions compute it once, so
/// looking a key up costs a probe and a comparison, not a hash of the key.
pub fn key_hash(lower: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(lower)
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: String,
    hash: u64,
    value: ContextValue,
}

/// Condition keys of a request; key names are case-insensitive.
#[derive(Debug, Clone, Default)]
pub struct Context {
    entries: hashbrown::HashTable<Entry>,
    /// Original spelling of each key, for messages and MissingContextValues.
    names: HashMap<String, String>,
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.names == other.names
            && self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .all(|e| other.get_hashed(e.hash, &e.key) == Some(&e.value))
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
                values: vec![Scalar::new(value)],
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

    /// Set a key to a prepared value.
    pub fn insert(&mut self, key: &str, value: ContextValue) -> &mut Self {
        let lower = key.to_lowercase();
        let hash = key_hash(&lower);
        self.names.insert(lower.clone(), key.to_string());
        match self.entries.find_mut(hash, |e| e.key == lower) {
            Some(e) => e.value = value,
            None => {
                self.entries.insert_unique(
                    hash,
                    Entry {
                        key: lower,
                        hash,
                        value,
                    },
                    |e| e.hash,
                );
            }
        }
        self
    }

    /// Remove a key.
    pub fn remove(&mut self, key: &str) {
        let lower = key.to_lowercase();
        if let Ok(e) = self
            .entries
            .find_entry(key_hash(&lower), |e| e.key == lower)
        {
            e.remove();
        }
        self.names.remove(&lower);
    }

    /// The value of a key given in lower case, whose [`key_hash`] is `hash`.
    pub fn get_hashed(&self, hash: u64, lower: &str) -> Option<&ContextValue> {
        self.entries
            .find(hash, |e| e.key == lower)
            .map(|e| &e.value)
    }

    /// The value of a key given in lower case.
    pub fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        self.get_hashed(key_hash(lower), lower)
    }

    /// The value of a key in any case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_lower(&key.to_lowercase())
    }

    /// Every key, in its original spelling.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.names.values().map(String::as_str)
    }

    /// Whether the context has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

impl Variables for Context {
    /// "You can't use a multivalued condition key as a variable": lists resolve to nothing.
    fn variable(&self, key: &str) -> Option<&str> {
        let v = self.get_lower(key)?;
        match v.values.as_slice() {
            [one] if !v.multivalued => Some(one.text.as_str()),
            _ => None,
        }
    }
}

/// Overlays up to this size are scanned instead of hashed.
const SCAN_LIMIT: usize = 8;

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
    pub fn value_hashed(&self, hash: u64, lower: &str) -> Option<&'a ContextValue> {
        let top = match self.top {
            // A few keys (a resource's tags) are found faster by looking than by probing.
            Some(t) if t.len() <= SCAN_LIMIT => {
                t.entries.iter().find(|e| e.key == lower).map(|e| &e.value)
            }
            Some(t) => t.get_hashed(hash, lower),
            None => None,
        };
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
        match self.top.filter(|t| t.get_lower(key).is_some()) {
            Some(t) => t.variable(key),
            None => self.base.variable(key),
        }
    }
}
