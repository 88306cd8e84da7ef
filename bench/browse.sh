#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/browse.sh: what browsing costs against a slow, large source
# (lakeflowfs-example-server --latency-ms LATENCY --scale SCALE, no
# faults). Not a test: it prints figures, each on a cold mount (a fresh
# cache), with the API calls as _status.json and the server count them.
#
#   (1) find MNT -type f: time and calls, the calls of chain refreshes
#       (listing changes/ and deletes/ refreshes them, by design) apart
#       from those of snapshots and samples (there should be none)
#   (2) ls MNT/orders, ls --color=always MNT/orders, ls -l MNT/orders
#   (3) head -n 1 MNT/orders/sample.jsonl (one call)
#   (4) how long after a SIGINT a cat waiting for orders/snapshot.jsonl
#       exits (under a second)
#   (5) ls MNT/orders while its snapshot downloads (under 0.2 s)
#
# usage: bench/browse.sh [SCALE [LATENCY_MS]]   (defaults 100, 200)
#   EXAMPLE_SERVER and LAKEFLOWFS override the binaries (default: ./).
set -u
SCALE=${1:-100}
LATENCY=${2:-200}
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
: "${LAKEFLOWFS:=./lakeflowfs}"
PY=/usr/bin/python3
for b in "$EXAMPLE_SERVER" "$LAKEFLOWFS"; do
	[ -x "$b" ] || { echo "no binary at $b (set EXAMPLE_SERVER / LAKEFLOWFS)" >&2; exit 1; }
done
for t in jq mountpoint fusermount3 "$PY"; do
	command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done

T=$(mktemp -d)
SPID="" DPID="" MNT="$T/mnt" N=0
cleanup() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null
	fi
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$MNT"
echo bench >"$T/pw"

now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# The server logs one line per request ("GET /path STATUS").
"$EXAMPLE_SERVER" --port 0 --port-file "$T/port" --error-rate 0 --seed 1 \
	--latency-ms "$LATENCY" --scale "$SCALE" >/dev/null 2>"$T/server.log" &
SPID=$!
for _ in $(seq 600); do
	[ -s "$T/port" ] && break
	kill -0 "$SPID" 2>/dev/null || { echo "the server died" >&2; exit 1; }
	sleep 0.05
done
URL="http://127.0.0.1:$(cat "$T/port")"

# cold_mount: unmounts what is mounted, mounts with a fresh cache and
# -o debug (the log says which files were made and which chains refreshed).
cold_mount() {
	if [ -n "$DPID" ]; then
		fusermount3 -u "$MNT" || fusermount3 -uz "$MNT"
		wait "$DPID" 2>/dev/null
	fi
	N=$((N + 1))
	LOG=$T/daemon.$N.log
	: >"$LOG"
	"$LAKEFLOWFS" -f "$MNT" -o url="$URL",username=bench,password_file="$T/pw" \
		-o cache_dir="$T/cache.$N",debug 2>"$LOG" &
	DPID=$!
	until grep -q "mounted on" "$LOG"; do
		kill -0 "$DPID" 2>/dev/null || { echo "lakeflowfs died:" >&2; cat "$LOG" >&2; exit 1; }
		sleep 0.05
	done
}

calls() { jq .api.calls "$MNT/_status.json"; }
server_calls() { grep -c '^GET ' "$T/server.log"; }

# measure LABEL COMMAND...: runs COMMAND and prints its time and calls;
# sets CALLS, SCALLS and LOG0 (the log line it started at).
measure() {
	local label=$1 t0 t1 c0 s0
	shift
	c0=$(calls)
	s0=$(server_calls)
	LOG0=$(wc -l <"$LOG")
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || echo "  ($label failed)"
	t1=$(now_ns)
	CALLS=$(($(calls) - c0))
	SCALLS=$(($(server_calls) - s0))
	printf '%-34s %8s s  %5d calls (server: %d)\n' "$label" "$(secs $((t1 - t0)))" \
		"$CALLS" "$SCALLS"
}

# since_log PATTERN: lines matching PATTERN the daemon logged since LOG0.
since_log() { tail -n +"$((LOG0 + 1))" "$LOG" | grep -Ec "$1"; }

echo "lakeflowfs-example-server --latency-ms $LATENCY --scale $SCALE; each on a cold mount"

# (1) find
cold_mount
measure "find MNT -type f" find "$MNT" -type f
made=$(since_log 'cache: [^ ]*/(snapshot|sample)[^ ]*: missing: making it')
refreshes=$(since_log '/(changes|deletes): refresh runs')
if [ "$made" -eq 0 ]; then
	echo "  chain refreshes: $refreshes, $CALLS calls; snapshots and samples made: 0, 0 calls"
else
	echo "  chain refreshes: $refreshes; snapshots and samples made: $made (a walk must make none)"
fi

# (2) ls, a colouring ls, ls -l
cold_mount
measure "ls MNT/orders" ls "$MNT/orders"
cold_mount
measure "ls --color=always MNT/orders" ls --color=always "$MNT/orders"
cold_mount
measure "ls -l MNT/orders" ls -l "$MNT/orders"

# (3) the cheap first look
cold_mount
measure "head -n 1 orders/sample.jsonl" head -n 1 "$MNT/orders/sample.jsonl"
echo "  (want 1 call)"

# downloading: whether _status.json lists the orders snapshot download.
downloading() {
	jq -e '.fetches[] | select(.object == "orders" and .file == "snapshot.jsonl")' \
		"$MNT/_status.json" >/dev/null 2>&1
}
wait_download() {
	for _ in $(seq 1200); do
		downloading && return
		sleep 0.01
	done
	echo "the download never showed" >&2
	exit 1
}

# (4) SIGINT of a waiting cat (one whose SIGINT is not ignored, as a shell
# in the background would have it).
cold_mount
$PY -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp("cat", ["cat", sys.argv[1]])' "$MNT/orders/snapshot.jsonl" >/dev/null 2>&1 &
reader=$!
wait_download
sleep 0.5
t0=$(now_ns)
kill -INT "$reader"
wait "$reader" 2>/dev/null
t1=$(now_ns)
for _ in $(seq 500); do downloading || break; sleep 0.01; done
printf '%-34s %8s s  (want < 1 s); the download %s\n' "cat exits after SIGINT" \
	"$(secs $((t1 - t0)))" "$(downloading && echo "still runs" || echo "stopped")"

# (5) ls of the object while its snapshot downloads
cold_mount
cat "$MNT/orders/snapshot.jsonl" >/dev/null 2>&1 &
reader=$!
wait_download
t0=$(now_ns)
ls "$MNT/orders" >/dev/null || echo "  (ls failed)"
t1=$(now_ns)
printf '%-34s %8s s  (want < 0.2 s); the download %s\n' "ls MNT/orders during its download" \
	"$(secs $((t1 - t0)))" \
	"$(downloading && echo "still ran after it" || echo "had ended: too short to tell")"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
