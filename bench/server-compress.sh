#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/server-compress.sh: what --gzip buys when the wire is the
# bottleneck. Not a test: it prints figures. lakeflowfs-example-server runs
# with --gzip and --bandwidth B (all answers share B bytes per second); N
# pages of orders are fetched over one keep-alive connection, then over P
# parallel ones, each time plain and with Accept-Encoding: gzip. The
# server's own counters give the bytes before and after compression.
#
# usage: bench/server-compress.sh [N [B [P]]]
#   (N pages, default 200; B bytes/s, default 1000000; P, default 8)
#   EXAMPLE_SERVER=path/to/lakeflowfs-example-server overrides the binary.
set -u
N=${1:-200}
B=${2:-1000000}
P=${3:-8}
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
[ -x "$EXAMPLE_SERVER" ] || { echo "no server at $EXAMPLE_SERVER (set EXAMPLE_SERVER)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

T=$(mktemp -d)
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

"$EXAMPLE_SERVER" --port 0 --port-file "$T/port" --error-rate 0 --seed 1 \
	--scale 100 --gzip --bandwidth "$B" --quiet 2>"$T/server.err" &
PID=$!
for _ in $(seq 200); do
	[ -s "$T/port" ] && break
	kill -0 "$PID" 2>/dev/null || { echo "server died" >&2; exit 1; }
	sleep 0.05
done
URL="http://127.0.0.1:$(cat "$T/port")"
for i in $(seq 1 "$N"); do
	echo "$URL/tables/orders/records?page=$i"
done >"$T/urls"

# counters: the server's body_bytes and coded_bytes so far.
counters() {
	local n
	n=$(grep -c ' stats: ' "$T/server.err")
	kill -USR1 "$PID"
	while [ "$(grep -c ' stats: ' "$T/server.err")" -le "$n" ]; do sleep 0.02; done
	grep ' stats: ' "$T/server.err" | tail -n 1 |
		sed 's/.* body_bytes=\([0-9]*\) coded_bytes=\([0-9]*\).*/\1 \2/'
}

# run LABEL PARALLEL [curl options...]: fetches every page, prints the time,
# the bytes on the wire and the rate of pages.
run() {
	local label=$1 par=$2 t0 t1 before after
	shift 2
	before=$(counters)
	t0=$(date +%s%N)
	sed 's|.*|url = "&"\noutput = /dev/null|' "$T/urls" |
		curl -s --no-progress-meter -u bench:bench "$@" --parallel --parallel-max "$par" -K - >/dev/null
	t1=$(date +%s%N)
	after=$(counters)
	set -- $before $after
	awk -v l="$label" -v n="$N" -v ns=$((t1 - t0)) -v raw=$(($3 - $1)) \
		-v wire=$(($4 - $2)) 'BEGIN {
		printf "  %-34s %7.2f s %8.1f pages/s %9.1f kB on the wire (%.1fx)\n",
		l, ns / 1e9, n / (ns / 1e9), wire / 1000, raw / wire }'
}

printf 'orders pages of 40 records, %d pages, --bandwidth %d bytes/s\n' "$N" "$B"
run "one connection, plain" 1
run "one connection, gzip" 1 --compressed
run "$P connections, plain" "$P"
run "$P connections, gzip" "$P" --compressed
