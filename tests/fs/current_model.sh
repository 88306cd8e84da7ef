#!/bin/bash
# SPDX-License-Identifier: MIT
# current.jsonl, current.csv and history.jsonl of a real mount equal a model
# of the apply_changes rules (tests/view_model.py's Model, driven by
# tests/fs/table_model.py): random upserts and deletes of orders and
# upserts of users through the server's write routes, refreshes of the
# chains between them, a remount in the middle, under five definitions of
# the table: orders as the connector describes it (SCD type 1), orders with
# SCD type 2, orders sequenced by amount (not monotonic: ties, late and
# out-of-order values, nulls; its deletes carry no amount, so none
# applies, and the mount warns), orders keyed by (status, user_id), and
# users with SCD type 2. After the remount only the batches published since
# are applied. At the end the cursor-sequenced orders table equals the
# server's own table, read with curl.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
CM=$top_srcdir/tests/fs/table_model.py
export top_srcdir

start_server api --error-rate 0.1 --quiet --seed 11
printf secret >"$T/pw"
chmod 600 "$T/pw"
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"object": [
  {"table": {"source_table": "orders"}},
  {"table": {"source_table": "orders", "destination_table": "orders_hist",
             "table_configuration": {"scd_type": "SCD_TYPE_2",
                                     "max_records_per_batch": "40"}}},
  {"table": {"source_table": "orders", "destination_table": "orders_by_amount",
             "table_configuration": {"scd_type": "SCD_TYPE_2",
                                     "sequence_by": "amount"}}},
  {"table": {"source_table": "orders", "destination_table": "orders_by_status",
             "table_configuration": {"primary_keys": ["status", "user_id"],
                                     "sequence_by": "amount"}}},
  {"table": {"source_table": "users",
             "table_configuration": {"scd_type": "SCD_TYPE_2"}}}
]}}
EOF
OBJS="orders orders_hist orders_by_amount orders_by_status users"
M=$T/mnt
mnt() {
	mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
		-o cache_dir="$T/cache",spec="$T/spec.json",refresh=0,retries=12,debug
}
check() {
	# shellcheck disable=SC2086
	$PY "$CM" check "$M" $OBJS >"$T/check.out" 2>&1 ||
		fail "$1: $(cat "$T/check.out")"
}
writes() {
	$PY "$CM" write "$SERVER_URL" "$@" || fail "the writes failed"
}

mnt
grep -q "orders_by_amount: sequence_by 'amount' is not the cursor field" "$T/daemon.log" ||
	fail "no warning that the deletes of orders_by_amount cannot apply"
grep -q "orders_by_status: primary key 'status' is not the connector's" "$T/daemon.log" ||
	fail "no warning that the deletes of orders_by_status apply to the key null"
check "the seeded tables"
writes 1 40 "$M"
check "after 40 writes"
writes 2 40 "$M"
# Some files read between the writes, some not: each applies what it lacks.
cat "$M/orders/current.jsonl" "$M/users/history.jsonl" >/dev/null || fail "cat"
writes 3 20 "$M"
check "after 100 writes"

# A remount in the middle, with writes while nothing is mounted.
for o in $OBJS; do
	ls "$M/$o/changes" | grep -c '\.jsonl$' >"$T/$o.before"
done
unmount_fs "$M"
writes 4 30
lines=$(wc -l <"$T/daemon.log")
mnt
check "after a remount"
grep -q "building it again\|built again" "$T/daemon.log" &&
	fail "the remount built a table again: $(grep "building it again\|built again" "$T/daemon.log")"
# Only what was published since the last update is applied after it.
for o in $OBJS; do
	n=$(ls "$M/$o/changes" | grep -c '\.jsonl$')
	applied=$(tail -n +"$((lines + 1))" "$T/daemon.log" |
		grep -o " $o: applied [0-9]* batches of changes/" | awk '{ s += $3 } END { print s + 0 }')
	assert_eq "$((n - $(tail -n 1 "$T/$o.before")))" "$applied" "$o: batches of changes/ applied after the remount"
done

writes 5 60 "$M"
check "at the end"
cat "$T/check.out"

# Sequenced by the cursor, the table is the server's own.
api_all_records orders | jq -S -c . | sort >"$T/api"
jq -S -c . "$M/orders/current.jsonl" | sort >"$T/cur"
[ "$(wc -l <"$T/api")" -gt 50 ] || fail "curl read $(wc -l <"$T/api") orders"
cmp -s "$T/api" "$T/cur" ||
	fail "orders/current.jsonl is not the server's table: $(diff "$T/api" "$T/cur" | head -n 6)"
# The deletes happened, and sequenced by amount they did not apply.
grep -q . "$M/orders/deletes/"*.jsonl || fail "no deletes were read"
[ "$(wc -l <"$M/orders_by_amount/current.jsonl")" -gt "$(wc -l <"$M/orders/current.jsonl")" ] ||
	fail "orders_by_amount lost rows to deletes it cannot apply"

grep "lakeflowfs: error:" "$T/daemon.log" && fail "the daemon logged errors"
exit 0
