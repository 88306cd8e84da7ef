/* SPDX-License-Identifier: MIT */
/* Unit tests for the Spark schema JSON and the type and ingestion names. */
#include "source.h"

#include <errno.h>
#include <stdlib.h>

#include "check.h"

static void test_spark_json_nested(void)
{
	struct field value[] = {
	    {"count", FIELD_INTEGER, 1, NULL, 0},
	    {"label", FIELD_STRING, 1, NULL, 0},
	    {"measure", FIELD_DOUBLE, 1, NULL, 0},
	};
	struct field fields[] = {
	    {"metric_id", FIELD_STRING, 0, NULL, 0},
	    {"value", FIELD_STRUCT, 1, value, 3},
	    {"updated_at", FIELD_TIMESTAMP, 0, NULL, 0},
	    {"day", FIELD_DATE, 1, NULL, 0},
	    {"a/b", FIELD_STRING, 1, NULL, 0},
	};
	struct table_info t = {
	    .name = "metrics", .fields = fields, .nfields = 5};
	struct buf b;

	buf_init(&b, 0);
	CHECK(schema_spark_json(&t, &b) == 0);
	CHECK_STR(b.data,
		  "{\"type\":\"struct\",\"fields\":["
		  "{\"name\":\"metric_id\",\"type\":\"string\","
		  "\"nullable\":false,\"metadata\":{}},"
		  "{\"name\":\"value\",\"type\":{\"type\":\"struct\","
		  "\"fields\":["
		  "{\"name\":\"count\",\"type\":\"long\",\"nullable\":true,"
		  "\"metadata\":{}},"
		  "{\"name\":\"label\",\"type\":\"string\",\"nullable\":true,"
		  "\"metadata\":{}},"
		  "{\"name\":\"measure\",\"type\":\"double\","
		  "\"nullable\":true,\"metadata\":{}}]},"
		  "\"nullable\":true,\"metadata\":{}},"
		  "{\"name\":\"updated_at\",\"type\":\"timestamp\","
		  "\"nullable\":false,\"metadata\":{}},"
		  "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,"
		  "\"metadata\":{}},"
		  "{\"name\":\"a/b\",\"type\":\"string\",\"nullable\":true,"
		  "\"metadata\":{}}]}");
	buf_free(&b);
}

static void test_empty_schema(void)
{
	struct table_info t = {.name = "empty"};
	struct buf b;

	buf_init(&b, 0);
	CHECK(schema_spark_json(&t, &b) == 0);
	CHECK_STR(b.data, "{\"type\":\"struct\",\"fields\":[]}");
	buf_free(&b);
}

static void test_names(void)
{
	CHECK_STR(ingestion_name(INGEST_SNAPSHOT), "snapshot");
	CHECK_STR(ingestion_name(INGEST_APPEND), "append");
	CHECK_STR(ingestion_name(INGEST_CDC), "cdc");
	CHECK_STR(ingestion_name(INGEST_CDC_WITH_DELETES), "cdc_with_deletes");
	CHECK_STR(field_type_name(FIELD_STRING), "string");
	CHECK_STR(field_type_name(FIELD_INTEGER), "integer");
	CHECK_STR(field_type_name(FIELD_DOUBLE), "double");
	CHECK_STR(field_type_name(FIELD_TIMESTAMP), "timestamp");
	CHECK_STR(field_type_name(FIELD_DATE), "date");
	CHECK_STR(field_type_name(FIELD_STRUCT), "struct");
}

/* metrics is described without the network: the hard-coded schema. */
static void test_describe_metrics(void)
{
	struct table_info *t = NULL;

	CHECK(source_describe(NULL, "metrics", &t) == 0);
	if (!t)
		return;
	CHECK(t->nfields == 5);
	CHECK(t->hidden == 1);
	CHECK(t->ingestion == INGEST_CDC);
	CHECK_STR(t->cursor_field, "updated_at");
	CHECK(t->nprimary_keys == 1);
	CHECK_STR(t->primary_keys[0], "metric_id");
	CHECK(t->fields[2].type == FIELD_STRUCT && t->fields[2].nfields == 3);
	CHECK(t->fields[4].nullable == 0);
	CHECK(t->fields[0].nullable == 0);
	CHECK_STR(t->fields[2].fields[2].name, "measure");
	table_info_free(t);
	CHECK(source_describe(NULL, "..", &t) == -ENOENT);
	CHECK(source_describe(NULL, "a/b", &t) == -ENOENT);
}

static void test_opts_defaults(void)
{
	struct table_opts o;

	table_opts_defaults(&o);
	CHECK(o.max_records_per_batch == 200);
	CHECK(o.limit == 50);
	CHECK(o.window_seconds == 3600);
	CHECK(o.num_rows == 0);
	CHECK(o.category == NULL);
	table_opts_free(&o);
}

int main(void)
{
	test_spark_json_nested();
	test_empty_schema();
	test_names();
	test_describe_metrics();
	test_opts_defaults();
	return check_result();
}
