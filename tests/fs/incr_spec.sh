#!/bin/bash
# SPDX-License-Identifier: MIT
# The pipeline spec (-o spec=FILE): only its tables are mounted, each under
# its destination_table, so orders can be mounted twice with different
# status filters (snapshot.jsonl and changes/ both filtered, writes land in
# the right one); metadata.json shows scd_type, primary_keys, sequence_by and
# the effective options; num_rows, allowed by the connection file, caps
# snapshot.jsonl and changes/ (for good); start_timestamp without an
# offset is read as UTC; and every bad spec is refused
# before mounting with a message naming the problem.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"
good="url=$SERVER_URL,username=tester,password_file=$T/pw,refresh=1,retries=12"

# chain DIR: the records of every batch DIR lists, in name order.
chain() {
	ls "$1" >"$T/chain.ls" || fail "ls $1"
	for f in $(grep '\.jsonl$' "$T/chain.ls"); do
		[ -s "$1/$f" ] || fail "$1/$f is empty"
		jq -c . "$1/$f" || fail "$1/$f is not JSON lines"
	done
}
post() {
	api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records"
}

# ---------------------------------------------- two filtered orders mounts
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "orders", "destination_table": "shipped_orders",
             "table_configuration": {"status": "shipped", "max_records_per_batch": "50"}}},
  {"table": {"source_table": "orders", "destination_table": "pending_orders",
             "table_configuration": {"status": "pending"}}},
  {"table": {"source_table": "users",
             "table_configuration": {"scd_type": "SCD_TYPE_2",
                                     "primary_keys": ["user_id", "email"],
                                     "sequence_by": "updated_at"}}}
]}}
EOF
M=$T/mnt
mount_fs "$M" -o "$good,cache_dir=$T/cache,spec=$T/spec.json"
assert_eq "pending_orders shipped_orders users" \
	"$(find "$M" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"the directories of the mount"
[ -e "$M/orders" ] && fail "orders is mounted though the spec only names it as shipped_orders/pending_orders"
[ -e "$M/products" ] && fail "products is mounted though the spec does not name it"
assert_eq "shipped_orders pending_orders users" "$(xargs <"$M/tables")" \
	"tables lists the mounted directories in the spec's order"

for s in shipped pending; do
	d=$M/${s}_orders
	api_all_records orders "&status=$s" >"$T/$s.want"
	[ "$(wc -l <"$T/$s.want")" -ge 20 ] || fail "$s: too few orders to test"
	jq -e -s --arg s "$s" 'all(.status == $s)' "$T/$s.want" >/dev/null || fail "the API's status filter"
	jq -c . "$d/snapshot.jsonl" >"$T/$s.snap" || fail "$s: snapshot.jsonl"
	cmp -s "$T/$s.want" "$T/$s.snap" ||
		fail "${s}_orders/snapshot.jsonl is not the $s orders: $(diff "$T/$s.want" "$T/$s.snap" | head -4)"
	chain "$d/changes" >"$T/$s.chain"
	cmp -s "$T/$s.want" "$T/$s.chain" ||
		fail "${s}_orders/changes/ is not the $s orders: $(diff "$T/$s.want" "$T/$s.chain" | head -4)"
	ls "$d/changes" | grep '\.jsonl$' >"$T/$s.names1"
done
# shipped: max 50 over pages of 40, so batches of 80 (the first one at most).
assert_eq "$(head -n 80 "$T/shipped.want")" "$(jq -c . "$M/shipped_orders/changes/0.jsonl")" "shipped_orders: first batch"

# metadata.json: the spec's common options and the effective options.
meta() { jq -c "$2" "$M/$1/metadata.json" 2>&1; }
api_meta=$(for _ in $(seq 50); do
	b=$(api -w '\n%{http_code}' /tables/orders/metadata)
	[ "$(printf '%s' "$b" | tail -n 1)" = 200 ] && { printf '%s' "$b" | sed '$d'; break; }
done)
assert_eq "$(printf '%s' "$api_meta" | jq -c .metadata.primary_keys)" "$(meta shipped_orders .primary_keys)" "shipped_orders primary_keys"
assert_eq '"shipped"' "$(meta shipped_orders .options.status)" "shipped_orders options.status"
assert_eq '"50"' "$(meta shipped_orders '.options.max_records_per_batch | tostring')" "shipped_orders options.max_records_per_batch"
assert_eq '"pending"' "$(meta pending_orders .options.status)" "pending_orders options.status"
assert_eq '"200"' "$(meta pending_orders '.options.max_records_per_batch | tostring')" "pending_orders effective max_records_per_batch"
assert_eq '"SCD_TYPE_2"' "$(meta users .scd_type)" "users scd_type"
assert_eq '["user_id","email"]' "$(meta users .primary_keys)" "users primary_keys (the override)"
assert_eq '"updated_at"' "$(meta users .sequence_by)" "users sequence_by"
for d in shipped_orders pending_orders; do
	assert_eq true "$(meta "$d" 'has("scd_type") and has("sequence_by")')" "$d metadata.json has scd_type and sequence_by"
