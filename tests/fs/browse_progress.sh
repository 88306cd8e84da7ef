#!/bin/bash
# SPDX-License-Identifier: MIT
# A download a stat started is visible while it happens, and an interrupt
# stops it. `stat` of a snapshot not yet made downloads it (sizes are
# exact). Against a source that answers page 1 and then never answers
# page 2, the stat waits; meanwhile the foreground progress line and
# _status.json's fetches name the file, its pages and records, and the one
# reader waiting. kill -9 of the stat ends the download: it leaves
# fetches, api.cancelled counts the request cut short, and no snapshot is
# kept; the next stat, once the source answers again, makes it whole.
. "$top_srcdir/tests/lib.sh"
need_fuse

echo "silent:2" >"$T/mode" # page 1 answers, page 2 never does
/usr/bin/python3 "$top_srcdir/tests/fs/badserver.py" --port-file "$T/bad.port" \
	--mode-file "$T/mode" 2>"$T/bad.log" &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/bad.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/bad.port")"
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
C=$T/cache
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$C,parallel=1"

stat "$M/users/snapshot.jsonl" >/dev/null 2>&1 &
statter=$!
fetch_shows "$M" users snapshot.jsonl 1
# _status.json: the page and records that came, the reader waiting.
for _ in $(seq 600); do
	jq -e '.fetches[] | select(.file == "snapshot.jsonl" and .pages == 1)' \
		"$M/_status.json" >/dev/null && break
	sleep 0.05
done
jq -e '.fetches[] | select(.object == "users" and .file == "snapshot.jsonl" and
	.pages == 1 and .records == 15 and .waiters == 1)' "$M/_status.json" >/dev/null ||
	fail "_status.json does not show the download: $(jq -c .fetches "$M/_status.json")"
# The foreground progress line: file, records, pages, readers waiting.
re='info: users/snapshot.jsonl: 15 records, 1 pages, [0-9]+ records/s, [0-9]+ s, 1 waiting'
for _ in $(seq 600); do
	grep -Eq "$re" "$T/daemon.log" && break
	sleep 0.05
done
grep -Eq "$re" "$T/daemon.log" || fail "no progress line: $(tail -n 3 "$T/daemon.log")"
kill -0 "$statter" || fail "the stat did not wait"

c0=$(jq .api.cancelled "$M/_status.json")
kill -9 "$statter"
wait "$statter" 2>/dev/null
fetch_ends "$M" users snapshot.jsonl
[ "$(jq .api.cancelled "$M/_status.json")" -gt "$c0" ] ||
	fail "api.cancelled did not count the request cut: $(jq -c .api "$M/_status.json")"
assert_eq 0 "$(jq .api.errors "$M/_status.json")" "errors counted"
[ -z "$(find "$C" -path '*/users-*/snapshot.jsonl*')" ] || fail "the interrupted download left a file"

echo normal >"$T/mode"
assert_eq 37 "$(wc -l <"$M/users/snapshot.jsonl")" "the snapshot made after the interrupt"
unmount_fs "$M"
