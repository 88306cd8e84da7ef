#!/bin/bash
# SPDX-License-Identifier: MIT
# cache_dir on a 256 KiB tmpfs: reading a snapshot bigger than the space
# fails with EIO or ENOSPC, never a short or corrupted file; afterwards no
# *.part.* file is left, the space is given back, and a small object still
# reads correctly. A changes/ listing that fills the disk fails, and every
# batch it did publish is whole.
. "$top_srcdir/tests/lib.sh"
need_fuse

[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs for cache_dir needs root"
S=$T/small
mkdir -p "$S"
mount -t tmpfs -o size=256k,mode=0700 tmpfs "$S" || skip "cannot mount a tmpfs here"
# The daemon keeps files of the tmpfs open: stop it before unmounting the
# tmpfs, and unmount it before the lib's cleanup removes $T.
cleanup_tmpfs() {
	_st=$?
	for m in $MOUNTS; do
		fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true
	done
	for p in $DAEMON_PIDS; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	umount "$S" 2>/dev/null || umount -l "$S" 2>/dev/null || true
	(exit "$_st")
	cleanup
}
trap cleanup_tmpfs EXIT

start_server api --scale 40 --quiet
curl -sSf -u "$CREDS" "$SERVER_URL/tables/orders/records?page=[1-150]" | jq -c '.records[]' >"$T/orders.want" ||
	fail "curl of orders"
[ "$(wc -c <"$T/orders.want")" -gt 300000 ] || fail "orders is too small to fill the disk: $(wc -c <"$T/orders.want") bytes"
# The small object: the first 20 products (num_rows, allowed by the
# connection file).
curl -sSf -u "$CREDS" "$SERVER_URL/tables/products/records?page=[1-2]" | jq -c '.records[]' | head -n 20 >"$T/products.want"
assert_eq 20 "$(wc -l <"$T/products.want")" "products by curl"
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}\n' >"$T/conn.json"
chmod 600 "$T/conn.json"
cat >"$T/spec.json" <<'SPEC'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "orders"}},
  {"table": {"source_table": "products", "table_configuration": {"num_rows": "20"}}}
]}}
SPEC

M=$T/mnt
C=$S/cache
mount_fs "$M" -o url="$SERVER_URL",connection="$T/conn.json",spec="$T/spec.json",cache_dir="$C",timeout=10,retries=2
used0=$(df -k --output=used "$S" | tail -n 1)

for f in snapshot.jsonl snapshot.csv; do
	if timeout 60 cat "$M/orders/$f" >"$T/out" 2>"$T/err"; then
		fail "reading orders/$f on a full disk succeeded ($(wc -c <"$T/out") of $(wc -c <"$T/orders.want") bytes)"
	fi
	grep -q "Input/output error\|No space left on device" "$T/err" || fail "orders/$f: unexpected error: $(cat "$T/err")"
	[ -s "$T/out" ] && fail "orders/$f: cat got $(wc -c <"$T/out") bytes before the error"
	stat "$M/orders/$f" >/dev/null 2>&1 && fail "stat of orders/$f succeeded on a full disk"
	left=$(find "$S" \( -name '*.part.*' -o -path '*/orders-*/snapshot.*' \) -print)
	[ -z "$left" ] || fail "orders/$f: left on the tmpfs: $left"
	used=$(df -k --output=used "$S" | tail -n 1)
	[ "$used" -le $((used0 + 16)) ] || fail "orders/$f: $used KiB used after the failure, $used0 before"
	kill -0 "$DAEMON_PID" || fail "the daemon died"
done
grep -q "No space left on device" "$T/daemon.log" || fail "the log does not say the disk was full"

# A small object still reads, whole.
jq -c . "$M/products/snapshot.jsonl" >"$T/products.got" || fail "products/snapshot.jsonl"
cmp -s "$T/products.want" "$T/products.got" || fail "products/snapshot.jsonl differs from curl"
assert_eq "$(($(wc -l <"$T/products.want") + 1))" "$(wc -l <"$M/products/snapshot.csv")" "products/snapshot.csv lines"

# changes/ fills the disk batch by batch: the listing fails, and each batch
# that made it to the cache is whole and is the slice curl reads.
ls "$M/orders/changes" >/dev/null 2>"$T/err" && fail "listing orders/changes/ on a full disk succeeded"
assert_contains "$(cat "$T/err")" "Input/output error" "listing orders/changes/ on a full disk"
[ -z "$(find "$S" -name '*.part.*')" ] || fail "*.part.* left by the refresh: $(find "$S" -name '*.part.*')"
chain=$(find "$C" -type d -path '*/chains/orders/changes' | head -n 1)
[ -n "$chain" ] || fail "no changes directory in the cache"
: >"$T/chain"
for b in $(cd "$chain" && LC_ALL=C ls | grep '\.jsonl$'); do
	[ "$(tail -c 1 "$chain/$b" | od -An -c | tr -d ' ')" = '\n' ] || fail "batch $b does not end in a newline"
	jq -c . "$chain/$b" >>"$T/chain" 2>/dev/null || fail "batch $b is not JSON lines"
done
n=$(wc -l <"$T/chain")
[ "$n" -gt 0 ] || fail "no batch was published before the disk filled"
[ "$n" -lt "$(wc -l <"$T/orders.want")" ] || fail "every batch fitted: the disk never filled"
head -n "$n" "$T/orders.want" | cmp -s - "$T/chain" || fail "the published batches are not the first $n orders"
kill -0 "$DAEMON_PID" || fail "the daemon died"