done

# An order moving from shipped to pending lands in pending_orders only.
rec=$(post orders '{"order_id":"order_0001","user_id":"user_0001","amount":2.5,"status":"pending","updated_at":null}')
sleep 1.2
for s in shipped pending; do
	ls "$M/${s}_orders/changes" | grep '\.jsonl$' >"$T/$s.names2"
	head -n "$(wc -l <"$T/$s.names1")" "$T/$s.names2" | cmp -s - "$T/$s.names1" ||
		fail "${s}_orders: the second listing lost or renamed files"
	: >"$T/$s.new"
	for f in $(tail -n +"$(($(wc -l <"$T/$s.names1") + 1))" "$T/$s.names2"); do
		jq -c . "$M/${s}_orders/changes/$f" >>"$T/$s.new" || fail "${s}_orders/changes/$f"
	done
done
assert_eq "$rec" "$(cat "$T/pending.new")" "pending_orders: new changes after the upsert"
assert_eq "" "$(cat "$T/shipped.new")" "shipped_orders: new changes after an upsert to pending"
unmount_fs "$M"

# ---------------------------------------------- num_rows
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}\n' >"$T/conn.json"
chmod 600 "$T/conn.json"
cat >"$T/spec2.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "users",
             "table_configuration": {"num_rows": "20", "max_records_per_batch": "15"}}},
  {"table": {"source_table": "orders", "table_configuration": {"num_rows": 50}}}
]}}
EOF
M2=$T/mnt2
mount_fs "$M2" -o "url=$SERVER_URL,connection=$T/conn.json,refresh=1,retries=12,cache_dir=$T/cache2,spec=$T/spec2.json"
api_all_records users >"$T/users.all"
api_all_records orders >"$T/orders.all"
for o in "users 20" "orders 50"; do
	set -- $o
	head -n "$2" "$T/$1.all" >"$T/$1.want"
	jq -c . "$M2/$1/snapshot.jsonl" >"$T/$1.snap" || fail "$1: snapshot.jsonl"
	cmp -s "$T/$1.want" "$T/$1.snap" || fail "$1: snapshot.jsonl with num_rows $2 holds $(wc -l <"$T/$1.snap") records, not the first $2"
	chain "$M2/$1/changes" >"$T/$1.chain"
	cmp -s "$T/$1.want" "$T/$1.chain" || fail "$1: changes/ with num_rows $2 holds $(wc -l <"$T/$1.chain") records, not the first $2"
	ls "$M2/$1/changes" | grep '\.jsonl$' >"$T/$1.names1"
done
# users: pages of 15, max 15: batches of 15 and the last cut short at 5.
c14=$(sed -n 15p "$T/users.all" | jq -r .updated_at)
assert_eq "0.jsonl $(cursor_token "$c14").jsonl" "$(tr '\n' ' ' <"$T/users.names1" | sed 's/ $//')" "users: batches with num_rows 20"
assert_eq 5 "$(wc -l <"$M2/users/changes/$(cursor_token "$c14").jsonl")" "users: the last batch cut short"
# The cap is for good: later writes add nothing.
post users '{"user_id":"user_0000","email":"z@example.com","display_name":"Z","status":"active","updated_at":null}' >/dev/null
post orders '{"order_id":"order_0000","user_id":"user_0000","amount":1,"status":"pending","updated_at":null}' >/dev/null
sleep 1.2
for o in users orders; do
	ls "$M2/$o/changes" | grep '\.jsonl$' >"$T/$o.names2"
	cmp -s "$T/$o.names1" "$T/$o.names2" || fail "$o: changes/ grew past num_rows: $(diff "$T/$o.names1" "$T/$o.names2" | head -3)"
done
unmount_fs "$M2"

# ---------------------------------------------- start_timestamp without an offset
# It is read as UTC, kept and sent to the API in the API's own form, and the
# first window starts there: 2026-11-26T09:30:12 means ...T09:30:12.000000+00:00.
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(urlq "$(now_ts)")" >"$T/metrics.all"
c=$(sed -n 5p "$T/metrics.all" | jq -r .updated_at)
bare=${c%.*}                      # YYYY-MM-DDTHH:MM:SS, no fraction, no offset
canon=$bare.000000+00:00
wend=$(date -u -d "@$(($(date -u -d "$canon" +%s) + 600))" +%Y-%m-%dT%H:%M:%S).000000+00:00
[ "$wend" \< "$(now_ts)" ] || fail "metrics: the window after $canon is not over yet"
cat >"$T/spec4.json" <<EOF
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "metrics",
             "table_configuration": {"start_timestamp": "$bare", "window_seconds": "600"}}}
]}}
EOF
M4=$T/mnt4
mount_fs "$M4" -o "$good,cache_dir=$T/cache4,spec=$T/spec4.json"
assert_eq "\"$canon\"" "$(jq -c .options.start_timestamp "$M4/metrics/metadata.json")" \
	"metrics: start_timestamp in metadata.json"
