#!/bin/bash
# SPDX-License-Identifier: MIT
# Honest counters and a debug log that tells every request. Against a
# healthy server (--error-rate 0), snapshot reads leave api.errors at 0:
# pages fetched ahead past the end and then cancelled are counted as
# api.cancelled, never as errors. With -o debug, every HTTP attempt is one
# log line with its method, URL (no credentials), status, bytes, time and
# attempt number, and the cache says what it decided for each file.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --latency-ms 20 --scale 5 --quiet
printf 'secret\n' >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw,cache_dir=$T/cache,debug"

for o in products events users orders metrics; do
	wc -l "$M/$o/snapshot.jsonl" >/dev/null || fail "read $o"
done
s=$M/_status.json
jq -e '.api.errors == 0 and .api.errors_by_status == {} and (.api.cancelled | type) == "number"' \
	"$s" >/dev/null || fail "a healthy server's reads counted errors: $(jq -c .api "$s")"

# -o debug: one line per HTTP attempt, as many as the calls counted.
port=${SERVER_URL##*:}
re="debug: .*GET http://127\.0\.0\.1:$port/[^ ]*: (HTTP [0-9]{3}, [0-9]+ bytes|cancelled, [0-9]+ bytes|[^,]+), [0-9]+ ms, attempt [0-9]+/[0-9]+$"
assert_eq "$(jq .api.calls "$s")" "$(grep -Ec "$re" "$T/daemon.log")" \
	"request lines in the debug log (one per API call)"
grep -Eq "GET http://127\.0\.0\.1:$port/tables/orders/records\?page=1: HTTP 200, [0-9]+ bytes, [0-9]+ ms, attempt 1/5$" \
	"$T/daemon.log" || fail "no request line for page 1 of orders: $(grep -m3 GET "$T/daemon.log")"
if grep -q secret "$T/daemon.log"; then
	fail "the password shows in the debug log"
fi

# ... and one line per cache decision.
cat "$M/orders/snapshot.jsonl" >/dev/null
for line in "cache: orders/snapshot.jsonl: missing: making it" \
	"cache: orders/snapshot.jsonl: produced: [0-9]+ records in [0-9]+ pages" \
	"cache: orders/snapshot.jsonl: hit: fresh, served from the cache"; do
	grep -Eq "$line" "$T/daemon.log" || fail "no debug line '$line'"
done
