#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/snapshot-read.sh: how fast a cold snapshot of orders comes through
# the mount, against two peers reading the same pages of the same server
# (--latency-ms 2, no faults). Not a test: it prints figures.
#
#   (1) cold `cat MOUNT/orders/snapshot.jsonl`: seconds, records/s, MB/s
#   (2) sequential peer: one `curl | jq -c '.records[]'` per page, in turn
#       (timed on the first SEQ_PAGES pages and extrapolated to all pages)
#   (3) parallel peer: `curl --parallel --parallel-max N` into one file per page
#   (4) the daemon's peak RSS (VmHWM) during (1), at SCALE and BIG_SCALE
#   (5) warm re-read through the mount against `cat` of the cache file
#       (the best of 7 alternating reads of each)
#   (6) `ls -l` of the object directory once materialized
#
# usage: bench/snapshot-read.sh [SCALE [BIG_SCALE [SEQ_PAGES]]]
#   defaults 10000, 40000, 300. N is 8, the default of -o parallel.
#   EXAMPLE_SERVER and LAKEFLOWFS override the binaries (default: ./).
set -u
SCALE=${1:-10000}
BIG_SCALE=${2:-40000}
SEQ_PAGES=${3:-300}
N=8
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
: "${LAKEFLOWFS:=./lakeflowfs}"
. "$(dirname "$0")/lib.sh"
for t in curl jq; do
	command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done

# cold_read: (1) and (4); sets T1 (ns), RECS, BYTES, HWM (kB).
cold_read() {
	ls "$MNT" >/dev/null
	echo 5 >/proc/"$DPID"/clear_refs 2>/dev/null # resets VmHWM
	local t0 t1
	t0=$(now_ns)
	cat "$MNT/orders/snapshot.jsonl" >/dev/null || { echo "cat failed" >&2; exit 1; }
	t1=$(now_ns)
	T1=$((t1 - t0))
	HWM=$(awk '/VmHWM/ { print $2 }' /proc/"$DPID"/status)
	CACHE_FILE=$(find "$T/cache" -path '*orders*' -name snapshot.jsonl | head -n 1)
	RECS=$(wc -l <"$CACHE_FILE")
	BYTES=$(stat -c %s "$CACHE_FILE")
}

PAGE_SIZE=40
start_server "$SCALE" --latency-ms 2
ROWS=$((103 * SCALE))
PAGES=$(((ROWS + PAGE_SIZE - 1) / PAGE_SIZE))
echo "orders at --scale $SCALE: $ROWS records in $PAGES pages; latency 2 ms per answer; N=$N"

# (2) sequential peer, on the first SEQ_PAGES pages.
[ "$SEQ_PAGES" -gt "$PAGES" ] && SEQ_PAGES=$PAGES
t0=$(now_ns)
for p in $(seq "$SEQ_PAGES"); do
	curl -s -u bench:bench "$URL/tables/orders/records?page=$p" | jq -c '.records[]'
done >"$T/seq.jsonl"
t1=$(now_ns)
seq_recs=$(wc -l <"$T/seq.jsonl")
T2=$(((t1 - t0) * PAGES / SEQ_PAGES))

# (3) parallel peer: every page, N at a time, one keep-alive connection each.
mkdir -p "$T/par"
for p in $(seq "$PAGES"); do
	printf 'url = "%s/tables/orders/records?page=%d"\noutput = "%s/par/%d"\n' \
		"$URL" "$p" "$T" "$p"
done >"$T/par.cfg"
t0=$(now_ns)
curl -s --no-progress-meter -u bench:bench --parallel --parallel-max "$N" -K "$T/par.cfg" ||
	echo "parallel curl failed" >&2
