#!/bin/bash
# SPDX-License-Identifier: MIT
# Mounting and unmounting: in the background the command returns once the
# mount is ready; fusermount3 -u and SIGTERM both end the daemon; a mount
# left stale by a killed daemon is cleaned up by the next mount; the tree is
# read-only.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
M=$T/mnt
mkdir -p "$M"
printf 'secret\n' >"$T/pw"
chmod 644 "$T/pw"
unset LAKEFLOWFS_USERNAME LAKEFLOWFS_PASSWORD
opts="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache"

# Background: returns when mounted, warns about the readable password file.
MOUNTS="$MOUNTS $M"
"$LAKEFLOWFS" "$M" -o "$opts" 2>"$T/bg.err" || fail "background mount failed: $(cat "$T/bg.err")"
mountpoint -q "$M" || fail "not mounted when the command returned"
grep -q "password_file $T/pw is readable by others" "$T/bg.err" || fail "no warning for a readable password file"
pid=$(pgrep -f "^$LAKEFLOWFS $M " | head -n 1)
[ -n "$pid" ] || fail "no daemon process"
DAEMON_PIDS="$DAEMON_PIDS $pid"
assert_eq "products" "$(head -n 1 "$M/tables")" "read through the background daemon"
grep -rq secret /proc/"$pid"/cmdline && fail "password in the daemon's argv"
fusermount3 -u "$M" || fail "fusermount3 -u"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "daemon still running after fusermount3 -u"

# Read-only: writes and new files are refused.
chmod 600 "$T/pw"
mount_fs "$M" -o "$opts"
echo x 2>"$T/w.err" >"$M/users/schema.json" && fail "write succeeded"
assert_contains "$(cat "$T/w.err")" "Read-only file system" "write error"
touch "$M/new" 2>/dev/null && fail "create succeeded"
mkdir "$M/dir" 2>/dev/null && fail "mkdir succeeded"
ls "$M/nothing" 2>"$T/ls.err" && fail "ls of a missing path succeeded"
assert_contains "$(cat "$T/ls.err")" "No such file or directory" "missing path"
ls "$M/users/nothing.jsonl" 2>/dev/null && fail "missing file in an object exists"

# SIGTERM unmounts and exits 0.
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
assert_eq 0 $? "exit status after SIGTERM"
mountpoint -q "$M" && fail "still mounted after SIGTERM"

# kill -9 leaves a stale mount; mounting again cleans it up.
mount_fs "$M" -o "$opts"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
ls "$M" 2>"$T/stale.err" && fail "a dead daemon's mount still answers"
assert_contains "$(cat "$T/stale.err")" "Transport endpoint is not connected" "stale mount"
mount_fs "$M" -o "$opts"
grep -q "was a stale mount" "$T/daemon.log" || fail "no word about the stale mount"
assert_eq "products" "$(head -n 1 "$M/tables")" "read after the stale mount was cleaned"
