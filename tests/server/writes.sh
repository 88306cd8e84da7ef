#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes: an upsert moves the row to the end of the cursor order (since = the
# previous last cursor returns exactly it), an upsert of a new key inserts,
# products inserts land in key order, deletes on orders leave tombstones in
# deleted_records, which pages at 40 and honours since.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0
EPOCH=1970-01-01T00:00:00.000000+00:00

post() { # post TABLE CODE JSON: sets REC to the record answered
	expect_code "$2" POST "/tables/$1/records" -H 'Content-Type: application/json' -d "$3"
	REC=$(body_jq -c .record)
}
all() { fetch_pages "/tables/$1/records" "$2" "$T/$3" "${@:4}"; }
count() { wc -l <"$1" | tr -d ' '; }

# ------------------------------------------------ upserts move rows to the end
# upsert_moves TABLE PK KEY SIZE CURSOR JSON
upsert_moves() {
	t=$1 pk=$2 key=$3 size=$4 c=$5 body=$6
	all "$t" "$size" before
	last=$(tail -n 1 "$T/before" | jq -r --arg c "$c" '.[$c]')
	post "$t" 200 "$body"
	printf '%s' "$REC" | jq -e --argjson b "$body" --arg c "$c" --arg l "$last" \
		'del(.[$c]) == ($b | del(.[$c])) and .[$c] > $l' >/dev/null ||
		fail "$t upsert of $key: answer $REC (previous last cursor $last)"
	all "$t" "$size" after
	if grep -q "\"$pk\":\"$key\"" "$T/before"; then
		want=$(count "$T/before")
	else
		want=$(($(count "$T/before") + 1))
	fi
	assert_eq "$want" "$(count "$T/after")" "$t rows after upserting $key"
	assert_eq "$REC" "$(tail -n 1 "$T/after")" "$t: upserted $key must be the last row"
	# Everything else keeps its order.
	grep -v "\"$pk\":\"$key\"" "$T/before" >"$T/b2"
	sed '$d' "$T/after" >"$T/a2"
	cmp -s "$T/b2" "$T/a2" || fail "$t: other rows moved when upserting $key"
	all "$t" "$size" since --data-urlencode "since=$last"
	assert_eq "$REC" "$(cat "$T/since")" "$t since the previous last cursor"
}
upsert_moves orders order_id order_0010 40 updated_at \
	'{"order_id":"order_0010","user_id":"user_0004","amount":999.99,"status":"delivered","updated_at":null}'
upsert_moves orders order_id order_5000 40 updated_at \
	'{"order_id":"order_5000","user_id":"user_0001","amount":1.5,"status":"pending","updated_at":null}'
upsert_moves orders order_id order_0000 40 updated_at \
	'{"order_id":"order_0000","user_id":"user_0000","amount":50,"status":"shipped","updated_at":null}'
upsert_moves users user_id user_0002 15 updated_at \
	'{"user_id":"user_0002","email":"new@example.com","display_name":"New","status":"inactive","updated_at":null}'
upsert_moves users user_id user_9000 15 updated_at \
	'{"user_id":"user_9000","email":"u@example.com","display_name":"U","status":"active","updated_at":null}'
upsert_moves events event_id 00000000-0000-0000-0000-000000000065 50 created_at \
	'{"event_id":"00000000-0000-0000-0000-000000000065","event_type":"click","user_id":"user_001","payload":"new","created_at":null}'
upsert_moves events event_id 00000000-0000-0000-0000-000000000003 50 created_at \
	'{"event_id":"00000000-0000-0000-0000-000000000003","event_type":"view","user_id":"user_003","payload":"again","created_at":null}'
# The filters see the new values.
all orders 40 f --data-urlencode user_id=user_0004 --data-urlencode status=delivered
jq -se 'map(.order_id) | index("order_0010") != null' "$T/f" >/dev/null ||
	fail "the filter user_id=user_0004&status=delivered misses the upserted order_0010"

# ------------------------------------------------ products: inserts in key order
for key in prod_0010a aaa_first zzz_last prod_0052x; do
	all products 20 before
	post products 201 "{\"product_id\":\"$key\",\"name\":\"N $key\",\"price\":1.25,\"category\":\"books\"}"
	all products 20 after
	assert_eq $(($(count "$T/before") + 1)) "$(count "$T/after")" "products after inserting $key"
	{
		cat "$T/before"
		printf '%s\n' "$REC"
	} | jq -sc 'sort_by(.product_id)[]' >"$T/want"
	cmp -s "$T/want" "$T/after" || fail "products: $key not inserted in key order"
