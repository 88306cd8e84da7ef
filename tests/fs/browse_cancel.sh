#!/bin/bash
# SPDX-License-Identifier: MIT
# What becomes of a fetch nobody waits for. Against a slow source (200 ms
# a call, one page at a time):
#  - kill -9 of an ls of changes/ while its refresh runs: the refresh stops
#    (it leaves _status.json's fetches), keeping every batch it published,
#    bytes and names; the next listing goes on from the head, and every
#    record is listed exactly once;
#  - with -o finish_fetches, kill -9 of a cat waiting for a snapshot leaves
#    the download running with nobody waiting (_status.json shows 0
#    waiters) until it is complete; the next cat is served from the cache
#    without a call.
. "$top_srcdir/tests/lib.sh"
need_fuse

# 1030 orders: 6 batches of 200 (5 pages each), about a second apiece.
start_server api --error-rate 0 --latency-ms 200 --scale 10 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
C=$T/cache
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$C,parallel=1,refresh=0,debug"
L=$T/daemon.log

# ---------------------------------------- an interrupted refresh
ls "$M/orders/changes" >/dev/null 2>&1 &
lister=$!
fetch_shows "$M" orders changes 1
chain=$(find "$C" -type d -path '*/chains/orders/changes')
[ -n "$chain" ] || fail "no chain directory in the cache"
for _ in $(seq 1200); do
	[ "$(find "$chain" -maxdepth 1 -name '*.jsonl' | wc -l)" -ge 1 ] && break
	sleep 0.05
done
kill -9 "$lister"
wait "$lister" 2>/dev/null
fetch_ends "$M" orders changes
grep -q "orders/changes: refresh cancelled: nobody waits for it any more" "$L" ||
	fail "the refresh was not cancelled"
(cd "$chain" && ls -- *.jsonl | LC_ALL=C sort >"$T/kept" && sha256sum $(cat "$T/kept")) >"$T/kept.sums" ||
	fail "the batches kept"
kept=$(wc -l <"$T/kept")
[ "$kept" -ge 1 ] && [ "$kept" -lt 6 ] || fail "batches kept by the cancelled refresh: $kept"
# The head is where the last kept batch ends.
last=$(tail -n 1 "$T/kept")
assert_eq "$(jq -r .token "$M/orders/changes/_next.${last%.jsonl}")" \
	"$(jq -r .token "$M/orders/changes/_offset")" "the head after the cancelled refresh"

ls "$M/orders/changes" >"$T/ls" || fail "the listing after the cancelled refresh"
grep '\.jsonl$' "$T/ls" >"$T/names"
assert_eq 6 "$(wc -l <"$T/names")" "batches after the next listing"
head -n "$kept" "$T/names" | cmp -s "$T/kept" - || fail "the kept batches are not listed first"
(cd "$M/orders/changes" && sha256sum $(cat "$T/kept")) | cmp -s "$T/kept.sums" - ||
	fail "a kept batch changed"
(cd "$M/orders/changes" && cat $(cat "$T/names")) >"$T/all"
assert_eq 1030 "$(wc -l <"$T/all")" "records listed"
assert_eq 1030 "$(jq -r .order_id "$T/all" | sort -u | wc -l)" "orders listed once each"
unmount_fs "$M"

# ---------------------------------------- -o finish_fetches
M2=$T/mnt2
mount_fs "$M2" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache2,parallel=1,finish_fetches"
cat "$M2/orders/snapshot.jsonl" >/dev/null 2>&1 &
reader=$!
fetch_shows "$M2" orders snapshot.jsonl 1
kill -9 "$reader"
wait "$reader" 2>/dev/null
fetch_shows "$M2" orders snapshot.jsonl 0
fetch_ends "$M2" orders snapshot.jsonl
snap=$(find "$T/cache2" -path '*/orders-*/snapshot.jsonl')
[ -n "$snap" ] || fail "finish_fetches: the download was not finished"
assert_eq 1030 "$(wc -l <"$snap")" "finish_fetches: records in the finished snapshot"
calls=$(jq .api.calls "$M2/_status.json")
cmp -s "$snap" "$M2/orders/snapshot.jsonl" || fail "finish_fetches: the next cat"
assert_eq "$calls" "$(jq .api.calls "$M2/_status.json")" "calls of the cat after the finished download"
if grep -E "lakeflowfs: (error|warning):" "$T/daemon.log"; then
	fail "errors logged"
fi
unmount_fs "$M2"