t1=$(now_ns)
T3=$((t1 - t0))
par_bytes=$(cat "$T"/par/* | wc -c)
rm -rf "$T/par"

# (1), (4), (5), (6) through the mount.
mount_fs
cold_read
[ "$RECS" -eq "$ROWS" ] || echo "warning: the snapshot has $RECS records, not $ROWS" >&2
# time_cat FILE: one warm read, in ns. The loop keeps the fastest of 7 (one
# read is noisy at tens of milliseconds); mount and cache file alternate, so
# both see the same machine.
time_cat() {
	t0=$(now_ns)
	cat "$1" >/dev/null
	t1=$(now_ns)
	echo $((t1 - t0))
}
T5M="" T5C=""
for _ in 1 2 3 4 5 6 7; do
	m=$(time_cat "$MNT/orders/snapshot.jsonl")
	c=$(time_cat "$CACHE_FILE")
	[ -z "$T5M" ] || [ "$m" -lt "$T5M" ] && T5M=$m
	[ -z "$T5C" ] || [ "$c" -lt "$T5C" ] && T5C=$c
done
t0=$(now_ns)
ls -l "$MNT/orders" >/dev/null # sizes: may produce snapshot.csv now
t1=$(now_ns)
T6F=$((t1 - t0))
t0=$(now_ns)
ls -l "$MNT/orders" >/dev/null
t1=$(now_ns)
T6=$((t1 - t0))
unmount_fs
stop_server
T1S=$T1 HWM1=$HWM RECS1=$RECS BYTES1=$BYTES

# (4) again at BIG_SCALE.
start_server "$BIG_SCALE" --latency-ms 2
mount_fs
cold_read
unmount_fs
stop_server
T1B=$T1 HWMB=$HWM RECSB=$RECS

awk -v t1="$T1S" -v t2="$T2" -v t3="$T3" -v recs="$RECS1" -v bytes="$BYTES1" \
	-v pages="$PAGES" -v seqp="$SEQ_PAGES" -v seqr="$seq_recs" -v pb="$par_bytes" \
	-v t5m="$T5M" -v t5c="$T5C" -v t6="$T6" -v t6f="$T6F" -v hwm="$HWM1" -v hwmb="$HWMB" \
	-v t1b="$T1B" -v recsb="$RECSB" -v s="$SCALE" -v bs="$BIG_SCALE" -v n="$N" 'BEGIN {
	S = 1e9
	printf "(1) mount, cold cat:        %8.3f s  %9.0f records/s  %6.1f MB/s  (%d records, %.1f MB)\n",
		t1 / S, recs / (t1 / S), bytes / 1e6 / (t1 / S), recs, bytes / 1e6
	printf "(2) sequential curl+jq:     %8.3f s  (extrapolated from %d of %d pages, %d records, in %.3f s)\n",
		t2 / S, seqp, pages, seqr, t2 / S * seqp / pages
	printf "(3) curl --parallel-max %d:  %8.3f s  %9.0f pages/s  (%.1f MB of page bodies)\n",
		n, t3 / S, pages / (t3 / S), pb / 1e6
	printf "(4) daemon peak RSS:         %6.1f MiB at --scale %d, %6.1f MiB at --scale %d (%d records in %.3f s, %.0f records/s)\n",
		hwm / 1024, s, hwmb / 1024, bs, recsb, t1b / S, recsb / (t1b / S)
	printf "(5) warm re-read: mount %.3f s, cache file %.3f s\n", t5m / S, t5c / S
	printf "(6) ls -l of the object dir, materialized: %.1f ms (the first ls -l after the cat: %.1f ms)\n",
		t6 / 1e6, t6f / 1e6
	printf "ratios: 2/1 = %.1fx faster than the sequential peer; 3/1 = %.2f of parallel curl; 5 = warm mount read at %.2fx the speed of the cache file\n",
		t2 / t1, t3 / t1, t5c / t5m
	ok = (t2 / t1 >= 10 && t3 / t1 >= 0.8 && hwm / 1024 <= 64 && hwmb / 1024 <= 64 && t5c / t5m >= 0.8)
	printf "summary: cold snapshot of %d orders in %.2f s (%.1fx sequential, %.2fx parallel curl), peak RSS %.1f/%.1f MiB, warm %.2fx: %s\n",
		recs, t1 / S, t2 / t1, t3 / t1, hwm / 1024, hwmb / 1024, t5c / t5m, ok ? "targets met" : "targets NOT met"
}'
