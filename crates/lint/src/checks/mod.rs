//! The checks, each module a family: IAM's own rules, the catalog's, Systems Manager's.

mod catalog;
mod grammar;
mod ssm;
mod syntax;

use crate::finding::Finding;
use ssmgate_catalog::Catalog;
use ssmgate_policy::model::Policy;
use ssmgate_policy::{CompiledPolicy, PolicyError};

/// What every check may look at.
pub struct Input<'a> {
    pub text: &'a str,
    pub policy: &'a Policy,
    pub compiled: &'a CompiledPolicy,
    pub catalog: &'static Catalog,
}

/// Run every check; `errors` are the parser's (what IAM itself refuses).
pub fn run(input: &Input<'_>, errors: &[PolicyError]) -> Vec<Finding> {
    let mut out = Vec::new();
    syntax::check(errors, &mut out);
    grammar::check(input, &mut out);
    catalog::check(input, &mut out);
    ssm::check(input, &mut out);
    out
}

/// Only the parser's errors, for text that is not a policy object at all.
pub fn run_syntax_only(errors: &[PolicyError], out: &mut Vec<Finding>) {
    syntax::check(errors, out);
}

/// The type the catalog gives a condition key (`String`, `Bool`, `ArrayOfString`, ...).
pub fn key_type(catalog: &Catalog, key: &str) -> Option<String> {
    if let Some(t) = catalog.global_key_type(key) {
        return Some(t.to_string());
    }
    let (prefix, _) = key.split_once(':')?;
    let service = catalog.service(prefix)?;
    service
        .condition_keys
        .iter()
        .find(|(documented, _)| key_matches(documented, key))
        .map(|(_, k)| k.key_type.clone())
}

/// Whether a documented key (possibly with `${TagKey}`) names `key`, ignoring case.
pub fn key_matches(documented: &str, key: &str) -> bool {
    match documented.find("${") {
        Some(i) => {
            let head = documented.get(..i).unwrap_or(documented);
            key.len() > head.len()
                && key
                    .get(..head.len())
                    .is_some_and(|k| k.eq_ignore_ascii_case(head))
        }
        None => documented.eq_ignore_ascii_case(key),
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let w = word.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= 3.max(w.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
