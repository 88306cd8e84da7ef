# SPDX-License-Identifier: MIT
# Shared helpers of the benchmarks (bench/*.sh). Source it after setting
# EXAMPLE_SERVER, and LAKEFLOWFS for a benchmark that mounts; it checks
# them, makes $T (removed at exit, with the mount at $MNT, the daemon $DPID
# and the server $SPID stopped) and a password file.

[ -x "$EXAMPLE_SERVER" ] || { echo "no server at $EXAMPLE_SERVER (set EXAMPLE_SERVER)" >&2; exit 1; }
if [ -n "${LAKEFLOWFS:-}" ]; then
	[ -x "$LAKEFLOWFS" ] || { echo "no binary at $LAKEFLOWFS (set LAKEFLOWFS)" >&2; exit 1; }
	for t in mountpoint fusermount3; do
		command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
	done
fi

T=$(mktemp -d)
SPID="" DPID="" MNT="$T/mnt"
cleanup() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null
	fi
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$MNT"
echo bench >"$T/pw"

now_ns() { date +%s%N; }

# start_server SCALE [server options...]: a server without faults on a free
# port; sets URL and SPID.
start_server() {
	_scale=$1
	shift
	rm -f "$T/port"
	"$EXAMPLE_SERVER" --port 0 --port-file "$T/port" --error-rate 0 \
		--seed 1 --quiet --scale "$_scale" "$@" &
	SPID=$!
	for _ in $(seq 600); do
		[ -s "$T/port" ] && break
		kill -0 "$SPID" 2>/dev/null || { echo "server died" >&2; exit 1; }
		sleep 0.05
	done
	URL="http://127.0.0.1:$(cat "$T/port")"
}

stop_server() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
}

# mount_fs [options...]: mounts URL at MNT with a fresh cache, the log in
# $T/daemon.log; sets DPID.
mount_fs() {
	rm -rf "$T/cache"
	"$LAKEFLOWFS" -f "$MNT" -o url="$URL",username=bench,password_file="$T/pw" \
		-o cache_dir="$T/cache" "$@" 2>>"$T/daemon.log" &
	DPID=$!
	for _ in $(seq 600); do
		mountpoint -q "$MNT" && return
		kill -0 "$DPID" 2>/dev/null || { echo "lakeflowfs died:" >&2; cat "$T/daemon.log" >&2; exit 1; }
		sleep 0.05
	done
	echo "timed out mounting" >&2
	exit 1
}

unmount_fs() {
	fusermount3 -u "$MNT" || fusermount3 -uz "$MNT"
	wait "$DPID" 2>/dev/null
	DPID=""
}
