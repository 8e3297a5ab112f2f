//! Systems Manager's own rules: for each SSM call, the checks AWS makes (action, resource,
//! context keys), who the caller is, and AWS's answer.
//!
//! Uses the policy engine and the catalog; knows nothing of HTTP.

#![forbid(unsafe_code)]

pub mod account;
pub mod arns;
pub mod authorize;
pub mod fleet;
pub mod identity;
pub mod operation;
pub mod plan;
pub mod session;
pub mod simulate;
pub mod time;
pub mod who_can;

pub use account::Account;
pub use authorize::{authorize, Outcome};
pub use fleet::Fleet;
pub use identity::{Caller, CallerSpec, RequestEnv};
pub use operation::Operation;
pub use plan::plan;
