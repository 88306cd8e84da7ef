#!/bin/bash
# SPDX-License-Identifier: MIT
# Mounting over a live lakeflowfs mount is refused (exit 2, a message naming
# the mountpoint and what is mounted there), in the background and with -f,
# and the first mount keeps working; a stale mount left by a daemon killed
# with kill -9 is still cleaned up and mounted over.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
opts="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache"
M=$T/mnt
mount_fs "$M" -o "$opts"
first=$DAEMON_PID

for fg in "" -f; do
	rc=0
	# shellcheck disable=SC2086
	timeout 20 "$LAKEFLOWFS" $fg "$M" -o "$opts" >"$T/second.out" 2>&1 || rc=$?
	assert_eq 2 "$rc" "exit status of mounting over a live mount ${fg:-in the background}"
	assert_contains "$(cat "$T/second.out")" "$M is already mounted: fuse.lakeflowfs" \
		"the refusal's message"
done
assert_eq 1 "$(grep -c " $M fuse" /proc/mounts)" "mounts listed on $M"
kill -0 "$first" || fail "the first daemon died"
grep -qx orders "$M/tables" || fail "the first mount stopped answering"

# A stale mount: the daemon is gone, the mount is left behind.
kill -9 "$first"
for _ in $(seq 100); do
	kill -0 "$first" 2>/dev/null || break
	sleep 0.05
done
stat "$M/tables" >/dev/null 2>&1 && fail "the mount still answers after kill -9"
mount_fs "$M" -o "$opts"
assert_contains "$(cat "$T/daemon.log")" "$M was a stale mount" "the stale mount's message"
grep -qx orders "$M/tables" || fail "the new mount does not answer"
assert_eq 1 "$(grep -c " $M fuse" /proc/mounts)" "mounts listed on $M after the stale one"
unmount_fs "$M"
