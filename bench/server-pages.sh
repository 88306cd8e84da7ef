#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/server-pages.sh: pages per second of lakeflowfs-example-server at
# --scale 1 and --scale 10000 (about a million orders). Not a test: it
# prints figures. Each run fetches N early, middle and last pages of orders
# and N since-queries over one keep-alive connection (one curl process per
# batch of URLs), so the figures are the server's, not curl's start-up.
#
# usage: bench/server-pages.sh [N]   (N pages per kind, default 200)
#   EXAMPLE_SERVER=path/to/lakeflowfs-example-server overrides the binary.
set -u
N=${1:-200}
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

# run LABEL FILE: fetches every URL in FILE over one connection and prints
# the rate.
run() {
	local t0 t1 n codes bad
	n=$(wc -l <"$2")
	t0=$(now_ns)
	codes=$(sed 's|.*|url = "&"\noutput = /dev/null|' "$2" |
		curl -s -u bench:bench -K - -w '%{http_code}\n')
	t1=$(now_ns)
	bad=$(printf '%s\n' "$codes" | grep -vcx 200)
	awk -v l="$1" -v n="$n" -v ns=$((t1 - t0)) -v bad="$bad" 'BEGIN {
		printf "  %-28s %6d pages %8.3f s %9.0f pages/s%s\n", l, n,
		ns / 1e9, n / (ns / 1e9), (bad > 0 ? "  (" bad " not 200!)" : "") }'
}

# urls SCALE: the URL lists for one scale.
urls() {
	local last=$(((103 * $1 + 39) / 40)) mid
	mid=$((last / 2))
	: >"$T/early" && : >"$T/middle" && : >"$T/last" && : >"$T/since"
	for i in $(seq 0 $((N - 1))); do
		echo "$URL/tables/orders/records?page=$((1 + i % 5))" >>"$T/early"
		echo "$URL/tables/orders/records?page=$((mid + i % 5))" >>"$T/middle"
		p=$((last - i % 5))
		[ "$p" -ge 1 ] || p=1
		echo "$URL/tables/orders/records?page=$p" >>"$T/last"
	done
	# since-queries: cursors taken from pages spread over the table.
	for i in $(seq 0 9); do
		curl -s -u bench:bench "$URL/tables/orders/records?page=$((1 + i * (last - 1) / 10))" |
			grep -o '"updated_at":"[^"]*"' | head -n 1 | cut -d'"' -f4
	done >"$T/cursors"
	for i in $(seq 0 $((N - 1))); do
		c=$(sed -n "$((1 + i % 10))p" "$T/cursors" | sed 's/+/%2B/; s/:/%3A/g')
		echo "$URL/tables/orders/records?since=$c&page=$((1 + i % 3))" >>"$T/since"
	done
}

for scale in 1 10000; do
	t0=$(now_ns)
	start_server "$scale"
	t1=$(now_ns)
	rss=$(awk '/VmRSS/ { print $2 }' /proc/"$SPID"/status 2>/dev/null)
	printf 'scale %s: %s orders, ready in %d ms, RSS %s kB\n' "$scale" \
		$((103 * scale)) $(((t1 - t0) / 1000000)) "${rss:-?}"
	urls "$scale"
	run "early pages (1-5)" "$T/early"
	run "middle pages" "$T/middle"
	run "last pages" "$T/last"
	run "since-queries" "$T/since"
	stop_server
done
