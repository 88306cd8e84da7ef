#!/bin/bash
# SPDX-License-Identifier: MIT
# One listing of each changes/ directory drains it: against a server that
# fails 20% of its calls, the batches of users, orders, events, metrics and
# orders/deletes, concatenated in name order, are exactly the records up to
# the refresh, each once, in cursor order; and the chain is the connector's,
# batch by batch: tokens name the start offsets, batches are whole pages
# reaching max_records_per_batch (events: pages of `limit`), metrics batches
# are window_seconds windows, _next.<token> and _offset name the ends.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.2 --quiet --seed 7
printf secret >"$T/pw"
chmod 600 "$T/pw"

# Tombstones first, so that deletes/ has something to drain.
DELETED="order_0005 order_0017 order_0042 order_0060 order_0099"
for k in $DELETED; do
	api_write -X DELETE "/tables/orders/records/$k" >>"$T/tombs" ||
		fail "DELETE $k"
done

cat >"$T/spec.json" <<'EOF'
{"pipeline_spec": {"connection_name": "x", "object": [
  {"table": {"source_table": "users",
             "table_configuration": {"max_records_per_batch": "30"}}},
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

# grab DIR NAME: lists DIR once (one refresh) and copies what it lists, every
# _next.<token> of it and _offset into $T/got/NAME; notes the time around
# the listing in .before and .after.
grab() {
	d=$1
	g=$T/got/$2
	mkdir -p "$g"
	now_ts >"$g/.before"
	ls -a "$d" >"$g/.ls" || fail "ls $d"
	now_ts >"$g/.after"
	grep '\.jsonl$' "$g/.ls" >"$g/.names"
	grep -vx -e . -e .. -e _offset "$g/.ls" | grep -v '\.jsonl$' >"$g/.other" &&
		fail "$d lists more than batches and _offset: $(cat "$g/.other")"
	grep -qx _offset "$g/.ls" || fail "$d does not list _offset"
	for f in $(cat "$g/.names"); do
		cat "$d/$f" >"$g/$f" || fail "cat $d/$f"
		assert_eq "$(wc -c <"$g/$f")" "$(stat -c %s "$d/$f")" "stat size of $d/$f"
		t=${f%.jsonl}
		cat "$d/_next.$t" >"$g/_next.$t" || fail "cat $d/_next.$t"
	done
	cat "$d/_offset" >"$g/_offset" || fail "cat $d/_offset"
}

cat >"$T/check.py" <<'EOF'
# check.py KIND DIR EXPECTED PAGE MAX WINDOW CURSOR_FIELD
# KIND: cdc (users, orders, deletes, events) or window (metrics).
import datetime as dt, json, math, re, sys

kind, g, expected, page, mx, window, cf = sys.argv[1:8]
page, mx, window = int(page), int(mx), int(window)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def fail(msg):
    print("FAIL: %s: %s" % (g, msg), file=sys.stderr)
    sys.exit(1)


def enc(c):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\+00:00", c)
    if m:
        return "%s%s%sT%s%s%s.%sZ" % m.groups()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", c):
        return c.replace("-", "")
    return "x" + c.encode().hex()


def dec(t):
    if t == "0":
        return None
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)\.(\d{6})Z", t)
    if m:
        return "%s-%s-%sT%s:%s:%s.%s+00:00" % m.groups()
    fail("token %s is not a timestamp token" % t)


def us(ts):
    return (dt.datetime.fromisoformat(ts) - EPOCH) // dt.timedelta(microseconds=1)


def ts(u):
    return (EPOCH + dt.timedelta(microseconds=u)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def offset_doc(cursor):
    return {"offset": {"cursor": cursor}, "token": enc(cursor), "epoch": 1}


def load_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (what, e))


names = open(g + "/.names").read().split()
if not names:
    fail("no batches listed")
if names[0] != "0.jsonl":
    fail("the first batch is %s, not 0.jsonl" % names[0])
if names != sorted(set(names)):
    fail("ls order is not byte order: %s" % names)

batches = []
for n in names:
    raw = open(g + "/" + n, "rb").read()
    if not raw:
        fail("%s is empty: only batches with records become files" % n)
    if not raw.endswith(b"\n"):
        fail("%s does not end with a newline" % n)
    try:
        batches.append([json.loads(l) for l in raw.decode().split("\n")[:-1]])
    except ValueError as e:
        fail("%s: not one JSON object per line: %s" % (n, e))

got = [r for b in batches for r in b]
want = [json.loads(l) for l in open(expected) if l.strip()]
if not want:
    fail("the API has no records: nothing to compare")
if [list(r.items()) for r in got] != [list(r.items()) for r in want]:
    gk = [r.get(cf) for r in got]
    wk = [r.get(cf) for r in want]
    fail("batches (%d records, %s .. %s) differ from the API (%d records, %s .. %s)"
         % (len(got), gk[:1], gk[-1:], len(want), wk[:1], wk[-1:]))
cursors = [r[cf] for r in got]
if any(a >= b for a, b in zip(cursors, cursors[1:])):
    fail("cursors do not strictly ascend")

B = math.ceil(mx / page) * page
if kind == "cdc" and len(names) != math.ceil(len(want) / B):
    fail("%d batches for %d records, expected %d of at most %d"
         % (len(names), len(want), math.ceil(len(want) / B), B))
if kind == "window" and len(names) < 2:
    fail("only %d batch: too few to test windows" % len(names))
print("%s: %d batches, %d records" % (g.rsplit("/", 1)[-1], len(names), len(got)))
for i, (n, b) in enumerate(zip(names, batches)):
    tok = n[:-len(".jsonl")]
    start = dec(tok)
    if kind == "window" and start is None:
        start = ts(us(want[0][cf]) - 1)  # delivers the oldest record
    if tok != "0" and enc(start) != tok:
        fail("%s: token does not round-trip" % n)
    bad = [r[cf] for r in b if start is not None and r[cf] <= start]
    if bad:
        fail("%s: record at %s is not after the start %s" % (n, bad[0], start))
    nxt = load_json(g + "/_next." + tok, "_next." + tok)
    last = i == len(names) - 1
    if kind == "cdc":
        end = b[-1][cf]
        if not last and len(b) != B:
            fail("%s: %d records, not %d (whole pages of %d reaching %d)"
                 % (n, len(b), B, page, mx))
        if last and len(b) > B:
            fail("%s: %d records, more than %d" % (n, len(b), B))
    else:
        wend = ts(us(start) + window * 1000000)
        late = [r[cf] for r in b if r[cf] > wend]
        if late:
            fail("%s: record at %s is past the window end %s" % (n, late[0], wend))
        end = wend
        if last:
            cap = load_json(g + "/_offset", "_offset")["offset"]["cursor"]
            end = min(wend, cap)
    if nxt != offset_doc(end):
        fail("_next.%s is %s, expected %s" % (tok, json.dumps(nxt), json.dumps(offset_doc(end))))
    if not last and names[i + 1] != enc(end) + ".jsonl":
        fail("%s follows %s, expected %s.jsonl" % (names[i + 1], n, enc(end)))

off = load_json(g + "/_offset", "_offset")
before = open(g + "/.before").read().strip()
after = open(g + "/.after").read().strip()
if kind == "cdc":
    if off != offset_doc(cursors[-1]):
        fail("_offset is %s, expected the last batch's end %s"
             % (json.dumps(off), json.dumps(offset_doc(cursors[-1]))))
else:
    if not isinstance(off, dict) or list(off) != ["offset", "token", "epoch"]:
        fail("_offset is %s" % json.dumps(off))
    cap = off["offset"]["cursor"]
    if off != offset_doc(cap):
        fail("_offset %s: token does not match the cursor" % json.dumps(off))
    if not before <= cap <= after:
        fail("_offset %s (the refresh start) is not within the listing %s .. %s"
             % (cap, before, after))
EOF

# check OBJECT-DIR NAME KIND EXPECTED PAGE MAX WINDOW CURSOR_FIELD
check() {
	/usr/bin/python3 "$T/check.py" "$3" "$T/got/$2" "$4" "$5" "$6" "$7" "$8" ||
		fail "$2: the chain does not follow the connector's rules"
}

# The cdc and append objects: every record is in the past already.
grab "$M/users/changes" users
grab "$M/orders/changes" orders
grab "$M/events/changes" events
grab "$M/orders/deletes" deletes
api_all_records users >"$T/users.want"
api_all_records orders >"$T/orders.want"
api_all_records events "&limit=50" >"$T/events.want"
api_all_path /tables/orders/deleted_records >"$T/deletes.want"
for o in users orders events deletes; do
	c=updated_at
	[ "$o" != events ] || c=created_at
	late=$(jq -r --arg c "$c" --arg b "$(cat "$T/got/$o/.before")" \
		'select(.[$c] > $b) | .[$c]' "$T/$o.want" | head -n 1)
	[ -z "$late" ] || fail "$o: the API has a record at $late, after the listing began"
done
check users users cdc "$T/users.want" 15 30 0 updated_at
check orders orders cdc "$T/orders.want" 40 50 0 updated_at
check events events cdc "$T/events.want" 20 30 0 created_at
check deletes deletes cdc "$T/deletes.want" 40 50 0 updated_at

# The deletes are exactly our tombstones: key and cursor set, the rest null.
assert_eq "$(jq -c . "$T/tombs")" "$(cat "$T"/got/deletes/*.jsonl | jq -c .)" "deletes/ vs the DELETE answers"
assert_eq "$(printf '%s\n' $DELETED)" "$(cat "$T"/got/deletes/*.jsonl | jq -r .order_id)" "deleted order ids"
cat "$T"/got/deletes/*.jsonl | jq -e -s 'length > 0 and all(.order_id != null and .updated_at != null and
	.user_id == null and .amount == null and .status == null)' >/dev/null ||
	fail "deletes/ holds something that is not a tombstone"
for k in $DELETED; do
	grep -q "\"order_id\":\"$k\"" "$T/orders.want" && fail "the API still has $k"
	cat "$T"/got/orders/*.jsonl | grep -q "\"order_id\": *\"$k\"" &&
		fail "orders/changes/ still has the deleted $k"
done

# metrics: rows keep coming due (one a minute); the refresh caps the chain
# at its start, which the drained chain's _offset names.
grab "$M/metrics/changes" metrics
cap=$(jq -r .offset.cursor "$T/got/metrics/_offset") || fail "metrics: _offset is not JSON"
api_all_records metrics "&since=1970-01-01T00:00:00.000000%2B00:00&until=$(urlq "$cap")" >"$T/metrics.want"
check metrics metrics window "$T/metrics.want" 100 200 600 updated_at
# ... and nothing already due when the listing began is missing.
due=$(api_all_records metrics "&since=$(urlq "$cap")&until=$(urlq "$(cat "$T/got/metrics/.before")")" | head -n 1)
[ -z "$due" ] || fail "metrics: $due was due before the listing but is not in changes/"
[ "$(wc -l <"$T/metrics.want")" -ge 20 ] || fail "metrics: only $(wc -l <"$T/metrics.want") rows due: too few to test windows"
exit 0
