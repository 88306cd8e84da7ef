#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracker's pages and Link headers, end to end with curl: following
# rel="next" from page 1 reads every record exactly once; every page has
# exactly the rels GitHub gives (prev and first after page 1, next and
# last before the last page), absolute URLs on the request's Host (or
# --public-url) that keep the query in order with page last; per_page
# defaults to 30 and stops at 100; a page past the end is empty; bad
# values are 422 and unknown parameters are ignored.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
start_tracker paging

# check_links PAGE LAST BASE QUERY: the Link header of the last answer is
# the one of page PAGE of LAST for BASE (origin and path) and QUERY (the
# parameters before page, with their '&').
check_links() {
	_want=""
	_add() { _want="${_want:+$_want, }<$3?$4page=$1>; rel=\"$2\""; }
	[ "$1" -gt 1 ] && _add $(($1 - 1)) prev "$3" "$4"
	if [ "$1" -lt "$2" ]; then
		_add $(($1 + 1)) next "$3" "$4"
		_add "$2" last "$3" "$4"
	fi
	[ "$1" -gt 1 ] && _add 1 first "$3" "$4"
	assert_eq "$_want" "$(http_header Link)" "Link of page $1 of $2 for $3?$4"
}

# ------------------------------------------------ following next
# walk PATH QUERY PER_PAGE TOTAL: follows next from page 1 of PATH?QUERY
# (QUERY ends with '&' or is empty), checking each page's size and Link;
# the records go to $T/walk.
walk() {
	_last=$((($4 + $3 - 1) / $3))
	_url="$SERVER_URL$1${2:+?}${2%&}"
	: >"$T/walk"
	_p=0
	while [ -n "$_url" ]; do
		_p=$((_p + 1))
		http_req GET "$_url"
		assert_eq 200 "$HTTP_CODE" "GET $_url"
		_n=$(printf '%s' "$HTTP_BODY" | jq length)
		if [ "$_p" -lt "$_last" ]; then
			assert_eq "$3" "$_n" "records on page $_p of $1?$2"
		else
			assert_eq $(($4 - ($_last - 1) * $3)) "$_n" "records on the last page of $1?$2"
		fi
		check_links "$_p" "$_last" "$SERVER_URL$1" "$2"
		printf '%s' "$HTTP_BODY" | jq -c '.[]' >>"$T/walk"
		_url=$(link_rel next)
	done
	assert_eq "$_last" "$_p" "pages of $1?$2"
	assert_eq "$4" "$(wc -l <"$T/walk" | tr -d ' ')" "records of $1?$2"
	assert_eq "$4" "$(jq -s 'map(.id // .name) | unique | length' "$T/walk")" "distinct records of $1?$2"
}

walk "$R/issues" "state=all&per_page=7&" 7 250
walk "$R/issues" "state=all&" 30 250
walk "$R/issues" "per_page=100&state=all&" 100 250
walk "$R/issues/comments" "" 30 600
walk "$R/issues/comments" "sort=updated&direction=desc&per_page=13&" 13 600
walk "$R/labels" "per_page=5&" 5 12
walk "$R/labels" "per_page=12&" 12 12
# The same list read in pages of 7 and of 100: the same records in order.
walk "$R/issues" "state=all&sort=updated&per_page=7&" 7 250
cp "$T/walk" "$T/walk7"
walk "$R/issues" "state=all&sort=updated&per_page=100&" 100 250
cmp -s "$T/walk7" "$T/walk" || fail "pages of 7 and of 100 give different lists"

# A list that fits one page has no Link header at all.
expect_code 200 GET "$R/labels"
assert_eq "" "$(http_header Link)" "Link of a list on one page"
assert_eq 12 "$(printf '%s' "$HTTP_BODY" | jq length)" "labels on one page"

# ------------------------------------------------ per_page and page
expect_code 200 GET "$R/issues?state=all&per_page=1000"
assert_eq 100 "$(printf '%s' "$HTTP_BODY" | jq length)" "per_page=1000 is taken as 100"
check_links 1 3 "$SERVER_URL$R/issues" "state=all&per_page=1000&"
expect_code 200 GET "$R/issues?state=all&per_page=101&page=3"
assert_eq 50 "$(printf '%s' "$HTTP_BODY" | jq length)" "page 3 at per_page=101"
# Past the end: an empty array, linked back.
expect_code 200 GET "$R/issues?state=all&page=20"
assert_eq '[]' "$HTTP_BODY" "a page past the last"
check_links 20 9 "$SERVER_URL$R/issues" "state=all&"
# page given first, twice, with other parameters: the last value counts and
# page goes last in the links; unknown parameters are kept.
expect_code 200 GET "$R/issues?page=5&state=all&x-custom=a%20b&page=2&flag"
check_links 2 9 "$SERVER_URL$R/issues" "state=all&x-custom=a%20b&flag&"
with=$HTTP_BODY
expect_code 200 GET "$R/issues?state=all&page=2"
assert_eq "$HTTP_BODY" "$with" "page 2 with and without unknown parameters"
# Values are percent-encoded in the links.
expect_code 200 GET "$R/issues/comments" -G --data-urlencode "since=2000-01-01T00:00:00+00:00" \
	--data-urlencode "note=a,b;c<d>"
assert_eq "$SERVER_URL$R/issues/comments?since=2000-01-01T00%3A00%3A00%2B00%3A00&note=a%2Cb%3Bc%3Cd%3E&page=2" \
	"$(link_rel next)" "an encoded next link"

# ------------------------------------------------ bad values: 422
for q in page=0 page=-1 page=x page= page per_page=0 per_page=x per_page=1.5 \
	state=bogus state=OPEN sort=comments direction=sideways since=yesterday \
	since=2026-13-01 since=; do
	expect_code 422 GET "$R/issues?$q"
	assert_contains "$HTTP_BODY" "Validation Failed" "GET issues?$q"
done
for q in page=0 per_page=x sort=name since=x; do
	expect_code 422 GET "$R/issues/comments?$q"
done
expect_code 422 GET "$R/labels?page=0"
# Parameters a list does not take are ignored.
expect_code 200 GET "$R/labels?state=bogus&since=x&sort=y&direction=z"
expect_code 200 GET "$R/issues/comments?state=bogus"
# More than 32 query parameters: 400.
many=$(seq 40 | sed 's/.*/p&=1/' | paste -sd '&')
expect_code 400 GET "$R/issues?$many"

# ------------------------------------------------ the origin of links
expect_code 200 GET "$R/issues" -H "Host: tracker.test:1234"
assert_eq "http://tracker.test:1234$R/issues?page=2" "$(link_rel next)" "next with Host tracker.test:1234"
# An unsafe Host header is not copied into links.
expect_code 200 GET "$R/issues" -H "Host: bad\"host"
assert_eq "$SERVER_URL$R/issues?page=2" "$(link_rel next)" "next with an unsafe Host header"
start_tracker public --public-url https://api.example.com/
expect_code 200 GET "$R/issues?state=all&page=2"
check_links 2 9 "https://api.example.com$R/issues" "state=all&"
exit 0
