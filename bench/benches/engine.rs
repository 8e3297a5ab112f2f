//! W1-W3 for ssmgate, iam-rs and Cedar in the same run: `cargo bench` in bench/.
//!
//! W1 and W2 time whole request mixes; divide by the mix size for a decision's cost (the
//! `thrpt` line). The peers get the requests they can take: iam-rs and the Cedar translation
//! need an ARN resource, so W1 is timed for all three on that common subset.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ssmgate_bench::peers::{cedar, iam_rs};
use ssmgate_bench::*;
use ssmgate_policy::{CompiledPolicy, Decision, PolicyKind, PolicySource, Request};

fn engines(c: &mut Criterion, group: &str, policies: &[(String, String)], raw: &[RawRequest]) {
    let set = ssmgate_set(policies).prepare();
    let contexts: Vec<_> = raw.iter().map(|r| context(&r.context)).collect();
    let requests: Vec<Request> = raw.iter().zip(&contexts).map(|(r, c)| Request::new(&r.action, &r.resource, c)).collect();
    let iam = iam_rs(policies, raw);
    let cedar = cedar(policies, raw).expect("the Cedar translation parses");
    let authorizer = cedar_policy::Authorizer::new();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("ssmgate", |b| {
        b.iter(|| requests.iter().filter(|r| set.evaluate(black_box(r)).decision == Decision::Allowed).count())
    });
    g.throughput(Throughput::Elements(iam.requests.len() as u64));
    g.bench_function("iam-rs", |b| {
        b.iter(|| {
            iam.requests
                .iter()
                .filter(|r| matches!(iam.evaluator.evaluate(black_box(r)), Ok(res) if res.decision == iam_rs::Decision::Allow))
                .count()
        })
    });
    g.throughput(Throughput::Elements(cedar.requests.len() as u64));
    g.bench_function("cedar", |b| {
        b.iter(|| {
            cedar
                .requests
                .iter()
                .filter(|r| authorizer.is_authorized(black_box(r), &cedar.policies, &cedar.entities).decision() == cedar_policy::Decision::Allow)
                .count()
        })
    });
    g.finish();
}

fn w1(c: &mut Criterion) {
    let policies = w1_policies();
    let all = w1_requests();
    // ssmgate alone on the whole mix, "*" resources included.
    {
        let set = ssmgate_set(&policies).prepare();
        let contexts: Vec<_> = all.iter().map(|r| context(&r.context)).collect();
        let requests: Vec<Request> = all.iter().zip(&contexts).map(|(r, c)| Request::new(&r.action, &r.resource, c)).collect();
        let mut g = c.benchmark_group("w1-full");
        g.throughput(Throughput::Elements(requests.len() as u64));
        g.bench_function("ssmgate", |b| {
            b.iter(|| requests.iter().filter(|r| set.evaluate(black_box(r)).decision == Decision::Allowed).count())
        });
        g.finish();
    }
    let arn: Vec<RawRequest> = all.into_iter().filter(|r| r.resource.starts_with("arn:")).collect();
    engines(c, "w1", &policies, &arn);
}

fn w2(c: &mut Criterion) {
    let raw = w2_requests();
    for n in [10usize, 100, 1_000, 10_000] {
        engines(c, &format!("w2-{n}"), &[("w2".into(), w2_policy(n))], &raw);
    }
}

fn w3(c: &mut Criterion) {
    // The largest AWS-managed policy in the catalog, padded with statements to 6,144
    // characters without white space, IAM's managed-policy quota.
    let managed = w3_policy();
    let mut g = c.benchmark_group("w3");
    g.bench_function("ssmgate/6144-char-policy", |b| {
        b.iter(|| CompiledPolicy::from_text(black_box(&managed), PolicyKind::Identity, PolicySource::new("p", "none")).map(|p| p.statements.len()))
    });
    g.bench_function("iam-rs/6144-char-policy", |b| b.iter(|| iam_rs::IAMPolicy::from_json(black_box(&managed)).map(|p| p.statement.len())));
    let policies = w1_policies();
    g.bench_function("ssmgate/w1-set", |b| b.iter_batched(|| policies.clone(), |p| ssmgate_set(&p).prepare(), BatchSize::SmallInput));
    g.finish();
}

criterion_group!(benches, w1, w2, w3);
criterion_main!(benches);
