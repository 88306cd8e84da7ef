#!/bin/bash
# SPDX-License-Identifier: MIT
# kill -9 of the daemon while it works: once while it materializes a big
# snapshot, once while a changes/ refresh publishes batches. Each time the
# next lakeflowfs on the same mountpoint cleans up the stale mount (and
# says so), sweeps the *.part.* files the dead one left, serves the
# snapshot whole (equal to curl), and a consumer's incremental position is
# intact: the batches listed before are listed again with the same bytes,
# and the chain goes on with every new write exactly once.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --scale 200 --latency-ms 5 --quiet
Q='&user_id=user_0001'
# post_orders FIRST N OUT: upserts N new orders of user_0001 in one curl run;
# the records as written, one line each, go to OUT.
post_orders() {
	args=()
	for i in $(seq "$1" $(($1 + $2 - 1))); do
		[ "$i" = "$1" ] || args+=(--next)
		args+=(-sSf -u "$CREDS" -X POST -H 'Content-Type: application/json' \
			-d "{\"order_id\":\"order_9$(printf %04d "$i")\",\"user_id\":\"user_0001\",\"amount\":1.5,\"status\":\"pending\",\"updated_at\":null}" \
			"$SERVER_URL/tables/orders/records")
	done
	curl "${args[@]}" | jq -c .record >"$3" || fail "posting orders"
	grep -q null "$3" && fail "a post failed: $(grep -c null "$3") nulls"
	assert_eq "$2" "$(wc -l <"$3")" "orders posted"
}
# chain_state OUT: the listed batches of orders_u1/changes/ with checksums.
chain_state() {
	LC_ALL=C ls "$M/orders_u1/changes" >"$1.ls" || fail "ls orders_u1/changes"
	grep '\.jsonl$' "$1.ls" >"$1.names"
	(cd "$M/orders_u1/changes" && sha256sum $(cat "$1.names")) >"$1.sums" || fail "checksums"
}
# records_of NAMES-FILE: the records of those batches, in order.
records_of() {
	for b in $(cat "$1"); do jq -c . "$M/orders_u1/changes/$b" || fail "reading $b"; done
}
# kill_daemon: kill -9 the daemon, leaving a stale mount.
kill_daemon() {
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	stat -f "$M" >/dev/null 2>&1 && fail "the mount still answers after kill -9"
}
# remount: the next lakeflowfs on the same point cleans up and sweeps.
remount() {
	n=$(wc -l <"$T/daemon.log")
	mount_fs "$M" -o "$opts"
	# mount_fs can return early here: `mountpoint` may still see the stale
	# mount when `stat -f` already sees the directory under it. Wait for
	# the new daemon to say it mounted.
	deadline=$(($(date +%s) + 30))
	until tail -n +"$((n + 1))" "$T/daemon.log" | grep -q "mounted on $M\$"; do
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "$1: lakeflowfs exited: $(tail -n 5 "$T/daemon.log")"
		[ "$(date +%s)" -lt "$deadline" ] || fail "$1: the new daemon never said it mounted"
		sleep 0.05
	done
	tail -n +"$((n + 1))" "$T/daemon.log" >"$T/remount.log"
	grep -q "was a stale mount" "$T/remount.log" || fail "$1: no word about the stale mount: $(cat "$T/remount.log")"
	[ -z "$(find "$C" -name '*.part.*')" ] || fail "$1: partial files not swept: $(find "$C" -name '*.part.*')"
}

cat >"$T/spec.json" <<'SPEC'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "orders", "destination_table": "orders_u1",
             "table_configuration": {"user_id": "user_0001", "max_records_per_batch": "100"}}},
  {"table": {"source_table": "orders"}}
]}}
SPEC
M=$T/mnt
C=$T/cache
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
opts="url=$SERVER_URL,cache_dir=$C,spec=$T/spec.json,refresh=0"
mount_fs "$M" -o "$opts"

# A consumer drains orders_u1/changes/ (batches of 3 pages of 40).
chain_state "$T/s1"
[ "$(wc -l <"$T/s1.names")" -ge 10 ] || fail "too few batches: $(wc -l <"$T/s1.names")"
records_of "$T/s1.names" >"$T/s1.records"
curl -sSf -u "$CREDS" "$SERVER_URL/tables/orders/records?page=[1-80]$Q" | jq -c '.records[]' >"$T/u1.want" || fail "curl"
cmp -s "$T/u1.want" "$T/s1.records" || fail "the drained chain differs from curl"
cp "$M/orders_u1/changes/_offset" "$T/s1.offset"

