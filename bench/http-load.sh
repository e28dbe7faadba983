#!/usr/bin/env bash
# HTTP load benchmark: the users service (optimist, SQLite, release build)
# against the baseline (same store and JSON, no optimist), and the wiki's
# contended likes counter against last-write-wins increments, driven by
# the `load` client on loopback in one run. Usage:
#   bash bench/http-load.sh [seconds per scenario] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
clients=${2:-16}
cargo build -q --release -p optimist-example-users --bin users -p optimist-example-docs --bin docs -p optimist-bench --bin baseline --bin load
bin=${CARGO_TARGET_DIR:-target}/release
# shellcheck source=bench/servers.sh
source bench/servers.sh
start users "sqlite://$work/users.db?mode=rwc"
start baseline "sqlite://$work/baseline.db?mode=rwc"
start docs "sqlite://$work/docs.db?mode=rwc"
users=$(url users)
baseline=$(url baseline)
"$bin/load" --users "$users" --baseline "$baseline" --docs "$(url docs)" --seconds "$seconds" --clients "$clients"
