#!/bin/bash
# SPDX-License-Identifier: MIT
# --max-inflight N: a request that arrives while N are being handled is
# answered 429 with Retry-After (--retry-after, default 1) and an
# {"error": string} body, without reaching the store; the refusals are
# counted in the stats line (SIGUSR1, and at exit). Requests are held in
# flight by uploads whose bodies the test withholds, so nothing depends on
# timing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

# hold NAME: a POST upsert of orders whose body comes from the FIFO
# $T/NAME.fifo, held open by a sleeping writer until release NAME; the
# answer's code goes to $T/NAME.code. Sets HOLD_PID to the upload's pid.
hold() {
	mkfifo "$T/$1.fifo"
	curl -s --max-time 60 -u "$CREDS" -X POST -H 'Content-Type: application/json' \
		-T "$T/$1.fifo" -o "$T/$1.body" -w '%{http_code}' \
		"$SERVER_URL/tables/orders/records" >"$T/$1.code" &
	HOLD_PID=$!
	sleep 600 >"$T/$1.fifo" &
	echo $! >"$T/$1.writer"
	SERVER_PIDS="$SERVER_PIDS $!" # killed by cleanup if the test fails
}
# release NAME PID BODY: sends BODY, ends the body, waits for the answer.
release() {
	printf '%s' "$3" >"$T/$1.fifo"
	kill "$(cat "$T/$1.writer")"
	wait "$2"
}
# in_flight_is N: waits until the server says N requests are in flight.
in_flight_is() {
	for _ in $(seq 200); do
		server_stats "$SERVER_PID" "$T/$LOG.log"
		[ "$(stat_value in_flight)" = "$1" ] && return 0
		sleep 0.05
	done
	fail "never $1 requests in flight: $STATS"
}
# header NAME FILE: the value of header NAME in the curl -D dump FILE.
header() {
	sed -n "s/^$1: *\\([^\\r]*\\)\\r*\$/\\1/Ip" "$2" | head -n 1
}

# ------------------------------------------------ two held, the third refused
LOG=held
start_server "$LOG" --max-inflight 2 --retry-after 7 --null-rate 0
orders_before=$(api "/tables/orders/records" | jq -c '.records[1]')
hold a
a_pid=$HOLD_PID
hold b
b_pid=$HOLD_PID
in_flight_is 2

code=$(curl -sS --max-time 20 -u "$CREDS" -D "$T/h1" -o "$T/b1" -w '%{http_code}' \
	"$SERVER_URL/tables/orders/records")
assert_eq 429 "$code" "GET while 2 of --max-inflight 2 are in flight"
assert_eq 7 "$(header Retry-After "$T/h1")" "Retry-After with --retry-after 7"
HTTP_BODY=$(cat "$T/b1")
assert_error_body "the refusal"
# A refused write does not reach the store.
code=$(curl -sS --max-time 20 -u "$CREDS" -o /dev/null -w '%{http_code}' \
	-H 'Content-Type: application/json' \
	-d '{"order_id":"order_0001","status":"refused"}' "$SERVER_URL/tables/orders/records")
assert_eq 429 "$code" "POST while 2 of --max-inflight 2 are in flight"
server_stats "$SERVER_PID" "$T/$LOG.log"
assert_eq 2 "$(stat_value refused)" "refusals counted"
assert_eq 2 "$(stat_value in_flight)" "requests in flight after the refusals"

# One released: its upsert goes through, and a slot is free again.
release a "$a_pid" '{"order_id":"order_0002","status":"held"}'
assert_eq 200 "$(cat "$T/a.code")" "the first held upload, released"
in_flight_is 1
expect_code 200 GET /tables/orders/records
after=$(body_jq -c '.records[] | select(.order_id == "order_0001")')
assert_eq "$orders_before" "$after" "order_0001 after a refused upsert"
body_jq -e 'any(.records[]; .order_id == "order_0002")' >/dev/null &&
	fail "order_0002 was upserted but still sits at its old place"
release b "$b_pid" ''
assert_eq 400 "$(cat "$T/b.code")" "the second held upload, released empty"
in_flight_is 0

# The stats line at exit counts the refusals too.
kill "$SERVER_PID"
wait "$SERVER_PID"
grep -q 'stats: .* refused=2 ' "$T/$LOG.log" ||
	fail "no 'refused=2' in the stats line at exit: $(tail -n 3 "$T/$LOG.log")"

# ------------------------------------------------ the default Retry-After: 1
LOG=dflt
start_server "$LOG" --max-inflight 1
hold c
c_pid=$HOLD_PID
in_flight_is 1
code=$(curl -sS --max-time 20 -u "$CREDS" -D "$T/h2" -o /dev/null -w '%{http_code}' \
	"$SERVER_URL/tables")
assert_eq 429 "$code" "GET /tables while 1 of --max-inflight 1 is in flight"
assert_eq 1 "$(header Retry-After "$T/h2")" "the default Retry-After"
# Refusals come before auth: nothing is learnt about credentials.
code=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' "$SERVER_URL/tables")
assert_eq 429 "$code" "a request without credentials while full"
release c "$c_pid" ''
in_flight_is 0

# ------------------------------------------------ parallel clients
# burst N: N parallel GETs through one curl; each answer's code and
# Retry-After in $T/answers, the codes alone in $T/codes.
burst() {
	rm -rf "$T/burst"
	mkdir -p "$T/burst"
	{
		printf 'user = "%s"\n' "$CREDS"
		for i in $(seq "$1"); do
			printf 'url = "%s/tables/orders/records"\noutput = "%s/burst/%d"\n' \
				"$SERVER_URL" "$T" "$i"
		done
	} >"$T/burst.conf"
	curl -sS --no-progress-meter --max-time 120 --parallel --parallel-immediate --parallel-max "$1" \
		-K "$T/burst.conf" -w '%{http_code} %header{retry-after}\n' >"$T/answers" ||
		fail "curl burst of $1 failed"
	cut -d' ' -f1 "$T/answers" >"$T/codes"
}
LOG=burst
start_server "$LOG" --max-inflight 3 --latency-ms 300
burst 24
assert_eq 24 "$(wc -l <"$T/codes" | tr -d ' ')" "answers in the burst"
assert_eq 0 "$(grep -cvxE '200|429' "$T/codes")" "answers other than 200 and 429"
# The first three to arrive always find room.
[ "$(grep -cx 200 "$T/codes")" -ge 3 ] ||
	fail "fewer than 3 of 24 answered 200 at --max-inflight 3"
n429=$(grep -cx 429 "$T/codes")
assert_eq "$n429" "$(grep -cx '429 1' "$T/answers")" "429s with Retry-After: 1 in the burst"
server_stats "$SERVER_PID" "$T/$LOG.log"
assert_eq "$n429" "$(stat_value refused)" "refusals counted in the burst"
assert_eq 24 "$(stat_value answered)" "answers counted in the burst"

# Without --max-inflight there is no limit.
LOG=open
start_server "$LOG" --latency-ms 300
burst 24
assert_eq 24 "$(grep -cx 200 "$T/codes")" "200 answers without --max-inflight"
exit 0
