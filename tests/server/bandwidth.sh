#!/bin/bash
# SPDX-License-Identifier: MIT
# --bandwidth B: answer bodies leave no faster than B bytes per second, all
# connections together, as down one wire; the bodies arrive intact, plain
# or compressed. Only lower bounds on time are asserted: a loaded machine
# can make a transfer slower, never faster.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

RATE=20000
# at_least SECONDS TOOK WHAT
at_least() {
	awk -v t="$2" -v m="$1" 'BEGIN { exit !(t >= m) }' ||
		fail "$3 took $2 s, less than $1 s at --bandwidth $RATE"
}

# same_page A B: two pages of orders from servers started at different
# times: the same records but for their timestamps.
same_page() {
	[ "$(jq -c 'del(.records[].updated_at)' "$1")" = \
		"$(jq -c 'del(.records[].updated_at)' "$2")" ] && cmp -s <(wc -c <"$1") <(wc -c <"$2")
}

start_server ref --null-rate 0
curl -sS -u "$CREDS" -o "$T/ref.plain" "$SERVER_URL/tables/orders/records"
len=$(wc -c <"$T/ref.plain")
[ "$len" -gt 4000 ] || fail "a page of orders is only $len bytes"

start_server slow --null-rate 0 --gzip --bandwidth $RATE

# One page: at least its size over the rate, and intact.
t=$(curl -sS --max-time 60 -u "$CREDS" -o "$T/one" -w '%{time_total}' \
	"$SERVER_URL/tables/orders/records")
same_page "$T/ref.plain" "$T/one" || fail "a paced page differs from the unpaced one"
at_least "$(awk -v n="$len" -v r=$RATE 'BEGIN { print n / r }')" "$t" "a page of $len bytes"

# Two at once share the wire: both are done only after twice the time.
start=$(date +%s%N)
curl -sS --max-time 60 -u "$CREDS" -o "$T/two.1" "$SERVER_URL/tables/orders/records" &
p1=$!
curl -sS --max-time 60 -u "$CREDS" -o "$T/two.2" "$SERVER_URL/tables/orders/records" &
p2=$!
wait "$p1" || fail "the first of two parallel pages"
wait "$p2" || fail "the second of two parallel pages"
took=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { print ns / 1e9 }')
cmp -s "$T/one" "$T/two.1" && cmp -s "$T/one" "$T/two.2" ||
	fail "parallel paced pages differ from the first one"
at_least "$(awk -v n="$len" -v r=$RATE 'BEGIN { print 2 * n / r }')" "$took" \
	"two parallel pages of $len bytes"

# Compressed: the smaller body is paced too, and decompresses intact.
t=$(curl -sS --max-time 60 -u "$CREDS" -H 'Accept-Encoding: gzip' -o "$T/gz" \
	-w '%{time_total}' "$SERVER_URL/tables/orders/records")
gzlen=$(wc -c <"$T/gz")
[ $((gzlen * 4)) -lt "$len" ] || fail "the compressed page has $gzlen bytes of $len"
gzip -dc <"$T/gz" | cmp -s "$T/one" - || fail "a paced compressed page differs from the plain one"
at_least "$(awk -v n="$gzlen" -v r=$RATE 'BEGIN { print n / r }')" "$t" \
	"a compressed page of $gzlen bytes"
server_stats "$SERVER_PID" "$T/slow.log"
[ "$(stat_value coded_bytes)" -lt "$(stat_value body_bytes)" ] ||
	fail "the compressed page did not count fewer bytes: $STATS"

# At a higher rate (1000-byte chunks), pages of many chunks arrive whole.
start_server fast --null-rate 0 --bandwidth 100000
fetch_pages /tables/metrics/records 100 "$T/metrics"
assert_eq 253 "$(wc -l <"$T/metrics" | tr -d ' ')" "metrics read at --bandwidth 100000"
exit 0
