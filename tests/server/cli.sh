#!/bin/bash
# SPDX-License-Identifier: MIT
# The command line of lakeflowfs-example-server: --help and --version, every
# bad option value refused (non-zero exit, message naming the option, nothing
# served), good values accepted, --port and --port-file, a busy port, --quiet,
# and SIGTERM / SIGINT ending it with status 0, letting a request in flight
# finish.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

[ -x "$EXAMPLE_SERVER" ] || fail "$EXAMPLE_SERVER is not built"

# ------------------------------------------------ --help, --version
out=$(timeout 10 "$EXAMPLE_SERVER" --help 2>"$T/err")
rc=$?
assert_eq 0 "$rc" "exit status of --help"
[ -n "$out" ] || fail "--help printed nothing on stdout"
for o in --bind --port --port-file --error-rate --null-rate --latency-ms \
	--scale --seed --max-inflight --retry-after --gzip --bandwidth --quiet --help --version; do
	assert_contains "$out" "$o" "--help output"
done

out=$(timeout 10 "$EXAMPLE_SERVER" --version 2>"$T/err")
rc=$?
assert_eq 0 "$rc" "exit status of --version"
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
[ -n "$version" ] || fail "no PACKAGE_VERSION in $top_builddir/config.h"
assert_contains "$out" "$version" "--version output"

# ------------------------------------------------ bad values
# bad NAME ARGS...: the server must exit non-zero on its own, without
# writing its port file, and say NAME.
n=0
bad() {
	name=$1
	shift
	n=$((n + 1))
	pf="$T/bad$n.port"
	timeout 10 "$EXAMPLE_SERVER" --port-file "$pf" "$@" >"$T/bad.out" 2>&1
	rc=$?
	[ "$rc" != 124 ] || fail "'$*' kept running instead of refusing the value"
	[ "$rc" != 0 ] || fail "'$*' exited 0"
	[ "$rc" -lt 128 ] || fail "'$*' died of signal $((rc - 128))"
	[ ! -s "$pf" ] || fail "'$*' wrote a port file: it started serving"
	grep -q -- "$name" "$T/bad.out" ||
		fail "'$*' exited $rc but its message does not name $name: $(cat "$T/bad.out")"
}
bad port --port 70000
bad port --port 65536
bad port --port -1
bad port --port abc
bad port --port 80x
bad port --port=70000
bad port --port
bad error-rate --port 0 --error-rate 2
bad error-rate --port 0 --error-rate -0.1
bad error-rate --port 0 --error-rate abc
bad error-rate --port 0 --error-rate 0.5x
bad error-rate --port 0 --error-rate=1.01
bad null-rate --port 0 --null-rate -1
bad null-rate --port 0 --null-rate 1.5
bad null-rate --port 0 --null-rate x
bad scale --port 0 --scale 0
bad scale --port 0 --scale -3
bad scale --port 0 --scale x
bad scale --port 0 --scale 2.5
bad latency-ms --port 0 --latency-ms x
bad latency-ms --port 0 --latency-ms -5
bad latency-ms --port 0 --latency-ms 10ms
bad seed --port 0 --seed x
bad max-inflight --port 0 --max-inflight x
bad max-inflight --port 0 --max-inflight -1
bad max-inflight --port 0 --max-inflight 2000000
bad retry-after --port 0 --retry-after 1.5
bad retry-after --port 0 --retry-after 86401
bad bandwidth --port 0 --bandwidth 1k
bad bandwidth --port 0 --bandwidth 2000000000000
bad bind --port 0 --bind 999.1.1.1
bad bind --port 0 --bind not-an-address
bad bogus --port 0 --bogus
bad frobnicate --port 0 --frobnicate=3
# Options are spelled out: a prefix is not taken for the option.
bad "'--error'" --port 0 --error 0.5
bad "'--lat'" --port 0 --lat=5
bad port-file --port 0 --port-file "$T/no/such/dir/port"
# A stray positional argument is refused too.
timeout 10 "$EXAMPLE_SERVER" --port 0 --port-file "$T/stray.port" stray >/dev/null 2>&1
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "a stray argument was accepted (exit $rc)"

