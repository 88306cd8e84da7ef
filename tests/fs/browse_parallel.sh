#!/bin/bash
# SPDX-License-Identifier: MIT
# One download does not block its directory: while the first stat of
# orders/snapshot.jsonl (a lookup) downloads it, ls of orders and cat of
# its schema.json answer. Proven by order, not by time: both finish while
# _status.json still shows the download running.
. "$top_srcdir/tests/lib.sh"
need_fuse

# 52 pages one at a time, 200 ms each: the download lasts about 10 s.
start_server api --error-rate 0 --latency-ms 200 --scale 20 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,parallel=1"

downloading() {
	jq -e '.fetches[] | select(.object == "orders" and .file == "snapshot.jsonl")' \
		"$M/_status.json" >/dev/null
}

cat "$M/orders/snapshot.jsonl" >/dev/null &
reader=$!
for _ in $(seq 300); do
	downloading && break
	kill -0 "$reader" 2>/dev/null || fail "the read ended before it was seen downloading"
	sleep 0.05
done
downloading || fail "the download never showed in _status.json"

ls "$M/orders" >"$T/ls.out" || fail "ls orders"
grep -qx schema.json "$T/ls.out" || fail "ls orders: $(cat "$T/ls.out")"
jq -e '.type == "struct"' "$M/orders/schema.json" >/dev/null || fail "cat orders/schema.json"
downloading || fail "ls and cat of orders waited for the download to finish"
wait "$reader" || fail "the read failed"
unmount_fs "$M"
