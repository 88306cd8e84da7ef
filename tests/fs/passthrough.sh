#!/bin/bash
# SPDX-License-Identifier: MIT
# Records pass through with the server's bytes. A source that answers
# pretty-printed pages ("next_page" first, an extra member, strings with
# quotes, a backslash, control characters, accents and an emoji, and every
# non-ASCII character, '/' and '+' written as \u or \/ escapes;
# tests/fs/badserver.py --mode pretty): snapshot.jsonl and changes/0.jsonl
# hold each record as one line, exactly as the server wrote it but for the
# whitespace between tokens, escapes kept. The cursors are read decoded:
# _offset names the last record's updated_at with a plain '+', and the next
# refresh asks from it. snapshot.csv holds the strings decoded.
. "$top_srcdir/tests/lib.sh"
need_fuse

/usr/bin/python3 "$top_srcdir/tests/fs/badserver.py" --port-file "$T/bad.port" \
	--mode pretty 2>"$T/bad.log" &
SERVER_PID=$!
SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
wait_for_file "$T/bad.port" 20 "$SERVER_PID"
SERVER_URL="http://127.0.0.1:$(cat "$T/bad.port")"
M=$T/mnt
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache",refresh=0

# What the lines must be: each record as the server encodes it, compact.
/usr/bin/python3 - "$top_srcdir/tests/fs/badserver.py" "$SERVER_URL" >"$T/want" <<'PY' ||
import base64, json, sys, urllib.request
src, url = sys.argv[1], sys.argv[2]
bad = {}
exec(open(src).read().split("\ndef main")[0], bad)
auth = "Basic " + base64.b64encode(b"tester:secret").decode()
page = 1
while page:
    req = urllib.request.Request("%s/tables/users/records?page=%d" % (url, page),
                                 headers={"Authorization": auth})
    body = json.loads(urllib.request.urlopen(req).read())
    for r in body["records"]:
        print(bad["escaped_json"](r, separators=(",", ":")))
    page = body["next_page"]
PY
	fail "reading the pages"
assert_eq 37 "$(wc -l <"$T/want")" "records the server has"
grep -qF '\u00e9 \"q\" \\ \/ \t\n\u0001 \ud83d\ude00' "$T/want" ||
	fail "the expected lines lack the escapes: $(head -n 1 "$T/want")"

cat "$M/users/snapshot.jsonl" >"$T/got" || fail "cat snapshot.jsonl"
cmp -s "$T/want" "$T/got" ||
	fail "snapshot.jsonl is not the server's bytes: $(diff "$T/want" "$T/got" | head -n 4)"
jq -e -s 'length == 37 and all(.[]; .display_name | endswith(" caf\u00e9 \"q\" \\ / \t\n\u0001 \ud83d\ude00"))' \
	"$T/got" >/dev/null || fail "jq does not read the lines as the records"

# The first batch is the same lines; its end is the last cursor, decoded.
ls "$M/users/changes" >"$T/ls" || fail "ls changes/"
assert_eq "0.jsonl" "$(grep '\.jsonl$' "$T/ls" | xargs)" "changes/ after one refresh"
cmp -s "$T/want" "$M/users/changes/0.jsonl" || fail "changes/0.jsonl is not the server's bytes"
last=$(tail -n 1 "$T/want" | jq -r .updated_at)
case $last in *+00:00) ;; *) fail "the last cursor is not a timestamp: $last" ;; esac
jq -e --arg c "$last" '.offset.cursor == $c' "$M/users/changes/_offset" >/dev/null ||
	fail "_offset is not the last cursor decoded ($last): $(cat "$M/users/changes/_offset")"
# The next refresh asks from that cursor, sent decoded ('+' as %2B), and
# finds nothing after it.
ls "$M/users/changes" >"$T/ls" || fail "ls changes/ again"
assert_eq "0.jsonl" "$(grep '\.jsonl$' "$T/ls" | xargs)" "changes/ after a second refresh"
enc=$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$last")
grep -qF "since=$enc" "$T/bad.log" ||
	fail "no page was asked for since=$enc: $(grep since "$T/bad.log" | head -n 3)"

# snapshot.csv: the strings decoded, quoted where they must be.
/usr/bin/python3 - "$M/users" <<'PY' || fail "snapshot.csv does not hold the records"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.reader(open(d + "/snapshot.csv", newline="")))
recs = [json.loads(l) for l in open(d + "/snapshot.jsonl")]
assert rows[0] == ["user_id", "email", "display_name", "status", "updated_at"], rows[0]
assert len(rows) == len(recs) + 1, len(rows)
for row, rec in zip(rows[1:], recs):
    assert row == [rec[k] for k in rows[0]], (row, rec)
PY
grep -F 'caf' "$M/users/snapshot.csv" | head -n 1 | grep -qF '""q""' ||
	fail "quotes not doubled in snapshot.csv"
unmount_fs "$M"
