//! The IAM policy language: parse JSON with positions, validate as IAM does, compile,
//! evaluate requests as AWS does, and explain each decision.
//!
//! Pure: no I/O, no async, no knowledge of any particular AWS service.

#![forbid(unsafe_code)]

pub mod arn;
pub mod compile;
pub mod condition;
pub mod context;
pub mod decision;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod inline_text;
pub mod json;
pub mod marks;
pub mod model;
pub mod operator;
pub mod parse;
pub mod prepared;
pub mod principal;
pub mod span;
pub mod trace;
pub mod values;
pub mod variables;
pub mod view;
pub mod wildcard;

pub use compile::{CompiledPolicy, PolicySource};
pub use context::{Context, ContextValue, Scalar};
pub use decision::{Decision, PolicyType, Verdict};
pub use error::{ErrorKind, PolicyError};
pub use evaluate::{PolicySet, Request};
pub use model::{Policy, PolicyKind};
pub use parse::{parse_policy, Parsed};
pub use prepared::PreparedSet;
pub use principal::{Principal, PrincipalKind};
pub use trace::Evaluation;
