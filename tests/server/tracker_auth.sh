#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracker's token and command line: "Authorization: Bearer <token>"
# with the token from --token-file or LAKEFLOWFS_TRACKER_TOKEN; anything
# else is 401 {"message": "Bad credentials"}, on every path, before 404;
# the token never appears in argv or the log; without a usable token, or
# with a bad option value, the server exits 2 without listening.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

R=$TRACKER_REPO
[ -x "$TRACKER_SERVER" ] || fail "$TRACKER_SERVER is not built"

# unauth CURL-OPTIONS...: GET issues with these options answers 401 with
# exactly the GitHub body and a WWW-Authenticate header.
unauth() {
	_b=$(curl -sS --max-time 20 -D "$T/u.h" -w '\n%{http_code}' "$@" \
		"$SERVER_URL$R/issues") || fail "curl $*"
	assert_eq 401 "$(printf '%s\n' "$_b" | tail -n 1)" "GET with $*"
	assert_eq '{"message":"Bad credentials"}' "$(printf '%s\n' "$_b" | sed '$d')" "401 body with $*"
	grep -qi '^WWW-Authenticate: Bearer' "$T/u.h" || fail "no WWW-Authenticate: Bearer with $*"
}

# launch NAME [VAR=value...] -- [server options...]: a tracker started by
# hand (not by start_tracker, which gives --token-file), its environment
# without LAKEFLOWFS_TRACKER_TOKEN but for what is given.
launch() {
	_ln=$1
	shift
	_le=()
	while [ "$1" != -- ]; do
		_le+=("$1")
		shift
	done
	shift
	rm -f "$T/$_ln.port"
	env -u LAKEFLOWFS_TRACKER_TOKEN "${_le[@]}" "$TRACKER_SERVER" --port 0 \
		--port-file "$T/$_ln.port" --error-rate 0 "$@" >"$T/$_ln.log" 2>&1 &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
	wait_for_file "$T/$_ln.port" 20 "$SERVER_PID"
	SERVER_URL="http://127.0.0.1:$(cat "$T/$_ln.port")"
}
# answers TOKEN: the status of GET labels with that bearer token.
answers() {
	curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" \
		"$SERVER_URL$R/labels"
}

# ------------------------------------------------ the token from a file
start_tracker file
expect_code 200 GET "$R/issues"
unauth
unauth -H "Authorization: Bearer wrong"
unauth -H "Authorization: Bearer ${TRACKER_TOKEN}x"
unauth -H "Authorization: Bearer ${TRACKER_TOKEN%?}"
unauth -H "Authorization: Bearer"
unauth -H "Authorization: token $TRACKER_TOKEN"
unauth -H "Authorization: Basic $(printf 'x:%s' "$TRACKER_TOKEN" | base64)"
unauth -u "x:$TRACKER_TOKEN"
# The scheme in any case, spaces before the token.
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: bearer   $TRACKER_TOKEN" \
	"$SERVER_URL$R/labels")
assert_eq 200 "$code" "lowercase 'bearer' and extra spaces"
# Auth comes first: an unknown path without the token is 401, not 404.
code=$(curl -sS -o /dev/null -w '%{http_code}' "$SERVER_URL/nowhere")
assert_eq 401 "$code" "an unknown path without a token"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -d '{"title":"x"}' "$SERVER_URL$R/issues")
assert_eq 401 "$code" "a write without a token"
expect_code 200 GET "$R/issues?state=all&per_page=100"
expect_code 200 GET "$R/issues?state=all&per_page=100&page=3"
assert_eq 50 "$(printf '%s' "$HTTP_BODY" | jq length)" "issues after refused writes"

# The token is nowhere in the process's arguments or its log.
grep -q "$TRACKER_TOKEN" "/proc/$SERVER_PID/cmdline" && fail "the token is in argv"
grep -q "$TRACKER_TOKEN" "$T/file.log" && fail "the token is in the log"

