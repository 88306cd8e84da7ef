#!/bin/bash
# SPDX-License-Identifier: MIT
# snapshot.csv, read by Python's csv module, equals snapshot.jsonl field by
# field: header from the schema, nested struct fields as value.count etc.,
# null as an empty field, numbers written as the API wrote them.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0.1 --null-rate 0.3 --quiet
printf '%s' secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o url="$SERVER_URL",username=tester,password_file="$T/pw",cache_dir="$T/cache"

# Writes tricky strings into the data: commas, quotes, newlines, unicode.
api -X POST -H 'Content-Type: application/json' \
	-d '{"user_id":"user_9001","email":"a,b@example.com","display_name":"Say \"hi\"\nthen go","status":""}' \
	/tables/users/records >/dev/null || fail "cannot upsert a user"
api -X POST -H 'Content-Type: application/json' \
	-d '{"product_id":"prod_9999","name":"Caf\u00e9, \"deluxe\"\r\nline","price":12.5,"category":null}' \
	/tables/products/records >/dev/null || fail "cannot insert a product"

for o in products events users orders metrics; do
	assert_eq "$(wc -c <"$M/$o/snapshot.csv")" "$(stat -c %s "$M/$o/snapshot.csv")" "$o: csv size"
	/usr/bin/python3 - "$M/$o" <<'PY' || fail "$o: csv and jsonl differ"
import csv, json, sys
d = sys.argv[1]
schema = json.load(open(d + "/schema.json"))

def columns(fields, prefix=""):
    for f in fields:
        t = f["type"]
        if isinstance(t, dict):
            yield from columns(t["fields"], prefix + f["name"] + ".")
        else:
            yield prefix + f["name"], t

cols = list(columns(schema["fields"]))
with open(d + "/snapshot.csv", newline="") as fh:
    rows = list(csv.reader(fh))
records = [json.loads(l) for l in open(d + "/snapshot.jsonl")]
raw = [l for l in open(d + "/snapshot.jsonl")]
assert rows[0] == [c for c, _ in cols], ("header", rows[0])
assert len(rows) - 1 == len(records), ("row count", len(rows) - 1, len(records))

def lookup(rec, path):
    for part in path.split("."):
        if rec is None:
            return None
        rec = rec.get(part)
    return rec

for i, (row, rec) in enumerate(zip(rows[1:], records)):
    assert len(row) == len(cols), (i, "width", row)
    for (name, typ), cell in zip(cols, row):
        v = lookup(rec, name)
        if v is None:
            assert cell == "", (i, name, "null written as", cell)
        elif typ in ("long", "double"):
            assert json.loads(cell) == v and type(json.loads(cell)) == type(v), (i, name, cell, v)
            assert cell in raw[i], (i, name, "number text changed", cell)
        else:
            assert cell == v, (i, name, cell, v)
PY
done
grep -q 'Say ""hi""' "$M/users/snapshot.csv" || fail "quotes not doubled in CSV"
