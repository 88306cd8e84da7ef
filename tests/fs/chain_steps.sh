#!/bin/bash
# SPDX-License-Identifier: MIT
# Every step of a chain is recorded, also a step that read nothing (a
# metrics window without records), and following _next converges:
#   - metrics in 20 s windows (a row comes due once a minute, so most
#     windows are empty): walking _next from 0 passes every listed batch in
#     order, rejoining the chain through the empty steps, whose
#     <token>.jsonl read as empty files; all of it from the records, with
#     no API call;
#   - a refresh soon after another moves the head through an empty window
#     cut at its start: _next of the old head names the new head (it used
#     to be read again on demand, up to a later "now", and named another);
#   - following _next from tokens that are not listed reaches a token whose
#     _next is itself, on metrics, orders and events, reading on the way
#     exactly the API's records after the start, up to the last refresh.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 3
printf secret >"$T/pw"
chmod 600 "$T/pw"
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "metrics", "table_configuration": {"window_seconds": "20"}}},
  {"table": {"source_table": "orders", "table_configuration": {"max_records_per_batch": "50"}}},
  {"table": {"source_table": "events", "table_configuration": {"max_records_per_batch": "30", "limit": "20"}}}
]}}
EOF
M=$T/mnt
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12,spec="$T/spec.json",debug
X=$M/metrics/changes
calls() { jq .api.calls "$M/_status.json"; }
next_of() { jq -r .token "$1/_next.$2" || fail "$1/_next.$2"; }

# walk DIR FROM TO: follows _next from FROM to TO, checking that the tokens
# it meets that are not listed (in $T/names) are empty steps; counts the
# listed ones in $listed (they must come in order) and the empty in $empty.
walk() {
	mapfile -t names <"$T/names"
	tok=$2 listed=0 empty=0
	while [ "$tok" != "$3" ]; do
		if [ "$tok.jsonl" = "${names[$listed]:-}" ]; then
			listed=$((listed + 1))
		else
			grep -qx "$tok.jsonl" "$T/names" && fail "$1: the walk met $tok.jsonl out of order"
			[ "$(stat -c %s "$1/$tok.jsonl")" = 0 ] || fail "$1: the step $tok is not empty"
			[ -z "$(cat "$1/$tok.jsonl")" ] || fail "$1: the step $tok reads records"
			empty=$((empty + 1))
		fi
		nxt=$(next_of "$1" "$tok")
		[[ "$nxt" > "$tok" && ! "$nxt" > "$3" ]] || fail "$1: _next.$tok is $nxt, not after it and up to $3"
		tok=$nxt
	done
}

# ---- the walk from 0 through the empty steps, from the records alone.
ls "$X" | grep '\.jsonl$' >"$T/names" || fail "ls metrics/changes"
head=$(jq -r .token "$X/_offset") || fail "metrics: _offset"
c0=$(calls)
walk "$X" 0 "$head"
assert_eq "$(wc -l <"$T/names")" "$listed" "metrics: listed batches met by the walk from 0"
[ "$empty" -ge 10 ] || fail "metrics: only $empty empty steps: too few to test"
assert_eq "$c0" "$(calls)" "metrics: API calls while walking the recorded steps"
grep -q "step .*: 0 records, ends at" "$T/daemon.log" || fail "no debug line for an empty step"

# ---- empty steps up to a refresh's start, between two listings: _next
# from the old head leads to the new one.
for attempt in 1 2 3 4 5; do
	h1=$(jq -r .token "$X/_offset")
	sleep 1.2
	ls "$X" | grep '\.jsonl$' >"$T/names" || fail "ls metrics/changes"
	h2=$(jq -r .token "$X/_offset")
	# A row may have come due in between: then try again.
	[ "$h2" != "$h1" ] && ! grep -qx "$h1.jsonl" "$T/names" && break
	[ "$attempt" -lt 5 ] || fail "metrics: no empty step between two listings in 5 tries"
done
sleep 1.2 # a later "now" would end elsewhere
c0=$(calls)
walk "$X" "$h1" "$h2"
assert_eq "$c0" "$(calls)" "metrics: API calls while walking from the old head"

# converge DIR TOKEN OUT: follows _next from TOKEN, appending the records
# on the way to OUT, to a token whose _next is itself; prints that token.
converge() {
	tok=$2
	: >"$3"
	for _ in $(seq 100); do
		jq -c . "$1/$tok.jsonl" >>"$3" || fail "$1/$tok.jsonl"
		nxt=$(next_of "$1" "$tok")
		if [ "$nxt" = "$tok" ]; then
			printf '%s\n' "$tok"
			return 0
		fi
		tok=$nxt
	done
	fail "$1: following _next from $2 does not converge in 100 steps (at $tok)"
}

# ---- metrics: from a token a minute and a half before the head, between
# windows: on demand, window after window, to the last refresh's cap.
ls "$X" >/dev/null || fail "ls metrics/changes"
cap=$(jq -r .offset.cursor "$X/_offset")
head=$(jq -r .token "$X/_offset")
t=$(date -u -d "@$(($(date -u -d "$cap" +%s) - 90))" +%Y-%m-%dT%H:%M:%S).123456+00:00
fixed=$(converge "$X" "$(cursor_token "$t")" "$T/m.got")
assert_eq "$head" "$fixed" "metrics: the token _next converges on"
api_all_records metrics "&since=$(urlq "$t")&until=$(urlq "$cap")" >"$T/m.want"
cmp -s "$T/m.want" "$T/m.got" ||
	fail "metrics: the records on the way differ from the API's: $(diff "$T/m.want" "$T/m.got" | head -4)"
# It stays converged: the same token, read again later, is still itself.
sleep 1.2
assert_eq "$fixed" "$(next_of "$X" "$fixed")" "metrics: _next of the fixed point, later"

# ---- orders and events: from the cursor of a record inside a batch.
for o in "orders updated_at" "events created_at"; do
	set -- $o
	D=$M/$1/changes
	ls "$D" >/dev/null || fail "ls $1/changes"
	head=$(jq -r .token "$D/_offset")
	api_all_records "$1" >"$T/$1.all"
	c=$(sed -n 17p "$T/$1.all" | jq -r ".$2")
	fixed=$(converge "$D" "$(cursor_token "$c")" "$T/$1.got")
	assert_eq "$head" "$fixed" "$1: the token _next converges on"
	tail -n +18 "$T/$1.all" >"$T/$1.want"
	cmp -s "$T/$1.want" "$T/$1.got" ||
		fail "$1: the records on the way differ from the API's: $(diff "$T/$1.want" "$T/$1.got" | head -4)"
done
exit 0
