#!/bin/bash
# SPDX-License-Identifier: MIT
# sample.jsonl, the cheap first look: every object directory lists it; the
# first stat costs one API call (the snapshot's page 1, with the object's
# filters) and reports the exact size; it holds the first records of
# snapshot.jsonl (for metrics too, read without a window); it is served
# from the cache afterwards; num_rows caps it.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}' >"$T/conn.json"
chmod 600 "$T/conn.json"
cat >"$T/spec.json" <<'EOF2'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "products"}},
  {"table": {"source_table": "events"}},
  {"table": {"source_table": "users"}},
  {"table": {"source_table": "orders"}},
  {"table": {"source_table": "metrics"}},
  {"table": {"source_table": "products", "destination_table": "books",
             "table_configuration": {"category": "books"}}},
  {"table": {"source_table": "orders", "destination_table": "few",
             "table_configuration": {"num_rows": "7"}}}]}}
EOF2
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,connection=$T/conn.json,cache_dir=$T/cache,spec=$T/spec.json"

records() { grep -c "/records" "$T/api.log"; }
calls() { jq .api.calls "$M/_status.json"; }

ls "$M/orders" | grep -qx sample.jsonl || fail "ls orders does not list sample.jsonl"
# page sizes: products 20, events 50, users 15, orders 40; metrics 100 on
# page 1, of which those not in the future
for o in products events users orders metrics books few; do
	r0=$(records)
	c0=$(calls)
	size=$(stat -c %s "$M/$o/sample.jsonl") || fail "stat $o/sample.jsonl"
	assert_eq $((r0 + 1)) "$(records)" "record requests for the first stat of $o/sample.jsonl"
	# _status.json's own read is no API call
	assert_eq $((c0 + 1)) "$(calls)" "API calls for the first stat of $o/sample.jsonl"
	assert_eq "$size" "$(wc -c <"$M/$o/sample.jsonl")" "size of $o/sample.jsonl"
	cat "$M/$o/sample.jsonl" >"$T/sample"
	assert_eq $((r0 + 1)) "$(records)" "record requests after reading $o/sample.jsonl"
	n=$(wc -l <"$T/sample")
	[ "$n" -gt 0 ] || fail "$o/sample.jsonl is empty"
	head -n "$n" "$M/$o/snapshot.jsonl" | cmp -s - "$T/sample" ||
		fail "$o/sample.jsonl is not the first $n records of snapshot.jsonl"
done
# books has fewer than a page of records: all of them
for x in products:20 events:50 users:15 orders:40 books:$(wc -l <"$M/books/snapshot.jsonl") few:7; do
	assert_eq "${x#*:}" "$(wc -l <"$M/${x%:*}/sample.jsonl")" "records in ${x%:*}/sample.jsonl"
done
[ "$(wc -l <"$M/metrics/sample.jsonl")" -le 100 ] || fail "metrics/sample.jsonl holds more than a page"
jq -e 'select(.category != "books")' "$M/books/sample.jsonl" >/dev/null &&
	fail "books/sample.jsonl holds records of other categories"
jq -e '.cache.hits > 0' "$M/_status.json" >/dev/null || fail "no cache hit counted"
