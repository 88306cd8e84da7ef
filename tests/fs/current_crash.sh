#!/bin/bash
# SPDX-License-Identifier: MIT
# A daemon killed with kill -9 while it brings current.jsonl up to date
# loses nothing and applies nothing twice: with hundreds of batches of
# orders (SCD type 2) published, a stat of current.jsonl starts applying
# them; once the view's database (read beside it, in the cache) records
# some but not all, the daemon is stopped and killed. More writes follow
# while nothing is mounted; after a remount current.jsonl and history.jsonl
# equal the model of the rules, the database records every batch of
# changes/ and deletes/ exactly once with its rows, and the second daemon
# applied exactly the batches the first had not.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
CM=$top_srcdir/tests/fs/table_model.py
export top_srcdir

start_server api --error-rate 0.05 --quiet --seed 13 --scale 100
printf secret >"$T/pw"
chmod 600 "$T/pw"
cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"object": [
  {"table": {"source_table": "orders",
             "table_configuration": {"scd_type": "SCD_TYPE_2",
                                     "max_records_per_batch": "20"}}}
]}}
EOF
M=$T/mnt
mnt() {
	mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
		-o cache_dir="$T/cache",spec="$T/spec.json",refresh=0,retries=12,debug
}
# The view's database, in the cache (a glob: expanded where it is used).
DB="$T/cache/*/chains/orders/view.sqlite"

mnt
$PY "$CM" write "$SERVER_URL" 1 30 || fail "the writes failed"
# Publish the batches first (a refresh), so the stat below only applies.
total=$(ls "$M/orders/changes" "$M/orders/deletes" | grep -c '\.jsonl$')
[ "$total" -gt 200 ] || fail "only $total batches: too few to stop in the middle"

# Stops and kills the daemon once the database holds some of the batches but
# not all; prints how many it holds then.
stat -c %s "$M/orders/current.jsonl" >/dev/null 2>&1 &
statpid=$!
$PY - "$DAEMON_PID" "$total" $DB <<'EOF' || fail "could not kill the daemon in the middle of the update"
import os, signal, sqlite3, sys, time
pid, total, db = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def applied():
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            return c.execute("SELECT count(*) FROM batches").fetchone()[0]
        finally:
            c.close()
    except sqlite3.Error:
        return 0  # not made yet

deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    n = applied()
    if n >= total:
        sys.exit("the update ended before it could be stopped (%d batches)" % n)
    if n > 0:
        os.kill(pid, signal.SIGSTOP)
        n = applied()
        os.kill(pid, signal.SIGKILL)
        if n >= total:
            sys.exit("the update ended before it was stopped")
        sys.exit(0)
    time.sleep(0.002)
sys.exit("the update never started")
EOF
wait "$statpid" "$DAEMON_PID" 2>/dev/null
# What the killed daemon committed: opening the database recovers it, as the
# next daemon will (a commit it wrote but had not yet shown to readers counts).
killed=$($PY -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM batches").fetchone()[0])' $DB) ||
	fail "cannot read the database"
echo "killed after $killed of $total batches"
[ "$killed" -gt 0 ] && [ "$killed" -lt "$total" ] || fail "killed after $killed of $total batches"

$PY "$CM" write "$SERVER_URL" 2 20 || fail "the writes failed"
lines=$(wc -l <"$T/daemon.log")
mnt
$PY "$CM" check "$M" orders >"$T/check.out" 2>&1 ||
	fail "after kill -9 and a remount: $(cat "$T/check.out")"
cat "$T/check.out"

# Every batch recorded once, with the rows its file holds.
for s in changes deletes; do
	ls "$M/orders/$s" | grep '\.jsonl$' | sed 's/\.jsonl$//' | sort >"$T/$s.tokens"
	for t in $(cat "$T/$s.tokens"); do
		printf '%s %s\n' "$t" "$(wc -l <"$M/orders/$s/$t.jsonl")"
	done >"$T/$s.want"
done
$PY - $DB "$T" <<'EOF' || fail "the database does not record each batch once"
import sqlite3, sys
db, tmp = sys.argv[1], sys.argv[2]
c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
for s, name in ((0, "changes"), (1, "deletes")):
    got = ["%s %d\n" % r for r in c.execute(
        "SELECT token, rows FROM batches WHERE stream = ? ORDER BY token", (s,))]
    want = open("%s/%s.want" % (tmp, name)).readlines()
    if got != want:
        sys.exit("%s: the database records %d batches, the chain has %d: %r"
                 % (name, len(got), len(want),
                    [(a, b) for a, b in zip(got, want) if a != b][:3]))
EOF
# The second daemon applied exactly what the first had not.
now=$(cat "$T/changes.tokens" "$T/deletes.tokens" | wc -l)
applied=$(tail -n +"$((lines + 1))" "$T/daemon.log" |
	grep -o " orders: applied [0-9]* batches of" | awk '{ s += $3 } END { print s + 0 }')
assert_eq "$((now - killed))" "$applied" "batches applied after the remount"
grep "lakeflowfs: error:" "$T/daemon.log" && fail "the daemon logged errors"
exit 0
