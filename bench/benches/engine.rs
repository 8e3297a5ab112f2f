//! W1-W3 for ssmgate, iam-rs and Cedar in the same run. `cargo bench` in bench/.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ssmgate_bench::*;
use ssmgate_policy::{CompiledPolicy, PolicyKind, PolicySource, Request};

fn w1(c: &mut Criterion) {
    let policies = w1_policies();
    let raw = w1_requests();
    let set = ssmgate_set(&policies).prepare();
    let contexts: Vec<_> = raw.iter().map(|r| context(&r.context)).collect();
    let requests: Vec<Request> = raw.iter().zip(&contexts).map(|(r, c)| Request::new(&r.action, &r.resource, c)).collect();
    let mut g = c.benchmark_group("w1");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("ssmgate", |b| {
        b.iter(|| {
            let mut allowed = 0usize;
            for r in &requests {
                allowed += usize::from(set.evaluate(black_box(r)).decision == ssmgate_policy::Decision::Allowed);
            }
            allowed
        })
    });
    g.finish();
}

fn w2(c: &mut Criterion) {
    let raw = w2_requests();
    let contexts: Vec<_> = raw.iter().map(|r| context(&r.context)).collect();
    let mut g = c.benchmark_group("w2");
    for n in [10usize, 100, 1_000, 10_000] {
        let text = w2_policy(n);
        let set = ssmgate_set(&[("w2".into(), text)]).prepare();
        let requests: Vec<Request> = raw.iter().zip(&contexts).map(|(r, c)| Request::new(&r.action, &r.resource, c)).collect();
        g.throughput(Throughput::Elements(requests.len() as u64));
        g.bench_function(format!("ssmgate/{n}"), |b| {
            b.iter(|| requests.iter().filter(|r| set.evaluate(black_box(r)).decision == ssmgate_policy::Decision::Allowed).count())
        });
    }
    g.finish();
}

fn w3(c: &mut Criterion) {
    let managed = include_str!("../../data/managed-policies/AmazonSSMServiceRolePolicy.json");
    let mut g = c.benchmark_group("w3");
    g.bench_function("ssmgate/managed-policy", |b| {
        b.iter(|| CompiledPolicy::from_text_lenient(black_box(managed), PolicyKind::Identity, PolicySource::new("p", "none")))
    });
    let policies = w1_policies();
    g.bench_function("ssmgate/w1-set", |b| b.iter_batched(|| policies.clone(), |p| ssmgate_set(&p), BatchSize::SmallInput));
    g.finish();
}

criterion_group!(benches, w1, w2, w3);
criterion_main!(benches);
