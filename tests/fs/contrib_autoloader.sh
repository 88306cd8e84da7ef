#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/examples/autoloader.py, without Spark (it cannot be installed
# here): it compiles; its argument handling refuses what it must; the
# schema.json of every incremental object of a real mount is valid input for
# its schema loader, which hands it to StructType.fromJson unchanged, and its
# field names are exactly the keys of the object's JSON lines; it streams
# file://MOUNT/OBJECT/changes/ with trigger(availableNow=True), and merges on
# metadata.json's keys and cursor. Spark's calls are checked against a stub
# pyspark that records them: that checks the script's wiring, not Spark.
. "$top_srcdir/tests/lib.sh"
need_fuse

PY=/usr/bin/python3
A=$top_srcdir/contrib/examples/autoloader.py
cp "$A" "$T/autoloader.py"
$PY -m py_compile "$T/autoloader.py" || fail "autoloader.py does not compile"

start_server api --error-rate 0.2 --quiet --seed 3
printf secret >"$T/pw"
chmod 600 "$T/pw"
M=$T/mnt
mount_fs "$M" -o "url=$SERVER_URL,username=tester,password_file=$T/pw" \
	-o cache_dir="$T/cache",refresh=1,retries=12

# refused ARGS...: autoloader.py exits 2 with a message; prints the message.
refused() {
	$PY "$A" "$@" >/dev/null 2>"$T/err" && fail "autoloader.py accepted: $*"
	rc=$?
	[ "$rc" = 2 ] || fail "autoloader.py $*: exit status $rc, not 2: $(cat "$T/err")"
	[ -s "$T/err" ] || fail "autoloader.py $*: no message"
	cat "$T/err"
}
assert_contains "$(refused)" "usage:" "no arguments"
assert_contains "$(refused "$M" orders "$T/t" --mode merge --format parquet)" "needs --format delta" "merge into parquet"
assert_contains "$(refused "$M" orders orders_table)" "needs --checkpoint" "a table target without a checkpoint"
assert_contains "$(refused "$M" products "$T/t")" "has no changes/" "products"
assert_contains "$(refused "$M" events "$T/t" --mode merge)" "primary keys" "merge of append-only events"
assert_contains "$(refused "$M" orders "$T/t" --source kafka)" "invalid choice" "an unknown source"
# Without pyspark (and without --dry-run) it says so instead of a traceback.
$PY -c 'import pyspark' 2>/dev/null && fail "pyspark is importable here: the no-pyspark check would not test anything"
assert_contains "$(refused "$M" orders "$T/t")" "pyspark is not installed" "a run without pyspark"

# The schema loader rejects what StructType.fromJson would not take.
mkdir -p "$T/fake/orders/changes"
cp "$M/orders/metadata.json" "$T/fake/orders/"
jq -c '.type = "strukt"' "$M/orders/schema.json" >"$T/fake/orders/schema.json"
assert_contains "$(refused "$T/fake" orders "$T/t" --dry-run)" "not a StructType" "a schema whose type is not struct"
jq -c 'del(.fields[1].nullable)' "$M/orders/schema.json" >"$T/fake/orders/schema.json"
assert_contains "$(refused "$T/fake" orders "$T/t" --dry-run)" "lacks nullable" "a field without nullable"
jq -c '.fields[2].type = "decimal(9"' "$M/orders/schema.json" >"$T/fake/orders/schema.json"
assert_contains "$(refused "$T/fake" orders "$T/t" --dry-run)" "unknown type" "a field of an unknown type"

# Every incremental object of the real mount: the plan's schema is
# schema.json as the mount serves it, its names are the JSON lines' keys.
for o in users orders events metrics; do
	$PY "$A" "$M" "$o" "$T/tables/$o" --dry-run >"$T/$o.plan" 2>"$T/err" ||
		fail "autoloader.py $o --dry-run: $(cat "$T/err")"
	jq -e --slurpfile s "$M/$o/schema.json" '.schema == $s[0]' "$T/$o.plan" >/dev/null ||
		fail "$o: the loaded schema is not schema.json"
	names=$(jq -c '[.schema.fields[].name]' "$T/$o.plan")
	for f in "$M/$o/snapshot.jsonl" "$M/$o/changes/0.jsonl"; do
		[ -s "$f" ] || fail "$f is empty: nothing to compare the schema with"
		keys=$(jq -s -c 'map(keys_unsorted) | unique | if length == 1 then .[0] else . end' "$f")
		assert_eq "$names" "$keys" "$o: schema.json field names vs the keys of $(basename "$f")"
	done
	assert_eq "file://$M/$o/changes/" "$(jq -r .paths.changes "$T/$o.plan")" "$o: the streamed path"
	ls "$M/$o/changes" | grep -q '\.jsonl$' || fail "$o: the streamed path holds no batch"
	assert_eq true "$(jq .trigger.availableNow "$T/$o.plan")" "$o: availableNow trigger"
	assert_eq "$T/tables/${o}_checkpoint" "$(jq -r .checkpoint "$T/$o.plan")" "$o: default checkpoint"
done
# metrics' struct column: nested names match the nested keys too.
assert_eq "$(jq -c '[.fields[] | select(.name == "value") | .type.fields[].name]' "$M/metrics/schema.json")" \
	"$(jq -s -c 'map(select(.value != null) | .value | keys_unsorted) | unique | .[0]' "$M/metrics/changes/0.jsonl")" \
	"metrics: value's nested field names"

