#!/bin/bash
# SPDX-License-Identifier: MIT
# Mounting the way fstab and systemd do: `mount -t fuse.lakeflowfs SOURCE
# MOUNTPOINT -o OPTIONS` through mount.fuse3, and `mount -T FSTAB` over
# lines like contrib/fstab.example's; umount ends the daemon. mount(8) looks
# for lakeflowfs in a fixed PATH, so the test links the built program into
# /usr/local/bin for its duration.
. "$top_srcdir/tests/lib.sh"
need_fuse
[ "$(id -u)" -eq 0 ] || skip "mounting through mount(8) needs root"
command -v mount.fuse3 >/dev/null || skip "mount.fuse3 is not installed"

link=/usr/local/bin/lakeflowfs
if [ -e "$link" ] && [ "$(readlink "$link")" != "$LAKEFLOWFS" ]; then
	skip "$link exists and is not this build's program"
fi
ln -sf "$LAKEFLOWFS" "$link"
trap 'st=$?; for m in $MOUNTS; do umount "$m" 2>/dev/null; done; rm -f "$link"; (exit $st); cleanup' EXIT

start_server api --error-rate 0 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
cat >"$T/conn.json" <<JSON
{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}
JSON
chmod 600 "$T/conn.json"

# daemon_of MOUNTPOINT: the pid of the lakeflowfs serving it.
daemon_of() { pgrep -f "lakeflowfs .*$1 " | head -n 1; }
# gone PID: waits up to 5 s for it to exit.
gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }

# 1. mount -t with the URL as the source.
A=$T/a
mkdir -p "$A"
MOUNTS="$MOUNTS $A"
mount -t fuse.lakeflowfs "$SERVER_URL" "$A" \
	-o "username=tester,password_file=$T/pw,cache_dir=$T/cache" 2>"$T/mount.err" ||
	fail "mount -t fuse.lakeflowfs failed: $(cat "$T/mount.err")"
grep -q " $A fuse.lakeflowfs ro," /proc/mounts || fail "not mounted read-only as fuse.lakeflowfs: $(grep "$A" /proc/mounts)"
assert_eq "$(api_all_records users | wc -l)" "$(wc -l <"$A/users/snapshot.jsonl")" "users through mount -t"
pid=$(daemon_of "$A")
[ -n "$pid" ] || fail "no daemon for $A"
umount "$A" || fail "umount $A"
gone "$pid" || fail "daemon still running after umount"

# 2. fstab lines: a URL with a connection file and a spec, and the built-in
#    source; systemd's x-systemd.* and _netdev options are dropped by
#    mount.fuse3 on the way.
B=$T/b
C=$T/c
mkdir -p "$B" "$C"
MOUNTS="$MOUNTS $B $C"
cat >"$T/spec.json" <<JSON
{"pipeline_spec": {"connection_name": "c", "object": [
  {"table": {"source_table": "orders", "destination_table": "shipped",
             "table_configuration": {"status": "shipped"}}}]}}
JSON
cat >"$T/fstab" <<FSTAB
$SERVER_URL $B fuse.lakeflowfs _netdev,nofail,x-systemd.automount,connection=$T/conn.json,spec=$T/spec.json,cache_dir=$T/cache,refresh=60s 0 0
builtin $C fuse.lakeflowfs noauto,cache_dir=$T/cache2 0 0
FSTAB
mount -T "$T/fstab" "$B" 2>"$T/mount.err" || fail "mount -T (url line) failed: $(cat "$T/mount.err")"
assert_eq "shipped" "$(cat "$B/tables")" "the spec's table through fstab"
jq -e -s 'length > 0 and all(.status == "shipped")' "$B/shipped/snapshot.jsonl" >/dev/null ||
	fail "the spec's filter did not apply through fstab"
mount -T "$T/fstab" "$C" 2>"$T/mount.err" || fail "mount -T (builtin line) failed: $(cat "$T/mount.err")"
assert_eq 5 "$(wc -l <"$C/tables")" "the built-in source through fstab"
for m in "$B" "$C"; do
	pid=$(daemon_of "$m")
	umount "$m" || fail "umount $m"
	gone "$pid" || fail "daemon of $m still running after umount"
done

# 3. A bad source is refused by lakeflowfs itself, through mount(8) too.
mount -t fuse.lakeflowfs ftp://nowhere "$A" 2>"$T/mount.err" && fail "a bad source mounted"
assert_contains "$(cat "$T/mount.err")" "source: 'ftp://nowhere'" "message for a bad source"
mountpoint -q "$A" && fail "mounted anyway"
exit 0
