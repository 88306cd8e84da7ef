#!/bin/bash
# SPDX-License-Identifier: MIT
# Starting over is explicit and visible. -o full_refresh=NAME[:NAME...]
# refuses names that are not mounted objects with changes/ (exit 2, nothing
# mounted); for the objects it names it starts a new epoch: the old
# batches are gone, _offset says "epoch": 2, the new names sort after every
# old one, and tokens of the old epoch are not found. Only a mount that
# carries the option starts over. lakeflowfs-pull notices the new epoch,
# says so and exits 4 delivering nothing; with --start-over it delivers the
# new chain from its first batch (changes/ and deletes/); and the README's
# shell loop, which only compares tokens as strings, gets every record of
# the new chain.
. "$top_srcdir/tests/lib.sh"
need_fuse

PULL=$top_srcdir/contrib/examples/lakeflowfs-pull
start_server api --error-rate 0.2 --quiet --seed 13
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
S=$T/state
O=$T/out
OPTS="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,refresh=1,retries=12"
run_pull() { # run_pull [--start-over]: lakeflowfs-pull; its status in $rc
	rc=0
	"$PULL" "$@" "$M" orders "$S" "$O" >"$T/pull.out" 2>"$T/pull.err" || rc=$?
}
run_files() { # run_files [--start-over]: lakeflowfs-pull --files
	frc=0
	"$PULL" --files "$@" "$M" orders "$S" "$T/files" >"$T/files.out" 2>"$T/files.err" || frc=$?
}
# The README's shell loop: pull MOUNT OBJECT STATEFILE OUTFILE.
sed -n '/^pull() {/,/^}/p' "$top_srcdir/README.md" >"$T/readme_pull"
. "$T/readme_pull" || fail "README.md's pull() does not parse"

# ---- epoch 1: pull everything, changes and deletes.
api_write -X DELETE /tables/orders/records/order_0007 >"$T/tomb1"
mount_fs "$M" -o "$OPTS"
assert_eq 1 "$(jq .epoch "$M/orders/changes/_offset")" "the epoch of a new chain"
run_pull
assert_eq 0 "$rc" "the first pull: $(cat "$T/pull.err")"
run_files
assert_eq 0 "$frc" "the first pull --files: $(cat "$T/files.err")"
pull "$M" orders "$T/loop.state" "$T/loop.out"
cp "$O/orders-changes.jsonl" "$T/changes1"
cp "$S/orders-changes.state" "$T/state1"
ls "$M/orders/changes" | grep '\.jsonl$' >"$T/names1"
unmount_fs "$M"

# ---- bad names: refused, nothing mounted, nothing started over.
refuse() { # refuse VALUE MESSAGE
	status=0
	timeout 60 "$LAKEFLOWFS" "$M" -f -o "$OPTS,full_refresh=$1" >"$T/refused" 2>&1 || status=$?
	mountpoint -q "$M" && { fusermount3 -u "$M"; fail "full_refresh=$1 mounted"; }
	assert_eq 2 "$status" "exit status for full_refresh=$1"
	assert_contains "$(cat "$T/refused")" "$2" "message for full_refresh=$1"
}
refuse nosuch "full_refresh: no object 'nosuch' is mounted"
refuse orders:nosuch "full_refresh: no object 'nosuch' is mounted"
refuse products "full_refresh: 'products' has no changes/"
refuse "orders::users" "is not a list of object names separated by ':'"
refuse ":orders" "is not a list of object names separated by ':'"

# ---- epoch 2.
api_write -X DELETE /tables/orders/records/order_0008 >"$T/tomb2"
api_all_records orders >"$T/orders.all"
n=$(wc -l <"$T/daemon.log")
mount_fs "$M" -o "$OPTS,full_refresh=orders"
tail -n +"$((n + 1))" "$T/daemon.log" >"$T/m2.log"
assert_contains "$(cat "$T/m2.log")" "orders/changes: full refresh: epoch 2 starts from the beginning" "the log of the full refresh"
assert_contains "$(cat "$T/m2.log")" "orders/deletes: full refresh: epoch 2" "the log of the full refresh"
grep -q "users/changes: full refresh" "$T/m2.log" && fail "users started over too"
assert_eq '{"offset":null,"token":"y000002-0","epoch":2}' "$(jq -c . "$M/orders/changes/_offset")" \
	"_offset of the new epoch before a listing"
