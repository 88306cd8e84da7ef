#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/examples/lakeflowfs-pull delivers every change of orders (changes/
# and deletes/) and users exactly once, across writes, across runs killed in
# the middle of an append and between an append and its commit, and it
# refuses a second run while one holds the lock, a directory that is not a
# lakeflowfs mount, and an object without changes/. Expectations come from
# curl: the records before the first run, then every write's answer.
. "$top_srcdir/tests/lib.sh"
need_fuse

PULL=$top_srcdir/contrib/examples/lakeflowfs-pull
[ -x "$PULL" ] || fail "$PULL is not executable"

start_server api --error-rate 0.2 --quiet --seed 11
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
S=$T/state
O=$T/out

post() { # post TABLE JSON: the new version is an expected change
	api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records" >>"$T/$1.want"
}
del() { # del ORDER: the tombstone is an expected delete
	api_write -X DELETE "/tables/orders/records/$1" >>"$T/deletes.want"
}
writes() { # writes N: one round, each key at most once
	post orders "{\"order_id\":\"order_002$1\",\"user_id\":\"user_0002\",\"amount\":$1.75,\"status\":\"delivered\",\"updated_at\":null}"
	post orders "{\"order_id\":\"order_800$1\",\"user_id\":\"user_0008\",\"amount\":8$1,\"status\":\"pending\",\"updated_at\":null}"
	post users "{\"user_id\":\"user_003$1\",\"email\":\"p$1@example.com\",\"display_name\":\"P $1\",\"status\":\"inactive\",\"updated_at\":null}"
	del "order_004$1"
}
# run OBJECT: one ordinary run; fails the test unless it exits 0.
run() {
	"$PULL" "$M" "$1" "$S" "$O" >"$T/run.out" 2>"$T/run.err" ||
		fail "lakeflowfs-pull $1 exited $?: $(cat "$T/run.err")"
}
state_of() { cat "$S/orders-$1.state" 2>/dev/null; }
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# Fault injection from outside the script: shims on PATH in front of the
# real cat, mv and sync, armed by a trigger file, disarmed after one use.
# The killed runs run under setsid, so "kill -9 0" kills the run's whole
# process group (the script and its children), as a crash would.
mkdir -p "$T/shim"
real_cat=$(command -v cat)
real_mv=$(command -v mv)
real_sync=$(command -v sync)
cat >"$T/shim/cat" <<EOF
#!/bin/bash
# Armed: copy half of the batch to stdout, then die.
if [ -e "$T/arm-cat" ]; then
	rm -f "$T/arm-cat"
	"$real_cat" "\$@" >"$T/catbuf"
	head -c \$((\$(stat -c %s "$T/catbuf") / 2)) "$T/catbuf"
	kill -9 0
fi
exec "$real_cat" "\$@"
EOF
cat >"$T/shim/mv" <<EOF
#!/bin/bash
# Armed: die instead of committing a state file.
case \${*: -1} in
*.state) if [ -e "$T/arm-mv" ]; then rm -f "$T/arm-mv"; kill -9 0; fi ;;
esac
exec "$real_mv" "\$@"
EOF
cat >"$T/shim/sync" <<EOF
#!/bin/bash
# Armed: say so, then hold the run (and its lock) until told to go on.
if [ -e "$T/arm-sync" ]; then
	rm -f "$T/arm-sync"
	touch "$T/held"
	for _ in \$(seq 300); do [ -e "$T/go" ] && break; sleep 0.1; done
fi
exec "$real_sync" "\$@"
EOF
chmod +x "$T/shim/cat" "$T/shim/mv" "$T/shim/sync"
SHIMPATH=$T/shim:$PATH
# killed_run: an orders run with the shims, in its own process group; its
# exit status goes to $T/rc (bash's "Killed" report goes nowhere).
killed_run() {
	(PATH=$SHIMPATH setsid -w "$PULL" "$M" orders "$S" "$O" >/dev/null 2>&1
	echo $? >"$T/rc") 2>/dev/null
}

# Refusals before anything is mounted: a plain directory is not a mount.
mkdir -p "$T/plain/orders/changes"
"$PULL" "$T/plain" orders "$S" "$O" >/dev/null 2>"$T/err" && fail "accepted a plain directory"
assert_eq 2 "$?" "exit status for a directory that is not a mount"
assert_contains "$(cat "$T/err")" "is not a lakeflowfs mount" "message for a plain directory"
"$PULL" "$M" >/dev/null 2>"$T/err" && fail "accepted one argument"
assert_eq 2 "$?" "exit status for bad usage"
assert_contains "$(cat "$T/err")" "usage:" "message for bad usage"
[ -e "$O" ] && fail "a refused run created $O"

api_all_records orders >"$T/orders.want"
api_all_records users >"$T/users.want"
: >"$T/deletes.want"

mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12

# A mounted object without changes/, and one that does not exist.
"$PULL" "$M" products "$S" "$O" >/dev/null 2>"$T/err" && fail "accepted products (no changes/)"
assert_eq 2 "$?" "exit status for an object without changes/"
assert_contains "$(cat "$T/err")" "has no changes/" "message for products"
"$PULL" "$M" nosuch "$S" "$O" >/dev/null 2>"$T/err" && fail "accepted an unknown object"
assert_eq 2 "$?" "exit status for an unknown object"

# Round 1: the initial batch.
run orders
run users
assert_contains "$(state_of changes)" "0 " "the state after the first run"
writes 1
sleep 1.2
run orders
run users

# Round 2: a run killed in the middle of appending a batch. It leaves half a
# batch in the output and the old state; the next run cuts it off first.
writes 2
sleep 1.2
st0=$(state_of changes)
sz0=$(size_of "$O/orders-changes.jsonl")
touch "$T/arm-cat"
killed_run
assert_eq 137 "$(cat "$T/rc")" "exit status of the run killed mid-append"
[ -e "$T/arm-cat" ] && fail "the killed run never appended anything"
assert_eq "$st0" "$(state_of changes)" "state after the run killed mid-append"
sz1=$(size_of "$O/orders-changes.jsonl")
[ "$sz1" -gt "$sz0" ] || fail "the killed run left no partial batch ($sz0 -> $sz1 bytes)"
run orders
assert_contains "$(cat "$T/run.err")" "removed $((sz1 - sz0)) bytes" "the rerun's report of the partial batch"

# Round 3: a run killed after appending a whole batch, before saving its
# token: at-least-once would deliver that batch twice.
writes 3
sleep 1.2
st0=$(state_of changes)
sz0=$(size_of "$O/orders-changes.jsonl")
touch "$T/arm-mv"
killed_run
assert_eq 137 "$(cat "$T/rc")" "exit status of the run killed before its commit"
[ -e "$T/arm-mv" ] && fail "the killed run never reached a commit"
assert_eq "$st0" "$(state_of changes)" "state after the run killed before its commit"
sz1=$(size_of "$O/orders-changes.jsonl")
[ "$sz1" -gt "$sz0" ] || fail "the killed run appended nothing ($sz0 -> $sz1 bytes)"
tail -c "+$((sz0 + 1))" "$O/orders-changes.jsonl" | jq -e . >/dev/null 2>&1 ||
	fail "the killed run's append is not whole JSON lines"
run orders

# Round 4: a second run while one holds the lock is refused and touches
# nothing; the first one then finishes.
writes 4
sleep 1.2
touch "$T/arm-sync"
PATH=$SHIMPATH "$PULL" "$M" orders "$S" "$O" >"$T/a.out" 2>"$T/a.err" &
a=$!
for _ in $(seq 300); do
	[ -e "$T/held" ] && break
	kill -0 "$a" 2>/dev/null || fail "the first run ended before it was held: $(cat "$T/a.err")"
	sleep 0.1
done
[ -e "$T/held" ] || fail "the first run never reached its first sync"
szh=$(size_of "$O/orders-changes.jsonl")
sth=$(state_of changes)
"$PULL" "$M" orders "$S" "$O" >/dev/null 2>"$T/err" && fail "a second run started while the first held the lock"
assert_eq 3 "$?" "exit status of the second run"
assert_contains "$(cat "$T/err")" "is running" "message of the second run"
assert_eq "$szh" "$(size_of "$O/orders-changes.jsonl")" "output size after the refused run"
assert_eq "$sth" "$(state_of changes)" "state after the refused run"
touch "$T/go"
wait "$a" || fail "the held run failed after it was let go: $(cat "$T/a.err")"
run users

# A run with nothing new changes nothing.
sleep 1.2
szs=$(size_of "$O/orders-changes.jsonl")
run orders
assert_eq "$szs" "$(size_of "$O/orders-changes.jsonl")" "output size after a run with nothing new"
assert_contains "$(cat "$T/run.out")" "orders/changes: 0 new batches" "report of a run with nothing new"

# Every change exactly once, in order, compared with what curl read.
for k in orders:orders-changes users:users-changes deletes:orders-deletes; do
	want=${k%%:*}
	got=$O/${k#*:}.jsonl
	[ -s "$got" ] || fail "$got: nothing delivered"
	jq -c . "$got" >"$T/got" || fail "$got is not JSON lines"
	jq -c . "$T/$want.want" >"$T/want"
	cmp -s "$T/want" "$T/got" ||
		fail "$got: $(wc -l <"$T/got") records, expected $(wc -l <"$T/want"): $(diff "$T/want" "$T/got" | head -6)"
done
exit 0
