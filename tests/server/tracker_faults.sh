#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracker's faults: --garbage-page N answers page N of every list with
# a 200 that is not JSON (Link included); --link-origin points rel="next"
# to another origin and nothing else; --error-rate injects 429 (with
# Retry-After), 500 and 503 with {"message": ...} bodies; --max-inflight
# refuses with 429 and Retry-After; --gzip and --latency-ms apply; the
# same seed gives the same data.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO

# ------------------------------------------------ --garbage-page
start_tracker garbage --garbage-page 2
for list in "issues?state=all" issues/comments "labels?per_page=5"; do
	case $list in *\?*) sep='&' ;; *) sep='?' ;; esac
	expect_code 200 GET "$R/$list"
	printf '%s' "$HTTP_BODY" | jq -e 'type == "array"' >/dev/null || fail "$list page 1 is not JSON"
	next=$(link_rel next)
	http_req GET "$next"
	assert_eq 200 "$HTTP_CODE" "$list page 2 (garbage)"
	printf '%s' "$HTTP_BODY" | jq -e . >/dev/null 2>&1 && fail "$list page 2 is JSON: $HTTP_BODY"
	assert_eq '<html><body><h1>502 Bad Gateway</h1></body></html>' "$HTTP_BODY" "$list page 2"
	assert_contains "$(http_header Content-Type)" application/json "Content-Type of the garbage page"
	[ -n "$(link_rel next)" ] || fail "$list: the garbage page has no next link"
	expect_code 200 GET "$R/$list${sep}page=3"
	printf '%s' "$HTTP_BODY" | jq -e 'type == "array" and length > 0' >/dev/null ||
		fail "$list page 3 after the garbage one"
done
# Bad parameters are still refused first.
expect_code 422 GET "$R/issues?page=2&per_page=0"

# ------------------------------------------------ --link-origin
start_tracker foreign --link-origin http://evil.example:8080/
expect_code 200 GET "$R/issues?state=all&page=2"
assert_eq "http://evil.example:8080$R/issues?state=all&page=3" "$(link_rel next)" "next with --link-origin"
for rel in prev last first; do
	case $(link_rel $rel) in
	"$SERVER_URL$R/issues?state=all&page="*) ;;
	*) fail "rel=$rel with --link-origin: $(link_rel $rel)" ;;
	esac
done
# The last page has no next, so nothing foreign.
expect_code 200 GET "$R/issues?state=all&page=9"
assert_eq "" "$(link_rel next)" "next on the last page with --link-origin"

# ------------------------------------------------ --error-rate
start_tracker faulty --error-rate 0.3 --retry-after 3 --seed 7
rm -rf "$T/burst"
mkdir -p "$T/burst"
{
	printf 'header = "Authorization: Bearer %s"\n' "$TRACKER_TOKEN"
	for i in $(seq 300); do
		printf 'url = "%s%s/labels"\noutput = "%s/burst/%d"\n' "$SERVER_URL" "$R" "$T" "$i"
	done
} >"$T/burst.conf"
# Each answer's code and Retry-After, one line each.
curl -sS --max-time 120 -K "$T/burst.conf" -w '%{http_code} %header{retry-after}\n' \
	>"$T/answers" || fail "the burst failed"
cut -d' ' -f1 "$T/answers" >"$T/codes"
assert_eq 0 "$(grep -cvxE '200|429|500|503' "$T/codes")" "answers other than 200/429/500/503"
for code in 429 500 503; do
	[ "$(grep -cx $code "$T/codes")" -gt 5 ] || fail "HTTP $code injected only $(grep -cx $code "$T/codes") times of 300"
done
i=0
while read -r code ra; do
	i=$((i + 1))
	[ "$code" = 200 ] && continue
	HTTP_BODY=$(cat "$T/burst/$i")
	assert_error_body "injected $code"
	if [ "$code" = 429 ]; then
		assert_eq 3 "$ra" "Retry-After of an injected 429"
	else
		assert_eq "" "$ra" "Retry-After of an injected $code"
	fi
done <"$T/answers"
server_stats "$SERVER_PID" "$T/faulty.log"
assert_eq "$(grep -cvx 200 "$T/codes")" "$(stat_value injected)" "injected faults counted"
# Without the token, nothing is injected: 401 every time.
codes=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{http_code}\n' "$SERVER_URL$R/labels"; done | sort -u)
assert_eq 401 "$codes" "answers without a token at --error-rate 0.3"

# ------------------------------------------------ --max-inflight
start_tracker busy --max-inflight 1 --retry-after 2
mkfifo "$T/hold.fifo"
curl -s --max-time 60 -H "Authorization: Bearer $TRACKER_TOKEN" -X POST -T "$T/hold.fifo" \
	-o /dev/null -w '%{http_code}' "$SERVER_URL$R/issues" >"$T/hold.code" &
hold=$!
sleep 600 >"$T/hold.fifo" &
writer=$!
SERVER_PIDS="$SERVER_PIDS $writer"
for _ in $(seq 200); do
	server_stats "$SERVER_PID" "$T/busy.log"
	[ "$(stat_value in_flight)" = 1 ] && break
	sleep 0.05
done
assert_eq 1 "$(stat_value in_flight)" "requests in flight while the upload is held"
http_req GET "$R/labels"
assert_eq 429 "$HTTP_CODE" "a request over --max-inflight 1"
assert_eq 2 "$(http_header Retry-After)" "Retry-After over --max-inflight"
assert_eq '{"message":"too many requests in flight"}' "$HTTP_BODY" "the refusal's body"
printf '{"title":"held"}' >"$T/hold.fifo"
kill "$writer"
wait "$hold"
assert_eq 201 "$(cat "$T/hold.code")" "the held upload, released"
expect_code 200 GET "$R/labels"

# ------------------------------------------------ --gzip, --latency-ms
start_tracker zipped --gzip --latency-ms 300
http_req GET "$R/issues?state=all&per_page=100"
plain=$HTTP_BODY
t=$(curl -sS --compressed -H "Authorization: Bearer $TRACKER_TOKEN" -D "$T/gz.h" -o "$T/gz" \
	-w '%{time_total}' "$SERVER_URL$R/issues?state=all&per_page=100")
grep -qi '^Content-Encoding: gzip' "$T/gz.h" || fail "no Content-Encoding: gzip from --gzip"
assert_eq "$plain" "$(cat "$T/gz")" "a compressed page, decompressed"
awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }' || fail "a page took $t s at --latency-ms 300"

# ------------------------------------------------ the seed decides the data
# Timestamps follow the start time; everything else follows the seed.
strip='del(.[].created_at, .[].updated_at, .[].closed_at)'
start_tracker seed_a --seed 99
expect_code 200 GET "$R/issues?state=all&per_page=100"
a=$(printf '%s' "$HTTP_BODY" | jq -c "$strip")
start_tracker seed_b --seed 99
expect_code 200 GET "$R/issues?state=all&per_page=100"
assert_eq "$a" "$(printf '%s' "$HTTP_BODY" | jq -c "$strip")" "issues of two servers with --seed 99"
start_tracker seed_c --seed 100
expect_code 200 GET "$R/issues?state=all&per_page=100"
[ "$a" != "$(printf '%s' "$HTTP_BODY" | jq -c "$strip")" ] || fail "--seed 99 and 100 give the same issues"
exit 0
