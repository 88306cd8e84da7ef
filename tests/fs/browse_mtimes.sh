#!/bin/bash
# SPDX-License-Identifier: MIT
# Modification times that mean something, seen with stat:
#  - batch files carry times that ascend strictly in stream order (to the
#    millisecond, also for batches published within one clock tick), set
#    when they are published and never changed, across a remount too;
#  - changes/ carries the time of its newest batch;
#  - _offset carries the time the head last moved: it moves with a new
#    batch, stays when a refresh finds nothing, and survives a remount;
#  - a batch read on demand carries the time it was fetched, and a
#    snapshot the time it was made.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --scale 3 --quiet
cat >"$T/spec.json" <<'SPEC'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "orders",
             "table_configuration": {"max_records_per_batch": "5"}}}
]}}
SPEC
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
M=$T/mnt
opts="url=$SERVER_URL,cache_dir=$T/cache,spec=$T/spec.json,refresh=0"
mount_fs "$M" -o "$opts"
D=$M/orders/changes

# ms PATH: the modification time of PATH in milliseconds.
ms() { stat -c %.3Y "$1" | tr -d .; }
now_ms() { date +%s%3N; }
# times OUT: "<ms> <name>" of every listed batch, in listing order.
times() {
	LC_ALL=C ls "$D" | grep '\.jsonl$' >"$1.names"
	while read -r b; do echo "$(ms "$D/$b") $b"; done <"$1.names" >"$1"
}
# ascending FILE WHAT: the times in FILE ascend strictly.
ascending() {
	awk 'NR > 1 && $1 <= prev { print "not after the one before: " $0; bad = 1 }
		{ prev = $1 } END { exit bad }' "$1" || fail "$2: batch times do not ascend"
}

t0=$(now_ms)
times "$T/t1"
n1=$(wc -l <"$T/t1")
[ "$n1" -ge 5 ] || fail "too few batches: $n1"
ascending "$T/t1" "first listing"
newest=$(tail -n 1 "$T/t1" | cut -d' ' -f1)
assert_eq "$newest" "$(ms "$D")" "changes/ carries its newest batch's time"
off1=$(ms "$D/_offset")
[ "$off1" -ge "$t0" ] || fail "_offset carries $off1, from before the head moved ($t0)"

# Nothing new: the head stays, and so does its time.
ls "$D" >/dev/null
assert_eq "$off1" "$(ms "$D/_offset")" "_offset after a refresh that found nothing"

# A new order: a new batch, later than all; the others keep their times.
sleep 0.01
api_write -X POST -H 'Content-Type: application/json' \
	-d '{"order_id":"order_9001","user_id":"user_0003","amount":7.5,"status":"pending","updated_at":null}' \
	/tables/orders/records >/dev/null
times "$T/t2"
assert_eq $((n1 + 1)) "$(wc -l <"$T/t2")" "batches after a new order"
ascending "$T/t2" "second listing"
head -n "$n1" "$T/t2" | cmp -s "$T/t1" - || fail "a batch's time changed: $(diff "$T/t1" "$T/t2" | head -4)"
newest=$(tail -n 1 "$T/t2" | cut -d' ' -f1)
assert_eq "$newest" "$(ms "$D")" "changes/ after a new batch"
off2=$(ms "$D/_offset")
[ "$off2" -gt "$off1" ] || fail "_offset did not move with the head: $off1 then $off2"

# Snapshots keep the time they were made.
snap=$(ms "$M/orders/snapshot.jsonl")
sleep 0.05
assert_eq "$snap" "$(ms "$M/orders/snapshot.jsonl")" "a snapshot's time"

# A remount keeps every time.
unmount_fs "$M"
mount_fs "$M" -o "$opts"
assert_eq "$off2" "$(ms "$D/_offset")" "_offset after a remount"
times "$T/t3"
cmp -s "$T/t2" "$T/t3" || fail "batch times changed across the remount: $(diff "$T/t2" "$T/t3" | head -4)"
assert_eq "$newest" "$(ms "$D")" "changes/ after a remount"

# A batch read on demand carries its fetch time.
first=$(api '/tables/orders/records?page=1' | jq -r '.records[2].updated_at')
tok=$(cursor_token "$first")
grep -qx "$tok.jsonl" "$T/t3.names" && fail "$tok is listed: not an on-demand batch"
before=$(now_ms)
stat "$D/$tok.jsonl" >/dev/null || fail "stat of the on-demand batch $tok"
after=$(now_ms)
t=$(ms "$D/$tok.jsonl")
[ "$t" -ge "$before" ] && [ "$t" -le "$after" ] ||
	fail "the on-demand batch carries $t, not its fetch time ($before..$after)"
unmount_fs "$M"
