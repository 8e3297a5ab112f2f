//! Runs W3 (parse, validate, compile the 6,144-character policy) in a loop for profilers:
//! `cargo run --release --example profile_w3`.
use ssmgate_bench::*;
use ssmgate_policy::{CompiledPolicy, PolicyKind, PolicySource};

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let text = w3_policy();
    let mut statements = 0usize;
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        let p = CompiledPolicy::from_text(std::hint::black_box(&text), PolicyKind::Identity, PolicySource::new("p", "none"))
            .expect("the W3 policy compiles");
        statements += p.statements.len();
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    println!("{statements} statements over {rounds} rounds; {per:.1} µs each; {} chars", text.len());
}
