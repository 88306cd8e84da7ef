#!/bin/bash
# SPDX-License-Identifier: MIT
# The server dies while mounted: reads of files not yet fetched fail with EIO
# after the configured timeout and retries, the daemon stays up, nothing
# partial is cached, files already fetched still read; once the server is
# back, the same reads succeed.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
port=$SERVER_PORT
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",timeout=2,retries=3

cp "$M/users/snapshot.jsonl" "$T/users.before" || fail "read before the outage"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

start=$(date +%s)
if timeout 60 cat "$M/orders/snapshot.jsonl" >"$T/out" 2>"$T/err"; then
	fail "read succeeded with the server down"
fi
elapsed=$(($(date +%s) - start))
assert_contains "$(cat "$T/err")" "Input/output error" "error seen by the reader"
# 3 attempts of at most 2 s each plus backoff: far below the 60 s guard.
[ "$elapsed" -le 20 ] || fail "reader waited ${elapsed}s, more than timeout x retries"
timeout 20 stat "$M/products/snapshot.csv" 2>/dev/null && fail "stat of an unfetchable file succeeded"
kill -0 "$DAEMON_PID" || fail "daemon died"
mountpoint -q "$M" || fail "mount went away"
grep -q "orders/records" "$T/daemon.log" || fail "no log line names the failed URL"
find "$T/cache" -name 'snapshot.jsonl*' -path '*orders*' | grep -q . &&
	fail "partial orders snapshot left in the cache: $(find "$T/cache" -path '*orders*')"
# What was fetched before the outage is still served.
cmp -s "$T/users.before" "$M/users/snapshot.jsonl" || fail "cached users changed"

start_server api2 --error-rate 0 --quiet --port "$port"
assert_eq "$port" "$SERVER_PORT" "server came back on its port"
timeout 60 cat "$M/orders/snapshot.jsonl" >"$T/out" || fail "read after recovery failed"
api_all_records orders >"$T/want"
assert_eq "$(cat "$T/want")" "$(jq -c . "$T/out")" "orders after recovery"