# ------------------------------------------------ good values, ports
start_server good --error-rate 0 --null-rate 1 --scale 1 --latency-ms 0 \
	--bind 127.0.0.1 --seed 0 --max-inflight 0 --retry-after 0 --bandwidth 0
expect_code 200 GET /tables
start_server edges --error-rate 1 --null-rate 0 --scale 2 --latency-ms 1 \
	--max-inflight 1000000 --retry-after 86400
http_req GET /tables
case $HTTP_CODE in 429 | 500 | 503) ;; *) fail "--error-rate 1 answered $HTTP_CODE" ;; esac
port=$SERVER_PORT
case $port in '' | *[!0-9]*) fail "--port-file holds '$port', not a port" ;; esac
[ "$port" -gt 0 ] && [ "$port" -lt 65536 ] || fail "--port-file holds $port"

# A busy port: refused, promptly, non-zero.
timeout 10 "$EXAMPLE_SERVER" --port "$port" --error-rate 0 >"$T/busy.out" 2>&1
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "--port $port (busy) exited $rc"

# An explicit free port: take one a server had, after it stopped.
start_server probe --error-rate 0
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
free=$SERVER_PORT
"$EXAMPLE_SERVER" --port "$free" --port-file "$T/explicit.port" --error-rate 0 \
	>"$T/explicit.log" 2>&1 &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/explicit.port" 20 "$SERVER_PID"
assert_eq "$free" "$(cat "$T/explicit.port")" "--port-file with an explicit --port"
SERVER_URL="http://127.0.0.1:$free"
expect_code 200 GET /tables

# ------------------------------------------------ signals
# launch NAME [options]: a server in its own process group, so that SIGINT
# is not ignored the way it is for background jobs of a script.
launch() {
	name=$1
	shift
	set -m
	"$EXAMPLE_SERVER" --port 0 --port-file "$T/$name.port" "$@" >"$T/$name.log" 2>&1 &
	SERVER_PID=$!
	set +m
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	wait_for_file "$T/$name.port" 20 "$SERVER_PID"
	SERVER_URL="http://127.0.0.1:$(cat "$T/$name.port")"
}
# ends PID SIGNAL: the server exits with status 0 within 5 s of SIGNAL.
ends() {
	kill -s "$2" "$1"
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && fail "still running 5 s after SIG$2"
	wait "$1"
	rc=$?
	assert_eq 0 "$rc" "exit status after SIG$2"
}
for sig in TERM INT; do
	launch "sig$sig" --error-rate 0
	expect_code 200 GET /tables
	ends "$SERVER_PID" "$sig"
done

# A request in flight when SIGTERM arrives still gets its answer.
launch inflight --error-rate 0 --latency-ms 1500
curl -s --max-time 10 -u "$CREDS" -o "$T/inflight.body" -w '%{http_code}' \
	"$SERVER_URL/tables" >"$T/inflight.code" &
cpid=$!
sleep 0.5
ends "$SERVER_PID" TERM
wait "$cpid"
assert_eq 200 "$(cat "$T/inflight.code")" "the request in flight at SIGTERM"
jq -e '.tables | length == 4' "$T/inflight.body" >/dev/null ||
	fail "the request in flight at SIGTERM got: $(cat "$T/inflight.body")"

# --quiet: nothing logged for ordinary requests and a clean shutdown.
launch quiet --error-rate 0 --quiet
expect_code 200 GET /tables
expect_code 200 GET /tables/orders/records
expect_code 404 GET /nope
ends "$SERVER_PID" TERM
[ ! -s "$T/quiet.log" ] || fail "--quiet still logged: $(head -c 300 "$T/quiet.log")"
exit 0
