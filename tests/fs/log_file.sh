#!/bin/bash
# SPDX-License-Identifier: MIT
# Where a background daemon's log goes.
# 1. -o log_file=FILE (relative to where lakeflowfs ran): lines are appended
#    after what FILE held, each with a timestamp and the daemon's pid, and
#    -o debug works in the background (it does not imply -f).
# 2. Without log_file where syslog cannot be used (no /dev/log: the real
#    thing here, or /dev/log hidden in a mount namespace of our own), the
#    command says on stderr where the log goes, CACHE_DIR/lakeflowfs.log,
#    and the daemon writes there.
# 3. --help no longer says that -o debug implies -f.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
opts="url=$SERVER_URL,username=tester,password_file=$T/pw"
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00 \[[0-9]+\] lakeflowfs: '

# bg_mount MNT LOG [options]: mounts in the background, tracks the daemon
# by the pid its log lines carry.
bg_mount() {
	mnt=$1 log=$2
	shift 2
	mkdir -p "$mnt"
	MOUNTS="$MOUNTS $mnt"
	"$LAKEFLOWFS" "$mnt" "$@" >"$T/bg.out" 2>&1 || fail "background mount: $(cat "$T/bg.out")"
	mountpoint -q "$mnt" || fail "$mnt is not mounted"
	# The daemon says "mounted on" just after the command returned.
	for _ in $(seq 200); do
		pid=$(grep -E "\[[0-9]+\] lakeflowfs: info: .*mounted on $mnt\$" "$log" 2>/dev/null |
			tail -n 1 | sed 's/.* \[\([0-9]*\)\] .*/\1/')
		[ -z "$pid" ] || break
		sleep 0.05
	done
	[ -n "$pid" ] || fail "no 'mounted on' line with a pid in $log: $(cat "$log")"
	DAEMON_PIDS="$DAEMON_PIDS $pid"
	DAEMON_PID=$pid
}

# 1. log_file, relative, appended, timestamped, debug in the background.
echo "a line from before" >"$T/my.log"
cd "$T" || fail "cd $T"
bg_mount "$T/mnt" "$T/my.log" -o "$opts,cache_dir=$T/cache,log_file=my.log,debug"
cd - >/dev/null || fail "cd back"
assert_eq "a line from before" "$(head -n 1 "$T/my.log")" "the first line of log_file"
cat "$T/mnt/products/sample.jsonl" >/dev/null || fail "read products/sample.jsonl"
unmount_fs "$T/mnt"
tail -n +2 "$T/my.log" >"$T/lines"
bad=$(grep -Ev "^$TS" "$T/lines" | head -n 3)
assert_eq "" "$bad" "log_file lines without a timestamp"
grep -Eq "^${TS}info: .*mounted on $T/mnt$" "$T/lines" || fail "no 'mounted on' line: $(cat "$T/lines")"
grep -Eq "^${TS}debug: .*GET http://127\.0\.0\.1:[0-9]+/tables/products/records\?page=1: HTTP 200" "$T/lines" ||
	fail "no debug request line in the background"
grep -Eq "^${TS}info: .*unmounted $T/mnt$" "$T/lines" || fail "no 'unmounted' line"

# 2. No syslog: the log goes to CACHE_DIR/lakeflowfs.log, and says so.
no_syslog() {
	bg_mount "$T/mnt2" "$T/cache2/lakeflowfs.log" -o "$opts,cache_dir=$T/cache2"
	assert_contains "$(cat "$T/bg.out")" "the log goes to $T/cache2/lakeflowfs.log" \
		"what the command said"
	grep -qx orders "$T/mnt2/tables" || fail "the mount does not answer"
	unmount_fs "$T/mnt2"
	grep -Eq "^${TS}info: unmounted $T/mnt2$" "$T/cache2/lakeflowfs.log" ||
		fail "the fallback log lacks the unmount: $(cat "$T/cache2/lakeflowfs.log")"
}
if [ ! -e /dev/log ]; then
	no_syslog
elif [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	# Hide /dev/log in a mount namespace of our own, and do all of it there.
	export -f no_syslog bg_mount fail assert_contains unmount_fs
	export T opts TS LAKEFLOWFS
	unshare -m --propagation private bash -c \
		'mount --bind /dev/null /dev/log && MOUNTS= DAEMON_PIDS= no_syslog' ||
		fail "the mount without syslog failed"
else
	echo "syslog answers here and /dev/log cannot be hidden: part 2 skipped" >&2
fi

# 3. --help tells our FUSE options, not libfuse's "implies -f".
"$LAKEFLOWFS" --help >"$T/help" || fail "--help"
if grep -q "implies -f" "$T/help"; then
	fail "--help still says that debug implies -f"
fi
grep -q "log_file=FILE" "$T/help" || fail "--help does not list log_file"
