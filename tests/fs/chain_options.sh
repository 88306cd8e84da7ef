#!/bin/bash
# SPDX-License-Identifier: MIT
# A chain's identity outlives its options: contrib/examples/lakeflowfs-pull
# delivers every order exactly once across remounts with the same cache_dir
# that change the table's options, each change logged at mount:
#   - a larger max_records_per_batch: the chain goes on from its head (it
#     used to start over at 0.jsonl, and the order posted meanwhile was
#     never delivered);
#   - a status filter: the chain goes on from its head with it, and a
#     warning says what it does not read and how to read it;
#   - num_rows below what the epoch published: no new batches; raised: the
#     chain goes on;
#   - a chain that version 1 left under the options' directory is adopted
#     at its new place and goes on where it was.
. "$top_srcdir/tests/lib.sh"
need_fuse

PULL=$top_srcdir/contrib/examples/lakeflowfs-pull
start_server api --error-rate 0.2 --quiet --seed 5
printf '{"username": "tester", "password": "secret", "externalOptionsAllowList": "num_rows"}\n' >"$T/conn.json"
chmod 600 "$T/conn.json"
M=$T/mnt
C=$T/cache
S=$T/state
O=$T/out

# mnt CONFIG-JSON: mounts orders with that table_configuration; the lines
# the daemon logs while mounting go to $T/mount.log.
mnt() {
	printf '{"pipeline_spec": {"connection_name": "x", "object": [{"table": {"source_table": "orders", "table_configuration": %s}}]}}\n' \
		"$1" >"$T/spec.json"
	touch "$T/daemon.log"
	n=$(wc -l <"$T/daemon.log")
	mount_fs "$M" -o "url=$SERVER_URL,connection=$T/conn.json,cache_dir=$C,refresh=1,retries=12,spec=$T/spec.json"
	tail -n +"$((n + 1))" "$T/daemon.log" >"$T/mount.log"
}
logged() { # logged TEXT: the mount logged TEXT
	grep -qF -- "$1" "$T/mount.log" || fail "the mount did not log '$1': $(cat "$T/mount.log")"
}
pull() { # pull EXPECTED-REPORT: a run of lakeflowfs-pull, reporting that
	sleep 1.2 # past the refresh interval
	"$PULL" "$M" orders "$S" "$O" >"$T/pull.out" 2>"$T/pull.err" ||
		fail "lakeflowfs-pull exited $?: $(cat "$T/pull.err")"
	assert_contains "$(cat "$T/pull.out")" "$1" "the report of lakeflowfs-pull"
}
post() { # post ID STATUS: a new order, expected in the output
	api_write -X POST -H 'Content-Type: application/json' \
		-d "{\"order_id\":\"$1\",\"user_id\":\"user_0003\",\"amount\":7.5,\"status\":\"$2\",\"updated_at\":null}" \
		/tables/orders/records >>"$T/want"
}

api_all_records orders >"$T/want"

# The first pull, with the defaults.
mnt '{}'
pull "orders/changes: 1 new batches"
unmount_fs "$M"

# An order posted while unmounted; the remount makes batches larger.
post order_9001 pending
mnt '{"max_records_per_batch": "1000"}'
logged "orders/changes: max_records_per_batch changed from 200 to 1000"
assert_eq 1 "$(jq .epoch "$M/orders/changes/_offset")" "the epoch after an option change"
pull "orders/changes: 1 new batches, 1 records"
unmount_fs "$M"

# A filter: the chain goes on from its head with it. A pending order posted
# before the shipped one is never read: it is before the head by the time
# the filter goes away, as the warning says.
post order_9010 pending
post order_9002 shipped
mnt '{"max_records_per_batch": "1000", "status": "shipped"}'
logged 'orders/changes: the filter status changed from unset to "shipped"'
logged "mount once with full_refresh=orders to read the table again"
pull "orders/changes: 1 new batches, 1 records"
unmount_fs "$M"

# num_rows below what the epoch published: no new batches.
post order_9003 pending
mnt '{"max_records_per_batch": "1000", "num_rows": "50"}'
logged "orders/changes: num_rows changed from unset to 50"
logged "no new batches are published"
logged 'orders/changes: the filter status changed from "shipped" to unset'
pull "orders/changes: 0 new batches"
unmount_fs "$M"
# ... raised again: the chain goes on, with what was posted meanwhile.
mnt '{"max_records_per_batch": "1000", "num_rows": "100000"}'
logged "orders/changes: num_rows changed from 50 to 100000"
logged "new batches go on from the head"
pull "orders/changes: 1 new batches, 1 records"
unmount_fs "$M"

# A chain of version 1: this one, put back the way version 1 kept it,
# under the directory of its options, next to an older one.
chain=$(find "$C" -type d -path '*/chains/orders/changes')
[ -n "$chain" ] || fail "no chain in $C/*/chains/orders/changes"
root=${chain%/chains/orders/changes}
ls "$chain" | grep '\.jsonl$' >"$T/names1"
v1=$root/orders-0123456789ab
old=$root/orders-aaaaaaaaaaaa
mkdir -p "$v1" "$old/changes"
for k in changes deletes; do
	mv "$root/chains/orders/$k" "$v1/$k" || fail "mv $k"
	jq -c .head "$v1/$k/_chain.json" >"$v1/$k/_head" || fail "$k: _chain.json"
	rm -f "$v1/$k/_chain.json"
	for e in "$v1/$k"/_end/*; do
		[ -e "$e" ] || continue
		jq -c .end "$e" >"$e.tmp" && mv "$e.tmp" "$e" || fail "$e"
	done
done
touch -d '1 day ago' "$old/changes" "$old"
post order_9004 delivered
mnt '{"max_records_per_batch": "1000", "num_rows": "100000"}'
logged "orders/changes: adopted the chain that version 1 kept in $v1/changes"
logged "orders/deletes: adopted the chain that version 1 kept in $v1/deletes"
[ -d "$old/changes" ] || fail "an older chain of version 1 was moved or removed"
[ -e "$v1/changes" ] && fail "the adopted chain is still in $v1"
ls "$M/orders/changes" | grep '\.jsonl$' >"$T/names2"
head -n "$(wc -l <"$T/names1")" "$T/names2" | cmp -s "$T/names1" - ||
	fail "the adopted chain lists other names: $(diff "$T/names1" "$T/names2" | head -4)"
pull "orders/changes: 1 new batches, 1 records"

# Every order exactly once, in order, but the one the filter left behind.
grep -v order_9010 "$T/want" | jq -c . >"$T/want.c"
jq -c . "$O/orders-changes.jsonl" >"$T/got" || fail "the output is not JSON lines"
cmp -s "$T/want.c" "$T/got" ||
	fail "delivered $(wc -l <"$T/got") records, expected $(wc -l <"$T/want.c"): $(diff "$T/want.c" "$T/got" | head -6)"
exit 0
