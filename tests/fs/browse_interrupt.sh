#!/bin/bash
# SPDX-License-Identifier: MIT
# A reader that waits for a download can be interrupted, and nobody else
# is harmed. Against a slow source (200 ms a call, one page at a time):
#  - kill -9 of a cat that waits in LOOKUP (the first look at a snapshot):
#    the kernel's FUSE_INTERRUPT reaches the daemon (libfuse's -d trace
#    names the request), cat exits, and as nobody waits any more the
#    download stops: it leaves _status.json's fetches, short of its end,
#    nothing partial is kept, nothing is logged as an error (that
#    api.cancelled counts the request cut is browse_progress.sh's);
#  - twelve readers wait in GETATTR for the same stale snapshot, all in
#    the daemon at once (_status.json counts 12 waiting: more than
#    libfuse's default of 10 request threads); kill -9 of one leaves the
#    others to get the whole file from the same download;
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
# cancels: how many downloads the daemon cancelled so far.
cancels() { grep -c "cancelled: nobody waits" "$L"; }

# ------------------------------------------- kill -9 of a cat in LOOKUP
cat "$M/orders/snapshot.jsonl" >/dev/null 2>&1 &
reader=$!
fetch_shows "$M" orders snapshot.jsonl 1
kill -9 "$reader"
wait "$reader" 2>/dev/null
assert_eq LOOKUP "$(interrupted_op "$L" | tail -n 1)" "the request the kernel interrupted"
grep -q "interrupted: getattr /orders/snapshot.jsonl gave up waiting" "$L" ||
	fail "the daemon did not see the interrupt"
fetch_ends "$M" orders snapshot.jsonl
assert_eq 1 "$(cancels)" "downloads cancelled"
grep -Eq "cache: orders/snapshot.jsonl: cancelled after [0-9]+ records in ([0-9]|1[0-9]|2[0-5]) pages" "$L" ||
	fail "the download was not cancelled short of its 26 pages"
[ -z "$(find "$C" -path '*/orders-*/snapshot.jsonl')" ] || fail "a snapshot was published"
no_partial "kill -9 in LOOKUP"

# The next reader starts afresh and gets the whole table.
cat "$M/orders/snapshot.jsonl" >"$T/want" || fail "the read after the interrupt"
assert_eq 1030 "$(wc -l <"$T/want")" "orders after the interrupt"

# -------------------- twelve readers in GETATTR; kill -9 of one of them
py=/usr/bin/python3
pids=""
for i in $(seq 12); do
	$py "$top_srcdir/tests/fs/stat_later.py" "$M/orders/snapshot.jsonl" "$T/$i.ready" "$T/go" \
		>"$T/$i.out" 2>&1 &
	pids="$pids $!"
	wait_for_file "$T/$i.ready" 60 "$!"
done
sleep 2.2 # snapshot_ttl: the snapshot is stale from now on
touch "$T/go"
fetch_shows "$M" orders snapshot.jsonl 12
a=${pids# }
a=${a%% *}
kill -9 "$a"
wait "$a" 2>/dev/null
assert_eq GETATTR "$(interrupted_op "$L" | tail -n 1)" "the request interrupted in GETATTR"
fetch_running "$M" orders snapshot.jsonl || fail "the download stopped with readers still waiting"
i=1
for p in $pids; do
	if [ "$p" != "$a" ]; then
		wait "$p" || fail "reader $i failed: $(cat "$T/$i.out")"
		assert_eq "$(wc -c <"$T/want")" "$(cat "$T/$i.out")" "the size reader $i got"
	fi
	i=$((i + 1))
done
assert_eq 1 "$(cancels)" "downloads cancelled while readers waited"
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
kill -INT "$c"
status=0
wait "$c" || status=$?
assert_eq 130 "$status" "the exit status of the reader killed by SIGINT"
fetch_ends "$M" orders snapshot.jsonl
assert_eq 2 "$(cancels)" "downloads cancelled after the SIGINT"
cmp -s "$T/want" "$(find "$C" -path '*/orders-*/snapshot.jsonl')" ||
	fail "SIGINT: the snapshot made before changed"
no_partial "SIGINT in GETATTR"

# A cancellation is no error: no error line in the log.
if grep -E "lakeflowfs: (error|warning):" "$L"; then
	fail "errors logged"
fi
unmount_fs "$M"
