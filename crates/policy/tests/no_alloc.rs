//! Evaluation allocates nothing: counted with a global allocator over every example policy.

// Test code: a panic is a failed test, which is what these lints guard against elsewhere.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use ssmgate_policy::{CompiledPolicy, Context, PolicyKind, PolicySet, PolicySource, Request};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts calls on the current thread.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn evaluation_allocates_nothing() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/policies");
    let mut policies = Vec::new();
    for e in std::fs::read_dir(dir).expect("examples") {
        let path = e.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let (p, _) = CompiledPolicy::from_text_lenient(
            &text,
            PolicyKind::Identity,
            PolicySource::new("p", "none"),
        );
        policies.push(p.expect("object"));
    }
    // A pattern longer than the matcher keeps on its stack, with a variable past that point.
    let long = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetDocument",
        "Resource":"arn:aws:ssm:*:*:document/Runbook","Condition":{"StringLike":
        {"ssm:resourceTag/Owner":"*-*-*-*-*-${aws:username}-*"}}}]}"#;
    let (p, errors) = CompiledPolicy::from_text_lenient(
        long,
        PolicyKind::Identity,
        PolicySource::new("l", "none"),
    );
    assert!(errors.is_empty(), "{errors:?}");
    policies.push(p.expect("object"));
    let set = PolicySet::identity(policies);
    let prepared = set.clone().prepare();
    let mut ctx = Context::new();
    ctx.set("aws:username", "alice")
        .set("aws:userid", "AIDAEXAMPLE")
        .set("ssm:resourceTag/Finance", "WebServers")
        .set("ssm:resourceTag/aws:ssmmessages:session-id", "alice-01")
        .set("ssm:SessionDocumentAccessCheck", "true")
        .set("ssm:resourceTag/Owner", "a-b-c-d-e-alice-f");
    let requests: Vec<Request> = [
        (
            "ssm:StartSession",
            "arn:aws:ec2:us-east-2:987654321098:instance/i-0abc",
        ),
        (
            "ssm:TerminateSession",
            "arn:aws:ssm:us-east-2:987654321098:session/alice-01",
        ),
        (
            "ssm:SendCommand",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
        ),
        ("ec2:DescribeInstances", "*"),
        ("iam:CreateUser", "*"),
        (
            "ssm:GetDocument",
            "arn:aws:ssm:us-east-1:987654321098:document/Runbook",
        ),
    ]
    .into_iter()
    .map(|(a, r)| Request::new(a, r, &ctx))
    .collect();
    let before = ALLOCATIONS.with(Cell::get);
    let mut allowed = 0;
    for _ in 0..100 {
        for r in &requests {
            allowed += usize::from(set.evaluate(r).decision == ssmgate_policy::Decision::Allowed);
            allowed +=
                usize::from(prepared.evaluate(r).decision == ssmgate_policy::Decision::Allowed);
        }
    }
    let after = ALLOCATIONS.with(Cell::get);
    assert_eq!(after - before, 0, "evaluation allocated");
    assert_eq!(
        allowed, 1000,
        "five of the six requests are allowed, by both evaluators"
    );
}
