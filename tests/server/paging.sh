#!/bin/bash
# SPDX-License-Identifier: MIT
# Paging: page sizes 20/50/15/40/100, row counts 53/101/37/103/253, next_page
# = page + 1 while more remain else null (also when the rows are an exact
# multiple of the page size), empty pages past the end, stable slices, order
# by cursor (by key on products) and the timestamp format.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0
EPOCH=1970-01-01T00:00:00.000000+00:00
FAR=9999-12-31T23:59:59.999999+00:00

# check_table TABLE SIZE COUNT SORTKEY PKEY [curl options...]
check_table() {
	t=$1 size=$2 count=$3 key=$4 pk=$5
	shift 5
	fetch_pages "/tables/$t/records" "$size" "$T/$t.jsonl" "$@"
	n=$(wc -l <"$T/$t.jsonl")
	assert_eq "$count" "$n" "rows of $t $*"
	assert_eq $(((count + size - 1) / size)) "$PAGES" "pages of $t $*"
	jq -se --arg k "$key" --arg p "$pk" --arg re "$TS_RE" '
		(map(.[$k]) | . == sort) and
		(map(.[$p]) | length == (unique | length)) and
		all(.[$p] | type == "string")' "$T/$t.jsonl" >/dev/null ||
		fail "$t $*: rows not sorted by $key ascending, or duplicate $pk"
	if [ "$key" != "$pk" ]; then
		bad=$(jq -rs --arg k "$key" --arg re "$TS_RE" \
			'map(.[$k]) | map(select(type != "string" or (test($re) | not))) | .[0:3] | tostring' \
			"$T/$t.jsonl")
		assert_eq "[]" "$bad" "$t: cursor values not like 2026-11-21T21:26:15.123456+00:00"
	fi
	# Past the end: an empty page with no next page.
	for p in $((PAGES + 1)) $((PAGES + 7)); do
		expect_code 200 GET "/tables/$t/records" -G --data-urlencode "page=$p" "$@"
		body_jq -e '. == {"records": [], "next_page": null}' >/dev/null ||
			fail "$t page $p (past the end) $*: $HTTP_BODY"
	done
}

check_table products 20 53 product_id product_id
check_table events 50 101 created_at event_id
check_table users 15 37 updated_at user_id
check_table orders 40 103 updated_at order_id
check_table metrics 100 253 updated_at metric_id
check_table metrics 100 253 updated_at metric_id \
	--data-urlencode "since=$EPOCH" --data-urlencode "until=$FAR"
check_table events 7 101 created_at event_id --data-urlencode limit=7

# Every other timestamp-looking value has the same format.
bad=$(cat "$T"/*.jsonl | jq -rs --arg re "$TS_RE" \
	'[.. | strings | select(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) | select(test($re) | not)] | .[0:3] | tostring')
assert_eq "[]" "$bad" "timestamps not in the API format"

# Exact multiples of the page size: the last full page says null, and the
# page after it is empty. `since` = the cursor of row k leaves COUNT-k-1 rows.
# exact TABLE SIZE K WANT_PAGES [curl options...]
exact() {
	t=$1 size=$2 k=$3 want=$4
	shift 4
	fetch_pages "/tables/$t/records" "" "$T/all.jsonl" "$@"
	cursor=$(sed -n "$((k + 1))p" "$T/all.jsonl" | jq -r '.updated_at // .created_at')
	fetch_pages "/tables/$t/records" "$size" "$T/exact.jsonl" --data-urlencode "since=$cursor" "$@"
	assert_eq $((want * size)) "$(wc -l <"$T/exact.jsonl")" "$t rows after row $k"
	assert_eq "$want" "$PAGES" "$t pages after row $k (last full page must say null)"
	expect_code 200 GET "/tables/$t/records" -G --data-urlencode "page=$((want + 1))" \
		--data-urlencode "since=$cursor" "$@"
	body_jq -e '. == {"records": [], "next_page": null}' >/dev/null ||
		fail "$t page $((want + 1)) after an exact multiple: $HTTP_BODY"
	# And the rows are exactly the ones after row k.
	tail -n +"$((k + 2))" "$T/all.jsonl" | cmp -s - "$T/exact.jsonl" ||
		fail "$t since row $k: not exactly the rows after it"
}
exact orders 40 22 2              # 103 - 23 = 80 = 2 pages of 40
exact users 15 6 2                # 37 - 7 = 30 = 2 pages of 15
exact events 50 0 2               # 101 - 1 = 100
exact events 10 0 10 --data-urlencode limit=10
exact metrics 100 52 2            # 253 - 53 = 200
exact metrics 100 52 2 --data-urlencode "until=$FAR"
# Exactly one page: 40 orders left, page 1 must already say null.
exact orders 40 62 1

# Products have no cursor: 53 x 20 rows at --scale 20 fill exactly 53 pages.
start_server scaled --error-rate 0 --null-rate 0 --scale 20
check_table products 20 1060 product_id product_id
assert_eq 53 "$PAGES" "products pages at --scale 20"

# The same page answers the same slice while nothing changes.
start_server stable --error-rate 0 --null-rate 0.2
for t in products events users orders metrics; do
	for p in 1 2 3; do
		expect_code 200 GET "/tables/$t/records" -G --data-urlencode "page=$p"
		first=$HTTP_BODY
		sleep 0.05
		expect_code 200 GET "/tables/$t/records" -G --data-urlencode "page=$p"
		[ "$first" = "$HTTP_BODY" ] || fail "$t page $p changed between two reads"
	done
done
exit 0
