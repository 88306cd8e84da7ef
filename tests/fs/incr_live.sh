#!/bin/bash
# SPDX-License-Identifier: MIT
# While mounted, writes made with curl show up at the next listing of
# changes/ (after the refresh interval) as new batch files that hold exactly
# the new row versions (users, orders, events) and tombstones (orders/deletes);
# metrics gains exactly the rows that came due. Every file listed before
# keeps its name and its bytes, and new names sort after the old ones.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12

DIRS="users/changes orders/changes orders/deletes events/changes metrics/changes"
key() { printf '%s' "$1" | tr / _; }

# snap N: lists every directory once and notes names, checksums and _offset.
snap() {
	mkdir -p "$T/s$1"
	for d in $DIRS; do
		k=$(key "$d")
		ls "$M/$d" >"$T/s$1/$k.ls" || fail "ls $d"
		grep '\.jsonl$' "$T/s$1/$k.ls" >"$T/s$1/$k.names"
		: >"$T/s$1/$k.sums"
		if [ -s "$T/s$1/$k.names" ]; then
			(cd "$M/$d" && sha256sum $(cat "$T/s$1/$k.names")) >"$T/s$1/$k.sums" ||
				fail "sha256sum in $d"
		fi
		cat "$M/$d/_offset" >"$T/s$1/$k.offset" || fail "cat $d/_offset"
	done
}

# verify A B DIR EXPECTED-FILE: what listing B added to DIR since listing A
# holds exactly EXPECTED-FILE's records, and nothing A listed changed.
verify() {
	a=$T/s$1 b=$T/s$2 d=$3 k=$(key "$3")
	na=$(wc -l <"$a/$k.names")
	head -n "$na" "$b/$k.names" >"$T/prefix"
	cmp -s "$a/$k.names" "$T/prefix" ||
		fail "$d: listing $2 does not start with listing $1's names: $(diff "$a/$k.names" "$T/prefix" | head -5)"
	head -n "$na" "$b/$k.sums" >"$T/prefix"
	cmp -s "$a/$k.sums" "$T/prefix" ||
		fail "$d: files listed before changed bytes: $(diff "$a/$k.sums" "$T/prefix" | head -5)"
	tail -n +"$((na + 1))" "$b/$k.names" >"$T/new"
	: >"$T/got"
	for f in $(cat "$T/new"); do
		[ -s "$M/$d/$f" ] || fail "$d/$f is empty"
		jq -c . "$M/$d/$f" >>"$T/got" || fail "$d/$f: not JSON lines"
	done
	jq -c . "$4" >"$T/want"
	cmp -s "$T/want" "$T/got" ||
		fail "$d: listing $2 added $(wc -l <"$T/got") records, expected $(wc -l <"$T/want"): $(diff "$T/want" "$T/got" | head -6)"
	# The head moved to the end of the last new batch (or stayed put).
	if [ -s "$T/want" ] && [ "$d" != metrics/changes ]; then
		c=$(tail -n 1 "$T/want" | jq -r 'if has("created_at") then .created_at else .updated_at end')
		assert_eq "{\"offset\":{\"cursor\":\"$c\"},\"token\":\"$(cursor_token "$c")\",\"epoch\":1}" \
			"$(jq -c . "$b/$k.offset")" "$d: _offset after listing $2"
	elif [ "$d" != metrics/changes ]; then
		assert_eq "$(jq -c . "$a/$k.offset")" "$(jq -c . "$b/$k.offset")" "$d: _offset without changes"
	fi
}

# metrics_due A B: the metrics rows between the heads of listings A and B.
metrics_due() {
	s=$(jq -r .offset.cursor "$T/s$1/metrics_changes.offset")
	u=$(jq -r .offset.cursor "$T/s$2/metrics_changes.offset")
	[ "$u" \> "$s" ] || fail "metrics: the head did not move from $s at listing $2"
	api_all_records metrics "&since=$(urlq "$s")&until=$(urlq "$u")"
}

post() { # post TABLE JSON >> FILE
	api_write -X POST -H 'Content-Type: application/json' -d "$2" "/tables/$1/records"
}

snap 1
for d in users/changes orders/changes events/changes metrics/changes; do
	[ -s "$T/s1/$(key $d).names" ] || fail "$d lists no batch at first"
done
# The first listing is the whole table (the drain test checks the chain).
api_all_records users >"$T/all_users"
cat $(sed "s|^|$M/users/changes/|" "$T/s1/users_changes.names") | jq -c . >"$T/got_users"
cmp -s "$T/all_users" "$T/got_users" || fail "users/changes/ at first is not the table"

# Round 1: upserts of an old and a new user and order, two deletes.
: >"$T/u1" && : >"$T/o1" && : >"$T/d1" && : >"$T/e1"
post users '{"user_id":"user_0003","email":"x3@example.com","display_name":"X 3","status":"inactive","updated_at":null}' >>"$T/u1"
post users '{"user_id":"user_0100","email":"n@example.com","display_name":"New","status":"active","updated_at":null}' >>"$T/u1"
post orders '{"order_id":"order_0007","user_id":"user_0007","amount":1.25,"status":"delivered","updated_at":null}' >>"$T/o1"
post orders '{"order_id":"order_0200","user_id":"user_0001","amount":7.5,"status":"pending","updated_at":null}' >>"$T/o1"
api_write -X DELETE /tables/orders/records/order_0011 >>"$T/d1"
api_write -X DELETE /tables/orders/records/order_0020 >>"$T/d1"
sleep 1.5
snap 2
verify 1 2 users/changes "$T/u1"
verify 1 2 orders/changes "$T/o1"
verify 1 2 orders/deletes "$T/d1"
verify 1 2 events/changes "$T/e1"
metrics_due 1 2 >"$T/m1"
verify 1 2 metrics/changes "$T/m1"

# Round 2: the same user again, another order, a delete, a new event.
: >"$T/u2" && : >"$T/o2" && : >"$T/d2" && : >"$T/e2"
post users '{"user_id":"user_0003","email":"y3@example.com","display_name":"Y 3","status":"active","updated_at":null}' >>"$T/u2"
post orders '{"order_id":"order_0030","user_id":"user_0000","amount":3,"status":"shipped","updated_at":null}' >>"$T/o2"
api_write -X DELETE /tables/orders/records/order_0041 >>"$T/d2"
post events '{"event_id":"00000000-0000-0000-0000-0000000003e8","event_type":"click","user_id":"user_001","payload":"live","created_at":null}' >>"$T/e2"
sleep 1.5
snap 3
verify 2 3 users/changes "$T/u2"
verify 2 3 orders/changes "$T/o2"
verify 2 3 orders/deletes "$T/d2"
verify 2 3 events/changes "$T/e2"
metrics_due 2 3 >"$T/m2"
verify 2 3 metrics/changes "$T/m2"

# And everything listed at first is still there, byte for byte.
for d in $DIRS; do
	k=$(key "$d")
	[ -s "$T/s1/$k.sums" ] || continue
	(cd "$M/$d" && sha256sum -c --quiet "$T/s1/$k.sums") >/dev/null 2>&1 ||
		fail "$d: a file of the first listing changed or went away"
done
exit 0
