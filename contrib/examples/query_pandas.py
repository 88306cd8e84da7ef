#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The current table of a lakeflowfs object, with pandas.

    query_pandas.py MOUNT OBJECT [--group-by COL] [--sum COL] [--out FILE]

Reads MOUNT/OBJECT/snapshot.jsonl and every batch in MOUNT/OBJECT/changes/
(and deletes/, where the object has one) with pandas.read_json(lines=True),
and applies them SCD type 1 style: for each primary key (metadata.json's
primary_keys) the row with the greatest cursor (metadata.json's
cursor_field) wins, and a key whose winning row is a tombstone from deletes/
is dropped. The snapshot may be older than the changes (it is cached for
snapshot_ttl); the changes bring it up to date.

Prints a small summary: the number of current rows, then rows and the sum of
--sum per value of --group-by (by default "status" and "amount" when the
object has them, as orders does). --out FILE writes the current table as
JSON lines, one row per key in key order, columns in schema.json's order.

Needs pandas (Debian: apt-get install python3-pandas). Exit status: 0, 1 a
read failed, 2 bad arguments or an object this cannot merge.
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

SRC_SNAPSHOT, SRC_CHANGES, SRC_DELETES = 0, 1, 2


def die(status, msg):
    print("query_pandas.py: " + msg, file=sys.stderr)
    sys.exit(status)


def read_jsonl(path, columns):
    """One JSON-lines file as a DataFrame, values as the file has them."""
    if os.stat(path).st_size == 0:
        return pd.DataFrame(columns=columns)
    # dtype/convert_dates off: timestamps stay the strings the API wrote.
    return pd.read_json(path, lines=True, dtype=False, convert_dates=False)


def read_batches(directory, columns):
    """Every batch of a changes/ or deletes/ directory, in stream order."""
    names = sorted(n for n in os.listdir(directory)
                   if n.endswith(".jsonl") and not n.startswith(("_", ".")))
    frames = [read_jsonl(os.path.join(directory, n), columns) for n in names]
    if not frames:
        return pd.DataFrame(columns=columns), 0
    return pd.concat(frames, ignore_index=True), len(names)


def current_table(mount, obj):
    """(table, stats): the SCD type 1 current table of MOUNT/OBJ."""
    base = os.path.join(mount, obj)
    with open(os.path.join(base, "metadata.json")) as f:
        meta = json.load(f)
    with open(os.path.join(base, "schema.json")) as f:
        columns = [fld["name"] for fld in json.load(f)["fields"]]
    keys = meta.get("primary_keys") or []
    cursor = meta.get("cursor_field")
    snap = read_jsonl(os.path.join(base, "snapshot.jsonl"), columns)
    stats = {"snapshot": len(snap), "changes": 0, "deletes": 0, "batches": 0}
    if not os.path.isdir(os.path.join(base, "changes")):
        return snap.reindex(columns=columns), stats  # snapshot only: that is the table
    if not keys or not cursor:
        die(2, "%s has no primary key or cursor (ingestion type %s): nothing to merge; "
            "its rows are snapshot.jsonl plus changes/" % (obj, meta.get("ingestion_type")))

    parts = [snap.assign(_src=SRC_SNAPSHOT)]
    ch, n = read_batches(os.path.join(base, "changes"), columns)
    stats["changes"], stats["batches"] = len(ch), n
    parts.append(ch.assign(_src=SRC_CHANGES))
    if os.path.isdir(os.path.join(base, "deletes")):
        de, n = read_batches(os.path.join(base, "deletes"), columns)
        stats["deletes"], stats["batches"] = len(de), stats["batches"] + n
        parts.append(de.assign(_src=SRC_DELETES))
    rows = pd.concat(parts, ignore_index=True)
    rows["_seq"] = range(len(rows))
    rows["_ts"] = pd.to_datetime(rows[cursor], utc=True)
    # Latest cursor wins; on a tie a change beats the snapshot and a
    # tombstone beats both, then the later line in stream order.
    rows = rows.sort_values(["_ts", "_src", "_seq"], kind="mergesort")
    latest = rows.drop_duplicates(subset=keys, keep="last")
    latest = latest[latest["_src"] != SRC_DELETES]
    latest = latest.sort_values(keys, kind="mergesort")
    return latest.reindex(columns=columns).reset_index(drop=True), stats


def plain(v):
    """A pandas cell as the JSON value it was read from (NaN is null)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def summary(obj, table, stats, group_by, total):
    print("%s: %d current rows (snapshot.jsonl %d rows, %d batches: %d changes, %d deletes)"
          % (obj, len(table), stats["snapshot"], stats["batches"], stats["changes"],
             stats["deletes"]))
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
                                 description="SCD type 1 current table of a lakeflowfs object")
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
        table, stats = current_table(args.mount, args.object)
    except (OSError, ValueError) as e:
        die(1, str(e))
    if args.out:
        with open(args.out, "w") as f:
            for rec in table.to_dict(orient="records"):
                f.write(json.dumps({k: plain(v) for k, v in rec.items()}) + "\n")
    summary(args.object, table, stats, args.group_by, args.sum)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
