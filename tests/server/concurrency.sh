#!/bin/bash
# SPDX-License-Identifier: MIT
# 32 clients page through orders and users at once while another keeps
# upserting and deleting: every answer is a 200 with a well-formed page
# (records array, next_page page + 1 or null, rows sorted within the page),
# writes all succeed, and afterwards the counts add up.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0 --scale 2
READERS=32
ROUNDS=2
mkdir -p "$T/r" "$T/w"

# reader ID: ROUNDS passes over every page of orders and users; each answer
# goes to $T/r/ID.ROUND.TABLE.PAGE with its code in a .code file.
reader() {
	for round in $(seq $ROUNDS); do
		for t in orders users; do
			p=1
			while [ "$p" -le 60 ]; do
				f="$T/r/$1.$round.$t.$p"
				curl -s --max-time 15 -u "$CREDS" -o "$f" -w '%{http_code}\n' \
					"$SERVER_URL/tables/$t/records?page=$p" >"$f.code"
				[ "$(cat "$f.code")" = 200 ] || break
				p=$(jq -r '.next_page' "$f" 2>/dev/null)
				case $p in '' | *[!0-9]*) break ;; esac
			done
		done
	done
}

# writer: upserts orders and users, inserts new orders and deletes old ones
# until $T/stop appears; logs "METHOD KEY CODE" lines to $T/w/log.
writer() {
	i=0
	del=0
	while [ ! -e "$T/stop" ] && [ "$i" -lt 3000 ]; do
		k=$(printf 'order_%04d' $((i % 150)))
		body="{\"order_id\":\"$k\",\"user_id\":\"user_0001\",\"amount\":$i,\"status\":\"shipped\",\"updated_at\":null}"
		c=$(curl -s --max-time 15 -u "$CREDS" -o /dev/null -w '%{http_code}' \
			-H 'Content-Type: application/json' -d "$body" "$SERVER_URL/tables/orders/records")
		echo "POST $k $c" >>"$T/w/log"
		u=$(printf 'user_%04d' $((i % 74)))
		body="{\"user_id\":\"$u\",\"email\":\"w$i@example.com\",\"display_name\":\"W\",\"status\":\"active\",\"updated_at\":null}"
		c=$(curl -s --max-time 15 -u "$CREDS" -o /dev/null -w '%{http_code}' \
			-H 'Content-Type: application/json' -d "$body" "$SERVER_URL/tables/users/records")
		echo "POST $u $c" >>"$T/w/log"
		if [ $((i % 3)) = 0 ] && [ "$del" -lt 50 ]; then
			# Keys 150.. are never upserted, so each delete hits a live row.
			k=$(printf 'order_%04d' $((150 + del)))
			c=$(curl -s --max-time 15 -u "$CREDS" -o /dev/null -w '%{http_code}' \
				-X DELETE "$SERVER_URL/tables/orders/records/$k")
			echo "DELETE $k $c" >>"$T/w/log"
			del=$((del + 1))
		fi
		i=$((i + 1))
	done
}

: >"$T/w/log"
writer &
wpid=$!
rpids=""
for id in $(seq $READERS); do
	reader "$id" &
	rpids="$rpids $!"
done
for p in $rpids; do
	wait "$p"
done
touch "$T/stop"
wait "$wpid"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died under load"

# Every reader answer: HTTP 200 and a well-formed, sorted page.
bad=$(cat "$T"/r/*.code | grep -vcx 200)
[ "$bad" = 0 ] || fail "$bad reader answers were not HTTP 200: $(cat "$T"/r/*.code | sort | uniq -c | tr '\n' ' ')"
pages=$(ls "$T"/r/ | grep -vc '\.code$')
[ "$pages" -ge $((READERS * ROUNDS * 2 * 3)) ] || fail "only $pages pages read"
for f in "$T"/r/*; do
	case $f in *.code) continue ;; esac
	echo "$f"
done >"$T/pagelist"
# One jq over all pages; the page number is the file name's last part.
jq -r '(input_filename | split(".") | last | tonumber) as $p |
	select((type == "object" and (.records | type) == "array" and
		(.next_page == null or .next_page == $p + 1) and
		(.records | all(type == "object" and (.updated_at | type) == "string" and
			((.order_id // .user_id) | type) == "string")) and
		(.records | map(.updated_at) | . == sort) and
		(.records | length) <= (if input_filename | test("orders") then 40 else 15 end) and
		(.next_page == null or (.records | length) ==
			(if input_filename | test("orders") then 40 else 15 end))) | not) |
	input_filename' $(cat "$T/pagelist") >"$T/badpages" 2>"$T/jq.err" ||
	fail "unparsable page: $(cat "$T/jq.err")"
[ ! -s "$T/badpages" ] ||
	fail "$(wc -l <"$T/badpages") malformed or unsorted pages, e.g. $(head -n 1 "$T/badpages"): $(head -c 300 "$(head -n 1 "$T/badpages")")"

# Every write succeeded.
writes=$(wc -l <"$T/w/log")
[ "$writes" -ge 10 ] || fail "the writer got only $writes writes in"
badw=$(awk '$3 != 200' "$T/w/log" | head -n 3 | tr '\n' ' ')
assert_eq "" "$badw" "writes that were not HTTP 200"

# Afterwards the counts add up: the writer only upserts existing keys
# (order_0000..0149 of the 206 seeded at --scale 2) and deletes others.
dels=$(grep -c '^DELETE' "$T/w/log")
fetch_pages /tables/orders/records 40 "$T/orders"
assert_eq $((206 - dels)) "$(wc -l <"$T/orders" | tr -d ' ')" "orders after $dels deletes"
jq -se 'map(.order_id) | length == (unique | length)' "$T/orders" >/dev/null ||
	fail "duplicate order_id after concurrent upserts"
fetch_pages /tables/orders/deleted_records 40 "$T/deleted"
assert_eq "$dels" "$(wc -l <"$T/deleted" | tr -d ' ')" "tombstones after $dels deletes"
fetch_pages /tables/users/records 15 "$T/users"
assert_eq 74 "$(wc -l <"$T/users" | tr -d ' ')" "users after concurrent upserts"
exit 0
