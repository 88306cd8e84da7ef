#!/bin/bash
# SPDX-License-Identifier: MIT
# Every bad option, credential and connection case ends lakeflowfs with a
# message naming the problem, a non-zero status, and nothing mounted.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
M=$T/mnt
mkdir -p "$M"
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
unset LAKEFLOWFS_USERNAME LAKEFLOWFS_PASSWORD
good="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache"

# refuse EXPECTED-MESSAGE lakeflowfs-arguments...: must fail, say it, not mount.
refuse() {
	want=$1
	shift
	status=0
	timeout 60 "$LAKEFLOWFS" "$@" >"$T/out" 2>&1 || status=$?
	[ "$status" -ne 0 ] || { fusermount3 -u "$M" 2>/dev/null; fail "accepted: $*"; }
	[ "$status" -ne 124 ] || fail "hung: $*"
	grep -qF -- "$want" "$T/out" || fail "for '$*' expected '$want' in: $(cat "$T/out")"
	mountpoint -q "$M" && { fusermount3 -u "$M"; fail "mounted anyway: $*"; }
	return 0
}

refuse "snapshot_ttl: 'abc'" "$M" -f -o "$good,snapshot_ttl=abc"
# A TIME whose microseconds would overflow is refused, not wrapped around;
# 3650 days is the longest any TIME option takes.
refuse "snapshot_ttl: '106751991167300' is not a duration from 0 to 3650d" \
	"$M" -f -o "$good,snapshot_ttl=106751991167300"
assert_eq 2 "$status" "exit status for a huge snapshot_ttl"
refuse "refresh: '3651d' is not a duration from 0 to 3650d" "$M" -f -o "$good,refresh=3651d"
assert_eq 2 "$status" "exit status for a refresh past 3650 days"
refuse "snapshot_ttl: '87600h1'" "$M" -f -o "$good,snapshot_ttl=87600h1"
refuse "timeout: '0'" "$M" -f -o "$good,timeout=0"
refuse "timeout: '5x'" "$M" -f -o "$good,timeout=5x"
refuse "retries: '0'" "$M" -f -o "$good,retries=0"
refuse "retries: 'many'" "$M" -f -o "$good,retries=many"
refuse "url: 'ftp://example'" "$M" -f -o "$good,url=ftp://example"
refuse "url: 'http://'" "$M" -f -o "$good,url=http://"
refuse "never taken on the command line" "$M" -f -o "$good,password=hunter2"
refuse "unknown option" "$M" -f -o "$good,frobnicate=1"
refuse "username: missing" "$M" -f -o "url=$SERVER_URL,password_file=$T/pw"
refuse "password: missing" "$M" -f -o "url=$SERVER_URL,username=tester"
refuse "password_file: cannot read $T/nope" "$M" -f -o "url=$SERVER_URL,username=tester,password_file=$T/nope"
: >"$T/empty"
refuse "password_file: $T/empty is empty" "$M" -f -o "url=$SERVER_URL,username=tester,password_file=$T/empty"
refuse "missing MOUNTPOINT" -f -o "$good"
refuse "not a directory" "$T/pw" -f -o "$good"
refuse "bad mount point \`$T/absent': No such file or directory" "$T/absent" -f -o "$good"
refuse "cache_dir: cannot use /proc/lakeflowfs" "$M" -f -o "$good,cache_dir=/proc/lakeflowfs"

# Connection files.
echo '{"username": "tester", "password": ' >"$T/c1.json"
refuse "connection $T/c1.json: not a readable JSON object" "$M" -f -o "url=$SERVER_URL,connection=$T/c1.json"
echo '{"username": "tester", "passwd": "x"}' >"$T/c2.json"
refuse "unknown field \"passwd\"" "$M" -f -o "url=$SERVER_URL,connection=$T/c2.json"
echo '{"username": 7, "password": "x"}' >"$T/c3.json"
refuse "\"username\" must be a string" "$M" -f -o "url=$SERVER_URL,connection=$T/c3.json"
refuse "connection $T/none.json" "$M" -f -o "url=$SERVER_URL,connection=$T/none.json"

# A server that is not there.
start_server gone --error-rate 0 --quiet
gone=$SERVER_URL
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
refuse "cannot reach the source at $gone" "$M" -f -o "url=$gone,username=tester,password_file=$T/pw,timeout=2,retries=2"

# A server that refuses every credential.
cat >"$T/refuse.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "bad credentials"}')
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_port))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
/usr/bin/python3 "$T/refuse.py" "$T/refuse.port" &
SERVER_PIDS="$SERVER_PIDS $!"
wait_for_file "$T/refuse.port" 20 $!
refuse "refused the credentials of user 'tester'" "$M" -f -o "url=http://127.0.0.1:$(cat "$T/refuse.port"),username=tester,password_file=$T/pw"

# --help and --version work and mount nothing.
"$LAKEFLOWFS" --help >"$T/help" 2>&1 || fail "--help failed"
for word in url= username= password_file= connection= cache_dir= snapshot_ttl= timeout= retries= "FUSE options"; do
	grep -qF -- "$word" "$T/help" || fail "--help does not mention $word"
done
"$LAKEFLOWFS" --version | grep -q '^lakeflowfs [0-9]' || fail "--version"

# The good options do mount (so the failures above are the options' fault),
# with the longest TIME there is.
mount_fs "$M" -o "$good,snapshot_ttl=3650d,refresh=87600h"
[ -s "$M/tables" ] || fail "good options did not mount a usable tree"
