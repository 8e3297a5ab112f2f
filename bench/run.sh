#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, peers included, in one run. From the repository root:
#   bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")"
echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo || true; free -h | head -2
echo "== W1-W3: ssmgate, iam-rs, Cedar (criterion)"
cargo bench --bench engine -- --warm-up-time 2 --measurement-time 5
python3 report.py
echo "== instructions (callgrind; the same whatever the machine's speed)"
bash instructions.sh
echo "== agreement of the peers with ssmgate on W1"
cargo run --release -q --example agreement
echo "== W1: @cloud-copilot/iam-simulate (Node)"
(cd node && npm ci --no-audit --no-fund --silent && node harness.mjs 2)
echo "== W4: who-can and check over 1,000 principals x 10,000 instances, as a process"
python3 gen_w4.py target/w4
(cd .. && cargo build --release -q -p ssmgate-cli)
for op in start-session send-command; do
  for i in 1 2 3; do
    /usr/bin/env time -f "who-can $op: %e s, %M KB" ../target/release/ssmgate who-can --account target/w4/auth.json --fleet target/w4/fleet.yaml "$op" --format json > /dev/null
  done
done
/usr/bin/env time -f "check start-session: %e s, %M KB" ../target/release/ssmgate check --account target/w4/auth.json --fleet target/w4/fleet.yaml --as user/user0001 ssm start-session --target i-00000000000000001 || true