# ------------------------------------------ kill -9 during a big snapshot
post_orders 1 5 "$T/w1"
timeout 60 cat "$M/orders/snapshot.jsonl" >/dev/null 2>&1 &
cat_pid=$!
deadline=$(($(date +%s) + 20))
until find "$C" -name 'snapshot.jsonl.part.*' -size +16k | grep -q .; do
	kill -0 "$cat_pid" 2>/dev/null || fail "the snapshot was done before the daemon could be killed"
	[ "$(date +%s)" -lt "$deadline" ] || fail "no partial snapshot appeared in 20 s"
	sleep 0.01
done
kill_daemon
wait "$cat_pid" 2>/dev/null
find "$C" -name '*.part.*' | grep -q . || fail "the kill left no partial file: nothing to sweep"
remount "after a snapshot kill"
grep -q "removed the partial file" "$T/remount.log" || fail "the sweep was not logged"

timeout 60 cat "$M/orders/snapshot.jsonl" >"$T/snap" || fail "snapshot after the remount"
curl -sSf -u "$CREDS" "$SERVER_URL/tables/orders/records?page=[1-600]" | jq -c '.records[]' >"$T/orders.want" || fail "curl"
jq -c . "$T/snap" | cmp -s "$T/orders.want" - || fail "orders/snapshot.jsonl after the remount differs from curl"

# The consumer's position: same files, same bytes, then exactly the writes.
cmp -s "$T/s1.offset" "$M/orders_u1/changes/_offset" || fail "_offset changed across the kill"
chain_state "$T/s2"
head -n "$(wc -l <"$T/s1.names")" "$T/s2.names" | cmp -s "$T/s1.names" - ||
	fail "the batches listed before the kill are not listed first: $(diff "$T/s1.names" "$T/s2.names" | head -3)"
head -n "$(wc -l <"$T/s1.sums")" "$T/s2.sums" | cmp -s "$T/s1.sums" - || fail "a batch listed before the kill changed"
comm -13 "$T/s1.names" "$T/s2.names" >"$T/s2.new"
records_of "$T/s2.new" >"$T/s2.records"
cmp -s "$T/w1" "$T/s2.records" || fail "the new batches are not the 5 writes: $(diff "$T/w1" "$T/s2.records" | head -4)"

# ------------------------------------------ kill -9 during a refresh
post_orders 100 400 "$T/w2"
ls "$M/orders_u1/changes" >/dev/null 2>&1 &
ls_pid=$!
chain=$(find "$C" -type d -path '*/chains/orders_u1/changes')
n2=$(find "$chain" -maxdepth 1 -name '*.jsonl' | wc -l)
deadline=$(($(date +%s) + 20))
until [ "$(find "$chain" -maxdepth 1 -name '*.jsonl' | wc -l)" -gt "$n2" ]; do
	kill -0 "$ls_pid" 2>/dev/null || fail "the refresh was done before the daemon could be killed"
	[ "$(date +%s)" -lt "$deadline" ] || fail "the refresh published nothing in 20 s"
	sleep 0.005
done
kill_daemon
wait "$ls_pid" 2>/dev/null
published=$(($(find "$chain" -maxdepth 1 -name '*.jsonl' | wc -l) - n2))
[ "$published" -lt 4 ] || echo "note: the refresh published all $published batches before the kill" >&2
remount "after a refresh kill"
chain_state "$T/s3"
head -n "$(wc -l <"$T/s2.sums")" "$T/s3.sums" | cmp -s "$T/s2.sums" - || fail "a batch listed before the second kill changed"
comm -13 "$T/s2.names" "$T/s3.names" >"$T/s3.new"
records_of "$T/s3.new" >"$T/s3.records"
cmp -s "$T/w2" "$T/s3.records" ||
	fail "after the refresh kill the new batches are not the 400 writes, each once: $(diff "$T/w2" "$T/s3.records" | head -4)"
post_orders 600 3 "$T/w3"
chain_state "$T/s4"
comm -13 "$T/s3.names" "$T/s4.names" >"$T/s4.new"
records_of "$T/s4.new" | cmp -s "$T/w3" - || fail "the chain does not go on after the second kill"
unmount_fs "$M"
