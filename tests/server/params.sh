#!/bin/bash
# SPDX-License-Identifier: MIT
# Query parameters: each table accepts only its own list (anything else is
# 400), page must be an integer >= 1, and events pages at min(limit, 50) with
# a bad limit answering 400.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0

TS=2000-01-01T00:00:00.000000+00:00
ALL_PARAMS="since until limit page category user_id status foo"
# value PARAM: an acceptable value for PARAM where it is allowed.
value() {
	case $1 in
	since | until) echo "$TS" ;;
	limit) echo 10 ;;
	page) echo 1 ;;
	category) echo books ;;
	user_id) echo user_0001 ;;
	status) echo shipped ;;
	*) echo x ;;
	esac
}

# check PATH "ALLOWED PARAMS": every allowed one 200, every other 400.
check() {
	for p in $ALL_PARAMS; do
		case " $2 " in
		*" $p "*) want=200 ;;
		*) want=400 ;;
		esac
		expect_code "$want" GET "$1" -G --data-urlencode "$p=$(value "$p")"
	done
	# An allowed and a refused one together are still refused.
	expect_code 400 GET "$1" -G --data-urlencode "page=1" --data-urlencode "bogus=1"
	# Not even an empty value of an unknown parameter passes.
	expect_code 400 GET "$1?nope="
}
check /tables/products/records "category page"
check /tables/events/records "since limit page"
check /tables/users/records "since page"
check /tables/orders/records "since user_id status page"
check /tables/metrics/records "since until page"
check /tables/orders/deleted_records "since page"

# All the allowed ones at once.
expect_code 200 GET /tables/orders/records -G --data-urlencode "since=$TS" \
	--data-urlencode user_id=user_0001 --data-urlencode status=shipped \
	--data-urlencode page=1
expect_code 200 GET /tables/metrics/records -G --data-urlencode "since=$TS" \
	--data-urlencode "until=2999-01-01T00:00:00.000000+00:00" --data-urlencode page=2
expect_code 200 GET /tables/events/records -G --data-urlencode "since=$TS" \
	--data-urlencode limit=5 --data-urlencode page=3

# page: 1-based integers only.
for t in products events users orders metrics; do
	for bad in 0 -1 abc 1.5 "" 1x 0x1 1e1; do
		expect_code 400 GET "/tables/$t/records" -G --data-urlencode "page=$bad"
	done
	expect_code 200 GET "/tables/$t/records" -G --data-urlencode page=1
	expect_code 200 GET "/tables/$t/records" -G --data-urlencode page=1000
done
for bad in 0 -1 abc 1.5; do
	expect_code 400 GET /tables/orders/deleted_records -G --data-urlencode "page=$bad"
done

# events: page size min(limit, 50); the default is 50.
expect_code 200 GET /tables/events/records
assert_eq 50 "$(body_jq '.records | length')" "events default page size"
for limit in 1 7 10 49 50 51 80 1000; do
	want=$((limit < 50 ? limit : 50))
	expect_code 200 GET /tables/events/records -G --data-urlencode "limit=$limit"
	assert_eq "$want" "$(body_jq '.records | length')" "events page size at limit=$limit"
	assert_eq 2 "$(body_jq '.next_page')" "events next_page at limit=$limit"
	# Page 2 continues where page 1 stopped.
	first=$(body_jq -r '.records[-1].event_id')
	expect_code 200 GET /tables/events/records -G --data-urlencode "limit=$limit" \
		--data-urlencode page=2
	n2=$(body_jq '.records | length')
	want2=$((101 - want < want ? 101 - want : want))
	assert_eq "$want2" "$n2" "events page 2 size at limit=$limit"
	printf '%s' "$HTTP_BODY" | jq -e --arg f "$first" '.records[0].event_id > $f' >/dev/null ||
		fail "events page 2 at limit=$limit does not follow page 1 (last $first)"
done
for bad in 0 -1 abc 2.5 "" 10x; do
	expect_code 400 GET /tables/events/records -G --data-urlencode "limit=$bad"
done
exit 0
