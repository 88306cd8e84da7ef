#!/bin/bash
# SPDX-License-Identifier: MIT
# --gzip: answers to clients that accept gzip or deflate are compressed,
# with Content-Encoding and Vary: Accept-Encoding, and decompress to exactly
# the plain answer; clients that do not ask get plain bodies; without
# --gzip nothing is compressed; --latency-ms still applies; the counters
# show the bytes saved.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

# fetch NAME PATH [curl options...]: the raw answer body to $T/NAME, its
# headers to $T/NAME.h; sets CODE.
fetch() {
	_n=$1
	_p=$2
	shift 2
	CODE=$(curl -sS --max-time 20 -u "$CREDS" -D "$T/$_n.h" -o "$T/$_n" \
		-w '%{http_code}' "$@" "$SERVER_URL$_p") || fail "curl $_p failed"
}
# header NAME FILE: the value of header NAME in the dump FILE ("" if none).
header() {
	sed -n "s/^$1: *\\([^\\r]*\\)\\r*\$/\\1/Ip" "$2" | head -n 1
}
inflate() {
	/usr/bin/python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))'
}

start_server gz --gzip --null-rate 0

# ------------------------------------------------ every kind of answer
for p in /tables /tables/orders/schema /tables/orders/records \
	'/tables/users/records?page=2' /tables/metrics/records /nope \
	'/tables/orders/records?page=0'; do
	fetch plain "$p"
	pcode=$CODE
	assert_eq "" "$(header Content-Encoding "$T/plain.h")" "Content-Encoding of $p without Accept-Encoding"
	assert_eq Accept-Encoding "$(header Vary "$T/plain.h")" "Vary of $p without Accept-Encoding"

	fetch gz "$p" -H 'Accept-Encoding: gzip'
	assert_eq "$pcode" "$CODE" "status of $p, gzip"
	assert_eq gzip "$(header Content-Encoding "$T/gz.h")" "Content-Encoding of $p"
	assert_eq Accept-Encoding "$(header Vary "$T/gz.h")" "Vary of $p"
	gzip -dc <"$T/gz" >"$T/gz.out" || fail "$p: the gzip body does not decompress"
	cmp -s "$T/plain" "$T/gz.out" || fail "$p: gzip body differs from the plain one"

	fetch df "$p" -H 'Accept-Encoding: deflate'
	assert_eq deflate "$(header Content-Encoding "$T/df.h")" "Content-Encoding of $p, deflate"
	inflate <"$T/df" >"$T/df.out" || fail "$p: the deflate body does not decompress"
	cmp -s "$T/plain" "$T/df.out" || fail "$p: deflate body differs from the plain one"

	# curl --compressed: what a client sees.
	curl -sS --compressed -u "$CREDS" "$SERVER_URL$p" >"$T/cc" || fail "curl --compressed $p"
	cmp -s "$T/plain" "$T/cc" || fail "$p: curl --compressed differs from the plain answer"
done

# A page of records shrinks several times.
fetch plain /tables/orders/records
fetch gz /tables/orders/records -H 'Accept-Encoding: gzip'
plain_len=$(wc -c <"$T/plain")
gz_len=$(wc -c <"$T/gz")
[ $((gz_len * 4)) -lt "$plain_len" ] ||
	fail "a page of orders: $gz_len compressed bytes of $plain_len plain"
assert_eq "$gz_len" "$(header Content-Length "$T/gz.h")" "Content-Length of the compressed page"

# ------------------------------------------------ negotiation
# coding ACCEPT: the Content-Encoding answered to Accept-Encoding ACCEPT.
coding() {
	fetch neg /tables/orders/records -H "Accept-Encoding: $1"
	assert_eq 200 "$CODE" "GET with Accept-Encoding: $1"
	header Content-Encoding "$T/neg.h"
}
assert_eq gzip "$(coding 'gzip, deflate, br')" "gzip, deflate, br"
assert_eq gzip "$(coding 'GZIP')" "GZIP"
assert_eq gzip "$(coding '*')" "*"
assert_eq deflate "$(coding 'gzip;q=0, deflate')" "gzip;q=0, deflate"
assert_eq deflate "$(coding 'gzip;q=0.4, deflate;q=0.6')" "gzip;q=0.4, deflate;q=0.6"
assert_eq "" "$(coding 'gzip;q=0')" "gzip;q=0"
assert_eq "" "$(coding 'identity')" "identity"
assert_eq "" "$(coding 'br')" "br"

# ------------------------------------------------ writes, auth, faults
http_req POST /tables/orders/records --compressed -H 'Content-Type: application/json' \
	-d '{"order_id":"order_0003","status":"shipped"}'
assert_eq 200 "$HTTP_CODE" "a compressed upsert"
body_jq -e '.record.order_id == "order_0003" and .record.status == "shipped"' >/dev/null ||
	fail "the compressed upsert answered $HTTP_BODY"
CODE=$(curl -sS --compressed -o "$T/unauth" -w '%{http_code}' -D "$T/unauth.h" \
	"$SERVER_URL/tables")
assert_eq 401 "$CODE" "no credentials, compressed"
assert_eq gzip "$(header Content-Encoding "$T/unauth.h")" "Content-Encoding of a 401"
HTTP_BODY=$(cat "$T/unauth")
assert_error_body "the compressed 401"

# The counters: what the app wrote, and the fewer bytes that were sent.
server_stats "$SERVER_PID" "$T/gz.log"
[ "$(stat_value coded_bytes)" -lt "$(stat_value body_bytes)" ] ||
	fail "coded_bytes not below body_bytes: $STATS"

# ------------------------------------------------ without --gzip
start_server plain --null-rate 0
fetch off /tables/orders/records -H 'Accept-Encoding: gzip'
assert_eq "" "$(header Content-Encoding "$T/off.h")" "Content-Encoding without --gzip"
assert_eq "" "$(header Vary "$T/off.h")" "Vary without --gzip"
jq -e '.records | length == 40' "$T/off" >/dev/null || fail "a plain page without --gzip"

# ------------------------------------------------ latency still applies
start_server slow --gzip --latency-ms 300
t=$(curl -sS --compressed --max-time 20 -u "$CREDS" -o /dev/null -w '%{time_total}' \
	"$SERVER_URL/tables/orders/records")
awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }' ||
	fail "a compressed answer took $t s at --latency-ms 300"
exit 0