done
all products 20 f --data-urlencode category=books
jq -se 'map(.product_id) | index("prod_0010a") != null' "$T/f" >/dev/null ||
	fail "category=books misses the inserted prod_0010a"

# ------------------------------------------------ deletes and tombstones
all orders 40 before
t_before=$(count "$T/before")
expect_code 200 DELETE /tables/orders/records/order_0020
t1=$(body_jq -c .record)
fetch_pages /tables/orders/deleted_records 40 "$T/d"
assert_eq "$t1" "$(cat "$T/d")" "deleted_records after one delete"
printf '%s' "$t1" | jq -e '.order_id == "order_0020" and .user_id == null and
	.amount == null and .status == null and (.updated_at | type) == "string"' >/dev/null ||
	fail "tombstone of order_0020: $t1"
all orders 40 after
assert_eq $((t_before - 1)) "$(count "$T/after")" "orders after one delete"
grep -q '"order_id":"order_0020"' "$T/after" && fail "order_0020 still in records"
grep -v '"order_id":"order_0020"' "$T/before" | cmp -s - "$T/after" ||
	fail "deleting order_0020 disturbed other rows"

expect_code 200 DELETE /tables/orders/records/order_0030
t2=$(body_jq -c .record)
fetch_pages /tables/orders/deleted_records 40 "$T/d"
assert_eq "$t1
$t2" "$(cat "$T/d")" "deleted_records after two deletes"
c1=$(printf '%s' "$t1" | jq -r .updated_at)
c2=$(printf '%s' "$t2" | jq -r .updated_at)
fetch_pages /tables/orders/deleted_records 40 "$T/d" --data-urlencode "since=$c1"
assert_eq "$t2" "$(cat "$T/d")" "deleted_records since the first tombstone"
fetch_pages /tables/orders/deleted_records 40 "$T/d" --data-urlencode "since=$c2"
assert_eq "" "$(cat "$T/d")" "deleted_records since the last tombstone"
fetch_pages /tables/orders/deleted_records 40 "$T/d" --data-urlencode "since=$EPOCH"
assert_eq 2 "$(count "$T/d")" "deleted_records since the epoch"
# A deleted row's cursor, moved to now, is after every live row's.
jq -se --arg c "$c1" 'all(.updated_at < $c)' "$T/after" >/dev/null ||
	fail "tombstone cursor $c1 is not after the live rows"

# 41 more: deleted_records pages at 40.
for i in $(seq 40 80); do
	expect_code 200 DELETE "/tables/orders/records/order_$(printf %04d "$i")"
done
fetch_pages /tables/orders/deleted_records 40 "$T/d"
assert_eq 43 "$(count "$T/d")" "tombstones after 43 deletes"
assert_eq 2 "$PAGES" "deleted_records pages for 43 tombstones"
jq -se 'map(.updated_at) | . == sort' "$T/d" >/dev/null || fail "deleted_records not sorted by updated_at"
jq -se 'all((keys | sort) == ["amount","order_id","status","updated_at","user_id"] and
	.user_id == null and .amount == null and .status == null and
	(.order_id | type) == "string" and (.updated_at | type) == "string")' "$T/d" >/dev/null ||
	fail "tombstones not of the shape {order_id, updated_at, others null}"
want=$( (echo order_0020 order_0030; seq -f 'order_%04g' 40 80) | tr ' ' '\n' | sort | tr '\n' ' ')
got=$(jq -r .order_id "$T/d" | sort | tr '\n' ' ')
assert_eq "$want" "$got" "keys in deleted_records"
all orders 40 after
assert_eq $((t_before - 43)) "$(count "$T/after")" "orders left after 43 deletes"
expect_code 404 DELETE /tables/orders/records/order_0040

# A deleted key can come back by upsert.
post orders 200 '{"order_id":"order_0020","user_id":"user_0000","amount":3,"status":"pending","updated_at":null}'
all orders 40 after
assert_eq "$REC" "$(tail -n 1 "$T/after")" "order_0020 upserted after its delete"
exit 0
