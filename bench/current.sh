#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/current.sh: what current.jsonl costs through the mount. Not a test:
# it prints figures.
#
#   (1) draining orders/changes/ and deletes/ of lakeflowfs-example-server
#       --scale SCALE (1.03 M orders at 10000): seconds (the fetch, apart)
#   (2) the first stat of orders/current.jsonl over the drained chains: every
#       batch applied to the view and the file written; seconds, and the
#       daemon's peak RSS (VmHWM) after it and after a cat of the file
#   (3) CHANGES upserts (70 %) and deletes (30 %) of existing orders through
#       the server's write routes, then a listing of changes/ and deletes/
#       (reading those changes) and a stat of current.jsonl (applying them
#       and writing the file again): seconds each, and the daemon's own
#       split of the stat between applying and writing (its debug log)
#   (4) every table mounted afresh (no spec), the chains drained, then the
#       current.jsonl of users, orders and metrics built at the same time:
#       seconds, rows, and the daemon's peak RSS: the views' memory together
#
# usage: bench/current.sh [SCALE [CHANGES]]   (defaults 10000, 1000)
#   EXAMPLE_SERVER and LAKEFLOWFS override the binaries (default: ./).
#   Run it from a build directory.
set -u
SCALE=${1:-10000}
CHANGES=${2:-1000}
: "${EXAMPLE_SERVER:=./lakeflowfs-example-server}"
: "${LAKEFLOWFS:=./lakeflowfs}"
. "$(dirname "$0")/lib.sh"
command -v /usr/bin/python3 >/dev/null || { echo "/usr/bin/python3 is needed" >&2; exit 1; }

secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }
hwm() { awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$DPID/status"; }
# timed CMD...: runs CMD, sets SECS to its seconds.
timed() {
	_t0=$(now_ns)
	"$@" || { echo "failed: $*" >&2; tail -n 20 "$T/daemon.log" >&2; exit 1; }
	SECS=$(secs $(($(now_ns) - _t0)))
}

start_server "$SCALE"
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"object": [{"table": {"source_table": "orders"}}]}}
EOF
mount_fs -o spec="$T/spec.json",refresh=0,debug
O=$MNT/orders

# applied_ms / made_ms: the daemon's last figures for applying batches and
# writing current.jsonl (its debug lines).
applied_ms() {
	grep -o 'destination table in [0-9]* ms' "$T/daemon.log" | tail -n "$1" |
		awk '{ s += $4 } END { print s + 0 }'
}
made_ms() {
	grep -o 'current.jsonl: made for version [0-9]* in [0-9]* ms' "$T/daemon.log" |
		tail -n 1 | awk '{ print $7 }'
}

echo "lakeflowfs current.jsonl, orders at --scale $SCALE ($(date -u +%Y-%m-%d), $(nproc) cores)"
timed ls "$O/changes" "$O/deletes" >/dev/null
echo "(1) drain changes/ and deletes/: $SECS s, $(ls "$O/changes" | grep -c jsonl) batches"
timed stat -c %s "$O/current.jsonl" >"$T/size"
rows=$(wc -l <"$O/current.jsonl")
echo "(2) first stat of current.jsonl: $SECS s ($(applied_ms 2) ms applying, $(made_ms) ms writing)," \
	"$rows rows, $(($(cat "$T/size") / 1048576)) MiB; peak RSS $(hwm) (after a cat too)"

/usr/bin/python3 - "$URL" "$CHANGES" "$rows" <<'EOF'
import base64, http.client, json, random, sys, urllib.parse
url, n, rows = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
auth = {"Authorization": "Basic " + base64.b64encode(b"bench:bench").decode(),
        "Content-Type": "application/json"}
c = http.client.HTTPConnection(url.hostname, url.port)
rnd = random.Random(7)
keys = rnd.sample(range(rows), n)
width = max(4, len(str(rows - 1)))  # the seed's ids: order_0000042
for i, k in enumerate(keys):
    oid = "order_%0*d" % (width, k)
    if i % 10 < 7:
        body = json.dumps({"order_id": oid, "user_id": "user_0001", "amount": 1.5,
                           "status": "shipped", "updated_at": None})
        c.request("POST", "/tables/orders/records", body, auth)
    else:
        c.request("DELETE", "/tables/orders/records/" + oid, headers=auth)
    r = c.getresponse()
    r.read()
    if r.status >= 300:
        sys.exit("%s: HTTP %d" % (oid, r.status))
EOF
timed ls "$O/changes" "$O/deletes" >/dev/null
fetch=$SECS
timed stat -c %s "$O/current.jsonl" >/dev/null
echo "(3) $CHANGES upserts and deletes: listing changes/ and deletes/ $fetch s;" \
	"stat of current.jsonl $SECS s ($(applied_ms 2) ms applying, $(made_ms) ms writing);" \
	"$(wc -l <"$O/current.jsonl") rows; peak RSS $(hwm)"

unmount_fs
mount_fs
for o in users orders metrics; do
	ls "$MNT/$o/changes" >/dev/null || exit 1
done
ls "$MNT/orders/deletes" >/dev/null || exit 1
t0=$(now_ns)
pids=""
for o in users orders metrics; do
	stat -c %s "$MNT/$o/current.jsonl" >/dev/null &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids || { echo "a stat failed" >&2; exit 1; }
echo "(4) users, orders and metrics built at once: $(secs $(($(now_ns) - t0))) s," \
	"$(cat "$MNT"/users/current.jsonl "$MNT"/orders/current.jsonl "$MNT"/metrics/current.jsonl | wc -l) rows;" \
	"peak RSS $(hwm)"
