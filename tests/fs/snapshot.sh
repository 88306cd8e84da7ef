#!/bin/bash
# SPDX-License-Identifier: MIT
# Against a separately started server that fails 30% of its calls, every
# object's snapshot.jsonl holds exactly the records direct curl reads return.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.3 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw" \
	-o cache_dir="$T/cache",retries=12

for o in products events users orders; do
	f=$M/$o/snapshot.jsonl
	api_all_records "$o" >"$T/$o.expected"
	[ -s "$T/$o.expected" ] || fail "$o: curl read nothing"
	jq -c . "$f" >"$T/$o.actual" || fail "$o: jq cannot parse a line"
	cmp -s "$T/$o.expected" "$T/$o.actual" ||
		fail "$o: snapshot differs from the API: $(diff "$T/$o.expected" "$T/$o.actual" | head -5)"
	assert_eq "$(wc -c <"$f")" "$(stat -c %s "$f")" "$o: size"
	assert_eq "$(head -n 1 "$T/$o.expected")" "$(head -n 1 "$f" | jq -c .)" "$o: head"
	assert_eq "$(tail -n 1 "$T/$o.expected")" "$(tail -n 1 "$f" | jq -c .)" "$o: tail"
	assert_eq "$(wc -l <"$T/$o.expected")" "$(sort -u "$T/$o.actual" | wc -l)" "$o: each record once"
done

# metrics is hidden and must be read with both bounds: compare with one
# curl window from before its first record to the moment after the read.
f=$M/metrics/snapshot.jsonl
before=$(date -u +%Y-%m-%dT%H:%M:%S.%6N+00:00)
jq -c . "$f" >"$T/metrics.actual" || fail "metrics: jq cannot parse a line"
last=$(tail -n 1 "$T/metrics.actual" | jq -r .updated_at)
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(printf %s "$last" | sed 's/+/%2B/')" >"$T/metrics.expected"
cmp -s "$T/metrics.expected" "$T/metrics.actual" || fail "metrics: snapshot differs from the API"
assert_eq "$(wc -c <"$f")" "$(stat -c %s "$f")" "metrics: size"
# ... and nothing that was already due when the read began was left out.
next=$(api_all_records metrics "&since=$(printf %s "$last" | sed 's/+/%2B/')&until=2999-01-01T00:00:00.000000%2B00:00" | head -n 1 | jq -r .updated_at)
[ -z "$next" ] || [ "$next" \> "$before" ] || fail "metrics: record at $next was due before $before but is missing"
