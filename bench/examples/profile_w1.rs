//! Runs W1 in a loop for profilers (perf, callgrind): `cargo run --release --example profile_w1`.
use ssmgate_bench::*;
use ssmgate_policy::Request;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let policies = w1_policies();
    let raw = w1_requests();
    let set = ssmgate_set(&policies).prepare();
    let contexts: Vec<_> = raw.iter().map(|r| context(&r.context)).collect();
    let requests: Vec<Request> = raw.iter().zip(&contexts).map(|(r, c)| Request::new(&r.action, &r.resource, c)).collect();
    let mut allowed = 0usize;
    for _ in 0..rounds {
        for r in &requests {
            allowed += usize::from(set.evaluate(std::hint::black_box(r)).decision == ssmgate_policy::Decision::Allowed);
        }
    }
    println!("{allowed} allowed of {}", rounds * requests.len());
}
