#!/bin/bash
# SPDX-License-Identifier: MIT
# Ad-hoc tokens: changes/<T>.jsonl for a valid token T that is not listed
# reads one connector batch from T's offset on demand (orders, events,
# metrics; timestamp, date and "x" tokens), _next.<T> names where it ended,
# following _next from T reads the rest of the table exactly once; such
# batches never show up in a listing, and invalid tokens are ENOENT. Reads
# on demand are capped at the last refresh: a write is read on demand once
# a listing has refreshed the chain, and not before.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "users"}},
  {"table": {"source_table": "orders",
             "table_configuration": {"max_records_per_batch": "50"}}},
  {"table": {"source_table": "events",
             "table_configuration": {"max_records_per_batch": "30", "limit": "20"}}},
  {"table": {"source_table": "metrics",
             "table_configuration": {"window_seconds": "600"}}}
]}}
EOF
M=$T/mnt
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12,spec="$T/spec.json"

offset_doc() { # offset_doc CURSOR: the _offset / _next JSON of a cursor
	printf '{"offset":{"cursor":"%s"},"token":"%s","epoch":1}\n' "$1" "$(cursor_token "$1")"
}
# adhoc DIR TOKEN EXPECTED-FILE WHAT: DIR/TOKEN.jsonl reads exactly the
# records of EXPECTED-FILE, twice the same, with an exact stat size.
adhoc() {
	f=$1/$2.jsonl
	cat "$f" >"$T/a1" || fail "$4: cat $f"
	cat "$f" >"$T/a2" || fail "$4: cat $f again"
	cmp -s "$T/a1" "$T/a2" || fail "$4: two reads of $f differ"
	assert_eq "$(wc -c <"$T/a1")" "$(stat -c %s "$f")" "$4: stat size of $f"
	jq -c . "$T/a1" >"$T/a1c" || fail "$4: $f is not JSON lines"
	jq -c . "$3" >"$T/want"
	[ -s "$T/want" ] || fail "$4: the API has nothing to compare"
	cmp -s "$T/want" "$T/a1c" ||
		fail "$4: $f holds $(wc -l <"$T/a1c") records, expected $(wc -l <"$T/want"): $(diff "$T/want" "$T/a1c" | head -4)"
}
# next_is DIR TOKEN CURSOR WHAT: _next.TOKEN is the offset of CURSOR.
next_is() {
	assert_eq "$(offset_doc "$3")" "$(jq -c . "$1/_next.$2" 2>&1)" "$4: _next.$2"
}

# ---- orders: pages of 40, max 50: a batch is 80 records.
O=$M/orders/changes
ls "$O" >"$T/o.ls1" || fail "ls orders/changes"
api_all_records orders >"$T/orders.all"
[ "$(wc -l <"$T/orders.all")" -ge 100 ] || fail "orders: too few records to test"
c9=$(sed -n 10p "$T/orders.all" | jq -r .updated_at)
t9=$(cursor_token "$c9")
c79=$(sed -n 80p "$T/orders.all" | jq -r .updated_at)
grep -qx "$(cursor_token "$c79").jsonl" "$T/o.ls1" || fail "orders: the second batch is not listed at $(cursor_token "$c79")"
grep -qx "$t9.jsonl" "$T/o.ls1" && fail "orders: $t9 is listed: the test needs a token between batches"
[[ "0" < "$t9" && "$t9" < "$(cursor_token "$c79")" ]] || fail "orders: $t9 does not sort between the listed tokens"
api_all_records orders "&since=$(urlq "$c9")" >"$T/since9"
head -n 80 "$T/since9" >"$T/want9"
adhoc "$O" "$t9" "$T/want9" "orders from $c9"
first=$(head -n 1 "$T/a1c" | jq -r .updated_at)
[ "$first" \> "$c9" ] || fail "orders: the batch from $c9 starts at $first"
end=$(tail -n 1 "$T/want9" | jq -r .updated_at)
next_is "$O" "$t9" "$end" "orders"
# Following _next from t9 up to the head reads the rest exactly once.
head_tok=$(jq -r .token "$O/_offset") || fail "orders: _offset"
tok=$t9
: >"$T/walk"
for _ in 1 2 3 4 5 6; do
	[ "$tok" != "$head_tok" ] || break
	jq -c . "$O/$tok.jsonl" >>"$T/walk" || fail "orders: cat $tok.jsonl"
	tok=$(jq -r .token "$O/_next.$tok") || fail "orders: _next.$tok"
done
assert_eq "$head_tok" "$tok" "orders: following _next from $t9 reaches the head"
cmp -s "$T/since9" "$T/walk" || fail "orders: the walk from $t9 is not every record since $c9"

# A date token and an "x" token are offsets too ("YYYY-MM-DD" and "2").
d=$(printf '%s' "$c9" | cut -c1-10)
api_all_records orders "&since=$d" | head -n 80 >"$T/wantd"
adhoc "$O" "$(cursor_token "$d")" "$T/wantd" "orders from the date $d"
next_is "$O" "$(cursor_token "$d")" "$(tail -n 1 "$T/wantd" | jq -r .updated_at)" "orders (date)"
api_all_records orders "&since=2" | head -n 80 >"$T/wantx"
adhoc "$O" x32 "$T/wantx" "orders from the cursor \"2\""
next_is "$O" x32 "$(tail -n 1 "$T/wantx" | jq -r .updated_at)" "orders (x token)"

