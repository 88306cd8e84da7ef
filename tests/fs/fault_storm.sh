#!/bin/bash
# SPDX-License-Identifier: MIT
# Half of all calls fail (--error-rate 0.5 on every route: 429, 500, 503).
# With retries=20 the mount comes up, and reading every snapshot.jsonl and
# snapshot.csv and draining every changes/ and deletes/ at once gives exactly
# what curl reads: every record once, none missing, none twice.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.5 --seed 7
# Some tombstones for deletes/ and some moved rows for changes/.
for id in order_0003 order_0010 order_0020; do
	api_write -X DELETE "/tables/orders/records/$id" >/dev/null
done
api_write -X POST -H 'Content-Type: application/json' \
	-d '{"order_id":"order_0001","user_id":"user_0001","amount":2.5,"status":"pending","updated_at":null}' \
	/tables/orders/records >/dev/null
api_write -X POST -H 'Content-Type: application/json' \
	-d '{"user_id":"user_0002","email":"z@example.com","display_name":"Z","status":"gone","updated_at":null}' \
	/tables/users/records >/dev/null

n0=$(wc -l <"$T/api.log")
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",retries=20
assert_eq "products events users orders metrics" "$(xargs <"$M/tables")" "tables under the storm"

# Everything at once: the snapshots, and each chain drained by one listing
# (a refresh reads batches until the offset stops moving).
t0=$(now_ts)
pids=""
for o in products events users orders metrics; do
	(jq -c . "$M/$o/snapshot.jsonl" >"$T/$o.snap" 2>"$T/$o.snap.err" &&
		cp "$M/$o/snapshot.csv" "$T/$o.csv" 2>>"$T/$o.snap.err") &
	pids="$pids $!"
done
for c in events/changes users/changes orders/changes orders/deletes metrics/changes; do
	f=$T/$(echo "$c" | tr / _)
	(set -e
	 LC_ALL=C ls "$M/$c" >"$f.ls"
	 : >"$f.chain"
	 for b in $(grep '\.jsonl$' "$f.ls"); do jq -c . "$M/$c/$b" >>"$f.chain"; done) 2>"$f.err" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a read under the storm failed: $(cat "$T"/*.err)"
done
kill -0 "$DAEMON_PID" || fail "the daemon died"
# The storm was real: about half of the daemon's calls drew an error.
sed -n "$((n0 + 1)),\$p" "$T/api.log" >"$T/daemon_calls.log"
errs=$(grep -cE ' (429|500|503)$' "$T/daemon_calls.log")
[ "$errs" -ge 20 ] || fail "only $errs injected errors among the daemon's $(wc -l <"$T/daemon_calls.log") calls"

# What curl reads (retrying every injected error).
for o in products events users orders; do
	api_all_records "$o" >"$T/$o.want"
	[ -s "$T/$o.want" ] || fail "curl read no $o"
	cmp -s "$T/$o.want" "$T/$o.snap" ||
		fail "$o/snapshot.jsonl differs from curl: $(diff "$T/$o.want" "$T/$o.snap" | head -4)"
	assert_eq "$(($(wc -l <"$T/$o.want") + 1))" "$(wc -l <"$T/$o.csv")" "$o/snapshot.csv lines"
	[ "$(tail -c 2 "$T/$o.csv" | od -An -c | tr -d ' ')" = '\r\n' ] || fail "$o/snapshot.csv does not end in CRLF"
done
# metrics reaches into the future: the mount reads up to its start.
api_all_records metrics >"$T/metrics.all"
last=$(tail -n 1 "$T/metrics.snap" | jq -r .updated_at)
jq -c --arg l "$last" 'select(.updated_at <= $l)' "$T/metrics.all" >"$T/metrics.want"
cmp -s "$T/metrics.want" "$T/metrics.snap" ||
	fail "metrics/snapshot.jsonl differs from curl: $(diff "$T/metrics.want" "$T/metrics.snap" | head -4)"
next=$(jq -r --arg l "$last" 'select(.updated_at > $l) | .updated_at' "$T/metrics.all" | head -n 1)
[ -z "$next" ] || [[ "$next" > "$t0" ]] || fail "metrics/snapshot.jsonl stops before $next, older than the read"

# The chains: every record once, in cursor order, as curl reads them.
for c in events users orders metrics; do
	f=$T/${c}_changes
	cmp -s "$T/$c.want" "$f.chain" ||
		fail "$c/changes/ differs from curl: $(diff "$T/$c.want" "$f.chain" | head -4)"
	assert_eq 0.jsonl "$(head -n 1 "$f.ls")" "$c/changes/ starts at 0.jsonl"
done
api_all_path /tables/orders/deleted_records >"$T/deletes.want"
assert_eq "order_0003 order_0010 order_0020" "$(jq -r .order_id "$T/deletes.want" | xargs)" "tombstones by curl"
cmp -s "$T/deletes.want" "$T/orders_deletes.chain" ||
	fail "orders/deletes/ differs from curl: $(diff "$T/deletes.want" "$T/orders_deletes.chain" | head -4)"
for o in products events users orders metrics; do
	dup=$(jq -r '[.[keys_unsorted[0]], (.updated_at // .created_at // "")] | join(" ")' "$T/$o.snap" | sort | uniq -d | head -n 3)
	[ -z "$dup" ] || fail "$o: records twice: $dup"
done
unmount_fs "$M"
