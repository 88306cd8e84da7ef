# SPDX-License-Identifier: MIT
# Shared helpers for the integration tests. Source it first thing:
#   . "$top_srcdir/tests/lib.sh"
# It gives each test its own temporary directory ($T), starts servers on free
# loopback ports, mounts with a deadline, and cleans everything up on exit,
# whether the test passed or not. Exit codes follow automake: 0 pass, 1 fail,
# 77 skip.

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${LAKEFLOWFS:=$top_builddir/lakeflowfs}"
: "${EXAMPLE_SERVER:=$top_builddir/lakeflowfs-example-server}"
: "${TRACKER_SERVER:=$top_builddir/lakeflowfs-tracker-server}"
export LC_ALL=C

T=$(mktemp -d "${TMPDIR:-/tmp}/lakeflowfs-test.XXXXXX")
CREDS="tester:secret"
SERVER_PIDS=""
MOUNTS=""
DAEMON_PIDS=""

cleanup() {
	status=$?
	for m in $MOUNTS; do
		fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true
	done
	for p in $DAEMON_PIDS $SERVER_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $DAEMON_PIDS $SERVER_PIDS; do
		# Give each a moment to exit cleanly, then insist.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null || true
	done
	# Checks that can fail a test after the fact (CLEANUP_CHECKS, below).
	for c in ${CLEANUP_CHECKS:-}; do
		"$c" || status=1
	done
	if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 30 lines)" >&2
			tail -n 30 "$f" >&2
		done
	fi
	rm -rf "$T"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "$3: '$2' not found in: $1" ;;
	esac
}

need_fuse() {
	[ -c /dev/fuse ] || skip "/dev/fuse is missing: FUSE tests cannot run here"
	command -v fusermount3 >/dev/null || skip "fusermount3 is not installed"
}

# wait_for_file FILE SECONDS PID: waits for FILE to be non-empty; fails early
# if PID died.
wait_for_file() {
	deadline=$(($(date +%s) + $2))
	while [ ! -s "$1" ]; do
		kill -0 "$3" 2>/dev/null || fail "process $3 died before writing $1"
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $1"
		sleep 0.05
	done
}

# start_server NAME [server options...]: starts lakeflowfs-example-server on a
# free port; sets SERVER_URL, SERVER_PORT and SERVER_PID. Defaults to no
# injected errors unless the caller passes --error-rate.
start_server() {
	name=$1
	shift
	rm -f "$T/$name.port"
	"$EXAMPLE_SERVER" --port 0 --port-file "$T/$name.port" --seed 42 --error-rate 0 "$@" \
		>"$T/$name.log" 2>&1 &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	wait_for_file "$T/$name.port" 20 "$SERVER_PID"
	SERVER_PORT=$(cat "$T/$name.port")
	SERVER_URL="http://127.0.0.1:$SERVER_PORT"
}

