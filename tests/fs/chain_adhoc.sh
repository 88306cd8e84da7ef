#!/bin/bash
# SPDX-License-Identifier: MIT
# Batches read on demand behave like every other file:
#   - a handle open on one holds it: after snapshot_ttl, a write and a
#     listing that moves the cap, a stat of its path does not fetch it
#     again under the handle; fstat on the handle reports the size of the
#     bytes it reads (it used to report a new fetch's), and _next.<token>
#     describes that same fetch (its end is the last record the handle
#     reads; it used to describe a new one). Once the handle is closed, the
#     next stat fetches it again, up to the new cap.
#   - a chain keeps at most 64 of them (the least recently used go first),
#     and one unused for snapshot_ttl is evicted: its file leaves the cache
#     (they used to stay for good).
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 9
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
C=$T/cache
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$C",refresh=1,retries=12,snapshot_ttl=2
O=$M/orders/changes
adhoc_files() { find "$C" -path '*/_adhoc/*.jsonl' | wc -l; }
# handle: the size fstat gives for fd 3 and the bytes fd 3 reads (to FILE).
handle() {
	/usr/bin/python3 -c '
import os, sys
st = os.fstat(3).st_size
data = os.pread(3, 1 << 24, 0)
open(sys.argv[1], "wb").write(data)
print(st, len(data))' "$1"
}

# ---- an open handle holds its fetch.
ls "$O" >/dev/null || fail "ls orders/changes"
api_all_records orders >"$T/orders.all"
c=$(tail -n 2 "$T/orders.all" | head -n 1 | jq -r .updated_at)
t=$(cursor_token "$c")
grep -qx "$t.jsonl" <(ls "$O") && fail "orders: $t is listed: the test needs a token inside a batch"
exec 3<"$O/$t.jsonl" || fail "open $O/$t.jsonl"
read -r size0 len0 <<<"$(handle "$T/h0")"
assert_eq "$size0" "$len0" "fstat of the fresh handle vs its bytes"
assert_eq "$(tail -n 1 "$T/orders.all")" "$(jq -c . "$T/h0")" "the batch from the next-to-last order"
rec=$(api_write -X POST -H 'Content-Type: application/json' \
	-d '{"order_id":"order_9100","user_id":"user_0001","amount":1.5,"status":"pending","updated_at":null}' \
	/tables/orders/records)
sleep 2.2 # past snapshot_ttl and the refresh interval
ls "$O" >/dev/null || fail "ls orders/changes" # the cap moves
assert_eq "$size0" "$(stat -c %s "$O/$t.jsonl")" "stat of the path while a handle holds the batch"
read -r size1 len1 <<<"$(handle "$T/h1")"
assert_eq "$len1" "$size1" "fstat of the handle vs the bytes it reads"
cmp -s "$T/h0" "$T/h1" || fail "the bytes under the open handle changed"
assert_eq "$(tail -n 1 "$T/h1" | jq -r .updated_at)" "$(jq -r .offset.cursor "$O/_next.$t")" \
	"_next.$t vs the last record of the open batch"
exec 3<&-
# Closed: the next stat fetches it again, up to the new cap.
{ tail -n 1 "$T/orders.all"; printf '%s\n' "$rec"; } >"$T/want"
jq -c . "$O/$t.jsonl" >"$T/got" || fail "cat $O/$t.jsonl"
cmp -s "$T/want" "$T/got" || fail "the batch from $t after the handle closed: $(diff "$T/want" "$T/got" | head -4)"
assert_eq "$(wc -c <"$O/$t.jsonl")" "$(stat -c %s "$O/$t.jsonl")" "the size of the batch fetched again"
assert_eq "$(printf '%s' "$rec" | jq -r .updated_at)" "$(jq -r .offset.cursor "$O/_next.$t")" \
	"_next.$t after the handle closed"

# ---- at most 64 kept; those unused for snapshot_ttl evicted.
for i in $(seq 70); do
	stat "$O/x7a$(printf %02x $((0x30 + i))).jsonl" >/dev/null || fail "stat of an on-demand batch"
done
n=$(adhoc_files)
[ "$n" -le 64 ] || fail "$n on-demand batches kept, more than 64"
sleep 2.2
stat "$O/x7a7a.jsonl" >/dev/null || fail "stat of an on-demand batch"
assert_eq 1 "$(adhoc_files)" "on-demand batches kept once the others went unused for snapshot_ttl"
exit 0
