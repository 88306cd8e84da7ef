#!/bin/bash
# SPDX-License-Identifier: MIT
# `since` is exclusive, `until` inclusive, both compared as strings: since = a
# row's cursor leaves it out, until = a row's cursor keeps it, since == until
# is empty; metrics windows give exactly the rows inside them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

start_server srv --error-rate 0 --null-rate 0
EPOCH=1970-01-01T00:00:00.000000+00:00
FAR=9999-12-31T23:59:59.999999+00:00

# The full, unfiltered contents, in cursor order.
for t in events users orders metrics; do
	fetch_pages "/tables/$t/records" "" "$T/$t.all"
done
# cursor TABLE K: the cursor of row K (0-based) of the full listing.
cursor() { sed -n "$(($2 + 1))p" "$T/$1.all" | jq -r '.updated_at // .created_at'; }
# rows TABLE FROM TO: rows FROM..TO (0-based, inclusive) of the full listing.
rows() {
	if [ "$3" -lt "$2" ]; then
		: >"$T/want"
	else
		sed -n "$(($2 + 1)),$(($3 + 1))p" "$T/$1.all" >"$T/want"
	fi
}
# query TABLE WHAT [curl options...]: all pages of the query; must equal $T/want.
query() {
	t=$1 what=$2
	shift 2
	fetch_pages "/tables/$t/records" "" "$T/got" "$@"
	cmp -s "$T/want" "$T/got" ||
		fail "$t $what: expected $(wc -l <"$T/want") rows $(jq -sc 'map(.[keys_unsorted[0]]) | [first, last]' "$T/want"), got $(wc -l <"$T/got") $(jq -sc 'map(.[keys_unsorted[0]]) | [first, last]' "$T/got")"
}

for t in events users orders metrics; do
	n=$(wc -l <"$T/$t.all")
	last=$((n - 1))
	for k in 0 1 17 $((last - 1)) $last; do
		c=$(cursor $t $k)
		rows $t $((k + 1)) $last
		query $t "since=row $k (exclusive)" --data-urlencode "since=$c"
		# A value just above row k's cursor and below row k+1's, in string order.
		query $t "since just past row $k" --data-urlencode "since=${c}0"
		rows $t $k $last
		# Just below row k: drop the last digit of the microseconds by one.
		us=${c:20:6}
		if [ "$us" != 000000 ]; then
			lower="${c:0:20}$(printf '%06d' $((10#$us - 1)))${c:26}"
			query $t "since just before row $k" --data-urlencode "since=$lower"
		fi
	done
	rows $t 0 $last
	query $t "since before everything" --data-urlencode "since=$EPOCH"
	query $t "since as a prefix of every cursor" --data-urlencode "since=2"
	rows $t 1 0
	query $t "since after everything" --data-urlencode "since=$FAR"
	query $t "since past every cursor in string order" --data-urlencode "since=3"
	query $t "since = last cursor" --data-urlencode "since=$(cursor $t $last)"
done

# until: metrics only.
m=$(wc -l <"$T/metrics.all")
for k in 0 1 99 100 101 150 $((m - 1)); do
	c=$(cursor metrics $k)
	rows metrics 0 $k
	query metrics "until=row $k (inclusive)" --data-urlencode "until=$c"
	rows metrics 0 $((k - 1))
	query metrics "until just before row $k" --data-urlencode "until=${c:0:19}"
	rows metrics 1 0
	query metrics "since == until == row $k" --data-urlencode "since=$c" --data-urlencode "until=$c"
done
rows metrics 1 0
query metrics "until before everything" --data-urlencode "until=$EPOCH"
query metrics "since > until" --data-urlencode "since=$(cursor metrics 50)" \
	--data-urlencode "until=$(cursor metrics 10)"
query metrics "since == until, between rows" --data-urlencode "since=$FAR" --data-urlencode "until=$FAR"

# Windows (since, until]: exactly the rows strictly after a and up to b,
# across page boundaries too.
for w in "0 1" "0 100" "10 160" "52 252" "99 201" "-1 252" "200 252" "7 8"; do
	set -- $w
	a=$1 b=$2
	if [ "$a" -lt 0 ]; then s=$EPOCH; else s=$(cursor metrics "$a"); fi
	rows metrics $((a + 1)) "$b"
	query metrics "window ($a, $b]" --data-urlencode "since=$s" \
		--data-urlencode "until=$(cursor metrics "$b")"
	assert_eq $((b - a)) "$(wc -l <"$T/got")" "rows in metrics window ($a, $b]"
done

# since combined with a page size and with filters.
rows events 31 100
fetch_pages /tables/events/records 9 "$T/got" --data-urlencode "since=$(cursor events 30)" \
	--data-urlencode limit=9
cmp -s "$T/want" "$T/got" || fail "events since row 30 at limit=9"
c=$(cursor orders 40)
jq -c --arg c "$c" 'select(.updated_at > $c and .status == "shipped")' "$T/orders.all" >"$T/want"
[ -s "$T/want" ] || fail "test setup: no shipped orders after row 40"
query orders "since row 40, status=shipped" --data-urlencode "since=$c" --data-urlencode status=shipped
exit 0
