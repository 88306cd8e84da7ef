#!/bin/bash
# SPDX-License-Identifier: MIT
# A snapshot is served from the cache until snapshot_ttl passes, then made
# again by the next stat. A file is never replaced while a process holds it
# open: the open file keeps its bytes and its size, and so does every other
# reader until it is closed.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",snapshot_ttl=2s

f=$M/users/snapshot.jsonl
cp "$f" "$T/v1"
exec 3<"$f"
api -X POST -d '{"user_id":"user_0002","email":"moved@example.com"}' /tables/users/records >/dev/null
cmp -s "$T/v1" "$f" || fail "snapshot changed before its ttl"
sleep 3
# Past the ttl, but fd 3 still holds the file: nothing is replaced.
cp "$f" "$T/during"
cmp -s "$T/v1" "$T/during" || fail "snapshot replaced while a reader held it open"
assert_eq "$(wc -c <"$T/v1")" "$(stat -c %s "$f")" "size while held open"
cat <&3 >"$T/held"
cmp -s "$T/v1" "$T/held" || fail "bytes changed under an open file"
exec 3<&-
# Closed: the next stat after the kernel's attribute cache (1 s) makes it again.
sleep 1.2
size=$(stat -c %s "$f")
cp "$f" "$T/v2"
cmp -s "$T/v1" "$T/v2" && fail "snapshot not made again after its ttl"
tail -n 1 "$T/v2" | jq -e '.user_id == "user_0002" and .email == "moved@example.com"' >/dev/null ||
	fail "the upsert is not the last record: $(tail -n 1 "$T/v2")"
assert_eq "$(wc -c <"$T/v2")" "$size" "size after the refresh"
# The CSV follows the snapshot it is made from.
grep -q 'moved@example.com' "$M/users/snapshot.csv" || fail "csv not remade from the new snapshot"
