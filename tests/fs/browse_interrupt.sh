#!/bin/bash
# SPDX-License-Identifier: MIT
# A reader that waits for a download can be interrupted, and nobody else
# is harmed. Against a slow source (200 ms a call, one page at a time):
#  - kill -9 of a cat that waits in LOOKUP (the first look at a snapshot):
#    the kernel's FUSE_INTERRUPT reaches the daemon (libfuse's -d trace
#    names the request), cat exits, and as nobody waits any more the
#    download stops: it leaves _status.json's fetches, api.cancelled
#    counts the calls cut, nothing partial is kept, nothing is logged as
#    an error;
#  - two readers wait in GETATTR for the same stale snapshot (both in the
#    daemon: _status.json counts 2 waiting); kill -9 of one leaves the
#    other to get the whole file from the same download;
#  - SIGINT of a lone reader in GETATTR (a cat whose SIGINT is not
#    ignored) cancels the download it waited for, and the file made
#    before stays as it was.
. "$top_srcdir/tests/lib.sh"
need_fuse

# 26 pages of orders, one at a time at 200 ms: each download lasts ~5 s.
start_server api --error-rate 0 --latency-ms 200 --scale 10 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
C=$T/cache
mount_fs "$M" -d -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$C,parallel=1,snapshot_ttl=2"
L=$T/daemon.log

# no_partial WHAT: no *.part.* file in the cache.
no_partial() {
	left=$(find "$C" -name '*.part.*')
	[ -z "$left" ] || fail "$1: partial files in the cache: $left"
}
cancelled() { jq .api.cancelled "$M/_status.json"; }

# ------------------------------------------- kill -9 of a cat in LOOKUP
cat "$M/orders/snapshot.jsonl" >/dev/null 2>&1 &
reader=$!
fetch_shows "$M" orders snapshot.jsonl 1
c0=$(cancelled)
kill -9 "$reader"
wait "$reader" 2>/dev/null
assert_eq LOOKUP "$(interrupted_op "$L" | tail -n 1)" "the request the kernel interrupted"
grep -q "interrupted: getattr /orders/snapshot.jsonl gave up waiting" "$L" ||
	fail "the daemon did not see the interrupt"
fetch_ends "$M" orders snapshot.jsonl
[ "$(cancelled)" -gt "$c0" ] || fail "api.cancelled did not count the call cut: $(cancelled)"
grep -q "cache: orders/snapshot.jsonl: cancelled after [0-9]* records" "$L" ||
	fail "the cancelled download was not logged as cancelled"
[ -z "$(find "$C" -path '*/orders-*/snapshot.jsonl')" ] || fail "a snapshot was published"
no_partial "kill -9 in LOOKUP"

# The next reader starts afresh and gets the whole table.
cat "$M/orders/snapshot.jsonl" >"$T/want" || fail "the read after the interrupt"
assert_eq 1030 "$(wc -l <"$T/want")" "orders after the interrupt"

# ------------------------- two readers in GETATTR; kill -9 of one of them
py=/usr/bin/python3
$py "$top_srcdir/tests/fs/stat_later.py" "$M/orders/snapshot.jsonl" "$T/a.ready" "$T/go" \
	>"$T/a.out" 2>&1 &
a=$!
$py "$top_srcdir/tests/fs/stat_later.py" "$M/orders/snapshot.jsonl" "$T/b.ready" "$T/go" \
	>"$T/b.out" 2>&1 &
b=$!
wait_for_file "$T/a.ready" 60 "$a"
wait_for_file "$T/b.ready" 60 "$b"
sleep 2.2 # snapshot_ttl: the snapshot is stale from now on
cancels=$(grep -c "cancelled: nobody waits" "$L")
touch "$T/go"
fetch_shows "$M" orders snapshot.jsonl 2
kill -9 "$a"
wait "$a" 2>/dev/null
assert_eq GETATTR "$(interrupted_op "$L" | tail -n 1)" "the request interrupted in GETATTR"
fetch_running "$M" orders snapshot.jsonl || fail "the download stopped with a reader still waiting"
wait "$b" || fail "the other reader failed: $(cat "$T/b.out")"
assert_eq "$(wc -c <"$T/want")" "$(cat "$T/b.out")" "the size the other reader got"
assert_eq "$cancels" "$(grep -c "cancelled: nobody waits" "$L")" "cancellations while a reader waited"
cmp -s "$T/want" "$M/orders/snapshot.jsonl" || fail "the file the other reader waited for differs"

# ------------------------------- SIGINT of a lone reader in GETATTR
rm -f "$T/go" "$T/c.ready"
$py -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$py" "$top_srcdir/tests/fs/stat_later.py" \
	"$M/orders/snapshot.jsonl" "$T/c.ready" "$T/go" >"$T/c.out" 2>&1 &
c=$!
wait_for_file "$T/c.ready" 60 "$c"
sleep 2.2
touch "$T/go"
fetch_shows "$M" orders snapshot.jsonl 1
c0=$(cancelled)
kill -INT "$c"
status=0
wait "$c" || status=$?
assert_eq 130 "$status" "the exit status of the reader killed by SIGINT"
fetch_ends "$M" orders snapshot.jsonl
[ "$(cancelled)" -gt "$c0" ] || fail "SIGINT: api.cancelled did not count the call cut"
cmp -s "$T/want" "$(find "$C" -path '*/orders-*/snapshot.jsonl')" ||
	fail "SIGINT: the snapshot made before changed"
no_partial "SIGINT in GETATTR"

# A cancellation is no error: no error line in the log.
if grep -E "lakeflowfs: (error|warning):" "$L"; then
	fail "errors logged"
fi
unmount_fs "$M"
