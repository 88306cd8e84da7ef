#!/bin/bash
# SPDX-License-Identifier: MIT
# GET /tables lists names that are not safe path components ("../etc",
# "a/b", "", ".", "..", a control byte, 300 characters, a non-string)
# beside a good one: the mount shows only the good one (plus the hidden
# metrics the connector adds), nothing escapes the mount, and the daemon
# log names each refused one.
. "$top_srcdir/tests/lib.sh"
need_fuse

long=$(printf 'x%.0s' $(seq 300))
tables='["../etc", "a/b", "", ".", "..", "tab\u0001x", "'$long'", 42, "users", "users"]'
rm -f "$T/bad.port"
/usr/bin/python3 "$top_srcdir/tests/fs/badserver.py" --port-file "$T/bad.port" \
	--tables "$tables" 2>"$T/bad.log" &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/bad.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/bad.port")"
assert_eq 10 "$(api /tables | jq '.tables | length')" "badserver lists every name"

M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",timeout=5,retries=2

assert_eq "metrics users" "$(find "$M" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | xargs)" \
	"the object directories"
assert_eq "users metrics" "$(xargs <"$M/tables")" "the tables file"
# Nothing outside the mount or the cache was created or reached.
[ -e "$T/etc" ] && fail "a directory named by ../etc appeared next to the mount"
find "$T/cache" -name 'etc*' -o -name '*tab*' -o -name "$long*" | grep -q . &&
	fail "an unsafe name reached the cache: $(find "$T/cache" -maxdepth 3)"
ls "$M/a" 2>/dev/null && fail "a/b made a directory a"
# The good table works.
assert_eq 37 "$(wc -l <"$M/users/snapshot.jsonl")" "users/snapshot.jsonl"
grep -q 'tables/\.\./\|tables/a/b\|tables/%2E' "$T/bad.log" && fail "the daemon asked for an unsafe table: $(grep tables/ "$T/bad.log")"
grep -q 'GET /tables/\(\.\.\|a\|tab\|x\{300\}\)' "$T/bad.log" && fail "the daemon described an unsafe table"

# refused NAME-AS-LOGGED: one log line says this name was refused.
refused() {
	grep -i 'skipping\|refus\|unsafe\|unusable' "$T/daemon.log" | grep -qF -- "$1" ||
		fail "no log line names the refused table $1: $(cat "$T/daemon.log")"
}
refused '"../etc"'
refused '"a/b"'
refused '""'
refused '"."'
refused '".."'
refused '"tab\u0001x"'
refused "\"$long\""
refused ' 42'
grep -q 'users listed twice' "$T/daemon.log" || fail "no word about users listed twice"
kill -0 "$DAEMON_PID" || fail "daemon died"
unmount_fs "$M"
