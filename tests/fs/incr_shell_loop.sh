#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's shell loop (ls, cat and string comparison of tokens, nothing
# else) delivers every change exactly once, across writes and across an
# unmount and remount with the same cache_dir: users, orders, events,
# metrics and, through a symlink named changes, orders/deletes. The remount
# lists the same files with the same bytes and continues from the saved head.
. "$top_srcdir/tests/lib.sh"
need_fuse

# The loop exactly as the README shows it.
pull() {  # pull MOUNT OBJECT STATEFILE OUTFILE
  last=$(cat "$3" 2>/dev/null)
  for f in $(LC_ALL=C ls "$1/$2/changes" | grep '\.jsonl$'); do
    t=${f%.jsonl}
    if [ -n "$last" ] && ! [[ "$t" > "$last" ]]; then continue; fi
    cat "$1/$2/changes/$f" >> "$4"
    echo "$t" > "$3"; last=$t
  done
}
# ... and it is the README's loop, word for word as bash parses it.
mine=$(declare -f pull)
sed -n '/^pull() {/,/^}/p' "$top_srcdir/README.md" >"$T/readme_pull"
[ -s "$T/readme_pull" ] || fail "README.md shows no pull() loop"
theirs=$(unset -f pull && . "$T/readme_pull" && declare -f pull) || fail "README.md's pull() does not parse"
assert_eq "$mine" "$theirs" "the README's pull() and the tested one"

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
OPTS="url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,refresh=1,retries=12"
# deletes/ has no changes/ below it: give the loop a path that has one.
mkdir -p "$T/del/orders"
ln -s "$M/orders/deletes" "$T/del/orders/changes"

OBJS="users orders events metrics"
pull_all() {
	for o in $OBJS; do
		pull "$M" "$o" "$T/$o.state" "$T/$o.out"
	done
	pull "$T/del" orders "$T/deletes.state" "$T/deletes.out"
}
post() { # post TABLE JSON: appends the new version to TABLE's expected changes
	api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records" >>"$T/$1.want"
}
del() { # del ORDER: appends the tombstone to the expected deletes
	api_write -X DELETE "/tables/orders/records/$1" >>"$T/deletes.want"
}
# writes N: one round of writes, each key at most once a round.
writes() {
	post users "{\"user_id\":\"user_000$1\",\"email\":\"r$1@example.com\",\"display_name\":\"R $1\",\"status\":\"inactive\",\"updated_at\":null}"
	post users "{\"user_id\":\"user_050$1\",\"email\":\"n$1@example.com\",\"display_name\":\"N $1\",\"status\":\"active\",\"updated_at\":null}"
	post orders "{\"order_id\":\"order_000$1\",\"user_id\":\"user_0001\",\"amount\":$1.5,\"status\":\"shipped\",\"updated_at\":null}"
	post events "{\"event_id\":\"00000000-0000-0000-0000-00000000100$1\",\"event_type\":\"view\",\"user_id\":\"user_002\",\"payload\":\"round $1\",\"created_at\":null}"
	del "order_005$1"
	del "order_006$1"
}

# What exists before the first pull is delivered first.
api_all_records users >"$T/users.want"
api_all_records orders >"$T/orders.want"
api_all_records events >"$T/events.want"
: >"$T/deletes.want"

mount_fs "$M" -o "$OPTS"
pull_all
writes 1
sleep 1.2
pull_all
writes 2
# Keep the first mount's listing to compare after the remount.
for o in $OBJS; do
	ls "$M/$o/changes" | grep '\.jsonl$' >"$T/$o.names1"
	(cd "$M/$o/changes" && sha256sum $(cat "$T/$o.names1")) >"$T/$o.sums1" || fail "sha256sum $o"
	cat "$M/$o/changes/_offset" >"$T/$o.offset1" || fail "cat $o/changes/_offset"
done
unmount_fs "$M"
writes 3
mount_fs "$M" -o "$OPTS"
# The remount starts where the first mount stopped: same files, same bytes,
# same head (no listing yet).
for o in $OBJS; do
	assert_eq "$(cat "$T/$o.offset1")" "$(cat "$M/$o/changes/_offset")" "$o: _offset after the remount"
	ls "$M/$o/changes" | grep '\.jsonl$' >"$T/$o.names2"
	head -n "$(wc -l <"$T/$o.names1")" "$T/$o.names2" | cmp -s - "$T/$o.names1" ||
		fail "$o: the remount does not list the first mount's files first: $(diff "$T/$o.names1" "$T/$o.names2" | head -5)"
	(cd "$M/$o/changes" && sha256sum -c --quiet "$T/$o.sums1") >/dev/null 2>&1 ||
		fail "$o: a file changed bytes across the remount"
done
pull_all
writes 4
sleep 1.2
pull_all

# Every change exactly once, in order.
for o in users orders events deletes; do
	[ -s "$T/$o.out" ] || fail "$o: the loop delivered nothing"
	jq -c . "$T/$o.out" >"$T/$o.got" || fail "$o: the loop's output is not JSON lines"
	jq -c . "$T/$o.want" >"$T/$o.want2"
	cmp -s "$T/$o.want2" "$T/$o.got" ||
		fail "$o: delivered $(wc -l <"$T/$o.got") records, expected $(wc -l <"$T/$o.want2"): $(diff "$T/$o.want2" "$T/$o.got" | head -6)"
done
# metrics: every row up to the last refresh's start (the head).
cap=$(jq -r .offset.cursor "$M/metrics/changes/_offset")
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(urlq "$cap")" >"$T/metrics.want"
jq -c . "$T/metrics.out" >"$T/metrics.got" || fail "metrics: the loop's output is not JSON lines"
cmp -s "$T/metrics.want" "$T/metrics.got" ||
	fail "metrics: delivered $(wc -l <"$T/metrics.got") rows, expected $(wc -l <"$T/metrics.want") up to $cap: $(diff "$T/metrics.want" "$T/metrics.got" | head -4)"
exit 0
