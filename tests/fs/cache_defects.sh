#!/bin/bash
# SPDX-License-Identifier: MIT
# The cache and the credentials, through the real command:
# 1. a connection file that others can read draws a warning, as a password
#    file does; one that only its owner reads draws none;
# 2. a mount that fails leaves no new folder in the cache;
# 3. a built-in mount killed with kill -9 leaves its private cache, which
#    the next lakeflowfs sweeps;
# 4. an unusable cache_dir ends lakeflowfs with exit status 2.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
M=$T/mnt

# 1. Connection files.
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}' >"$T/conn.json"
chmod 644 "$T/conn.json"
mount_fs "$M" -o "url=$SERVER_URL,connection=$T/conn.json,cache_dir=$T/cache"
assert_contains "$(cat "$T/daemon.log")" "warning: connection $T/conn.json is readable by others" \
	"the warning for a readable connection file"
unmount_fs "$M"
chmod 600 "$T/conn.json"
: >"$T/daemon.log"
mount_fs "$M" -o "url=$SERVER_URL,connection=$T/conn.json,cache_dir=$T/cache"
if grep -q "readable by others" "$T/daemon.log"; then
	fail "a connection file only its owner reads drew a warning"
fi
unmount_fs "$M"

# 2. Failed mounts: unreachable source, refused spec, unknown option value.
printf '{"pipeline_spec": {"connection_name": "x", "object": [{"table": {"source_table": "nope"}}]}}' >"$T/bad.json"
closed=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$M"
for o in "url=http://127.0.0.1:$closed,connection=$T/conn.json,retries=1" \
	"url=$SERVER_URL,connection=$T/conn.json,spec=$T/bad.json"; do
	rc=0
	timeout 60 "$LAKEFLOWFS" -f "$M" -o "$o,cache_dir=$T/fresh" >"$T/failed.out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "the mount with $o did not fail"
	[ ! -e "$T/fresh" ] || fail "the failed mount ($o) left $(find "$T/fresh")"
done
mkdir -p "$T/kept"
rc=0
timeout 60 "$LAKEFLOWFS" -f "$M" -o "url=$SERVER_URL,connection=$T/conn.json,spec=$T/bad.json,cache_dir=$T/kept" \
	>"$T/failed.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status of a refused spec"
assert_eq "$T/kept" "$(find "$T/kept")" "what a refused spec left in an existing cache_dir"

# 3. kill -9 of a built-in mount, then the next start sweeps its cache.
mount_fs "$M" -o "cache_dir=$T/bcache"
victim=$DAEMON_PID
[ -d "$T/bcache/builtin-$victim" ] || fail "no builtin-$victim in $(ls "$T/bcache")"
cat "$M/products/snapshot.jsonl" >/dev/null || fail "read products/snapshot.jsonl"
kill -9 "$victim"
for _ in $(seq 100); do
	kill -0 "$victim" 2>/dev/null || break
	sleep 0.05
done
[ -d "$T/bcache/builtin-$victim" ] || fail "kill -9 removed the cache (this test needs it left)"
fusermount3 -uz "$M" 2>/dev/null
mount_fs "$T/mnt2" -o "cache_dir=$T/bcache"
[ ! -e "$T/bcache/builtin-$victim" ] || fail "the next start left builtin-$victim: $(ls "$T/bcache")"
[ -d "$T/bcache/builtin-$DAEMON_PID" ] || fail "the new mount has no cache of its own"
assert_contains "$(cat "$T/daemon.log")" "removed $T/bcache/builtin-$victim" "the sweep's log line"
unmount_fs "$T/mnt2"
[ ! -e "$T/bcache/builtin-$DAEMON_PID" ] || fail "a clean unmount left its built-in cache"

# 4. An unusable cache_dir (a file) is a bad option: exit status 2.
: >"$T/afile"
rc=0
timeout 60 "$LAKEFLOWFS" -f "$M" -o "url=$SERVER_URL,connection=$T/conn.json,cache_dir=$T/afile" \
	>"$T/cachedir.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "exit status of an unusable cache_dir"
assert_contains "$(cat "$T/cachedir.out")" "cache_dir: cannot use $T/afile" "its message"