# The merge: on metadata.json's keys, newer cursor wins, every column set.
$PY "$A" "$M" orders "$T/tables/o" --mode merge --source cloudFiles --dry-run >"$T/merge.plan" ||
	fail "orders --mode merge --dry-run"
pk=$(jq -r '.primary_keys[0]' "$M/orders/metadata.json")
cur=$(jq -r '.cursor_field' "$M/orders/metadata.json")
assert_eq "t.\`$pk\` = s.\`$pk\`" "$(jq -r .merge.on "$T/merge.plan")" "merge condition"
assert_contains "$(jq -r .merge.update_when "$T/merge.plan")" "s.\`$cur\` >= t.\`$cur\`" "update condition"
assert_contains "$(jq -r .merge.delete_when "$T/merge.plan")" "s._deleted" "delete condition"
assert_eq "$(jq -c '[.fields[].name] | sort' "$M/orders/schema.json")" \
	"$(jq -c '.merge.set | keys' "$T/merge.plan")" "merge sets every column"
assert_eq "file://$M/orders/deletes/" "$(jq -r .paths.deletes "$T/merge.plan")" "deletes path in merge mode"
assert_eq json "$(jq -r '.options["cloudFiles.format"]' "$T/merge.plan")" "Auto Loader's cloudFiles.format"
assert_eq delta "$(jq -r .sink_format "$T/merge.plan")" "merge's sink format"

# A stub pyspark (and delta) that records every call made through it.
mkdir -p "$T/stub/pyspark/sql" "$T/stub/delta"
cat >"$T/stub/rec.py" <<'EOF'
import atexit, json, os
LOG = []
def enc(v):
    if isinstance(v, Rec):
        return "<%s>" % v._name
    if callable(v):
        return "<callable>"
    if v is None or isinstance(v, (dict, list, str, int, float, bool)):
        return v
    return repr(v)
class Rec:
    def __init__(self, name):
        self._name = name
    def __getattr__(self, a):
        if a.startswith("__"):
            raise AttributeError(a)
        return Rec(self._name + "." + a)
    def __call__(self, *a, **k):
        LOG.append({"call": self._name, "args": [enc(x) for x in a],
                    "kwargs": {n: enc(v) for n, v in k.items()}})
        return Rec(self._name.rsplit(".", 1)[-1] + "()")
atexit.register(lambda: json.dump(LOG, open(os.environ["STUB_LOG"], "w")))
EOF
printf '' >"$T/stub/pyspark/__init__.py"
printf 'from rec import Rec\nSparkSession = Rec("SparkSession")\n' >"$T/stub/pyspark/sql/__init__.py"
printf 'from rec import Rec\ndef __getattr__(n): return Rec("F." + n)\n' >"$T/stub/pyspark/sql/functions.py"
printf 'from rec import Rec\nStructType = Rec("StructType")\n' >"$T/stub/pyspark/sql/types.py"
printf 'from rec import Rec\nWindow = Rec("Window")\n' >"$T/stub/pyspark/sql/window.py"
printf '' >"$T/stub/delta/__init__.py"
printf 'from rec import Rec\nDeltaTable = Rec("DeltaTable")\n' >"$T/stub/delta/tables.py"
# called LOG NAME-SUFFIX: the calls whose name ends with NAME-SUFFIX, compact.
called() { jq -c --arg n "$2" '.[] | select(.call | endswith($n)) | [.args, .kwargs]' "$1"; }

PYTHONPATH=$T/stub STUB_LOG=$T/append.log $PY "$A" "$M" orders "$T/tables/orders" >/dev/null 2>"$T/err" ||
	fail "autoloader.py over the stub: $(cat "$T/err")"
L=$T/append.log
assert_eq "$(jq -S -c '[[.],{}]' "$M/orders/schema.json")" "$(called "$L" StructType.fromJson | jq -S -c .)" \
	"StructType.fromJson gets schema.json"
assert_eq '[["json"],{}]' "$(called "$L" readStream.format)" "the reader format"
assert_eq '[["<fromJson()>"],{}]' "$(called "$L" .schema)" "the reader schema is fromJson's StructType"
assert_eq "[[\"file://$M/orders/changes/\"],{}]" "$(called "$L" .load)" "the loaded path"
assert_eq '[[],{"availableNow":true}]' "$(called "$L" .trigger)" "the trigger"
assert_eq "[[\"checkpointLocation\",\"$T/tables/orders_checkpoint\"],{}]" "$(called "$L" .option)" "the checkpoint"
assert_eq "[[\"$T/tables/orders\"],{}]" "$(called "$L" .start)" "the sink path"
[ -n "$(called "$L" .awaitTermination)" ] || fail "the stream is not awaited"

PYTHONPATH=$T/stub STUB_LOG=$T/merge.log $PY "$A" "$M" orders "$T/tables/o" --mode merge --source cloudFiles \
	>/dev/null 2>"$T/err" || fail "autoloader.py --mode merge over the stub: $(cat "$T/err")"
L=$T/merge.log
assert_eq "$(printf '[["cloudFiles"],{}]\n[["cloudFiles"],{}]')" "$(called "$L" readStream.format)" "Auto Loader format, twice"
assert_eq "$(printf '[["file://%s/orders/changes/"],{}]\n[["file://%s/orders/deletes/"],{}]' "$M" "$M")" \
	"$(called "$L" .load)" "merge mode streams changes and deletes"
assert_eq '[["<callable>"],{}]' "$(called "$L" .foreachBatch)" "foreachBatch gets the merge function"
assert_eq '[[],{"availableNow":true}]' "$(called "$L" .trigger)" "the merge stream's trigger"
exit 0
