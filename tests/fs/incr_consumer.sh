#!/bin/bash
# SPDX-License-Identifier: MIT
# A file-stream consumer modelled on Spark's (tests/fs/consumer.py: list the
# directory, skip "_" and "." names, remember seen paths, read new files in
# name order, refuse zero-size files) run round after round with writes in
# between sees every change exactly once and misses none: users, orders,
# events, metrics and orders/deletes. A round without writes reads nothing
# new, and every file it read still holds the bytes it read.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
CONSUMER=$top_srcdir/tests/fs/consumer.py

# The consumer itself refuses a zero-size file (so the check can fail).
mkdir -p "$T/self"
printf '{"a":1}\n' >"$T/self/1.jsonl"
: >"$T/self/2.jsonl"
printf 'ignored' >"$T/self/_offset"
$PY "$CONSUMER" "$T/self.state" "$T/self" "$T/self.out" >/dev/null 2>&1 &&
	fail "consumer.py accepted a zero-size file"
rm "$T/self/2.jsonl"
assert_eq 1 "$($PY "$CONSUMER" "$T/self.state" "$T/self" "$T/self.out")" "consumer.py self-test"
assert_eq '{"a":1}' "$(cat "$T/self.out")" "consumer.py self-test output"

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt

post() { # post TABLE JSON: appends the new version to TABLE's expected changes
	api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records" >>"$T/$1.want"
}
del() { # del ORDER: appends the tombstone to the expected deletes
	api_write -X DELETE "/tables/orders/records/$1" >>"$T/orders_deletes.want"
}
writes() { # writes N: one round of writes, each key at most once a round
	post users "{\"user_id\":\"user_001$1\",\"email\":\"c$1@example.com\",\"display_name\":\"C $1\",\"status\":\"inactive\",\"updated_at\":null}"
	post orders "{\"order_id\":\"order_001$1\",\"user_id\":\"user_0003\",\"amount\":$1.25,\"status\":\"pending\",\"updated_at\":null}"
	post orders "{\"order_id\":\"order_090$1\",\"user_id\":\"user_0004\",\"amount\":9,\"status\":\"shipped\",\"updated_at\":null}"
	post events "{\"event_id\":\"00000000-0000-0000-0000-00000000200$1\",\"event_type\":\"purchase\",\"user_id\":\"user_004\",\"payload\":\"c $1\",\"created_at\":null}"
	del "order_007$1"
}

DIRS="users/changes orders/changes orders/deletes events/changes metrics/changes"
key() { printf '%s' "$1" | sed 's|/changes$||; s|/|_|'; }
# round: one consumer round over every directory; sets NEW_<key> counts.
round() {
	for d in $DIRS; do
		k=$(key "$d")
		n=$($PY "$CONSUMER" "$T/$k.state" "$M/$d" "$T/$k.out") ||
			fail "the consumer failed on $d"
		eval "NEW_$k=\$n"
	done
}

api_all_records users >"$T/users.want"
api_all_records orders >"$T/orders.want"
api_all_records events >"$T/events.want"
: >"$T/orders_deletes.want"

mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12
round
for r in 1 2 3 4; do
	writes "$r"
	sleep 1.2
	round
	for k in users orders orders_deletes events; do
		[ "$(eval "echo \$NEW_$k")" -ge 1 ] || fail "round $r: no new file in $k after writes"
	done
done
# A round with nothing written reads nothing new (metrics aside: its rows
# come due by themselves).
sleep 1.2
round
for k in users orders orders_deletes events; do
	assert_eq 0 "$(eval "echo \$NEW_$k")" "new files in $k without writes"
done

for k in users orders orders_deletes events; do
	[ -s "$T/$k.out" ] || fail "$k: the consumer read nothing"
	jq -c . "$T/$k.out" >"$T/$k.got" || fail "$k: not JSON lines"
	jq -c . "$T/$k.want" >"$T/$k.want2"
	cmp -s "$T/$k.want2" "$T/$k.got" ||
		fail "$k: consumed $(wc -l <"$T/$k.got") records, expected $(wc -l <"$T/$k.want2"): $(diff "$T/$k.want2" "$T/$k.got" | head -6)"
done
cap=$(jq -r .offset.cursor "$M/metrics/changes/_offset")
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(urlq "$cap")" >"$T/metrics.want"
jq -c . "$T/metrics.out" >"$T/metrics.got" || fail "metrics: not JSON lines"
cmp -s "$T/metrics.want" "$T/metrics.got" ||
	fail "metrics: consumed $(wc -l <"$T/metrics.got") rows, expected $(wc -l <"$T/metrics.want") up to $cap"

# The files read are still there with the bytes the consumer read.
for d in $DIRS; do
	k=$(key "$d")
	jq -r '.[]' "$T/$k.state" >"$T/$k.paths"
	xargs -d '\n' cat <"$T/$k.paths" >"$T/$k.again" || fail "$d: a consumed file cannot be read again"
	cmp -s "$T/$k.out" "$T/$k.again" || fail "$d: consumed files changed bytes"
done
exit 0
