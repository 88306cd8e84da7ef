#!/bin/bash
# SPDX-License-Identifier: MIT
# A download a stat started is visible while it happens, and an interrupt
# stops it. `stat` of a snapshot not yet made downloads it (sizes are
# exact); while it waits, the foreground progress line and _status.json's
# fetches name the file, its pages and records, and the one reader waiting.
# kill -9 of the stat ends the download: it leaves fetches, api.cancelled
# counts the call cut short, and no snapshot is kept.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --latency-ms 200 --scale 10 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
C=$T/cache
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$C,parallel=1"

stat "$M/orders/snapshot.jsonl" >/dev/null 2>&1 &
statter=$!
fetch_shows "$M" orders snapshot.jsonl 1
# The foreground progress line: file, records, pages, readers waiting.
re='info: orders/snapshot.jsonl: [0-9]+ records, [0-9]+ pages, [0-9]+ records/s, [0-9]+ s, 1 waiting'
for _ in $(seq 600); do
	grep -Eq "$re" "$T/daemon.log" && break
	kill -0 "$statter" 2>/dev/null || fail "stat ended before its download showed"
	sleep 0.05
done
grep -Eq "$re" "$T/daemon.log" || fail "no progress line: $(tail -n 3 "$T/daemon.log")"
# _status.json: pages and records as they arrive.
for _ in $(seq 600); do
	jq -e '.fetches[] | select(.file == "snapshot.jsonl" and .pages >= 2 and
		.records >= 80 and .waiters == 1)' "$M/_status.json" >/dev/null && break
	sleep 0.05
done
jq -e '.fetches[] | select(.object == "orders" and .file == "snapshot.jsonl" and
	.pages >= 2 and .records >= 80 and .waiters == 1)' "$M/_status.json" >/dev/null ||
	fail "_status.json does not show the download: $(jq -c .fetches "$M/_status.json")"

c0=$(jq .api.cancelled "$M/_status.json")
kill -9 "$statter"
wait "$statter" 2>/dev/null
fetch_ends "$M" orders snapshot.jsonl
[ "$(jq .api.cancelled "$M/_status.json")" -gt "$c0" ] ||
	fail "api.cancelled did not count what was cut: $(jq -c .api "$M/_status.json")"
[ -z "$(find "$C" -path '*/orders-*/snapshot.jsonl*')" ] || fail "the interrupted download left a file"
unmount_fs "$M"
