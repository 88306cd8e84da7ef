#!/bin/bash
# SPDX-License-Identifier: MIT
# No lock is held across a download. While a stat downloads
# orders/snapshot.jsonl, the object's listing and small files (schema.json,
# metadata.json, a fresh sample.jsonl), other objects, tables, the mount's
# listing and _status.json all answer; while a listing of orders/changes/
# refreshes it, its _offset answers with the head as it is (moved by the
# batches published so far), and so do stat of changes/ and the object.
# Proven by order, not by time: each answer comes while _status.json still
# lists the fetch.
. "$top_srcdir/tests/lib.sh"
need_fuse

# 52 pages of orders one at a time at 200 ms: a download of ~10 s; the
# refresh reads them as 6 batches.
start_server api --error-rate 0 --latency-ms 200 --scale 20 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,parallel=1,refresh=0"

# answers WHAT COMMAND...: COMMAND succeeds (its output in $T/out).
answers() {
	what=$1
	shift
	"$@" >"$T/out" 2>&1 || fail "$what: $(cat "$T/out")"
}

head -n 1 "$M/orders/sample.jsonl" >/dev/null || fail "sample.jsonl"

# ------------------------------------------- while a snapshot downloads
stat "$M/orders/snapshot.jsonl" >/dev/null &
statter=$!
fetch_shows "$M" orders snapshot.jsonl ""
answers "ls orders" ls "$M/orders"
grep -qx snapshot.jsonl "$T/out" || fail "ls orders: $(cat "$T/out")"
answers "schema.json" jq -e '.type == "struct"' "$M/orders/schema.json"
answers "metadata.json" jq -e '.object == "orders"' "$M/orders/metadata.json"
answers "sample.jsonl" head -n 1 "$M/orders/sample.jsonl"
answers "ls users" ls -l "$M/users/schema.json" "$M/users/metadata.json"
answers "users/schema.json" jq -e '.type == "struct"' "$M/users/schema.json"
answers "tables" grep -qx orders "$M/tables"
answers "ls of the mount" ls -F "$M"
answers "_status.json" jq -e '.api.calls > 0' "$M/_status.json"
fetch_running "$M" orders snapshot.jsonl ||
	fail "the answers waited for the download to finish"
wait "$statter" || fail "the stat that downloaded failed"

# ---------------------------------------------- while changes/ refreshes
ls "$M/orders/changes" >/dev/null &
lister=$!
chain=$(find "$T/cache" -type d -path '*/chains/orders/changes')
for _ in $(seq 1200); do
	[ "$(find "$chain" -maxdepth 1 -name '*.jsonl' | wc -l)" -ge 1 ] && break
	sleep 0.05
done
fetch_shows "$M" orders changes ""
answers "_offset" jq -r .token "$M/orders/changes/_offset"
head=$(cat "$T/out")
first=$(find "$chain" -maxdepth 1 -name '*.jsonl' -printf '%f\n' | LC_ALL=C sort | head -n 1)
# The head has moved past the first batch published.
[[ "$head" > "${first%.jsonl}" ]] || fail "_offset ($head) is not past the first batch ($first)"
answers "stat changes" stat "$M/orders/changes"
answers "ls orders" ls "$M/orders"
answers "_status.json" jq -e '.fetches | length > 0' "$M/_status.json"
fetch_running "$M" orders changes || fail "the answers waited for the refresh to finish"
wait "$lister" || fail "the listing that refreshed failed"
unmount_fs "$M"
