#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The current table of a lakeflowfs object, with pandas.

    query_pandas.py MOUNT OBJECT [--group-by COL] [--sum COL] [--out FILE]

Reads MOUNT/OBJECT/current.jsonl with pandas.read_json(lines=True): the
destination table as a Lakeflow pipeline's AUTO CDC flow holds it after
every batch of changes/ and deletes/, which lakeflowfs brings up to date
when the file is read. The merge is the mount's: for each primary key
(metadata.json's primary_keys) the row with the greatest sequence_by value
(by default the cursor field) wins, and a key whose winning change is a
tombstone from deletes/ is gone (the README tells every rule: ties, late
rows, deletes). For products current.jsonl is its snapshot; events,
append-only, has no current table.

Prints a small summary: the number of current rows, then rows and the sum of
--sum per value of --group-by (by default "status" and "amount" when the
object has them, as orders does). --out FILE writes the current table as
JSON lines, one row per key in key order, columns in schema.json's order.

Needs pandas (Debian: apt-get install python3-pandas). Exit status: 0, 1 a
read failed, 2 bad arguments or an object without a current table.
"""
import argparse
import json
import math
import os
import sys

try:
    import pandas as pd
except ImportError:
    sys.exit("query_pandas.py: pandas is not installed (apt-get install python3-pandas)")


def die(status, msg):
    print("query_pandas.py: " + msg, file=sys.stderr)
    sys.exit(status)


def current_table(mount, obj):
    """The current table of MOUNT/OBJ, in key order, schema.json's columns."""
    base = os.path.join(mount, obj)
    with open(os.path.join(base, "metadata.json")) as f:
        meta = json.load(f)
    with open(os.path.join(base, "schema.json")) as f:
        columns = [fld["name"] for fld in json.load(f)["fields"]]
    path = os.path.join(base, "current.jsonl")
    if not os.path.exists(path) and meta.get("ingestion_type") == "append":
        die(2, "%s has no current.jsonl: it is append-only, with no primary key; "
            "its rows are changes/" % obj)
    if not os.path.exists(path):
        die(2, "%s has no current.jsonl: this lakeflowfs serves no destination "
            "table (ingestion type %s)" % (obj, meta.get("ingestion_type")))
    if os.stat(path).st_size == 0:
        return pd.DataFrame(columns=columns)
    # dtype/convert_dates off: timestamps stay the strings the API wrote.
    table = pd.read_json(path, lines=True, dtype=False, convert_dates=False)
    return table.reindex(columns=columns)


def plain(v):
    """A pandas cell as the JSON value it was read from (NaN is null)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def summary(obj, table, group_by, total):
    print("%s: %d current rows (current.jsonl)" % (obj, len(table)))
    if group_by not in table.columns:
        return
    g = table.assign(_g=table[group_by].fillna("(null)"))
    agg = g.groupby("_g", sort=True).size().to_frame("rows")
    if total in table.columns:
        agg[total] = g.groupby("_g", sort=True)[total].sum(min_count=0)
    print("%-12s %6s %14s" % (group_by, "rows", total if total in agg else ""))
    for value, row in agg.iterrows():
        print("%-12s %6d %14s" % (value, row["rows"],
                                  "%.2f" % row[total] if total in agg else ""))
    print("%-12s %6d %14s" % ("(all)", len(table),
                              "%.2f" % table[total].sum() if total in agg else ""))


def main(argv):
    ap = argparse.ArgumentParser(prog="query_pandas.py",
                                 description="the current table of a lakeflowfs object")
    ap.add_argument("mount")
    ap.add_argument("object")
    ap.add_argument("--group-by", default="status")
    ap.add_argument("--sum", default="amount")
    ap.add_argument("--out", help="write the current table here as JSON lines")
    args = ap.parse_args(argv)
    if not os.path.isfile(os.path.join(args.mount, args.object, "metadata.json")):
        die(2, "%s is not an object of a lakeflowfs mount (no metadata.json)"
            % os.path.join(args.mount, args.object))
    try:
        table = current_table(args.mount, args.object)
    except (OSError, ValueError) as e:
        die(1, str(e))
    if args.out:
        with open(args.out, "w") as f:
            for rec in table.to_dict(orient="records"):
                f.write(json.dumps({k: plain(v) for k, v in rec.items()}) + "\n")
    summary(args.object, table, args.group_by, args.sum)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
