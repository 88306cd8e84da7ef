#!/bin/bash
# SPDX-License-Identifier: MIT
# A source that answers the records route with garbage (tests/fs/badserver.py):
# invalid JSON, "records" not an array, next_page of the wrong type, a record
# without its cursor or its key, a body over the 64 MiB cap, an empty 200, a
# body cut short. Each time: the read fails with EIO (never a short file),
# the daemon log has a line naming the URL and the reason, nothing partial
# is cached, and the daemon stays up and serves everything else; once the
# source behaves, the same reads succeed and equal what curl reads.
. "$top_srcdir/tests/lib.sh"
need_fuse

# start_bad NAME [badserver options...]: like start_server, for badserver.py.
start_bad() {
	_bn=$1
	shift
	rm -f "$T/$_bn.port"
	/usr/bin/python3 "$top_srcdir/tests/fs/badserver.py" --port-file "$T/$_bn.port" "$@" \
		2>"$T/$_bn.log" &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	wait_for_file "$T/$_bn.port" 20 "$SERVER_PID"
	SERVER_PORT=$(cat "$T/$_bn.port")
	SERVER_URL="http://127.0.0.1:$SERVER_PORT"
}

echo normal >"$T/mode"
start_bad bad --mode-file "$T/mode"
M=$T/mnt
C=$T/cache
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$C",timeout=10,retries=2,snapshot_ttl=0,refresh=0
api_all_records users >"$T/want"
assert_eq 37 "$(wc -l <"$T/want")" "badserver's users"

# no_partial WHAT: nothing of users' snapshot or a batch is in the cache.
no_partial() {
	left=$(find "$C" \( -name '*.part.*' -o -path '*users*/snapshot.*' -o -name '*.jsonl' \) -print)
	[ -z "$left" ] || fail "$1: left in the cache: $left"
}

# garbage MODE REASON FILE: reading FILE under MODE fails with EIO and logs
# the URL and REASON on one line; nothing partial is left.
garbage() {
	mode=$1 reason=$2 file=$3
	echo "$mode" >"$T/mode"
	n=$(wc -l <"$T/daemon.log")
	start=$(date +%s)
	if timeout 60 cat "$M/users/$file" >"$T/out" 2>"$T/err"; then
		fail "$mode: reading $file succeeded ($(wc -c <"$T/out") bytes)"
	fi
	[ $(($(date +%s) - start)) -le 30 ] || fail "$mode: the read took more than 30 s"
	assert_contains "$(cat "$T/err")" "Input/output error" "$mode: error seen by cat $file"
	[ -s "$T/out" ] && fail "$mode: cat $file got $(wc -c <"$T/out") bytes before the error"
	tail -n +"$((n + 1))" "$T/daemon.log" >"$T/new.log"
	grep -F "$SERVER_URL/tables/users/records?" "$T/new.log" | grep -qF "$reason" ||
		fail "$mode: no log line names the URL $SERVER_URL/tables/users/records?... and '$reason': $(cat "$T/new.log")"
	kill -0 "$DAEMON_PID" || fail "$mode: the daemon died"
	mountpoint -q "$M" || fail "$mode: the mount went away"
	no_partial "$mode"
	# Everything else still reads.
	jq -e '.type == "struct"' "$M/users/schema.json" >/dev/null || fail "$mode: schema.json"
	assert_eq "users metrics" "$(xargs <"$M/tables")" "$mode: tables"
}

garbage invalid_json "invalid JSON" snapshot.jsonl
garbage not_array "records missing or not an array" snapshot.jsonl
garbage next_page_string "next_page is not an integer" snapshot.jsonl
garbage no_cursor "has no updated_at" snapshot.jsonl
garbage no_key "has no user_id" snapshot.jsonl
garbage empty "empty body" snapshot.jsonl
garbage huge "larger than" snapshot.jsonl
grep -q 'records?.* -> huge' "$T/bad.log" || fail "the huge body was never asked for"
garbage truncated "transfer closed" snapshot.jsonl
# Garbage after a good page: the good page must not become a short file.
garbage invalid_json:2 "invalid JSON" snapshot.jsonl
garbage no_key:3 "has no user_id" snapshot.csv
garbage next_page_string:2 "next_page is not an integer" snapshot.csv

# A changes/ listing over garbage fails and publishes nothing.
echo no_cursor:2 >"$T/mode"
ls "$M/users/changes" >/dev/null 2>"$T/err" && fail "listing changes/ over garbage succeeded"
assert_contains "$(cat "$T/err")" "Input/output error" "listing changes/ over garbage"
no_partial "changes/"

# The source behaves again: every read succeeds and equals curl's.
echo normal >"$T/mode"
jq -c . "$M/users/snapshot.jsonl" >"$T/got" || fail "snapshot.jsonl after recovery"
cmp -s "$T/want" "$T/got" || fail "snapshot.jsonl after recovery: $(diff "$T/want" "$T/got" | head -3)"
assert_eq 38 "$(wc -l <"$M/users/snapshot.csv")" "snapshot.csv lines after recovery"
assert_eq "0.jsonl" "$(ls "$M/users/changes" | grep '\.jsonl$' | xargs)" "changes/ after recovery"
jq -c . "$M/users/changes/0.jsonl" | cmp -s "$T/want" - || fail "changes/0.jsonl after recovery"
kill -0 "$DAEMON_PID" || fail "the daemon died"
unmount_fs "$M"
