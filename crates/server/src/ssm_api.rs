//! Systems Manager's API (JSON 1.1, `AmazonSSM.<Operation>`): the dispatcher the SSM
//! operations plug into. Every operation of the model is routed here; those not built yet
//! answer `UnknownOperationException`, as AWS answers an operation it does not offer.

use crate::error::ApiResult;
use crate::service::{Authenticated, Service};
use serde_json::Value;

/// Run an SSM operation; None when ssmgate does not implement it yet.
pub fn handle(
    _op: &str,
    _svc: &Service,
    _who: &Authenticated,
    _input: &Value,
    _now: i64,
) -> Option<ApiResult<Value>> {
    None
}
