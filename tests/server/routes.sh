#!/bin/bash
# SPDX-License-Identifier: MIT
# Every route of the Example API and its answer codes: /tables, schema,
# metadata, records, deleted_records, POST upserts and inserts, DELETE and its
# tombstone, unknown tables, unknown routes and wrong methods; every error
# body is {"error": string}. Expectations come from the API page
# (docs: example-source-api.md), not from the server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0

now_us() { date +%s%6N; }
# ts_us: a timestamp string on stdin -> microseconds since the epoch.
JQ_US='def us: (.[0:19] + "Z" | fromdateiso8601) * 1000000 + (.[20:26] | tonumber);'

# ---------------------------------------------------------------- /tables
expect_code 200 GET /tables
body_jq -e '. == {"tables": ["products", "events", "users", "orders"]}' >/dev/null ||
	fail "GET /tables: expected the four visible tables, metrics hidden: $HTTP_BODY"
ctype=$(curl -sS -u "$CREDS" -o /dev/null -w '%{content_type}' "$SERVER_URL/tables")
assert_contains "$ctype" application/json "Content-Type of GET /tables"
ctype=$(curl -sS -u "$CREDS" -o /dev/null -w '%{content_type}' "$SERVER_URL/nope")
assert_contains "$ctype" application/json "Content-Type of a 404"

# ---------------------------------------------------------------- schema
# The column lists of the API page; "!" marks the non-nullable primary key.
cols_products='product_id!:string name:string price:double category:string'
cols_events='event_id!:string event_type:string user_id:string payload:string created_at:timestamp'
cols_users='user_id!:string email:string display_name:string status:string updated_at:timestamp'
cols_orders='order_id!:string user_id:string amount:double status:string updated_at:timestamp'

# expected_schema "COLS": the {"schema": [...]} the page describes.
expected_schema() {
	for c in $1; do
		name=${c%%:*}
		type=${c#*:}
		nullable=true
		case $name in *!)
			name=${name%!}
			nullable=false
			;;
		esac
		jq -nc --arg n "$name" --arg t "$type" --argjson z "$nullable" \
			'{name: $n, type: $t, nullable: $z}'
	done | jq -sc '{schema: .}'
}

for t in products events users orders; do
	eval "cols=\$cols_$t"
	want=$(expected_schema "$cols")
	expect_code 200 GET "/tables/$t/schema"
	got=$(body_jq -c .)
	# Order matters: compare the arrays element by element.
	printf '%s' "$HTTP_BODY" | jq -e --argjson w "$want" '. == $w' >/dev/null ||
		fail "schema of $t: expected $want, got $got"
done
expect_code 404 GET /tables/metrics/schema
expect_code 404 GET /tables/nope/schema

# ---------------------------------------------------------------- metadata
meta() {
	expect_code 200 GET "/tables/$1/metadata"
	printf '%s' "$HTTP_BODY" | jq -e --argjson w "$2" '. == {metadata: $w}' >/dev/null ||
		fail "metadata of $1: expected {\"metadata\": $2}, got $HTTP_BODY"
}
meta products '{"primary_keys": ["product_id"]}'
meta events '{"cursor_field": "created_at"}'
meta users '{"primary_keys": ["user_id"], "cursor_field": "updated_at"}'
meta orders '{"primary_keys": ["order_id"], "cursor_field": "updated_at"}'
expect_code 404 GET /tables/metrics/metadata
expect_code 404 GET /tables/nope/metadata

# ---------------------------------------------------------------- records
for t in products events users orders metrics; do
	expect_code 200 GET "/tables/$t/records"
	body_jq -e '(keys | sort) == ["next_page", "records"] and
		(.records | type) == "array" and (.records | length) > 0 and
		(.next_page == null or (.next_page | type) == "number")' >/dev/null ||
		fail "GET /tables/$t/records: not {records: [...], next_page}: $HTTP_BODY"
done
expect_code 404 GET /tables/nope/records

# ---------------------------------------------------------------- deleted_records
expect_code 200 GET /tables/orders/deleted_records
body_jq -e '. == {"records": [], "next_page": null}' >/dev/null ||
	fail "deleted_records of orders before any delete: $HTTP_BODY"
for t in products events users metrics; do
	expect_code 400 GET "/tables/$t/deleted_records"
done
expect_code 404 GET /tables/nope/deleted_records

