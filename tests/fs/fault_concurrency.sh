#!/bin/bash
# SPDX-License-Identifier: MIT
# 32 readers at once, 3 rounds each, over every file of every object
# (tables, schema.json, metadata.json, snapshot.jsonl, snapshot.csv,
# changes/ and deletes/ with their batches and _offset), with snapshots
# expiring every second and every listing a refresh, while the server takes
# upserts and deletes. Every reader sees whole files (the bytes read are the
# size fstat reports on the open file, except the live _status.json; JSON lines all parse and end in a
# newline; CSV rows all as wide as the header; no empty batch), a batch
# name always has the same bytes, everything ends in bounded time, and
# afterwards the chains hold every write exactly once.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --scale 5 --quiet
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",snapshot_ttl=1,refresh=0

# Drain orders' chains before any write.
for c in changes deletes; do
	LC_ALL=C ls "$M/orders/$c" | grep '\.jsonl$' >"$T/$c.before" || true
done
[ -s "$T/changes.before" ] || fail "orders/changes/ is empty before the writes"

cat >"$T/reader.py" <<'PY'
import csv, hashlib, io, json, os, random, sys

mnt, rid, rounds, busy = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(rid)

def bad(path, why):
    print("ERR %s: %s" % (path, why), flush=True)
    sys.exit(1)

def check(path, data):
    name = os.path.basename(path)
    if name.endswith(".jsonl"):
        if not data and "/changes/" in path or not data and "/deletes/" in path:
            bad(path, "an empty batch")
        if data and not data.endswith(b"\n"):
            bad(path, "does not end in a newline (%d bytes)" % len(data))
        for i, line in enumerate(data.split(b"\n")[:-1]):
            try:
                if not isinstance(json.loads(line), dict):
                    raise ValueError("not an object")
            except ValueError as e:
                bad(path, "line %d: %s: %r" % (i + 1, e, line[:80]))
        if "/changes/" in path or "/deletes/" in path:
            print("BATCH %s %s" % (path[len(mnt):], hashlib.sha256(data).hexdigest()))
    elif name.endswith(".csv"):
        if not data.endswith(b"\r\n"):
            bad(path, "does not end in CRLF")
        rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
        if any(len(r) != len(rows[0]) for r in rows):
            bad(path, "rows of different widths")
    elif name == "tables":
        if not data.endswith(b"\n") or not data.strip():
            bad(path, "empty or no final newline")
    else:  # schema.json, metadata.json, _offset, _status.json
        if not data.endswith(b"\n"):
            bad(path, "no final newline")
        try:
            json.loads(data)
        except ValueError as e:
            bad(path, "not JSON: %s" % e)

