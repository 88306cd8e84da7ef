#!/bin/bash
# SPDX-License-Identifier: MIT
# A source that hangs: one that accepts and never answers, one that answers
# after longer than the timeout, and one killed mid-fetch. With
# timeout=2,retries=2 a read fails with EIO within a bound, the daemon stays
# up, nothing partial is cached (no snapshot for that object, no *.part.*
# file), and once the source recovers the same read succeeds and equals
# what curl reads.
. "$top_srcdir/tests/lib.sh"
need_fuse

export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret

# no_partial CACHE OBJECT WHAT: no snapshot of OBJECT, no *.part.* file.
no_partial() {
	left=$(find "$1" \( -name '*.part.*' -o -path "*/$2-*/snapshot.*" \) -print)
	[ -z "$left" ] || fail "$3: left in the cache: $left"
}

# hang_read MOUNT FILE WHAT: reading FILE fails with EIO within 20 s.
hang_read() {
	start=$(date +%s)
	if timeout 60 cat "$1/$2" >"$T/out" 2>"$T/err"; then
		fail "$3: reading $2 succeeded"
	fi
	elapsed=$(($(date +%s) - start))
	assert_contains "$(cat "$T/err")" "Input/output error" "$3: error seen by cat"
	[ -s "$T/out" ] && fail "$3: cat got $(wc -c <"$T/out") bytes before the error"
	# 2 attempts of at most 2 s each plus one backoff: far below 20 s.
	[ "$elapsed" -le 20 ] || fail "$3: the reader waited ${elapsed}s"
	kill -0 "$DAEMON_PID" || fail "$3: the daemon died"
	mountpoint -q "$1" || fail "$3: the mount went away"
}

# ------------------------------------------------ silent, then slow (badserver)
echo normal >"$T/mode"
rm -f "$T/bad.port"
/usr/bin/python3 "$top_srcdir/tests/fs/badserver.py" --port-file "$T/bad.port" \
	--mode-file "$T/mode" --slow-seconds 5 2>"$T/bad.log" &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/bad.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/bad.port")"
api_all_records users >"$T/users.want"
assert_eq 37 "$(wc -l <"$T/users.want")" "badserver's users"

M=$T/mnt
C=$T/cache
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$C",timeout=2,retries=2,snapshot_ttl=0

for mode in silent slow; do
	echo "$mode" >"$T/mode"
	hang_read "$M" users/snapshot.jsonl "$mode"
	grep -q "records?page=1 -> $mode" "$T/bad.log" || fail "$mode: the server saw no records call"
	grep "/tables/users/records" "$T/daemon.log" | grep -qi "timed\? \?out" ||
		fail "$mode: no log line names the URL and the timeout: $(tail -n 5 "$T/daemon.log")"
	if [ "$mode" = silent ]; then
		no_partial "$C" users "$mode"
	else
		# The complete file of the last round stays, untouched.
		[ -z "$(find "$C" -name '*.part.*')" ] || fail "$mode: *.part.* left: $(find "$C" -name '*.part.*')"
		jq -c . "$(find "$C" -path '*/users-*/snapshot.jsonl')" | cmp -s "$T/users.want" - ||
			fail "$mode: the cached users snapshot changed"
	fi
	assert_eq '"struct"' "$(jq .type "$M/users/schema.json")" "$mode: schema.json still reads"
	echo normal >"$T/mode"
	jq -c . "$M/users/snapshot.jsonl" >"$T/got" 2>&1 || fail "$mode: the read after recovery failed: $(cat "$T/got")"
	cmp -s "$T/users.want" "$T/got" || fail "$mode: users after recovery: $(diff "$T/users.want" "$T/got" | head -3)"
	# snapshot_ttl=0: the next read fetches again, hanging again.
	sleep 1.1
done
unmount_fs "$M"

# ---------------------------------------- the real server killed mid-fetch
start_server api --scale 200 --latency-ms 5 --quiet
port=$SERVER_PORT
M2=$T/mnt2
C2=$T/cache2
mount_fs "$M2" -o url="$SERVER_URL",cache_dir="$C2",timeout=2,retries=2,parallel=2
timeout 60 cat "$M2/orders/snapshot.jsonl" >"$T/out" 2>"$T/err" &
cat_pid=$!
# Wait until the fetch is well under way: its temporary file has records.
deadline=$(($(date +%s) + 20))
until find "$C2" -name 'snapshot.jsonl.part.*' -size +8k | grep -q .; do
	kill -0 "$cat_pid" 2>/dev/null || fail "cat ended before the server could be killed: $(cat "$T/err")"
	[ "$(date +%s)" -lt "$deadline" ] || fail "no partial snapshot appeared in 20 s"
	sleep 0.02
done
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
status=0
wait "$cat_pid" || status=$?
[ "$status" -ne 0 ] || fail "cat succeeded though the server was killed mid-fetch ($(wc -l <"$T/out") lines)"
[ "$status" -ne 124 ] || fail "cat hung after the server was killed"
assert_contains "$(cat "$T/err")" "Input/output error" "killed mid-fetch: error seen by cat"
[ -s "$T/out" ] && fail "killed mid-fetch: cat got $(wc -c <"$T/out") bytes"
kill -0 "$DAEMON_PID" || fail "killed mid-fetch: the daemon died"
mountpoint -q "$M2" || fail "killed mid-fetch: the mount went away"
no_partial "$C2" orders "killed mid-fetch"

start_server api2 --scale 200 --latency-ms 5 --quiet --port "$port"
assert_eq "$port" "$SERVER_PORT" "the server came back on its port"
timeout 60 cat "$M2/orders/snapshot.jsonl" >"$T/out" || fail "the read after the restart failed"
curl -sSf -u "$CREDS" "$SERVER_URL/tables/orders/records?page=[1-600]" | jq -c '.records[]' >"$T/orders.want" ||
	fail "curl of orders"
assert_eq 20600 "$(wc -l <"$T/orders.want")" "orders by curl"
jq -c . "$T/out" | cmp -s "$T/orders.want" - || fail "orders after the restart differ from curl's"
unmount_fs "$M2"
