"""Summarize criterion's results (target/criterion) as a Markdown table with ratios to ssmgate."""
import json, os, sys

root = "target/criterion"

def median_ns(group, bench):
    p = os.path.join(root, group, bench, "new", "estimates.json")
    b = os.path.join(root, group, bench, "new", "benchmark.json")
    if not os.path.exists(p):
        return None, None
    est = json.load(open(p))["median"]["point_estimate"]
    elems = ((json.load(open(b)).get("throughput") or {}).get("Elements", 1)) if os.path.exists(b) else 1
    return est, elems

rows = []
for group in ["w1-full", "w1", "w2-10", "w2-100", "w2-1000", "w2-10000"]:
    ours, n = median_ns(group, "ssmgate")
    if ours is None:
        continue
    per = ours / n
    line = f"| {group} | {per:,.0f} ns"
    for peer in ["iam-rs", "cedar"]:
        t, m = median_ns(group, peer)
        line += f" | {t / m:,.0f} ns ({t / m / per:,.1f}x)" if t else " | -"
    rows.append(line + " |")
print("| workload | ssmgate per decision | iam-rs (ratio) | Cedar (ratio) |")
print("|---|---|---|---|")
print("\n".join(rows))
print()
for bench in ["ssmgate/6144-char-policy", "iam-rs/6144-char-policy", "ssmgate/w1-set"]:
    t, _ = median_ns("w3", bench.replace("/", "_"))
    if t:
        print(f"W3 {bench}: {t / 1000:,.1f} µs")
