#!/bin/bash
# SPDX-License-Identifier: MIT
# _status.json is current when read: API calls, retries, errors by status,
# bytes, cache hits and misses, and every fetch in progress with its object,
# pages, records, rate and elapsed time. In the foreground, a long fetch
# prints progress lines.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.1 --latency-ms 40 --scale 60 --quiet --seed 11
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,retries=20,parallel=1"

s=$M/_status.json
jq -e '.api.calls >= 10 and .cache.hits == 0 and .cache.misses == 0 and .fetches == []' "$s" >/dev/null ||
	fail "status after mounting: $(cat "$s")"
assert_eq "$(wc -c <"$s")" "$(stat -c %s "$s")" "size of _status.json"
calls0=$(jq .api.calls "$s")

# A slow read in the background: the status shows it while it runs.
cat "$M/orders/snapshot.jsonl" >"$T/orders" &
reader=$!
seen=""
for _ in $(seq 100); do
	if jq -e '.fetches[] | select(.object == "orders" and .file == "snapshot.jsonl"
		and .pages > 0 and .records > 0 and .elapsed_seconds >= 0
		and .records_per_second >= 0)' "$s" >/dev/null 2>&1; then
		seen=yes
		break
	fi
	sleep 0.1
done
[ -n "$seen" ] || fail "the fetch in progress never showed in _status.json"
wait "$reader" || fail "the read failed"
records=$(wc -l <"$T/orders")

# Afterwards: no fetch in progress; the counters moved the right way.
jq -e --argjson c0 "$calls0" '.fetches == [] and .api.calls > $c0 and .api.retries > 0
	and .api.errors > 0 and (.api.errors_by_status | to_entries | map(.value) | add) == .api.errors
	and ([.api.errors_by_status | keys[]] - ["429", "500", "503"] == [])
	and .api.bytes > 100000 and .cache.misses == 1' "$s" >/dev/null ||
	fail "status after the read: $(cat "$s")"
cat "$M/orders/snapshot.jsonl" >/dev/null
jq -e '.cache.hits >= 1 and .cache.misses == 1' "$s" >/dev/null || fail "a warm read is not a cache hit: $(cat "$s")"
grep -q secret "$s" && fail "the password shows in _status.json"

# The foreground log printed progress lines for the read (every 5 s; at
# least 155 pages of 40 ms one at a time make it last longer than that).
grep -Eq "orders/snapshot.jsonl: [0-9]+ records, [0-9]+ pages, [0-9]+ records/s" "$T/daemon.log" ||
	fail "no progress line in the foreground log (the read took too little time?): $(tail -5 "$T/daemon.log")"
[ "$records" -eq 6180 ] || fail "orders at scale 60: $records records"
