#!/usr/bin/env bash
# HTTP load benchmark: the users service (optimist, SQLite, release build)
# against the baseline (same store and JSON, no optimist), driven by the
# `load` client on loopback in one run. Usage:
#   bash bench/http-load.sh [seconds per scenario] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
clients=${2:-16}
cargo build -q --release -p optimist-example-users --bin users -p optimist-bench --bin baseline --bin load
bin=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d /tmp/optimist-load.XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
start() { # $1: the binary; not in a subshell, so pids are kept
  local name=$1
  RUST_LOG=warn "$bin/$name" --port 0 --db "sqlite://$work/$name.db?mode=rwc" > "$work/$name.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q listening "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
}
url() { sed -n 's/^listening on //p' "$work/$1.out"; }
start users
start baseline
users=$(url users)
baseline=$(url baseline)
"$bin/load" --users "$users" --baseline "$baseline" --seconds "$seconds" --clients "$clients"