ls "$M4/metrics/changes" >/dev/null || fail "ls metrics/changes"
api_all_records metrics "&since=$(urlq "$canon")&until=$(urlq "$wend")" >"$T/m4.want"
[ -s "$T/m4.want" ] || fail "metrics: no records in the first window to compare"
assert_eq "$(cat "$T/m4.want")" "$(jq -c . "$M4/metrics/changes/0.jsonl")" \
	"metrics: the first window from start_timestamp $bare"
unmount_fs "$M4"

# ---------------------------------------------- refusals
M3=$T/mnt3
mkdir -p "$M3"
# refuse SPEC-JSON OPTIONS NEEDLE...: mounting with the spec fails, says
# every NEEDLE, and mounts nothing.
refuse() {
	printf '%s\n' "$1" >"$T/bad.json"
	opts=$2
	shift 2
	status=0
	timeout 60 "$LAKEFLOWFS" "$M3" -f -o "$opts,cache_dir=$T/cache3,spec=$T/bad.json" >"$T/out" 2>&1 || status=$?
	[ "$status" -ne 0 ] || { fusermount3 -u "$M3" 2>/dev/null; fail "accepted: $(cat "$T/bad.json")"; }
	[ "$status" -ne 124 ] || { fusermount3 -u "$M3" 2>/dev/null; fail "hung: $(cat "$T/bad.json")"; }
	mountpoint -q "$M3" && { fusermount3 -u "$M3"; fail "mounted anyway: $(cat "$T/bad.json")"; }
	for w in "$@"; do
		grep -qF -- "$w" "$T/out" || fail "for $(cat "$T/bad.json") expected '$w' in: $(cat "$T/out")"
	done
}
one() { # one SOURCE CONFIG-JSON: a spec with one table
	printf '{"pipeline_spec": {"connection_name": "x", "object": [{"table": {"source_table": "%s", "table_configuration": %s}}]}}' "$1" "$2"
}
refuse "$(one widgets '{}')" "$good" "widgets" "supported: products, events, users, orders, metrics"
refuse "$(one users '{"num_rows": "5"}')" "$good" "'num_rows'" "externalOptionsAllowList"
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "limit"}\n' >"$T/conn2.json"
refuse "$(one users '{"num_rows": "5"}')" "url=$SERVER_URL,connection=$T/conn2.json" "'num_rows'" "externalOptionsAllowList"
refuse "$(one users '{"max_records_per_batch": "abc"}')" "$good" "max_records_per_batch" "abc"
refuse "$(one users '{"max_records_per_batch": "0"}')" "$good" "max_records_per_batch"
refuse "$(one orders '{"max_records_per_batch": "-3"}')" "$good" "max_records_per_batch"
refuse "$(one metrics '{"window_seconds": "0"}')" "$good" "window_seconds"
refuse "$(one metrics '{"start_timestamp": "2026-11-26T24:00"}')" "$good" "start_timestamp" "ISO 8601"
refuse "$(one events '{"limit": "1.5"}')" "$good" "limit"
refuse "$(one users '{"num_rows": "0"}')" "url=$SERVER_URL,connection=$T/conn.json" "num_rows"
refuse "$(one events '{"scd_type": "SCD_TYPE_2"}')" "$good" "scd_type" "events" "append"
refuse "$(one metrics '{"sequence_by": "value.count"}')" "$good" "sequence_by names 'value.count'" "not a top-level column of metrics" "columns: metric_id, name, value, host, updated_at"
refuse "$(one orders '{"primary_keys": ["order_id", "id"]}')" "$good" "table 'orders': primary_keys names 'id', which is not a column of orders" "columns: order_id"
refuse '{"pipeline_spec": {"connection_name": "x", "object": [
	{"table": {"source_table": "orders", "destination_table": "dup"}},
	{"table": {"source_table": "users", "destination_table": "dup"}}]}}' "$good" "'dup'"
refuse '{"pipeline_spec": {"connection_name": "x", "object": [
	{"table": {"source_table": "orders"}}, {"table": {"source_table": "orders"}}]}}' "$good" "'orders'"
exit 0
