#!/bin/bash
# SPDX-License-Identifier: MIT
# `lakeflowfs MOUNT` with no url mounts the built-in Example source: the tree,
# the tables file, and every object's files read with ordinary tools.
. "$top_srcdir/tests/lib.sh"
need_fuse

M=$T/mnt
mount_fs "$M" -o cache_dir="$T/cache"

assert_eq "_status.json events metrics orders products tables users" "$(ls "$M" | sort | xargs)" "ls of the mount"
assert_eq "products
events
users
orders
metrics" "$(cat "$M/tables")" "tables file"

# Snapshot objects have no changes/; only cdc_with_deletes has deletes/;
# every object but the append-only events has a current table.
files="metadata.json sample.jsonl schema.json snapshot.csv snapshot.jsonl"
cur="current.csv current.jsonl"
assert_eq "$cur $files" "$(ls "$M/products" | xargs)" "ls products"
assert_eq "changes $files" "$(ls "$M/events" | xargs)" "ls events"
for o in users metrics; do
	assert_eq "changes $cur $files" "$(ls "$M/$o" | xargs)" "ls $o"
done
assert_eq "changes $cur deletes $files" "$(ls "$M/orders" | xargs)" "ls orders"
for o in products events users orders metrics; do
	f=$M/$o/snapshot.jsonl
	jq -e 'type == "object"' "$f" >/dev/null || fail "$o: a line is not a JSON object"
	assert_eq "$(wc -c <"$f")" "$(stat -c %s "$f")" "$o: stat size vs bytes read"
	assert_eq "$(head -n 1 "$f" | jq -c .)" "$(jq -sc '.[0]' "$f")" "$o: head -n 1"
	assert_eq "$(tail -n 1 "$f" | jq -c .)" "$(jq -sc '.[-1]' "$f")" "$o: tail -n 1"
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "$o: last line not terminated"
done

# Seeded counts of the API page; metrics holds only the rows up to now.
assert_eq 53 "$(wc -l <"$M/products/snapshot.jsonl")" "products rows"
assert_eq 101 "$(wc -l <"$M/events/snapshot.jsonl")" "events rows"
assert_eq 37 "$(wc -l <"$M/users/snapshot.jsonl")" "users rows"
assert_eq 103 "$(wc -l <"$M/orders/snapshot.jsonl")" "orders rows"
now=$(date -u +%Y-%m-%dT%H:%M:%S)
jq -se --arg now "$now" 'length > 50 and length < 70 and all(.updated_at[0:19] <= $now)
	and ([.[].metric_id] == [range(length) | "metric_\(. | tostring | ("000" + .)[-4:])"])' \
	"$M/metrics/snapshot.jsonl" >/dev/null || fail "metrics: not the rows up to now, in order"

# The daemon keeps serving and the cache holds the files, complete.
ls "$T"/cache/builtin-*/products-*/snapshot.jsonl >/dev/null 2>&1 ||
	fail "snapshot not materialized under cache_dir"
unmount_fs "$M"
# The built-in source's cache goes with it.
[ -z "$(ls "$T/cache")" ] || fail "built-in cache left behind: $(ls "$T/cache")"