ls "$M/orders/changes" | grep '\.jsonl$' >"$T/names2"
assert_eq y000002-0.jsonl "$(head -n 1 "$T/names2")" "the first batch of epoch 2"
grep -v '^y000002-' "$T/names2" && fail "batches of epoch 1 are still listed"
for t in $(sed 's/\.jsonl$//' "$T/names1"); do
	[[ "y000002-0" > "$t" ]] || fail "y000002-0 does not sort after $t"
	cat "$M/orders/changes/$t.jsonl" >/dev/null 2>&1 && fail "$t.jsonl of epoch 1 is readable"
	cat "$M/orders/changes/_next.$t" >/dev/null 2>&1 && fail "_next.$t of epoch 1 is readable"
done
for f in $(cat "$T/names2"); do jq -c . "$M/orders/changes/$f"; done >"$T/chain2"
cmp -s "$T/orders.all" "$T/chain2" || fail "epoch 2 is not the whole table: $(diff "$T/orders.all" "$T/chain2" | head -4)"

# lakeflowfs-pull: says so, delivers nothing, exits 4.
run_pull
assert_eq 4 "$rc" "lakeflowfs-pull's status after a full refresh"
assert_contains "$(cat "$T/pull.err")" "orders/changes: the chain was started over (a full refresh): it is at epoch 2" "its message"
assert_contains "$(cat "$T/pull.err")" "--start-over" "its message"
cmp -s "$T/changes1" "$O/orders-changes.jsonl" || fail "the refused run changed the output"
cmp -s "$T/state1" "$S/orders-changes.state" || fail "the refused run changed the state"
# --files notices the new epoch just the same, then adds the new epoch's
# files beside the old ones.
ls "$T/files/orders/changes" >"$T/files1"
run_files
assert_eq 4 "$frc" "lakeflowfs-pull --files' status after a full refresh"
assert_contains "$(cat "$T/files.err")" "it is at epoch 2" "its message"
ls "$T/files/orders/changes" | cmp -s "$T/files1" - || fail "the refused --files run copied files"
run_files --start-over
assert_eq 0 "$frc" "lakeflowfs-pull --files --start-over: $(cat "$T/files.err")"
{ cat "$T/files1"; cat "$T/names2"; } | LC_ALL=C sort >"$T/fwant"
ls "$T/files/orders/changes" | LC_ALL=C sort | cmp -s "$T/fwant" - ||
	fail "the files after --start-over: $(ls "$T/files/orders/changes" | diff "$T/fwant" - | head -4)"
for f in $(cat "$T/names2"); do jq -c . "$T/files/orders/changes/$f"; done | cmp -s "$T/chain2" - ||
	fail "the copied files of epoch 2 are not the new chain"
# --start-over: the new chain from its first batch, after the old output.
run_pull --start-over
assert_eq 0 "$rc" "lakeflowfs-pull --start-over: $(cat "$T/pull.err")"
assert_contains "$(cat "$T/pull.err")" "orders/changes: starting over at epoch 2" "its message"
{ cat "$T/changes1"; cat "$T/chain2"; } | jq -c . >"$T/want"
jq -c . "$O/orders-changes.jsonl" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the output after --start-over: $(diff "$T/want" "$T/got" | head -4)"
cat "$T/tomb1" "$T/tomb1" "$T/tomb2" | jq -c . >"$T/dwant"
jq -c . "$O/orders-deletes.jsonl" >"$T/dgot"
cmp -s "$T/dwant" "$T/dgot" || fail "deletes after --start-over: $(diff "$T/dwant" "$T/dgot" | head -4)"
sleep 1.2
run_pull
assert_eq 0 "$rc" "the run after the start over: $(cat "$T/pull.err")"
assert_contains "$(cat "$T/pull.out")" "orders/changes: 0 new batches" "the run after the start over"
# The shell loop gets every record of the new chain by comparing tokens.
pull "$M" orders "$T/loop.state" "$T/loop.out"
{ cat "$T/changes1"; cat "$T/chain2"; } | jq -c . >"$T/want"
jq -c . "$T/loop.out" | cmp -s "$T/want" - || fail "the README's loop after the full refresh"
unmount_fs "$M"

# ---- a mount without the option keeps epoch 2.
mount_fs "$M" -o "$OPTS"
assert_eq 2 "$(jq .epoch "$M/orders/changes/_offset")" "the epoch after a mount without full_refresh"
ls "$M/orders/changes" | grep '\.jsonl$' | cmp -s "$T/names2" - || fail "the listing of epoch 2 changed"
exit 0
