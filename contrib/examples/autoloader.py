# SPDX-License-Identifier: MIT
"""Stream a lakeflowfs object's changes into a table with Spark.

    spark-submit autoloader.py MOUNT OBJECT TARGET [options]

Reads MOUNT/OBJECT/changes/ (and deletes/, in merge mode) as a stream of
JSON files, with the schema from MOUNT/OBJECT/schema.json
(StructType.fromJson), and writes every batch not seen before to TARGET,
then stops: trigger(availableNow=True), so run it from a scheduler. The
checkpoint remembers which files were consumed; lakeflowfs never changes a
listed batch file and Spark skips its "_"-prefixed control files, so each
change is read exactly once.

  --source cloudFiles   Databricks Auto Loader (directory listing mode)
  --source json         Spark's own file stream source (the default)
  --mode append         append every change row to TARGET (parquet or delta)
  --mode merge          SCD type 1: MERGE each micro-batch into the Delta
                        table TARGET on metadata.json's primary keys, newest
                        cursor wins, tombstones from deletes/ delete the row
                        (needs Delta Lake: delta-spark)
  --format parquet|delta, --checkpoint DIR (default TARGET + "_checkpoint"
  for a path target), --dry-run (print the plan as JSON; needs no Spark).

TARGET is a path when it contains "/", else a table name.

The plan (paths, reader options, schema, merge statement) is built by plain
Python functions below, which need no Spark; Spark is imported in run() only.
Note for merge mode: changes/ and deletes/ refresh independently; both are
read in one union stream so a micro-batch merges the rows of both in cursor
order, and a row is only replaced or deleted by a newer cursor.
"""
import argparse
import importlib.util
import json
import os
import sys

SCHEMA_TYPES = ("string", "long", "double", "timestamp", "date", "boolean", "integer")


def die(status, msg):
    print("autoloader.py: " + msg, file=sys.stderr)
    sys.exit(status)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="autoloader.py",
                                 description="stream a lakeflowfs object's changes into a table")
    ap.add_argument("mount")
    ap.add_argument("object")
    ap.add_argument("target", help="a path (contains '/') or a table name")
    ap.add_argument("--source", choices=("json", "cloudFiles"), default="json")
    ap.add_argument("--mode", choices=("append", "merge"), default="append")
    ap.add_argument("--format", choices=("parquet", "delta"), default=None)
    ap.add_argument("--checkpoint")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    if args.format is None:
        args.format = "delta" if args.mode == "merge" else "parquet"
    if args.mode == "merge" and args.format != "delta":
        ap.error("--mode merge needs --format delta (MERGE INTO is a Delta Lake operation)")
    if args.checkpoint is None:
        if not is_path(args.target):
            ap.error("a table TARGET needs --checkpoint DIR")
        args.checkpoint = args.target.rstrip("/") + "_checkpoint"
    if "/" in args.object or args.object.startswith("."):
        ap.error("OBJECT is a directory name of the mount, e.g. orders")
    return args


def is_path(target):
    return "/" in target


def stream_path(mount, obj, kind="changes"):
    """The directory to stream, as Spark wants it: file://, absolute, trailing /."""
    return "file://" + os.path.join(os.path.abspath(mount), obj, kind) + "/"


def reader_format(source):
    return "cloudFiles" if source == "cloudFiles" else "json"


def reader_options(source):
    """Options of spark.readStream for the batch files of one directory."""
    opts = {
        "pathGlobFilter": "*.jsonl",  # batches only (Spark skips "_" files anyway)
        "mode": "FAILFAST",           # a malformed line stops the stream, never drops rows
    }
    if source == "cloudFiles":
        opts.update({
            "cloudFiles.format": "json",
            "cloudFiles.useNotifications": "false",   # listing: each listing is a refresh
            "cloudFiles.includeExistingFiles": "true",
            "cloudFiles.schemaEvolutionMode": "none",  # schema.json is the schema
        })
    return opts


def load_schema(path):
    """schema.json as the dict StructType.fromJson takes; ValueError if it is not one."""
    with open(path) as f:
        schema = json.load(f)
    if not isinstance(schema, dict) or schema.get("type") != "struct":
        raise ValueError("%s: not a StructType (type is not \"struct\")" % path)
    check_fields(path, schema.get("fields"))
    return schema


def check_fields(path, fields):
    if not isinstance(fields, list) or not fields:
        raise ValueError("%s: no fields" % path)
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise ValueError("%s: a field without a name: %r" % (path, f))
        if not isinstance(f.get("nullable"), bool) or not isinstance(f.get("metadata"), dict):
            raise ValueError("%s: field %s lacks nullable or metadata" % (path, f["name"]))
        t = f.get("type")
        if isinstance(t, dict):
            if t.get("type") != "struct":
                raise ValueError("%s: field %s: unsupported type %r" % (path, f["name"], t))
            check_fields(path, t.get("fields"))
        elif t not in SCHEMA_TYPES:
            raise ValueError("%s: field %s: unknown type %r" % (path, f["name"], t))


