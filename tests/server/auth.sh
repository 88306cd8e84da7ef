#!/bin/bash
# SPDX-License-Identifier: MIT
# Credentials travel as HTTP Basic auth; any non-empty username and password
# pass, missing or empty ones answer 401 with an {"error": string} body, on
# reads and writes alike.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0

# raw CODE WHAT [curl options...] PATH: an unauthenticated-by-default request.
raw() {
	want=$1
	what=$2
	shift 2
	out=$(curl -sS --max-time 10 -w '\n%{http_code}' "$@") || fail "$what: curl failed"
	code=$(printf '%s\n' "$out" | tail -n 1)
	HTTP_BODY=$(printf '%s\n' "$out" | sed '$d')
	[ "$code" = "$want" ] || fail "$what: expected HTTP $want, got $code: $HTTP_BODY"
	[ "$code" -lt 400 ] || assert_error_body "$what"
}

for p in /tables /tables/orders/records /tables/users/schema \
	/tables/products/metadata /tables/orders/deleted_records \
	/tables/metrics/records; do
	u=$SERVER_URL$p
	raw 401 "no credentials on $p" "$u"
	raw 401 "empty username on $p" -u ":secret" "$u"
	raw 401 "empty password on $p" -u "tester:" "$u"
	raw 401 "both empty on $p" -u ":" "$u"
	raw 401 "Bearer instead of Basic on $p" -H 'Authorization: Bearer abc' "$u"
	raw 401 "Basic with garbage on $p" -H 'Authorization: Basic !!!notbase64' "$u"
	raw 401 "Basic without a colon on $p" \
		-H "Authorization: Basic $(printf 'justauser' | base64)" "$u"
	raw 200 "any non-empty pair on $p" -u "a:b" "$u"
	raw 200 "odd characters on $p" -u "user name é:p@ss:w:rd" "$u"
done

# Writes are guarded too, and a refused write changes nothing.
body='{"order_id":"order_0001","user_id":"user_0001","amount":1,"status":"x","updated_at":null}'
raw 401 "POST without credentials" -X POST -H 'Content-Type: application/json' \
	-d "$body" "$SERVER_URL/tables/orders/records"
raw 401 "POST with empty password" -u "tester:" -X POST \
	-H 'Content-Type: application/json' -d "$body" "$SERVER_URL/tables/orders/records"
raw 401 "DELETE without credentials" -X DELETE "$SERVER_URL/tables/orders/records/order_0001"
raw 401 "DELETE with empty username" -u ":x" -X DELETE \
	"$SERVER_URL/tables/orders/records/order_0001"
n=$(api_all_records orders | jq -s '[.[] | select(.order_id == "order_0001" and .status == "x")] | length')
assert_eq 0 "$n" "refused POST must not upsert"
expect_code 200 GET /tables/orders/deleted_records
body_jq -e '.records == []' >/dev/null || fail "refused DELETE must not delete: $HTTP_BODY"

# And with credentials they go through.
raw 200 "POST with credentials" -u "w:x" -X POST -H 'Content-Type: application/json' \
	-d "$body" "$SERVER_URL/tables/orders/records"
raw 200 "DELETE with credentials" -u "w:x" -X DELETE \
	"$SERVER_URL/tables/orders/records/order_0001"
exit 0
