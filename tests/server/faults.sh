#!/bin/bash
# SPDX-License-Identifier: MIT
# Fault injection: with --error-rate p each call answers 429, 500 or 503 with
# probability p (uniformly among the three) and an {"error": string} body;
# the default is 0.03; --error-rate 0 never fails. --latency-ms delays every
# answer without serializing concurrent ones.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

# burst N PATH: N identical requests through one curl; codes in $T/codes,
# bodies in $T/burst/N.
burst() {
	rm -rf "$T/burst"
	mkdir -p "$T/burst"
	{
		printf 'user = "%s"\n' "$CREDS"
		for i in $(seq "$1"); do
			printf 'url = "%s%s"\noutput = "%s/burst/%d"\n' "$SERVER_URL" "$2" "$T" "$i"
		done
	} >"$T/burst.conf"
	curl -sS --max-time 120 -K "$T/burst.conf" -w '%{http_code}\n' >"$T/codes" ||
		fail "curl burst of $1 failed"
	assert_eq "$1" "$(wc -l <"$T/codes" | tr -d ' ')" "answers in the burst"
}
# tally CODE: how many answers in the last burst had CODE.
tally() { grep -cx "$1" "$T/codes"; }
# within COUNT N RATE SIGMAS
within() {
	awk -v n="$1" -v N="$2" -v p="$3" -v k="$4" \
		'BEGIN { s = sqrt(N * p * (1 - p)); d = n - N * p; if (d < 0) d = -d; exit !(d <= k * s) }'
}
# check_errors: every non-200 body in the last burst is {"error": string}.
check_errors() {
	i=0
	while read -r code; do
		i=$((i + 1))
		[ "$code" = 200 ] && continue
		HTTP_BODY=$(cat "$T/burst/$i")
		assert_error_body "injected HTTP $code (answer $i)"
	done <"$T/codes"
}

# ------------------------------------------------ --error-rate 0.3
N=600
start_server faulty --error-rate 0.3 --seed 1234 --null-rate 0
burst $N /tables/orders/records
others=$(grep -cvxE '200|429|500|503' "$T/codes")
assert_eq 0 "$others" "answers other than 200/429/500/503"
errs=$((N - $(tally 200)))
within "$errs" $N 0.3 4 || fail "$errs of $N calls failed at --error-rate 0.3 (expected ~$((N * 3 / 10)))"
for code in 429 500 503; do
	n=$(tally $code)
	[ "$n" -gt 0 ] || fail "HTTP $code never injected"
	within "$n" $N 0.1 4 || fail "HTTP $code $n times of $N at --error-rate 0.3 (expected ~$((N / 10)))"
done
check_errors
# The answers that got through are ordinary pages.
for i in $(seq $N); do
	[ "$(sed -n "${i}p" "$T/codes")" = 200 ] || continue
	jq -e '(.records | length) == 40 and .next_page == 2' "$T/burst/$i" >/dev/null ||
		fail "a 200 answer at --error-rate 0.3 is not page 1: $(head -c 200 "$T/burst/$i")"
done
# Faults hit other routes too.
burst 200 /tables
within $((200 - $(tally 200))) 200 0.3 4 || fail "GET /tables: $((200 - $(tally 200))) of 200 failed"
check_errors

# ------------------------------------------------ the default, 0.03
rm -f "$T/dflt.port"
"$EXAMPLE_SERVER" --port 0 --port-file "$T/dflt.port" --seed 99 >"$T/dflt.log" 2>&1 &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/dflt.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/dflt.port")"
burst $N /tables/users/records
errs=$((N - $(tally 200)))
[ "$errs" -gt 0 ] || fail "no faults in $N calls at the default error rate"
within "$errs" $N 0.03 4 || fail "$errs of $N calls failed at the default error rate 0.03"
check_errors

# ------------------------------------------------ --error-rate 0
start_server clean --error-rate 0 --seed 1234
burst $N /tables/orders/records
assert_eq $N "$(tally 200)" "HTTP 200 answers at --error-rate 0"
burst 100 /tables
assert_eq 100 "$(tally 200)" "HTTP 200 answers to /tables at --error-rate 0"

# ------------------------------------------------ --error-rate 1
start_server broken --error-rate 1 --seed 3
burst 60 /tables/orders/records
assert_eq 0 "$(tally 200)" "HTTP 200 answers at --error-rate 1"
check_errors

# ------------------------------------------------ --latency-ms
start_server slow --error-rate 0 --latency-ms 200
for p in /tables /tables/orders/records /tables/orders/records?page=2 /nope; do
	t=$(curl -sS --max-time 10 -u "$CREDS" -o /dev/null -w '%{time_total}' "$SERVER_URL$p")
	awk -v t="$t" 'BEGIN { exit !(t >= 0.2) }' || fail "GET $p took $t s at --latency-ms 200"
done
# Eight at once take about 0.2 s, not 8 x 0.2 s.
start=$(date +%s%N)
pids=""
for i in $(seq 8); do
	curl -sS --max-time 10 -u "$CREDS" -o /dev/null "$SERVER_URL/tables/orders/records" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a parallel request at --latency-ms 200 failed"
done
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 200 ] || fail "8 parallel requests at --latency-ms 200 took only $ms ms"
[ "$ms" -lt 1200 ] || fail "8 parallel requests at --latency-ms 200 took $ms ms: latency serializes requests"
exit 0
