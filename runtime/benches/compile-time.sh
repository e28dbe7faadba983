#!/usr/bin/env bash
# Compile-time benchmark of the derive: a generated crate of 200 structs x
# 12 fields, built with `derive(Versioned, Serialize)`, `derive(Serialize)`
# and no derive, in debug and release. Dependencies are built first; only
# the generated crate is timed (median of 5 alternating rounds). Prints each time and what
# Versioned adds compared with what Serialize adds.
# Usage: bash runtime/benches/compile-time.sh [structs]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
structs=${1:-200}
work=$(mktemp -d /tmp/optimist-compile-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "generated"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
optimist = { path = "$repo/runtime" }
serde = { version = "1", features = ["derive"] }

[workspace]
TOML
cp "$repo/Cargo.lock" "$work/Cargo.lock"

generate() { # $1: derive list, or empty for none
  python3 - "$structs" "$1" > "$work/src/lib.rs" <<'PY'
import sys
n, derive = int(sys.argv[1]), sys.argv[2]
print("#![allow(dead_code)]")
for i in range(n):
    if derive:
        print(f"#[derive({derive})]")
    print(f"pub struct S{i} {{ pub id: u64, pub version: u32, pub name: String, pub email: String, "
          f"pub count: u64, pub active: bool, pub note: Option<String>, pub tags: Vec<String>, "
          f"pub score: i32, pub owner: String, pub ratio: u16, pub flag: Option<bool> }}")
PY
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

cd "$work"
# Clean builds of the crate: no incremental reuse between the runs.
export CARGO_INCREMENTAL=0
for profile in debug release; do
  flag=""; [ "$profile" = release ] && flag="--release"
  generate ""
  cargo build -q $flag 2>/dev/null # dependencies, untimed
  # Variants alternate within each of 5 rounds, so that drift on the
  # machine falls on all three alike; the median of each is kept.
  declare -A runs t
  for _ in 1 2 3 4 5; do
    for variant in none serde versioned; do
      case $variant in
        none) derive="" ;;
        serde) derive="serde::Serialize" ;;
        versioned) derive="optimist::Versioned, serde::Serialize" ;;
      esac
      generate "$derive"
      start=$(date +%s.%N)
      cargo build -q $flag
      end=$(date +%s.%N)
      runs[$variant]+=" $(python3 -c "print($end - $start)")"
    done
  done
  for variant in none serde versioned; do
    # shellcheck disable=SC2086 # one word per run
    t[$variant]=$(median ${runs[$variant]})
  done
  ratio=$(python3 -c "print(round((${t[versioned]} - ${t[serde]}) / (${t[serde]} - ${t[none]}), 2))")
  total=$(python3 -c "print(round(${t[versioned]} / ${t[serde]}, 2))")
  printf '%s: no derive %.2fs, Serialize %.2fs, Versioned+Serialize %.2fs\n' "$profile" "${t[none]}" "${t[serde]}" "${t[versioned]}"
  printf '%s: time Versioned adds / time Serialize adds = %s; (Versioned+Serialize) / Serialize = %s\n' "$profile" "$ratio" "$total"
  unset runs t
done
