#!/bin/bash
# SPDX-License-Identifier: MIT
# Seed data: every row of every table has the shape the API page gives for
# row i (ids, cycles, base + i s spacing, amounts, the metrics struct); base is
# the start time minus an hour; --null-rate 0 gives no nulls, 1 all nulls, 0.2
# about a fifth; the same --seed reproduces the rows and another seed does
# not; --scale 3 triples every table over the same time span.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

TABLES="products events users orders metrics"
pk_of() {
	case $1 in
	products) echo product_id ;; events) echo event_id ;; users) echo user_id ;;
	orders) echo order_id ;; metrics) echo metric_id ;;
	esac
}
cursor_of() {
	case $1 in
	products) echo "" ;; events) echo created_at ;; *) echo updated_at ;;
	esac
}
# dump NAME: every table of the current server into $T/NAME.TABLE.
dump() {
	for t in $TABLES; do
		fetch_pages "/tables/$t/records" "" "$T/$1.$t"
	done
}

JQ_LIB='
def us: (.[0:19] + "Z" | fromdateiso8601) * 1000000 + (.[20:26] | tonumber);
def pad($n): tostring | ("0" * ($n - length)) + .;
def hex: if . < 16 then "0123456789abcdef"[.:. + 1]
	else ((. / 16 | floor) | hex) + ("0123456789abcdef"[. % 16:. % 16 + 1]) end;
def near($a; $b): ($a - $b | fabs) < 1e-9 * (1 + ($b | fabs));
# expect(i): the row the API page gives for row i of the table, numbers and
# timestamps aside; checked fields are compared exactly.
def expect($t; $i):
	if $t == "products" then
		{product_id: "prod_\($i | pad(4))", name: "Product \($i)",
		 category: (["electronics", "books", "clothing"][$i % 3])}
	elif $t == "events" then
		{event_id: "00000000-0000-0000-0000-\($i | hex | pad(12))",
		 event_type: (["click", "view", "purchase"][$i % 3]),
		 user_id: "user_\($i % 5 | pad(3))", payload: "payload_\($i)"}
	elif $t == "users" then
		{user_id: "user_\($i | pad(4))", email: "user\($i)@example.com",
		 display_name: "User \($i)", status: "active"}
	elif $t == "orders" then
		{order_id: "order_\($i | pad(4))", user_id: "user_\($i % 10 | pad(4))",
		 status: (["pending", "shipped", "delivered"][$i % 3])}
	else
		{metric_id: "metric_\($i | pad(4))",
		 name: "metric.\(["cpu", "mem", "disk", "net"][$i % 4])",
		 host: "host-\($i % 3)"}
	end;
def columns($t):
	{products: ["product_id", "name", "price", "category"],
	 events: ["event_id", "event_type", "user_id", "payload", "created_at"],
	 users: ["user_id", "email", "display_name", "status", "updated_at"],
	 orders: ["order_id", "user_id", "amount", "status", "updated_at"],
	 metrics: ["metric_id", "name", "value", "host", "updated_at"]}[$t];
'

# ------------------------------------------------ shapes, at --null-rate 0
t0=$(date +%s%6N)
started_a=$(date +%s%6N)
start_server shapes --error-rate 0 --null-rate 0 --seed 7
t1=$(date +%s%6N)
dump a