# ---- events: limit 20, max 30: a batch is two pages of 20.
E=$M/events/changes
ls "$E" >"$T/e.ls1" || fail "ls events/changes"
api_all_records events >"$T/events.all"
c=$(sed -n 31p "$T/events.all" | jq -r .created_at)
api_all_records events "&since=$(urlq "$c")&limit=20" | head -n 40 >"$T/wante"
assert_eq 40 "$(wc -l <"$T/wante")" "events: records after the 31st"
adhoc "$E" "$(cursor_token "$c")" "$T/wante" "events from $c"
next_is "$E" "$(cursor_token "$c")" "$(tail -n 1 "$T/wante" | jq -r .created_at)" "events"

# ---- metrics: the window (T, T + 600 s].
X=$M/metrics/changes
ls "$X" >"$T/m.ls1" || fail "ls metrics/changes"
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(urlq "$(now_ts)")" >"$T/metrics.all"
c=$(sed -n 6p "$T/metrics.all" | jq -r .updated_at)
wend=$(date -u -d "@$(($(date -u -d "$c" +%s) + 600))" +%Y-%m-%dT%H:%M:%S).$(printf '%s' "$c" | cut -c21-26)+00:00
[ "$wend" \< "$(now_ts)" ] || fail "metrics: the window after $c is not over yet"
api_all_records metrics "&since=$(urlq "$c")&until=$(urlq "$wend")" >"$T/wantm"
adhoc "$X" "$(cursor_token "$c")" "$T/wantm" "metrics from $c"
next_is "$X" "$(cursor_token "$c")" "$wend" "metrics"

# ---- nothing read on demand is listed, not even after a refresh.
sleep 1.2
for p in "O o" "E e"; do
	set -- $p
	eval "dir=\$$1"
	ls "$dir" >"$T/$2.ls2" || fail "ls $dir"
	cmp -s "$T/$2.ls1" "$T/$2.ls2" ||
		fail "$dir: the listing changed after ad-hoc reads: $(diff "$T/$2.ls1" "$T/$2.ls2" | head -5)"
done
# metrics may gain a batch meanwhile (its rows come due once a minute), but
# never the one read on demand.
ls "$X" >"$T/m.ls2" || fail "ls metrics/changes"
grep -Fvxf "$T/m.ls2" "$T/m.ls1" >"$T/m.gone" && fail "metrics: listed files went away: $(cat "$T/m.gone")"
grep -qx "$(cursor_token "$c").jsonl" "$T/m.ls2" && fail "metrics: the ad-hoc batch $(cursor_token "$c") is listed"
grep -q '^_next' "$T/o.ls2" "$T/e.ls2" "$T/m.ls2" && fail "a listing shows _next files"

# ---- invalid tokens: ENOENT, for the batch and for _next.
for t in 2026X xZZ 20261399T000000.000000Z x x4A 00 20261121T212615.123456 \
	20261121T212615.123456z 2026-11-21 20261132 x2 x323032362d31312d3231 ""; do
	for f in "$O/$t.jsonl" "$O/_next.$t"; do
		out=$(cat "$f" 2>&1) && fail "$f is readable: $out"
		assert_contains "$out" "No such file or directory" "cat $f"
		stat "$f" >/dev/null 2>&1 && fail "$f can be stat'ed"
	done
done

# ---- on demand is capped at the last refresh (a listing that refreshes
# moves the cap): a write made since is not read on demand, and the head
# reads empty with a _next of itself, until the directory is listed again;
# then it is read.
U=$M/users/changes
ls "$U" >/dev/null || fail "ls users/changes"
h=$(jq -r .token "$U/_offset") || fail "users: _offset"
hc=$(jq -r .offset.cursor "$U/_offset")
api_all_records users >"$T/users.all"
cp=$(tail -n 2 "$T/users.all" | head -n 1 | jq -r .updated_at)
tp=$(cursor_token "$cp")
tail -n 1 "$T/users.all" >"$T/wantu"
adhoc "$U" "$tp" "$T/wantu" "users from the next-to-last record"
rec=$(api_write -X POST -H 'Content-Type: application/json' \
	-d '{"user_id":"user_0002","email":"a@example.com","display_name":"A","status":"inactive","updated_at":null}' \
	/tables/users/records)
adhoc "$U" "$tp" "$T/wantu" "users from the next-to-last record after an upsert, before a listing"
next_is "$U" "$tp" "$hc" "users before a listing"
assert_eq "" "$(cat "$U/$h.jsonl")" "users: the head read on demand before a listing"
assert_eq 0 "$(stat -c %s "$U/$h.jsonl")" "users: the size of the head read on demand"
next_is "$U" "$h" "$hc" "users: _next of the head before a listing (itself)"
sleep 1.2
ls "$U" >/dev/null || fail "ls users/changes"
{ tail -n 1 "$T/users.all"; printf '%s\n' "$rec"; } >"$T/wantu2"
adhoc "$U" "$tp" "$T/wantu2" "users from the next-to-last record after a listing"
next_is "$U" "$tp" "$(printf '%s' "$rec" | jq -r .updated_at)" "users after a listing"
exit 0