# ---------------------------------------------------------------- POST
# post_check TABLE CODE RECORD CURSOR: POST RECORD, expect CODE and the
# record echoed back; CURSOR (if any) must be set to about now, whatever the
# body said.
post_check() {
	t0=$(now_us)
	expect_code "$2" POST "/tables/$1/records" -H 'Content-Type: application/json' -d "$3"
	t1=$(now_us)
	body_jq -e 'keys == ["record"]' >/dev/null || fail "POST $1: not {record: ...}: $HTTP_BODY"
	if [ -n "$4" ]; then
		printf '%s' "$HTTP_BODY" | jq -e --argjson r "$3" --arg c "$4" \
			'.record | del(.[$c]) == ($r | del(.[$c]))' >/dev/null ||
			fail "POST $1: record not echoed: sent $3, got $HTTP_BODY"
		cur=$(body_jq -r --arg c "$4" '.record[$c]')
		printf '%s' "$cur" | jq -Re --arg re "$TS_RE" 'test($re)' >/dev/null ||
			fail "POST $1: $4 is not a timestamp: $cur"
		us=$(printf '"%s"' "$cur" | jq "$JQ_US us")
		[ "$us" -ge $((t0 - 2000000)) ] && [ "$us" -le $((t1 + 2000000)) ] ||
			fail "POST $1: $4 $cur is not now (request between $t0 and $t1 us)"
	else
		printf '%s' "$HTTP_BODY" | jq -e --argjson r "$3" '.record == $r' >/dev/null ||
			fail "POST $1: record not echoed: sent $3, got $HTTP_BODY"
	fi
}
old='"2000-01-01T00:00:00.000000+00:00"'
post_check orders 200 "{\"order_id\":\"order_0007\",\"user_id\":\"user_0007\",\"amount\":1.25,\"status\":\"shipped\",\"updated_at\":$old}" updated_at
post_check orders 200 "{\"order_id\":\"order_7777\",\"user_id\":\"user_0001\",\"amount\":2.5,\"status\":\"pending\",\"updated_at\":$old}" updated_at
post_check users 200 "{\"user_id\":\"user_0003\",\"email\":\"x@example.com\",\"display_name\":\"X\",\"status\":\"inactive\",\"updated_at\":$old}" updated_at
post_check events 200 "{\"event_id\":\"00000000-0000-0000-0000-0000000003e8\",\"event_type\":\"click\",\"user_id\":\"user_001\",\"payload\":\"p\",\"created_at\":$old}" created_at
post_check products 201 '{"product_id":"prod_9000","name":"New","price":9.5,"category":"books"}' ""

# Bodies that are not a record: a well-run JSON API answers 400.
expect_code 400 POST /tables/orders/records -H 'Content-Type: application/json' -d 'not json'
expect_code 400 POST /tables/orders/records -H 'Content-Type: application/json' -d '[1,2]'
expect_code 400 POST /tables/products/records -H 'Content-Type: application/json' -d '{"name":"no key"}'
expect_code 404 POST /tables/nope/records -H 'Content-Type: application/json' -d '{"id":"x"}'

# ---------------------------------------------------------------- DELETE
t0=$(now_us)
expect_code 200 DELETE /tables/orders/records/order_0005
t1=$(now_us)
body_jq -e '(keys == ["record"]) and
	(.record | keys | sort) == (["order_id","user_id","amount","status","updated_at"] | sort) and
	.record.order_id == "order_0005" and .record.user_id == null and
	.record.amount == null and .record.status == null' >/dev/null ||
	fail "DELETE order_0005: tombstone is not {order_id, updated_at, others null}: $HTTP_BODY"
cur=$(body_jq -r .record.updated_at)
printf '%s' "$cur" | jq -Re --arg re "$TS_RE" 'test($re)' >/dev/null ||
	fail "tombstone updated_at is not a timestamp: $cur"
us=$(printf '"%s"' "$cur" | jq "$JQ_US us")
[ "$us" -ge $((t0 - 2000000)) ] && [ "$us" -le $((t1 + 2000000)) ] ||
	fail "tombstone updated_at $cur is not now"
api_all_records orders | jq -e -s 'map(.order_id) | index("order_0005") == null' >/dev/null ||
	fail "order_0005 still listed after DELETE"
expect_code 404 DELETE /tables/orders/records/order_0005
expect_code 404 DELETE /tables/orders/records/order_9999
for t in products events users metrics; do
	expect_code 400 DELETE "/tables/$t/records/anything"
done
expect_code 400 DELETE /tables/products/records/prod_0001
expect_code 404 DELETE /tables/nope/records/x

# ---------------------------------------------------------------- anything else
for p in / /nope /tables/ /tables/orders /tables/orders/ /tables/orders/bogus \
	/tables/orders/records/order_0001 /tables/orders/schema/x \
	/tables/orders/records/order_0001/x /tablesx; do
	expect_code 404 GET "$p"
done
expect_code 404 PUT /tables/orders/records -d '{}'
expect_code 404 PATCH /tables/orders/records -d '{}'
expect_code 404 POST /tables -d '{}'
expect_code 404 DELETE /tables
expect_code 404 POST /tables/orders/schema -d '{}'
expect_code 404 POST /tables/orders/metadata -d '{}'
expect_code 404 DELETE /tables/orders/records
expect_code 404 POST /tables/orders/deleted_records -d '{}'
expect_code 404 POST /tables/orders/records/order_0001 -d '{}'

# The server is still healthy after all that.
expect_code 200 GET /tables
exit 0
