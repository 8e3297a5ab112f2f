#!/usr/bin/env bash
# Instructions a W3 policy and a W1 decision, counted by callgrind. Unlike times, the counts do
# not move with the shared machine's speed, so they compare builds across sessions. From the
# repository root:
#   bash bench/instructions.sh
# Each count is the difference of two runs of one profiling example (so start-up, loading the
# bench data and building the set cancel out), divided by the extra work of the longer run.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v valgrind >/dev/null; then
  echo "instructions: valgrind is not installed (apt-get install valgrind); counts skipped"
  exit 0
fi
cargo build --release -q --example profile_w3 --example profile_w1

# Instructions callgrind collects for one run of example $1 with argument $2.
collected() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "target/release/examples/$1" "$2" 2>&1 \
    | awk '/Collected :/ { print $NF }'
}

# W3: parse, validate and compile the 6,144-character policy, its drop included.
w3_short=$(collected profile_w3 50)
w3_long=$(collected profile_w3 100)
echo "W3: $(( (w3_long - w3_short) / 50 )) instructions a 6,144-character policy (callgrind)"

# W1: one round is the 1,200 requests of the mix.
w1_short=$(collected profile_w1 2)
w1_long=$(collected profile_w1 4)
echo "W1: $(( (w1_long - w1_short) / (2 * 1200) )) instructions a decision on the full mix (callgrind)"
