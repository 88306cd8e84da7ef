#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/examples/query_pandas.py reads current.jsonl, which the mount
# keeps up to date with changes/ and deletes/ while snapshot.jsonl is
# stale, and its table is the one curl reads from the API now: same keys,
# same values, for orders (updates, inserts, deletes, a delete then a
# re-insert, an insert then a delete) and users; products (snapshot only)
# is its snapshot; its summary (rows and amount per status) is what curl's
# records add up to; events (no primary key, no current.jsonl) is refused.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
Q=$top_srcdir/contrib/examples/query_pandas.py
$PY -c 'import pandas' 2>/dev/null || fail "python3-pandas is not installed (contrib/install-deps.sh installs it)"

start_server api --error-rate 0.2 --quiet --seed 5
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12,snapshot_ttl=1h

# Materialize the snapshots and the first batches before any write: the
# snapshots then stay as they are for an hour, so only the changes and
# deletes current.jsonl applies can bring the table up to date.
for o in orders users; do
	cat "$M/$o/snapshot.jsonl" >/dev/null || fail "cat $o/snapshot.jsonl"
	ls "$M/$o/changes" >/dev/null || fail "ls $o/changes"
done
ls "$M/orders/deletes" >/dev/null || fail "ls orders/deletes"

post() { api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records" >/dev/null; }
order() { # order ID STATUS AMOUNT
	post orders "{\"order_id\":\"$1\",\"user_id\":\"user_0007\",\"amount\":$3,\"status\":\"$2\",\"updated_at\":null}"
}
del() { api_write -X DELETE "/tables/orders/records/$1" >/dev/null; }
order order_0005 delivered 999.5
order order_0010 pending 0.25
order order_9001 shipped 12
del order_0020
order order_9002 pending 3
del order_9002
del order_0030
order order_0030 shipped 30.5
post users '{"user_id":"user_0003","email":"new3@example.com","display_name":"New 3","status":"inactive","updated_at":null}'
post users '{"user_id":"user_0999","email":"u999@example.com","display_name":null,"status":"active","updated_at":null}'
sleep 1.2

# The snapshot is indeed stale: a script reading it would be wrong.
grep -q '"order_id":"order_0020"' "$M/orders/snapshot.jsonl" ||
	fail "orders/snapshot.jsonl is not stale: the test would not exercise current.jsonl"
grep -q '"order_id":"order_9001"' "$M/orders/snapshot.jsonl" &&
	fail "orders/snapshot.jsonl already holds the new order: the test would not exercise current.jsonl"

# norm FILE KEY: every line sorted-keys compact, the lines in key order.
norm() { jq -S -c . "$1" | jq -s -c "sort_by(.$2)[]"; }

for ok in orders:order_id users:user_id products:product_id; do
	o=${ok%%:*}
	k=${ok#*:}
	$PY "$Q" "$M" "$o" --out "$T/$o.cur" >"$T/$o.sum" 2>"$T/$o.err" ||
		fail "query_pandas.py $o failed: $(cat "$T/$o.err")"
	api_all_records "$o" >"$T/$o.api"
	[ -s "$T/$o.api" ] || fail "curl read no $o"
	norm "$T/$o.api" "$k" >"$T/$o.want"
	norm "$T/$o.cur" "$k" >"$T/$o.got" || fail "$o: --out is not JSON lines"
	cmp -s "$T/$o.want" "$T/$o.got" ||
		fail "$o: current table ($(wc -l <"$T/$o.got") rows) differs from curl ($(wc -l <"$T/$o.want") rows): $(diff "$T/$o.want" "$T/$o.got" | head -6)"
done
grep -q order_0020 "$T/orders.cur" && fail "the deleted order_0020 is in the current table"
grep -q order_9002 "$T/orders.cur" && fail "the deleted order_9002 is in the current table"

# The summary adds up curl's records: rows and amount per status, and all.
$PY - "$T/orders.api" >"$T/orders.sumwant" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    g = groups.setdefault(r["status"] if r["status"] is not None else "(null)", [0, 0.0])
    g[0] += 1
    g[1] += r["amount"] or 0.0
for s in sorted(groups):
    print("%s %d %.2f" % (s, groups[s][0], groups[s][1]))
print("(all) %d %.2f" % (len(rows), sum(r["amount"] or 0.0 for r in rows)))
EOF
head -n 1 "$T/orders.sum" | grep -q "^orders: $(wc -l <"$T/orders.api") current rows" ||
	fail "summary's first line: $(head -n 1 "$T/orders.sum"), curl has $(wc -l <"$T/orders.api") rows"
sed -n '3,$p' "$T/orders.sum" | awk '{print $1, $2, $3}' >"$T/orders.sumgot"
cmp -s "$T/orders.sumwant" "$T/orders.sumgot" ||
	fail "summary differs from curl's sums: $(diff "$T/orders.sumwant" "$T/orders.sumgot" | head -8)"

# An append-only object has no key, so no current table.
$PY "$Q" "$M" events >/dev/null 2>"$T/err" && fail "query_pandas.py read a current table of events"
assert_eq 2 "$?" "exit status for events"
assert_contains "$(cat "$T/err")" "no primary key" "message for events"
$PY "$Q" "$T" orders >/dev/null 2>"$T/err" && fail "query_pandas.py read a directory that is no mount"
exit 0
