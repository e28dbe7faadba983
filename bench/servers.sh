# Sourced by the load scripts: starts services in the background, finds
# the address each prints, and stops them all (and removes $work) on exit.
# Needs `bin` (the release directory) set by the caller.
work=$(mktemp -d /tmp/optimist-load.XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
start() { # $1: the binary in $bin, $2: its database URL; not in a subshell, so pids are kept
  local name=$1
  RUST_LOG=warn "$bin/$name" --port 0 --db "$2" > "$work/$name.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q listening "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
}
url() { sed -n 's/^listening on //p' "$work/$1.out"; }
