#!/usr/bin/env bash
# HTTP load benchmark of the wiki (release, SQLite, wrk on loopback), in
# alternating rounds of one run:
#   - GET 200 and GET 304 of documents of 1 KB, 16 KB, 100 KB and 1 MB, on
#     optimist's wiki and on `peer` (the same read behind the body-hash
#     ETag layer of actix-middleware-etag);
#   - PUT of 1 KB and 100 KB with a stale If-Match (412 before the body is
#     read), and of 100 KB with a current one (read, parsed, compared;
#     the text is unchanged, so nothing is written).
# Prints the median req/s of each and the ratios. Needs `wrk` (Debian's
# package). Usage: bash bench/wiki-load.sh [seconds] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
connections=${2:-16}
rounds=${3:-3}
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build -q --release -p optimist-example-docs --bin docs -p optimist-bench --bin peer
bin=${CARGO_TARGET_DIR:-target}/release
# shellcheck source=bench/servers.sh
source bench/servers.sh
db="sqlite://$work/docs.db?mode=rwc"
start docs "$db"
wiki=$(url docs)
sizes=(1024 16384 102400 1048576)
names=(1KB 16KB 100KB 1MB)
for i in "${!sizes[@]}"; do
  python3 -c "import json,sys; print(json.dumps({'id': $i + 1, 'title': 'T', 'body': 'x' * ${sizes[$i]}, 'accessKey': 'key-12345'}))" > "$work/new.json"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' --data-binary "@$work/new.json" "$wiki/api/docs")
  [ "$status" = 201 ] || { echo "creating the ${names[$i]} document: $status" >&2; exit 1; }
done
start peer "$db"
peer=$(url peer)
# PUT bodies: the documents' own text, so a current If-Match changes nothing.
for i in 0 2; do
  python3 -c "import json; print(json.dumps({'title': 'T', 'body': 'x' * ${sizes[$i]}}))" > "$work/put-$((i + 1)).json"
done
cat > "$work/put.lua" <<'LUA'
wrk.method = "PUT"
wrk.body = io.open(os.getenv("BODY")):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["If-Match"] = os.getenv("IF_MATCH")
LUA
etag() { curl -s -D - -o /dev/null "$1" | tr -d '\r' | sed -n 's/^etag: //Ip'; }
check() { # $1: expected status, then curl arguments
  local want=$1; shift
  local got; got=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  [ "$got" = "$want" ] || { echo "expected $want, got $got: $*" >&2; exit 1; }
}
declare -A peer_tag
for i in "${!sizes[@]}"; do
  id=$((i + 1))
  peer_tag[$id]=$(etag "$peer/api/docs/$id")
  check 304 -H 'if-none-match: "v1"' "$wiki/api/docs/$id"
  check 304 -H "if-none-match: ${peer_tag[$id]}" "$peer/api/docs/$id"
done
check 412 -X PUT -H 'if-match: "v9"' -H 'content-type: application/json' --data-binary "@$work/put-3.json" "$wiki/api/docs/3"
check 200 -X PUT -H 'if-match: "v1"' -H 'content-type: application/json' --data-binary "@$work/put-3.json" "$wiki/api/docs/3"

rate() { # wrk's requests per second, and its socket errors if any
  local out; out=$(wrk -t2 -c"$connections" -d"${seconds}s" "$@")
  if grep -q "Socket errors" <<< "$out"; then
    echo "wrk $*: $(grep 'Socket errors' <<< "$out")" >&2
  fi
  awk '/Requests\/sec/ {print $2}' <<< "$out"
}
results="$work/results"
: > "$results"
for round in $(seq "$rounds"); do
  for i in "${!sizes[@]}"; do
    id=$((i + 1)); n=${names[$i]}
    echo "$n optimist-200 $(rate "$wiki/api/docs/$id")" >> "$results"
    echo "$n optimist-304 $(rate -H 'If-None-Match: "v1"' "$wiki/api/docs/$id")" >> "$results"
    echo "$n peer-200 $(rate "$peer/api/docs/$id")" >> "$results"
    echo "$n peer-304 $(rate -H "If-None-Match: ${peer_tag[$id]}" "$peer/api/docs/$id")" >> "$results"
  done
  echo "1KB put-stale $(BODY=$work/put-1.json IF_MATCH='"v9"' rate -s "$work/put.lua" "$wiki/api/docs/1")" >> "$results"
  echo "100KB put-stale $(BODY=$work/put-3.json IF_MATCH='"v9"' rate -s "$work/put.lua" "$wiki/api/docs/3")" >> "$results"
  echo "100KB put-fresh $(BODY=$work/put-3.json IF_MATCH='"v1"' rate -s "$work/put.lua" "$wiki/api/docs/3")" >> "$results"
  echo "round $round of $rounds done" >&2
done
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    size, what, rate = line.split()
    runs[(size, what)].append(float(rate))
m = {k: statistics.median(v) for k, v in runs.items()}
print(f"{'size':>6} {'optimist 200':>13} {'optimist 304':>13} {'304/200':>8} {'peer 200':>10} {'peer 304':>10} {'304 vs peer':>12}")
for size in ["1KB", "16KB", "100KB", "1MB"]:
    o2, o3, p2, p3 = (m[(size, w)] for w in ["optimist-200", "optimist-304", "peer-200", "peer-304"])
    print(f"{size:>6} {o2:>13.0f} {o3:>13.0f} {o3 / o2:>8.2f} {p2:>10.0f} {p3:>10.0f} {o3 / p3:>12.2f}")
print(f"304 at 1MB / 304 at 1KB = {m[('1MB', 'optimist-304')] / m[('1KB', 'optimist-304')]:.2f}")
s1, s100, f100 = m[("1KB", "put-stale")], m[("100KB", "put-stale")], m[("100KB", "put-fresh")]
print(f"PUT stale 1KB {s1:.0f}/s, stale 100KB {s100:.0f}/s, current 100KB {f100:.0f}/s")
print(f"stale 100KB / stale 1KB = {s100 / s1:.2f}; stale 100KB / current 100KB = {s100 / f100:.2f}")
PY
