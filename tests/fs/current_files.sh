#!/bin/bash
# SPDX-License-Identifier: MIT
# The destination table's files keep the file promises:
# - listed with their file types, without a download, only where they
#   exist: current.jsonl and current.csv for users, orders and metrics,
#   and for products (a copy of its snapshot, which follows the snapshot's
#   new versions, also where the kernel cached the old one);
#   none for events; history.jsonl and history.schema.json only with SCD
#   type 2, the schema typing __START_AT and __END_AT as sequence_by;
# - stat sizes are exact, current.csv holds current.jsonl's rows, and
#   DuckDB reads current.jsonl (when @duckdb/node-api can be found:
#   DUCKDB_NODE_MODULES or BUILD/node_modules, `npm install --prefix
#   build @duckdb/node-api`; else that part is skipped);
# - a new version appears only after a chain moves, and never under an
#   open handle, whose fstat and bytes stay those of the version it opened;
# - a full refresh (a new epoch) and a changed sequence_by build the
#   table again, equal to the server's and to the model.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
CM=$top_srcdir/tests/fs/table_model.py
export top_srcdir

start_server api --error-rate 0 --quiet --seed 17
printf secret >"$T/pw"
chmod 600 "$T/pw"
spec() { # spec OPTIONS: the spec, with OPTIONS as orders_hist's configuration
	cat >"$T/spec.json" <<EOF
{"pipeline_spec": {"object": [
  {"table": {"source_table": "products"}},
  {"table": {"source_table": "events"}},
  {"table": {"source_table": "users"}},
  {"table": {"source_table": "orders"}},
  {"table": {"source_table": "metrics"}},
  {"table": {"source_table": "orders", "destination_table": "orders_hist",
             "table_configuration": {$1}}}
]}}
EOF
}
M=$T/mnt
mnt() {
	mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
		-o cache_dir="$T/cache",spec="$T/spec.json",refresh=0,snapshot_ttl=1 "$@"
}
post_order() { # post_order ID AMOUNT
	api_write -X POST -H 'Content-Type: application/json' \
		-d "{\"order_id\":\"$1\",\"user_id\":null,\"amount\":$2,\"status\":\"shipped\",\"updated_at\":null}" \
		/tables/orders/records >/dev/null
}
misses() { jq .cache.misses "$M/_status.json"; }

spec '"scd_type": "SCD_TYPE_2"'
mnt

# Listed with types, without making anything.
m0=$(misses)
$PY - "$M" >"$T/types" <<'EOF' || fail "cannot list the mount"
import os, sys
for o in sorted(os.listdir(sys.argv[1])):
    p = os.path.join(sys.argv[1], o)
    if not os.path.isdir(p):
        continue
    for e in sorted(os.scandir(p), key=lambda e: e.name):
        if e.name.startswith(("current", "history")):
            print(o, e.name, "file" if e.is_file(follow_symlinks=False) else "other")
EOF
cat >"$T/types.want" <<'EOF'
metrics current.csv file
metrics current.jsonl file
orders current.csv file
orders current.jsonl file
orders_hist current.csv file
orders_hist current.jsonl file
orders_hist history.jsonl file
orders_hist history.schema.json file
products current.csv file
products current.jsonl file
users current.csv file
users current.jsonl file
EOF
diff "$T/types.want" "$T/types" || fail "the destination table's files listed are not the ones expected"
assert_eq "$m0" "$(misses)" "cache misses after listing every object"
for f in current.jsonl current.csv history.jsonl history.schema.json; do
	[ -e "$M/events/$f" ] && fail "events has $f"
done
[ -e "$M/orders/history.jsonl" ] && fail "orders has history.jsonl without SCD type 2"

# history.schema.json: schema.json's fields, then the two the history adds.
jq -c '.fields += [{"name": "__START_AT", "type": "timestamp", "nullable": false, "metadata": {}},
                   {"name": "__END_AT", "type": "timestamp", "nullable": true, "metadata": {}}]' \
	"$M/orders_hist/schema.json" >"$T/hs.want"
jq -c . "$M/orders_hist/history.schema.json" >"$T/hs.got" || fail "history.schema.json is not JSON"
cmp -s "$T/hs.want" "$T/hs.got" || fail "history.schema.json: $(cat "$T/hs.got")"

# Exact sizes; products' current files are its snapshot's.
for o in users orders metrics products orders_hist; do
	for f in current.jsonl current.csv; do
		assert_eq "$(wc -c <"$M/$o/$f")" "$(stat -c %s "$M/$o/$f")" "$o/$f: stat size vs bytes read"
	done
done
cmp -s "$M/products/snapshot.jsonl" "$M/products/current.jsonl" || fail "products/current.jsonl is not its snapshot"
cmp -s "$M/products/snapshot.csv" "$M/products/current.csv" || fail "products/current.csv is not its snapshot's csv"
$PY "$CM" check "$M" users orders metrics orders_hist >"$T/check.out" 2>&1 ||
	fail "the seeded tables: $(cat "$T/check.out")"

# A new snapshot of products is its new current.jsonl, also where the
# kernel holds the old one's pages: a product renamed to a name of the same
# length changes bytes, not sizes, so the kernel is not told by a size.
cat "$M/products/current.jsonl" "$M/products/snapshot.jsonl" >/dev/null
jq -c 'select(.name != null) | .name |= (if .[0:1] == "X" then "Y" else "X" end) + .[1:]' \
	"$M/products/snapshot.jsonl" | head -n 1 >"$T/renamed"
