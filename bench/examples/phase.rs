//! W3 split into its phases, for profiling: `cargo run --release --example phase`.
use ssmgate_bench::*;
use ssmgate_policy::{parse_policy, CompiledPolicy, PolicyKind, PolicySource};

fn main() {
    let text = w3_policy();
    let n = 5000;
    let time = |label: &str, f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        println!("{label:8} {:.1} us", t.elapsed().as_secs_f64() * 1e6 / n as f64);
    };
    time("json", &mut || {
        let arena = bumpalo::Bump::with_capacity(text.len() * 4);
        std::hint::black_box(ssmgate_policy::json::parse(std::hint::black_box(&text), &arena).is_ok());
    });
    time("parse", &mut || drop(std::hint::black_box(parse_policy(std::hint::black_box(&text), PolicyKind::Identity))));
    let p = parse_policy(&text, PolicyKind::Identity).into_result().expect("valid");
    time("compile", &mut || {
        drop(std::hint::black_box(CompiledPolicy::compile(std::hint::black_box(&p), &text, PolicyKind::Identity, PolicySource::new("p", "none"))))
    });
    time("all", &mut || drop(std::hint::black_box(CompiledPolicy::from_text(std::hint::black_box(&text), PolicyKind::Identity, PolicySource::new("p", "none")))));
}