def merge_spec(columns, keys, cursor):
    """The MERGE of one micro-batch: source s (with a boolean _deleted) into target t."""
    if not keys or not cursor:
        raise ValueError("merge needs primary keys and a cursor field (append-only object?)")
    newer = "s.`%s` >= t.`%s`" % (cursor, cursor)
    return {
        "on": " AND ".join("t.`%s` = s.`%s`" % (k, k) for k in keys),
        "delete_when": "s._deleted AND " + newer,
        "update_when": "NOT s._deleted AND " + newer,
        "insert_when": "NOT s._deleted",
        "set": {c: "s.`%s`" % c for c in columns},
    }


def plan(args):
    """Everything run() does, as data."""
    base = os.path.join(args.mount, args.object)
    if not os.path.isdir(os.path.join(base, "changes")):
        raise ValueError("%s has no changes/ directory: read its snapshot.jsonl instead" % base)
    schema = load_schema(os.path.join(base, "schema.json"))
    with open(os.path.join(base, "metadata.json")) as f:
        meta = json.load(f)
    p = {
        "format": reader_format(args.source),
        "options": reader_options(args.source),
        "schema": schema,
        "paths": {"changes": stream_path(args.mount, args.object)},
        "mode": args.mode,
        "sink_format": args.format,
        "target": args.target,
        "checkpoint": args.checkpoint,
        "trigger": {"availableNow": True},
    }
    if args.mode == "merge":
        columns = [f["name"] for f in schema["fields"]]
        p["merge"] = merge_spec(columns, meta.get("primary_keys"), meta.get("cursor_field"))
        p["keys"] = meta["primary_keys"]
        p["cursor"] = meta["cursor_field"]
        if os.path.isdir(os.path.join(base, "deletes")):
            p["paths"]["deletes"] = stream_path(args.mount, args.object, "deletes")
    return p


def run(p):
    """Runs the plan on Spark until every available batch is written."""
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType
    from pyspark.sql.window import Window

    spark = SparkSession.builder.appName("lakeflowfs-autoloader").getOrCreate()
    schema = StructType.fromJson(p["schema"])

    def read(path):
        return (spark.readStream.format(p["format"]).options(**p["options"])
                .schema(schema).load(path))

    if p["mode"] == "append":
        w = (read(p["paths"]["changes"]).writeStream.format(p["sink_format"])
             .option("checkpointLocation", p["checkpoint"]).outputMode("append")
             .trigger(availableNow=True))
        q = w.start(p["target"]) if is_path(p["target"]) else w.toTable(p["target"])
        q.awaitTermination()
        return

    from delta.tables import DeltaTable

    rows = read(p["paths"]["changes"]).withColumn("_deleted", F.lit(False))
    if "deletes" in p["paths"]:
        rows = rows.unionByName(read(p["paths"]["deletes"]).withColumn("_deleted", F.lit(True)))
    m = p["merge"]

    def target_table():
        if is_path(p["target"]):
            return DeltaTable.forPath(spark, p["target"])
        return DeltaTable.forName(spark, p["target"])

    def upsert(batch, batch_id):
        # Newest row per key (a tombstone wins a tie), then one MERGE.
        order = Window.partitionBy(*p["keys"]).orderBy(F.col(p["cursor"]).desc(),
                                                       F.col("_deleted").desc())
        latest = (batch.withColumn("_n", F.row_number().over(order))
                  .where("_n = 1").drop("_n"))
        exists = (DeltaTable.isDeltaTable(spark, p["target"]) if is_path(p["target"])
                  else spark.catalog.tableExists(p["target"]))
        if not exists:
            first = latest.where("NOT _deleted").drop("_deleted").write.format("delta")
            first.save(p["target"]) if is_path(p["target"]) else first.saveAsTable(p["target"])
            return
        (target_table().alias("t").merge(latest.alias("s"), m["on"])
         .whenMatchedDelete(condition=m["delete_when"])
         .whenMatchedUpdate(condition=m["update_when"], set=m["set"])
         .whenNotMatchedInsert(condition=m["insert_when"], values=m["set"])
         .execute())

    (rows.writeStream.foreachBatch(upsert)
     .option("checkpointLocation", p["checkpoint"])
     .trigger(availableNow=True).start().awaitTermination())


def main(argv):
    args = parse_args(argv)
    try:
        p = plan(args)
    except (OSError, ValueError) as e:
        die(2, str(e))
    if args.dry_run:
        json.dump(p, sys.stdout, indent=2, sort_keys=True)
        print()
        return 0
    if importlib.util.find_spec("pyspark") is None:
        die(2, "pyspark is not installed: run this with spark-submit (or pip install pyspark), "
            "or pass --dry-run to see the plan")
    run(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
