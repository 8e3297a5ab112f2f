//! How often each peer decides as ssmgate does on the W1 mix, and what each could read:
//! `cargo run --release --example agreement`.
use ssmgate_bench::peers::{cedar, iam_rs};
use ssmgate_bench::*;
use ssmgate_policy::{Decision, Request};

fn main() {
    let policies = w1_policies();
    let raw = w1_requests();
    let set = ssmgate_set(&policies).prepare();
    let arn_requests: Vec<RawRequest> = raw.iter().filter(|r| r.resource.starts_with("arn:")).cloned().collect();
    let ours: Vec<bool> = arn_requests
        .iter()
        .map(|r| {
            let c = context(&r.context);
            set.evaluate(&Request::new(&r.action, &r.resource, &c)).decision == Decision::Allowed
        })
        .collect();
    println!("W1: {} requests, {} with an ARN resource (the peers' common subset)", raw.len(), arn_requests.len());
    println!("ssmgate allows {} of them", ours.iter().filter(|a| **a).count());
    let mut mix = std::collections::BTreeMap::new();
    for r in &raw {
        let c = context(&r.context);
        *mix.entry(set.evaluate(&Request::new(&r.action, &r.resource, &c)).decision.as_str()).or_insert(0) += 1;
    }
    println!("ssmgate on the whole mix: {mix:?}");
    let iam = iam_rs(&policies, &arn_requests);
    let mut errors = 0;
    let theirs: Vec<bool> = iam
        .requests
        .iter()
        .map(|r| match iam.evaluator.evaluate(r) {
            Ok(res) => res.decision == iam_rs::Decision::Allow,
            Err(_) => {
                errors += 1;
                false
            }
        })
        .collect();
    let agree = ours.iter().zip(&theirs).filter(|(a, b)| a == b).count();
    println!("iam-rs: read {} of {} policies; {errors} evaluation errors; agrees on {agree} of {} ({:.1}%)", policies.len() - iam.unreadable, policies.len(), theirs.len(), 100.0 * agree as f64 / theirs.len() as f64);
    match cedar(&policies, &arn_requests) {
        Ok(c) => {
            let authorizer = cedar_policy::Authorizer::new();
            let theirs: Vec<bool> = c.requests.iter().map(|r| authorizer.is_authorized(r, &c.policies, &c.entities).decision() == cedar_policy::Decision::Allow).collect();
            let agree = ours.iter().zip(&theirs).filter(|(a, b)| a == b).count();
            println!("cedar: {} policies; agrees on {agree} of {} ({:.1}%)", c.policies.policies().count(), theirs.len(), 100.0 * agree as f64 / theirs.len() as f64);
        }
        Err(e) => println!("cedar: translation failed: {e}"),
    }
}