# shape TABLE FILE SPACING_S: row i (in listing order) is the row the page
# gives for i and its cursor is row 0's plus i * SPACING seconds.
shape() {
	jq -rs --arg t "$1" --argjson sp "$3" "$JQ_LIB"'
		(.[0].updated_at // .[0].created_at) as $c0 |
		[to_entries[] | .key as $i | .value as $r |
		 select(
			($r | keys | sort) != (columns($t) | sort) or
			(expect($t; $i) | to_entries | any(. as $e | $r[$e.key] != $e.value)) or
			($t == "products" and $r.price != 10 + 1.5 * $i) or
			($t == "orders" and (near($r.amount; 50 + 3.3 * $i) | not)) or
			($t == "orders" and (($r.amount * 100 | round) - $r.amount * 100 | fabs) > 1e-6) or
			($t == "metrics" and (
				($r.value | type) != "object" or
				($r.value | keys) != ["count", "label", "measure"] or
				$r.value.count != $i or
				$r.value.label != ["low", "medium", "high", "critical"][$i % 4] or
				(near($r.value.measure; 1.1 * $i) | not))) or
			($sp > 0 and (($r.updated_at // $r.created_at) | us) - ($c0 | us) != $i * $sp * 1000000))
		 | "row \($i): \($r | tojson)"] | .[0:3] | join("\n")' "$2"
}
for t in $TABLES; do
	case $t in products) sp=0 ;; events | orders) sp=1 ;; *) sp=60 ;; esac
	bad=$(shape "$t" "$T/a.$t" "$sp")
	[ -z "$bad" ] || fail "$t rows unlike the API page's seed:
$bad"
done
assert_eq "53 101 37 103 253" \
	"$(for t in $TABLES; do wc -l <"$T/a.$t"; done | tr '\n' ' ' | sed 's/ $//')" \
	"seeded rows per table"

# base = start time - 1 h, the same for every table.
for t in events users orders metrics; do
	b=$(head -n 1 "$T/a.$t" | jq "$JQ_LIB"'(.updated_at // .created_at) | us')
	lo=$((t0 - 3600000000 - 1000000))
	hi=$((t1 - 3600000000 + 1000000))
	[ "$b" -ge "$lo" ] && [ "$b" -le "$hi" ] ||
		fail "$t row 0 at $b us, not start time - 1 h (start between $t0 and $t1)"
done

# amount has 2 decimals in the JSON text itself.
for p in 1 2 3; do
	curl -sS -u "$CREDS" "$SERVER_URL/tables/orders/records?page=$p"
done | grep -o '"amount" *: *[-0-9.eE+]*' | sed 's/.*: *//' >"$T/amounts"
assert_eq 103 "$(wc -l <"$T/amounts")" "amounts in the raw pages"
bad=$(grep -Ev '^-?[0-9]+(\.[0-9]{1,2})?$' "$T/amounts" | head -n 3 | tr '\n' ' ')
assert_eq "" "$bad" "amounts with more than 2 decimals in the JSON text"

# No nulls anywhere at --null-rate 0.
n=$(cat "$T"/a.* | jq -s '[.. | select(. == null)] | length')
assert_eq 0 "$n" "nulls at --null-rate 0"

# ------------------------------------------------ null rates
NULLS='
def nullable($t): columns($t)[1:] | map(select(. != "updated_at" and . != "created_at"));
# [nulls, fields] over the nullable non-cursor fields and, where the struct
# is there, its subfields.
def tally($t): [.[] | . as $r |
	(nullable($t) | map($r[.])) +
	(if $t == "metrics" and ($r.value | type) == "object"
	 then [$r.value.count, $r.value.label, $r.value.measure] else [] end)]
	| add | [(map(select(. == null)) | length), length];
'
# within COUNT FIELDS RATE SIGMAS
within() {
	awk -v n="$1" -v N="$2" -v p="$3" -v k="$4" \
		'BEGIN { s = sqrt(N * p * (1 - p)); d = n - N * p; if (d < 0) d = -d; exit !(d <= k * s) }'
}
start_server nulls --error-rate 0 --null-rate 0.2 --seed 42
dump b
tn=0
tf=0
for t in $TABLES; do
	pk=$(pk_of "$t")
	set -- $(jq -rs --arg t "$t" "$JQ_LIB$NULLS"'tally($t) | "\(.[0]) \(.[1])"' "$T/b.$t")
	within "$1" "$2" 0.2 5 || fail "$t: $1 of $2 nullable fields null at --null-rate 0.2"
	tn=$((tn + $1))
	tf=$((tf + $2))
	jq -se --arg p "$pk" 'all(.[$p] | type == "string")' "$T/b.$t" >/dev/null ||
		fail "$t: null primary key at --null-rate 0.2"
done
within "$tn" "$tf" 0.2 4 || fail "$tn of $tf nullable fields null at --null-rate 0.2 (4 sigma)"
n=$(jq -s '[.[] | .value | select(type == "object")] | length' "$T/b.metrics")
within $((253 - n)) 253 0.2 5 || fail "metrics: $((253 - n)) of 253 value structs null"

start_server allnull --error-rate 0 --null-rate 1 --seed 42
dump c
for t in $TABLES; do
	assert_eq "$(wc -l <"$T/a.$t")" "$(wc -l <"$T/c.$t")" "$t rows at --null-rate 1"
	pk=$(pk_of "$t")
	jq -se --arg t "$t" --arg p "$pk" "$JQ_LIB$NULLS"'
		all(.[$p] | type == "string") and (tally($t) | .[0] == .[1])' "$T/c.$t" >/dev/null ||
		fail "$t: at --null-rate 1 every nullable field must be null, the key never"
done

# ------------------------------------------------ reproducibility
# Rows compared without their timestamps, which follow the start time.
norm() {
	jq -cs --arg re "$TS_RE" --arg p "$(pk_of "$1")" \
		'walk(if type == "string" and test($re) then "T" else . end) | sort_by(.[$p])' "$2"
}
start_server same1 --error-rate 0 --null-rate 0.2 --seed 5
dump d
start_server same2 --error-rate 0 --null-rate 0.2 --seed 5
dump e
start_server other --error-rate 0 --null-rate 0.2 --seed 6
dump f
differ=0
for t in $TABLES; do
	[ "$(norm "$t" "$T/d.$t")" = "$(norm "$t" "$T/e.$t")" ] ||
		fail "$t: two servers with --seed 5 give different rows"
	[ "$(norm "$t" "$T/d.$t")" = "$(norm "$t" "$T/f.$t")" ] || differ=$((differ + 1))
done
# Each table has 50+ draws: the same nulls under another seed is ~0.8^50.
assert_eq 5 "$differ" "tables that differ between --seed 5 and --seed 6"

# ------------------------------------------------ --scale 3
started_g=$(date +%s%6N)
start_server scaled --error-rate 0 --null-rate 0 --seed 7 --scale 3
dump g
assert_eq "159 303 111 309 759" \
	"$(for t in $TABLES; do wc -l <"$T/g.$t"; done | tr '\n' ' ' | sed 's/ $//')" \
	"rows per table at --scale 3"
for t in $TABLES; do
	pk=$(pk_of "$t")
	c=$(cursor_of "$t")
	case $t in products) sp=0 ;; events | orders) sp=1 ;; *) sp=60 ;; esac
	# Row i (listing order) is seed row i, and its cursor is that of row
	# i / 3 at scale 1: row 0's plus i * spacing / 3, to the microsecond.
	bad=$(jq -rs --arg t "$t" --arg p "$pk" --arg c "$c" --argjson sp "$sp" "$JQ_LIB"'
		(if $c == "" then 0 else .[0][$c] | us end) as $c0 |
		[to_entries[] | .key as $i | .value as $r |
		 select($r[$p] != expect($t; $i)[$p] or
			($sp > 0 and ((($r[$c] | us) - $c0 - $i * $sp * 1000000 / 3) | fabs) > 1))
		 | "row \($i): \($r | tojson)"] | .[0:3] | join("\n")' "$T/g.$t")
	[ -z "$bad" ] || fail "$t at --scale 3: rows out of order or off the scaled time line:
$bad"
	[ "$sp" = 0 ] && continue
	# The same time span: from the same base to within one step of the
	# scale-1 end.
	span1=$(jq -s --arg c "$c" "$JQ_LIB"'(.[-1][$c] | us) - (.[0][$c] | us)' "$T/a.$t")
	span3=$(jq -s --arg c "$c" "$JQ_LIB"'(.[-1][$c] | us) - (.[0][$c] | us)' "$T/g.$t")
	[ "$span3" -ge "$span1" ] && [ "$span3" -le $((span1 + sp * 1000000)) ] ||
		fail "$t: spans $span3 us at --scale 3, $span1 us at scale 1"
	b1=$(head -n 1 "$T/a.$t" | jq --arg c "$c" "$JQ_LIB"'.[$c] | us')
	b3=$(head -n 1 "$T/g.$t" | jq --arg c "$c" "$JQ_LIB"'.[$c] | us')
	# The bases lie as far apart as the two servers' starts (each base is
	# its server's start less an hour), give or take five seconds for a server
	# to come up on a loaded machine.
	d=$((b3 - b1 - (started_g - started_a)))
	[ "$d" -ge -5000000 ] && [ "$d" -le 5000000 ] ||
		fail "$t: base moved $((b3 - b1)) us at --scale 3 for servers started $((started_g - started_a)) us apart"
done
exit 0