[ -s "$T/renamed" ] || fail "no product with a name"
api_write -X POST -H 'Content-Type: application/json' -d @"$T/renamed" \
	/tables/products/records >/dev/null
sleep 1.1 # snapshot_ttl
grep -qF "$(jq -c .name "$T/renamed")" "$M/products/snapshot.jsonl" || fail "no new snapshot of products"
cmp -s "$M/products/snapshot.jsonl" "$M/products/current.jsonl" ||
	fail "products/current.jsonl is not its new snapshot"
cmp -s "$M/products/snapshot.csv" "$M/products/current.csv" ||
	fail "products/current.csv is not its new snapshot's csv"

# DuckDB reads current.jsonl: the same rows, amounts and statuses as jq.
duck=""
for d in "${DUCKDB_NODE_MODULES:-}" "$top_builddir/node_modules"; do
	[ -n "$d" ] && [ -d "$d/@duckdb/node-api" ] && duck=$d && break
done
if [ -n "$duck" ] && command -v node >/dev/null; then
	NODE_PATH=$duck node - "$M/orders/current.jsonl" >"$T/duck" <<'EOF' || fail "DuckDB cannot read orders/current.jsonl: $(cat "$T/duck")"
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(
    `SELECT coalesce(status, '(null)') AS s, count(*) AS n, count(DISTINCT order_id) AS k
       FROM read_json_auto('${process.argv[2]}') GROUP BY ALL ORDER BY s`);
  for (const row of r.getRowObjectsJson()) console.log(`${row.s} ${row.n} ${row.k}`);
})().catch((e) => { console.log(String(e)); process.exit(1); });
EOF
	jq -r '.status // "(null)"' "$M/orders/current.jsonl" | sort | uniq -c |
		awk '{ print $2, $1, $1 }' >"$T/duck.want"
	diff "$T/duck.want" "$T/duck" || fail "DuckDB's count by status differs from jq's"
	echo "DuckDB read orders/current.jsonl: $(awk '{ n += $2 } END { print n }' "$T/duck") rows"
else
	echo "SKIP (part): @duckdb/node-api not found: DuckDB does not read current.jsonl here"
fi

# A new version only after a chain moves.
C=$M/orders/current.jsonl
v0=$(stat -c %.9Y "$C")
sleep 0.05
assert_eq "$v0" "$(stat -c %.9Y "$C")" "current.jsonl's time when no chain moved"
cat "$C" >"$T/v0"
post_order order_9001 12.5
[ "$(stat -c %.9Y "$C")" != "$v0" ] || fail "no new version of current.jsonl after an upsert"
grep -q '"order_id":"order_9001"' "$C" || fail "the upsert is not in current.jsonl"

# Under an open handle the bytes stay those of the version it opened.
exec 3<"$C"
cat "$C" >"$T/v1"
post_order order_9002 1
api_write -X DELETE /tables/orders/records/order_0003 >/dev/null
ls "$M/orders/changes" "$M/orders/deletes" >/dev/null
size3=$($PY -c 'import os; print(os.fstat(3).st_size)')
cat <&3 >"$T/h"
exec 3<&-
cmp -s "$T/v1" "$T/h" || fail "the bytes changed under an open handle"
assert_eq "$(wc -c <"$T/v1")" "$size3" "fstat of the open handle"
grep -q '"order_id":"order_9002"' "$C" || fail "the upsert made under the handle is not in the next version"
grep -q '"order_id":"order_0003"' "$C" && fail "the delete made under the handle is in the next version"
$PY "$CM" check "$M" orders orders_hist >"$T/check.out" 2>&1 || fail "after the writes: $(cat "$T/check.out")"

# A full refresh starts the chains over: the table is built again.
unmount_fs "$M"
post_order order_9003 3
mnt -o full_refresh=orders
ls "$M/orders/changes" | grep -q '^y000002-' || fail "no epoch 2 after full_refresh"
$PY "$CM" check "$M" orders orders_hist >"$T/check.out" 2>&1 || fail "after a full refresh: $(cat "$T/check.out")"
grep -q "orders: the chains started a new epoch" "$T/daemon.log" || fail "no word about the new epoch"
api_all_records orders | jq -S -c . | sort >"$T/api"
jq -S -c . "$C" | sort | cmp -s "$T/api" - || fail "orders/current.jsonl after the full refresh is not the server's table"

# Another sequence_by builds the table again, under the new rules.
unmount_fs "$M"
spec '"scd_type": "SCD_TYPE_2", "sequence_by": "amount"'
mnt
$PY "$CM" check "$M" orders_hist >"$T/check.out" 2>&1 || fail "after a new sequence_by: $(cat "$T/check.out")"
grep -q "orders_hist: the destination table was built by other keys" "$T/daemon.log" ||
	fail "no word about building orders_hist again"
ls "$T"/cache/*/chains/orders_hist/history.jsonl >/dev/null || fail "no history.jsonl in the cache"

# Without SCD type 2 the history goes, from the mount and the cache.
unmount_fs "$M"
spec '"scd_type": "SCD_TYPE_1", "sequence_by": "amount"'
mnt
[ -e "$M/orders_hist/history.jsonl" ] && fail "history.jsonl without SCD type 2"
ls "$T"/cache/*/chains/orders_hist/history.jsonl 2>/dev/null && fail "history.jsonl left in the cache"
$PY "$CM" check "$M" orders_hist >"$T/check.out" 2>&1 || fail "with SCD type 1: $(cat "$T/check.out")"
grep "lakeflowfs: error:" "$T/daemon.log" && fail "the daemon logged errors"
exit 0
