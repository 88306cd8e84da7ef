#!/bin/bash
# SPDX-License-Identifier: MIT
# A snapshot is served from the cache until snapshot_ttl passes, then made
# again; a file already open keeps the bytes it had.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",snapshot_ttl=3s

f=$M/users/snapshot.jsonl
cp "$f" "$T/v1"
exec 3<"$f"
api -X POST -d '{"user_id":"user_0002","email":"moved@example.com"}' /tables/users/records >/dev/null
cmp -s "$T/v1" "$f" || fail "snapshot changed before its ttl"
sleep 3.5
cp "$f" "$T/v2"
cmp -s "$T/v1" "$T/v2" && fail "snapshot not made again after its ttl"
tail -n 1 "$T/v2" | jq -e '.user_id == "user_0002" and .email == "moved@example.com"' >/dev/null ||
	fail "the upsert is not the last record: $(tail -n 1 "$T/v2")"
assert_eq "$(wc -c <"$T/v2")" "$(stat -c %s "$f")" "size after refresh"
cat <&3 >"$T/held"
cmp -s "$T/v1" "$T/held" || fail "bytes changed under an open file"
exec 3<&-
# The CSV follows the snapshot it is made from.
grep -q 'moved@example.com' "$M/users/snapshot.csv" || fail "csv not remade from the new snapshot"
