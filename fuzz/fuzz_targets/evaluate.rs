//! A policy and a request from the same bytes: evaluation must never panic, and the indexed
//! (prepared) path, the plain path and the traced one must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssmgate_policy::{CompiledPolicy, Context, PolicyKind, PolicySet, PolicySource, Request};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Layout: policy \0 action \0 resource \0 key=value \0 key=value ...
    let mut parts = text.split('\0');
    let policy = parts.next().unwrap_or_default();
    let action = parts.next().unwrap_or("ssm:SendCommand");
    let resource = parts.next().unwrap_or("*");
    let mut ctx = Context::new();
    for kv in parts {
        if let Some((k, v)) = kv.split_once('=') {
            if v.contains(',') {
                ctx.set_list(k, v.split(','));
            } else {
                ctx.set(k, v);
            }
        }
    }
    let (compiled, _) = CompiledPolicy::from_text_lenient(policy, PolicyKind::Identity, PolicySource::new("f", "none"));
    let Some(compiled) = compiled else { return };
    let set = PolicySet::identity(vec![compiled]);
    let req = Request::new(action, resource, &ctx);
    let fast = set.evaluate(&req);
    let traced = set.evaluate_traced(&req);
    assert_eq!(fast, traced.verdict);
    let prepared = set.clone().prepare().evaluate(&req);
    assert_eq!(fast.decision, prepared.decision, "the index changed the decision");
    let _ = ssmgate_policy::explain::explain(&traced, action, resource);
});
