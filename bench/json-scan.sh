#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/json-scan.sh: what turning pages into records costs. Not a test: it
# prints figures.
#
#   (1) parsers: bench/json-scan.c, built here against the build's library,
#       runs each candidate over real page bodies fetched from the simulated
#       server (orders as served; the same pretty-printed by jq; metrics with
#       its nested struct and nulls; orders whose strings carry escapes and
#       unicode, once \u-escaped and once as raw UTF-8) and prints CPU
#       microseconds per record and MB/s of page bodies;
#   (2) end to end, at --scale SCALE --latency-ms 2: the daemon's CPU
#       seconds (utime + stime from /proc/PID/stat) for a cold
#       `cat orders/snapshot.jsonl`, per record, and for the first `ls -l`
#       after it, which makes snapshot.csv.
#
# usage: bench/json-scan.sh [PAGES [SECONDS [SCALE]]]
#   from the build directory; defaults 250 pages per set, 3 s per candidate
#   and set, --scale 10000 (SCALE 0 skips (2)). EXAMPLE_SERVER, LAKEFLOWFS
#   and CC override the binaries and the compiler.
set -u
PAGES=${1:-250}
SECONDS_PER=${2:-3}
SCALE=${3:-10000}
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
: "${LAKEFLOWFS:=./lakeflowfs}"
: "${CC:=cc}"
top=$(cd "$(dirname "$0")/.." && pwd)
for b in "$EXAMPLE_SERVER" "$LAKEFLOWFS" ./liblakeflowfs.a ./libcommon.a ./config.h; do
	[ -e "$b" ] || { echo "no $b: run from the build directory (or set EXAMPLE_SERVER / LAKEFLOWFS)" >&2; exit 1; }
done
for t in curl jq mountpoint fusermount3 /usr/bin/python3; do
	command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done

T=$(mktemp -d)
SPID="" DPID="" MNT="$T/mnt"
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
# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }

# start_server SCALE LATENCY: sets URL.
start_server() {
	rm -f "$T/port"
	"$EXAMPLE_SERVER" --port 0 --port-file "$T/port" --error-rate 0 \
		--latency-ms "$2" --seed 1 --quiet --scale "$1" &
	SPID=$!
	for _ in $(seq 600); do
		[ -s "$T/port" ] && break
		kill -0 "$SPID" 2>/dev/null || { echo "server died" >&2; exit 1; }
		sleep 0.05
	done
	URL="http://127.0.0.1:$(cat "$T/port")"
}

stop_server() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
}

# ------------------------------------------------------------ (1) parsers ---
yajl_flags=""
if pkg-config --exists yajl 2>/dev/null; then
	yajl_flags="-DHAVE_YAJL $(pkg-config --libs yajl)"
else
	echo "(yajl is not installed: Debian libyajl-dev adds candidate (c))"
fi
# shellcheck disable=SC2086 # word splitting of the flags is wanted
"$CC" -O2 -std=c11 -D_GNU_SOURCE -include ./config.h -I"$top/src" -I"$top/tests/unit" \
	-o "$T/json-scan" "$top/bench/json-scan.c" "$top/tests/unit/jsonc_ref.c" \
	./liblakeflowfs.a ./libcommon.a $(pkg-config --cflags --libs json-c fuse3) \
	-lcsv $yajl_flags -lm || { echo "building json-scan failed" >&2; exit 1; }

start_server 10000 0
# fetch TABLE DIR: pages 1..PAGES of TABLE into DIR/N.json, one connection.
fetch() {
	mkdir -p "$2"
	for p in $(seq "$PAGES"); do
		printf 'url = "%s/tables/%s/records?page=%d"\noutput = "%s/%d.json"\n' \
			"$URL" "$1" "$p" "$2" "$p"
	done | curl -s -u bench:bench -K - || { echo "fetching $1 failed" >&2; exit 1; }
}
fetch orders "$T/orders"
fetch metrics "$T/metrics"
stop_server
mkdir -p "$T/pretty" "$T/escaped" "$T/utf8"
for f in "$T"/orders/*.json; do
	jq . "$f" >"$T/pretty/${f##*/}"
done
# Orders whose strings hold quotes, a newline, accents, CJK and an emoji.
/usr/bin/python3 - "$T" <<'PY'
import glob, json, os, sys
t = sys.argv[1]
extra = ' "caf\u00e9"\n\u65e5\u672c \U0001F600'
for f in glob.glob(t + "/orders/*.json"):
    page = json.load(open(f))
    for r in page["records"]:
        for k in ("order_id", "status"):
            if isinstance(r.get(k), str):
                r[k] += extra
    name = os.path.basename(f)
    with open(t + "/escaped/" + name, "w") as out:
        json.dump(page, out, ensure_ascii=True, separators=(",", ":"))
    with open(t + "/utf8/" + name, "w", encoding="utf-8") as out:
        json.dump(page, out, ensure_ascii=False, separators=(",", ":"))
PY

echo "(1) parsers: CPU per record (best of 3), $PAGES pages per set"
for set in orders pretty metrics escaped utf8; do
	table=orders
	[ "$set" = metrics ] && table=metrics
	echo " $set ($(cat "$T/$set"/*.json | wc -c) bytes)"
	"$T/json-scan" "$SECONDS_PER" "$table" "$T/$set"/*.json
done

# -------------------------------------------------------- (2) end to end ---
[ "$SCALE" -gt 0 ] || exit 0
start_server "$SCALE" 2
"$LAKEFLOWFS" -f "$MNT" -o url="$URL",username=bench,password_file="$T/pw" \
	-o cache_dir="$T/cache" 2>>"$T/daemon.log" &
DPID=$!
for _ in $(seq 600); do
	mountpoint -q "$MNT" && break
	kill -0 "$DPID" 2>/dev/null || { echo "lakeflowfs died:" >&2; cat "$T/daemon.log" >&2; exit 1; }
	sleep 0.05
done
ls "$MNT" >/dev/null
c0=$(cpu_ticks "$DPID") s0=$(cpu_ticks "$SPID") t0=$(now_ns)
cat "$MNT/orders/snapshot.jsonl" >/dev/null || { echo "cat failed" >&2; exit 1; }
t1=$(now_ns) c1=$(cpu_ticks "$DPID") s1=$(cpu_ticks "$SPID")
cache_file=$(find "$T/cache" -path '*orders*' -name snapshot.jsonl | head -n 1)
recs=$(wc -l <"$cache_file")
bytes=$(stat -c %s "$cache_file")
t2=$(now_ns)
ls -l "$MNT/orders" >/dev/null
t3=$(now_ns) c2=$(cpu_ticks "$DPID")
awk -v r="$recs" -v b="$bytes" -v tk="$(getconf CLK_TCK)" -v c0="$c0" -v c1="$c1" \
	-v c2="$c2" -v s0="$s0" -v s1="$s1" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
	-v t3="$t3" -v s="$SCALE" 'BEGIN {
	printf "(2) end to end, --scale %d --latency-ms 2, %d orders, %.1f MB\n", s, r, b / 1e6
	printf "  cold cat snapshot.jsonl: %.2f s; daemon CPU %.2f s = %.2f us per record; server CPU %.2f s\n",
		(t1 - t0) / 1e9, (c1 - c0) / tk, (c1 - c0) / tk / r * 1e6, (s1 - s0) / tk
	printf "  first ls -l (makes snapshot.csv): %.2f s; daemon CPU %.2f s = %.2f s per million records\n",
		(t3 - t2) / 1e9, (c2 - c1) / tk, (c2 - c1) / tk / r * 1e6
}'
