#!/bin/bash
# SPDX-License-Identifier: MIT
# schema.json is the Spark StructType of each object (type mapping of the
# connector doc) and metadata.json its keys, cursor, ingestion type and
# effective options, checked field by field.
. "$top_srcdir/tests/lib.sh"
need_fuse

start_server api --error-rate 0 --quiet
M=$T/mnt
# Credentials from the environment this time.
export LAKEFLOWFS_USERNAME=tester LAKEFLOWFS_PASSWORD=secret
mount_fs "$M" -o url="$SERVER_URL",cache_dir="$T/cache"

# Spark's name for each API type.
spark='def spark: if .type == "struct" then {type: "struct", fields: [.fields[] | {name, type: spark, nullable, metadata: {}}]}
	elif .type == "integer" then "long" else .type end;'
for o in products events users orders; do
	api "/tables/$o/schema" | jq -S "$spark"' {type: "struct", fields: [.schema[] | {name, type: spark, nullable, metadata: {}}]}' >"$T/want"
	jq -S . "$M/$o/schema.json" >"$T/got" || fail "$o: schema.json is not JSON"
	cmp -s "$T/want" "$T/got" || fail "$o: schema.json: $(diff "$T/want" "$T/got" | head -5)"
done

# metrics is hidden: its schema is the connector's hard-coded one.
jq -e '.type == "struct" and
	([.fields[] | [.name, (.type | if type == "object" then "struct" else . end), .nullable]] ==
	 [["metric_id","string",false],["name","string",true],["value","struct",true],
	  ["host","string",true],["updated_at","timestamp",false]]) and
	([.fields[2].type.fields[] | [.name, .type, .nullable]] ==
	 [["count","long",true],["label","string",true],["measure","double",true]])' \
	"$M/metrics/schema.json" >/dev/null || fail "metrics: schema.json: $(cat "$M/metrics/schema.json")"

check_meta() { # object jq-expression
	jq -e "$2" "$M/$1/metadata.json" >/dev/null ||
		fail "$1: metadata.json: $(cat "$M/$1/metadata.json")"
}
check_meta products '.source_table == "products" and .primary_keys == ["product_id"] and
	.cursor_field == null and .ingestion_type == "snapshot" and
	.options == {category: null, num_rows: null}'
check_meta events '.primary_keys == [] and .cursor_field == "created_at" and
	.ingestion_type == "append" and
	.options == {max_records_per_batch: 200, limit: 50, num_rows: null}'
check_meta users '.primary_keys == ["user_id"] and .cursor_field == "updated_at" and
	.ingestion_type == "cdc" and .options == {max_records_per_batch: 200, num_rows: null}'
check_meta orders '.primary_keys == ["order_id"] and .cursor_field == "updated_at" and
	.ingestion_type == "cdc_with_deletes" and
	.options == {max_records_per_batch: 200, user_id: null, status: null, num_rows: null}'
check_meta metrics '.primary_keys == ["metric_id"] and .cursor_field == "updated_at" and
	.ingestion_type == "cdc" and .hidden == true and
	.options == {max_records_per_batch: 200, window_seconds: 3600, start_timestamp: null, num_rows: null}'
for o in products events users orders metrics; do
	assert_eq "$(wc -c <"$M/$o/metadata.json")" "$(stat -c %s "$M/$o/metadata.json")" "$o: metadata size"
	assert_eq "$(wc -c <"$M/$o/schema.json")" "$(stat -c %s "$M/$o/schema.json")" "$o: schema size"
done