# api [curl options...] PATH: an authenticated request to $SERVER_URL; prints
# the body. Use api_status for the code.
api() {
	path=$(eval "echo \${$#}")
	n=$(($# - 1))
	args=""
	i=0
	for a in "$@"; do
		[ "$i" -lt "$n" ] || break
		args="$args '$a'"
		i=$((i + 1))
	done
	eval "curl -sS -u '$CREDS' $args '$SERVER_URL$path'"
}

# api_status [curl options...] PATH: prints only the HTTP status code.
api_status() {
	api -o /dev/null -w '%{http_code}' "$@"
}

# mount_fs MOUNTPOINT [lakeflowfs options...]: mounts in the foreground in
# the background, waits up to 30 s for the mount; sets DAEMON_PID.
mount_fs() {
	mnt=$1
	shift
	mkdir -p "$mnt"
	touch "$T/daemon.log"
	# Each daemon says "mounted on" once it is: wait for this one's line (a
	# stale mount being replaced can look mounted before it is).
	mounted_before=$(grep -c "mounted on $mnt\$" "$T/daemon.log")
	"$LAKEFLOWFS" -f "$mnt" "$@" >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	DAEMON_PIDS="$DAEMON_PIDS $DAEMON_PID"
	MOUNTS="$MOUNTS $mnt"
	deadline=$(($(date +%s) + 30))
	# A stale mount is a mountpoint too: also require that it answers.
	until [ "$(grep -c "mounted on $mnt\$" "$T/daemon.log")" -gt "$mounted_before" ] &&
		mountpoint -q "$mnt" && stat -f "$mnt" >/dev/null 2>&1; do
		kill -0 "$DAEMON_PID" 2>/dev/null ||
			fail "lakeflowfs exited before mounting $mnt"
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out mounting $mnt"
		sleep 0.05
	done
}

# unmount_fs MOUNTPOINT: unmounts and waits for the daemon to exit.
unmount_fs() {
	fusermount3 -u "$1" || fail "fusermount3 -u $1 failed"
	for _ in $(seq 100); do
		kill -0 "$DAEMON_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "lakeflowfs did not exit after unmounting $1"
}

# server_stats PID LOG: asks the server PID for its counters (SIGUSR1) and
# waits up to 20 s for the new "stats:" line in LOG; sets STATS to it.
server_stats() {
	_sn=$(grep -c ' stats: ' "$2")
	kill -USR1 "$1" || fail "server $1 is gone"
	_sd=$(($(date +%s) + 20))
	until [ "$(grep -c ' stats: ' "$2")" -gt "$_sn" ]; do
		[ "$(date +%s)" -lt "$_sd" ] || fail "no stats line from server $1"
		sleep 0.05
	done
	STATS=$(grep ' stats: ' "$2" | tail -n 1)
}

# stat_value KEY: the value of KEY=N in the last STATS line.
stat_value() {
	printf '%s\n' "$STATS" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"
}

# Every record of TABLE read page by page with curl, one compact line each.
# Retries pages that draw an injected 429/500/503. QUERY starts with '&'.
api_all_records() {
	api_all_path "/tables/$1/records" "${2:-}"
}


# ---- helpers for the server conformance tests (tests/server/*.sh) ----

# The shape of every timestamp the API produces (jq/Oniguruma syntax).
TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00$'

# How http_req authenticates, and the one member of every error body: the
# Example source's; start_tracker switches both to the tracker's.
AUTH_OPTS=(-u "$CREDS")
ERROR_KEY=error

# http_req METHOD PATH-or-URL [curl options...]: one authenticated request
# to $SERVER_URL (or to a whole URL) with a 20 s deadline; sets HTTP_CODE
# and HTTP_BODY, and leaves the headers in $T/http.h. Pass query parameters
# as `-G --data-urlencode k=v` so that `+` in timestamps survives.
http_req() {
	_hm=$1
	_hp=$2
	shift 2
	case $_hp in /*) _hp=$SERVER_URL$_hp ;; esac
	HTTP_BODY=$(curl -sS --max-time 20 "${AUTH_OPTS[@]}" -X "$_hm" -D "$T/http.h" \
		-w '\n%{http_code}' "$@" "$_hp") ||
		fail "curl $_hm $_hp failed"
	HTTP_CODE=$(printf '%s\n' "$HTTP_BODY" | tail -n 1)
	HTTP_BODY=$(printf '%s\n' "$HTTP_BODY" | sed '$d')
}

# http_header NAME: the value of header NAME of the last http_req ("" if
# none).
http_header() {
	sed -n "s/^$1: *\\([^\r]*\\)\r*\$/\\1/Ip" "$T/http.h" | head -n 1
}

# link_rel REL: the URL of rel="REL" in the last answer's Link header.
link_rel() {
	http_header Link | tr ',' '\n' | sed -n "s/^ *<\\([^>]*\\)>; rel=\"$1\"\$/\\1/p"
}

# body_jq FILTER [jq options...]: runs jq over HTTP_BODY.
body_jq() {
	_bf=$1
	shift
	printf '%s' "$HTTP_BODY" | jq "$@" "$_bf"
}

# assert_error_body WHAT: HTTP_BODY is exactly {"<ERROR_KEY>": "<string>"}.
assert_error_body() {
	printf '%s' "$HTTP_BODY" | jq -e --arg k "$ERROR_KEY" \
		'type == "object" and keys == [$k] and (.[$k] | type) == "string"' \
		>/dev/null 2>&1 || fail "$1: error body is not {\"$ERROR_KEY\": string}: $HTTP_BODY"
}

# expect_code CODE METHOD PATH [curl options...]: the request answers CODE;
# any answer >= 400 must carry an error body (assert_error_body).
expect_code() {
	_ec=$1
	shift
	http_req "$@"
	[ "$HTTP_CODE" = "$_ec" ] ||
		fail "$*: expected HTTP $_ec, got $HTTP_CODE: $HTTP_BODY"
	[ "$HTTP_CODE" -lt 400 ] || assert_error_body "$*"
}

# fetch_pages PATH PAGE_SIZE OUT [curl options...]: reads PATH page by page
# (GET, page=1, 2, ...) until next_page is null and writes every record to
# OUT, one compact JSON line each. Checks each page: HTTP 200, a records
# array, next_page either page+1 (with a full page of PAGE_SIZE records) or
# null (with at most PAGE_SIZE). PAGE_SIZE "" skips the size checks. Sets
# PAGES to the number of pages read.
fetch_pages() {
	_fp=$1
	_fs=$2
	_fo=$3
	shift 3
	: >"$_fo"
	PAGES=0
	_pg=1
	while :; do
		[ "$_pg" -le 2000 ] || fail "$_fp: more than 2000 pages"
		http_req GET "$_fp" -G --data-urlencode "page=$_pg" "$@"
		[ "$HTTP_CODE" = 200 ] ||
			fail "GET $_fp page $_pg $*: HTTP $HTTP_CODE: $HTTP_BODY"
		printf '%s' "$HTTP_BODY" | jq -e --argjson p "$_pg" '
			type == "object" and (.records | type) == "array" and
			(.records | all(type == "object")) and
			(.next_page == null or .next_page == $p + 1)' >/dev/null 2>&1 ||
			fail "GET $_fp page $_pg $*: malformed page: $HTTP_BODY"
		_n=$(body_jq '.records | length')
		_next=$(body_jq '.next_page')
		if [ -n "$_fs" ]; then
			if [ "$_next" = null ]; then
				[ "$_n" -le "$_fs" ] ||
					fail "GET $_fp page $_pg $*: $_n records > page size $_fs"
			else
				[ "$_n" = "$_fs" ] ||
					fail "GET $_fp page $_pg $*: next_page set but $_n records, not $_fs"
			fi
		fi
		body_jq '.records[]' -c >>"$_fo"
		PAGES=$_pg
		[ "$_next" != null ] || break
		_pg=$_next
	done
}


# ---- helpers for the incremental tests (tests/fs/incr_*.sh) ----

# api_write [curl options...] PATH: an authenticated write that retries the
# injected 429/500/503 answers (the server draws them before it handles the
# request, so a retry never applies a write twice). Prints the answer's
# "record", compact; fails on any other status >= 400.
api_write() {
	for _ in $(seq 50); do
		_wb=$(api -w '\n%{http_code}' "$@") || fail "curl $*"
		_wc=$(printf '%s' "$_wb" | tail -n 1)
		case $_wc in
		429 | 500 | 503) continue ;;
		2??)
			printf '%s' "$_wb" | sed '$d' | jq -c .record
			return 0
			;;
		*) fail "$*: HTTP $_wc: $(printf '%s' "$_wb" | sed '$d')" ;;
		esac
	done
	fail "$*: still failing after 50 tries"
}

# api_all_path PATH [QUERY]: like api_all_records, for any paged API path
# (e.g. /tables/orders/deleted_records). QUERY starts with '&'.
api_all_path() {
	_pp=$1
	_pq=${2:-}
	_pg=1
	while [ -n "$_pg" ] && [ "$_pg" != null ]; do
		for _ in $(seq 50); do
			_pb=$(curl -sS -u "$CREDS" -w '\n%{http_code}' \
				"$SERVER_URL$_pp?page=$_pg$_pq")
			_pc=$(printf '%s' "$_pb" | tail -n 1)
			[ "$_pc" = 200 ] && break
		done
		[ "$_pc" = 200 ] || fail "GET $_pp page $_pg: HTTP $_pc"
		_pb=$(printf '%s' "$_pb" | sed '$d')
		printf '%s' "$_pb" | jq -c '.records[]'
		_pg=$(printf '%s' "$_pb" | jq -r '.next_page')
	done
}

# urlq VALUE: VALUE with '+' escaped for a query string (timestamps).
urlq() {
	printf '%s' "$1" | sed 's/+/%2B/g'
}

# now_ts: the current time as the API writes timestamps.
now_ts() {
	date -u +%Y-%m-%dT%H:%M:%S.%6N+00:00
}

# cursor_token CURSOR: the offset token of a cursor, as the filesystem
# names batches: "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" -> "YYYYMMDDTHHMMSS.ffffffZ",
# "YYYY-MM-DD" -> "YYYYMMDD", anything else "x" + lowercase hex.
cursor_token() {
	case $1 in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]+00:00)
		printf '%s\n' "$1" | sed 's/^\(....\)-\(..\)-\(..\)T\(..\):\(..\):\(..\)\.\(......\)+00:00$/\1\2\3T\4\5\6.\7Z/'
		;;
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9])
		printf '%s\n' "$1" | tr -d -
		;;
	*) printf 'x%s\n' "$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')" ;;
	esac
}


# ---- helpers for the tracker server's tests (tests/server/tracker_*.sh) ----

TRACKER_TOKEN="tracker-test-token-0123456789"
TRACKER_REPO=/repos/acme/widgets

# start_tracker NAME [server options...]: starts lakeflowfs-tracker-server on
# a free port with the token in $T/token, seed 42 and no injected errors
# unless the caller passes them; sets SERVER_URL, SERVER_PORT, SERVER_PID,
# and makes http_req and expect_code speak the tracker's auth and errors.
start_tracker() {
	_tn=$1
	shift
	rm -f "$T/$_tn.port"
	printf '%s\n' "$TRACKER_TOKEN" >"$T/token"
	chmod 600 "$T/token"
	"$TRACKER_SERVER" --token-file "$T/token" --port 0 --port-file "$T/$_tn.port" \
		--seed 42 --error-rate 0 "$@" >"$T/$_tn.log" 2>&1 &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	wait_for_file "$T/$_tn.port" 20 "$SERVER_PID"
	SERVER_PORT=$(cat "$T/$_tn.port")
	SERVER_URL="http://127.0.0.1:$SERVER_PORT"
	AUTH_OPTS=(-H "Authorization: Bearer $TRACKER_TOKEN")
	ERROR_KEY=message
}

# follow_next URL OUT: reads a list from URL by following rel="next" to the
# end, every record a compact line in OUT. Each page must be a 200 with a
# JSON array; a page with a next link must be full (PAGE_SIZE records, when
# set) and the last one must have none. Sets PAGES.
follow_next() {
	_fu=$1
	: >"$2"
	PAGES=0
	while [ -n "$_fu" ]; do
		[ "$PAGES" -lt 2000 ] || fail "$1: more than 2000 pages"
		http_req GET "$_fu"
		[ "$HTTP_CODE" = 200 ] || fail "GET $_fu: HTTP $HTTP_CODE: $HTTP_BODY"
		printf '%s' "$HTTP_BODY" | jq -e 'type == "array"' >/dev/null 2>&1 ||
			fail "GET $_fu: not a JSON array: $(printf '%s' "$HTTP_BODY" | head -c 200)"
		printf '%s' "$HTTP_BODY" | jq -c '.[]' >>"$2"
		PAGES=$((PAGES + 1))
		_fu=$(link_rel next)
		if [ -n "$_fu" ] && [ -n "${PAGE_SIZE:-}" ]; then
			assert_eq "$PAGE_SIZE" "$(printf '%s' "$HTTP_BODY" | jq length)" \
				"records on page $PAGES of $1, which has a next page"
		fi
	done
}

# ---- sanitizer reports (builds with --enable-asan / --enable-ubsan) ----

# Every sanitized program a test starts writes its reports to
# $T/sanitizer.<pid> rather than to stderr: the daemon and the servers
# (LeakSanitizer runs when they exit, at unmount or SIGTERM, after the test
# has passed) as much as a command whose stderr a test captures. Options
# already in the environment come last and win. No effect on other builds.
ASAN_OPTIONS="detect_leaks=1:log_path=$T/sanitizer${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="print_stacktrace=1:log_path=$T/sanitizer${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
CLEANUP_CHECKS="${CLEANUP_CHECKS:-} sanitizer_check"

# sanitizer_check: fails (and shows the report) when a sanitizer report is in
# $T/sanitizer.* or in a log of the daemon or a server ($T/*.log). Run by
# cleanup once every process it started has exited.
sanitizer_check() {
	_sr=$(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' \
		"$T"/sanitizer.* "$T"/*.log 2>/dev/null) || return 0
	for _sf in $_sr; do
		echo "---- sanitizer report: $_sf" >&2
		head -n 80 "$_sf" >&2
	done
	echo "FAIL: a sanitizer reported an error (above)" >&2
	return 1
}


# ---- helpers for the browsing tests (tests/fs/browse_*.sh) ----

# fetch_shows MOUNT OBJECT FILE WAITERS: waits (up to 60 s) until MOUNT's
# _status.json lists the fetch of OBJECT's FILE with WAITERS readers
# waiting for it ("" for any number).
fetch_shows() {
	for _ in $(seq 1200); do
		jq -e --arg o "$2" --arg f "$3" --arg w "$4" \
			'.fetches[] | select(.object == $o and .file == $f and
				($w == "" or .waiters == ($w | tonumber)))' \
			"$1/_status.json" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "the fetch of $2/$3 never showed with '$4' waiting: $(jq -c .fetches "$1/_status.json")"
}

# fetch_running MOUNT OBJECT FILE: whether _status.json lists that fetch.
fetch_running() {
	jq -e --arg o "$2" --arg f "$3" \
		'.fetches[] | select(.object == $o and .file == $f)' \
		"$1/_status.json" >/dev/null
}

# fetch_ends MOUNT OBJECT FILE: waits (up to 60 s) until that fetch is no
# longer listed.
fetch_ends() {
	for _ in $(seq 1200); do
		fetch_running "$@" || return 0
		sleep 0.05
	done
	fail "the fetch of $2/$3 still runs: $(jq -c .fetches "$1/_status.json")"
}

# interrupted_op LOG: the opcodes of the requests the kernel interrupted,
# from libfuse's -d trace in LOG ("INTERRUPT: N" names request N).
interrupted_op() {
	for u in $(sed -n 's/.*INTERRUPT: \([0-9][0-9]*\).*/\1/p' "$1"); do
		sed -n "s/.*unique: $u, opcode: \([A-Z_]*\).*/\1/p" "$1" | head -n 1
	done
}