# A token file with CRLF line ends and more lines: the first line counts.
printf '%s\r\nsecond line\n' "crlf-token" >"$T/crlf.token"
launch crlf -- --token-file "$T/crlf.token"
assert_eq 200 "$(answers crlf-token)" "the first line of a CRLF token file"

# ------------------------------------------------ the token from the environment
launch env LAKEFLOWFS_TRACKER_TOKEN=env-token --
assert_eq 200 "$(answers env-token)" "the token from LAKEFLOWFS_TRACKER_TOKEN"
unauth -H "Authorization: Bearer $TRACKER_TOKEN"
# --token-file wins over the environment.
launch both LAKEFLOWFS_TRACKER_TOKEN=env-token -- --token-file "$T/token"
assert_eq 200 "$(answers "$TRACKER_TOKEN")" "the token file's token, with both"
unauth -H "Authorization: Bearer env-token"

# ------------------------------------------------ refused before listening
# refused NAME [env assignments] -- ARGS...: exits 2 on its own, writes no
# port file, and its message names NAME (and never shows a token).
n=0
refused() {
	name=$1
	shift
	n=$((n + 1))
	envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	pf="$T/bad$n.port"
	env -u LAKEFLOWFS_TRACKER_TOKEN "${envs[@]}" timeout 10 "$TRACKER_SERVER" \
		--port-file "$pf" --port 0 "$@" >"$T/bad.out" 2>&1
	rc=$?
	assert_eq 2 "$rc" "exit status of '$*' (${envs[*]})"
	[ ! -s "$pf" ] || fail "'$*' wrote a port file: it started serving"
	grep -q -- "$name" "$T/bad.out" ||
		fail "'$*' does not name $name: $(cat "$T/bad.out")"
	grep -q "$TRACKER_TOKEN\|sekrit" "$T/bad.out" && fail "'$*' printed the token"
	return 0
}
: >"$T/empty.token"
printf 'two words\n' >"$T/spaced.token"
head -c 2000 /dev/zero | tr '\0' a >"$T/long.token"
refused LAKEFLOWFS_TRACKER_TOKEN --
refused LAKEFLOWFS_TRACKER_TOKEN LAKEFLOWFS_TRACKER_TOKEN= --
refused LAKEFLOWFS_TRACKER_TOKEN "LAKEFLOWFS_TRACKER_TOKEN=sekrit with space" --
refused token-file -- --token-file "$T/no-such-file"
refused token-file -- --token-file "$T/empty.token"
refused token-file -- --token-file "$T/spaced.token"
refused token-file -- --token-file "$T/long.token"
refused scale -- --token-file "$T/token" --scale 0
refused scale -- --token-file "$T/token" --scale 1001
refused garbage-page -- --token-file "$T/token" --garbage-page 0
refused garbage-page -- --token-file "$T/token" --garbage-page x
refused public-url -- --token-file "$T/token" --public-url ftp://x
refused public-url -- --token-file "$T/token" --public-url 'http://a b'
refused link-origin -- --token-file "$T/token" --link-origin evil.example
refused link-origin -- --token-file "$T/token" --link-origin 'http://x/<y>'
refused max-inflight -- --token-file "$T/token" --max-inflight x
refused token -- --token-file "$T/token" --token "$TRACKER_TOKEN"

# ------------------------------------------------ --help, --version
out=$("$TRACKER_SERVER" --help) || fail "--help failed"
for o in --token-file --bind --port --port-file --error-rate --latency-ms --seed \
	--max-inflight --retry-after --gzip --bandwidth --quiet --scale --public-url \
	--link-origin --garbage-page --help --version LAKEFLOWFS_TRACKER_TOKEN; do
	assert_contains "$out" "$o" "--help output"
done
out=$("$TRACKER_SERVER" --version) || fail "--version failed"
assert_contains "$out" "lakeflowfs-tracker-server" "--version output"
exit 0