def read(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        chunks = []
        while True:
            b = os.read(fd, rng.choice([4096, 65536, 1 << 20]))
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
        after = os.fstat(fd).st_size
    finally:
        os.close(fd)
    # _status.json is live (counters move between lookup and open): it is
    # only checked to be JSON.
    live = os.path.basename(path) == "_status.json"
    if not live and (len(data) != size or after != size):
        bad(path, "fstat said %d then %d bytes, read gave %d" % (size, after, len(data)))
    check(path, data)

# At least `rounds` rounds, and on until the writer has written enough
# (the busy flag), so that reads and writes overlap however loaded the
# machine is.
r = 0
while r < rounds or not os.path.exists(busy):
    r += 1
    paths = []
    for top in os.listdir(mnt):
        p = os.path.join(mnt, top)
        if not os.path.isdir(p):
            paths.append(p)
            continue
        for f in os.listdir(p):
            q = os.path.join(p, f)
            if f in ("changes", "deletes"):
                paths.extend(os.path.join(q, g) for g in os.listdir(q))
            else:
                paths.append(q)
    rng.shuffle(paths)
    for p in paths:
        read(p)
print("OK %d" % rid)
PY

# The writer: new orders and deletes of seeded ones, until told to stop.
writer() {
	i=0
	: >"$T/posted"
	: >"$T/deleted"
	while [ ! -e "$T/stop" ] && [ "$i" -lt 400 ]; do
		curl -sSf -u "$CREDS" -X POST -H 'Content-Type: application/json' \
			-d "{\"order_id\":\"order_8$(printf %04d "$i")\",\"user_id\":\"user_0001\",\"amount\":1.5,\"status\":\"pending\",\"updated_at\":null}" \
			"$SERVER_URL/tables/orders/records" | jq -c .record >>"$T/posted" || return 1
		curl -sSf -u "$CREDS" -X DELETE "$SERVER_URL/tables/orders/records/order_$(printf %04d $((i + 100)))" |
			jq -c .record >>"$T/deleted" || return 1
		i=$((i + 1))
		[ "$i" -lt 5 ] || touch "$T/busy"
		sleep 0.02
	done
}
writer &
writer_pid=$!

start=$(date +%s)
pids=""
for r in $(seq 32); do
	timeout 90 /usr/bin/python3 "$T/reader.py" "$M" "$r" 3 "$T/busy" >"$T/reader.$r" 2>&1 &
	pids="$pids $!"
done
failed=""
for p in $pids; do
	wait "$p" || failed="$failed $p"
done
touch "$T/stop"
wait "$writer_pid" || fail "the writer failed"
elapsed=$(($(date +%s) - start))
if [ -n "$failed" ]; then
	grep -h 'ERR\|Error\|Traceback' "$T"/reader.* | head -n 10 >&2
	grep -L '^OK' "$T"/reader.* | head -n 3 | while read -r f; do tail -n 3 "$f" >&2; done
	fail "readers failed (timeout 90 s: status 124) after ${elapsed}s"
fi
[ "$elapsed" -le 90 ] || fail "the readers took ${elapsed}s"
kill -0 "$DAEMON_PID" || fail "the daemon died"
[ "$(grep -c '^OK' "$T"/reader.*  | awk -F: '{s += $2} END {print s}')" = 32 ] || fail "not every reader finished"
[ "$(wc -l <"$T/posted")" -ge 5 ] || fail "the writer wrote only $(wc -l <"$T/posted") orders while the readers ran"

# A batch name always has the same bytes, whoever read it when.
cat "$T"/reader.* | grep '^BATCH' | sort -u >"$T/batches"
dups=$(awk '{print $2}' "$T/batches" | uniq -d | head -n 3)
[ -z "$dups" ] || fail "batches read with different bytes: $dups"
[ "$(wc -l <"$T/batches")" -gt 10 ] || fail "the readers saw only $(wc -l <"$T/batches") batches"

# Every write exactly once, in order, after what was there before.
for c in changes deletes; do
	LC_ALL=C ls "$M/orders/$c" | grep '\.jsonl$' >"$T/$c.after" || fail "ls orders/$c"
	head -n "$(wc -l <"$T/$c.before")" "$T/$c.after" | cmp -s "$T/$c.before" - || fail "orders/$c/ lost or renamed batches"
	: >"$T/$c.new"
	for b in $(comm -13 "$T/$c.before" "$T/$c.after"); do
		jq -c . "$M/orders/$c/$b" >>"$T/$c.new" || fail "orders/$c/$b"
		grep -q "^BATCH /orders/$c/$b " "$T/batches" || continue
		assert_eq "$(grep "^BATCH /orders/$c/$b " "$T/batches" | awk '{print $3}')" \
			"$(sha256sum <"$M/orders/$c/$b" | awk '{print $1}')" "orders/$c/$b bytes now and during the run"
	done
done
cmp -s "$T/posted" "$T/changes.new" ||
	fail "orders/changes/ does not hold each upsert once: $(diff "$T/posted" "$T/changes.new" | head -n 4)"
cmp -s "$T/deleted" "$T/deletes.new" ||
	fail "orders/deletes/ does not hold each delete once: $(diff "$T/deleted" "$T/deletes.new" | head -n 4)"
unmount_fs "$M"
