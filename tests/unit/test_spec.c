/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pipeline spec and the options table: the seed doc's
 * example spec, what is accepted, and every refusal with its message.
 */
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define ERRLEN 512

/* The Example source as the connector sees it. */
static const char *const tables[] = {"products", "events", "users", "orders",
				     "metrics"};
static const enum ingestion types[] = {INGEST_SNAPSHOT, INGEST_APPEND,
				       INGEST_CDC, INGEST_CDC_WITH_DELETES,
				       INGEST_CDC};
#define NTABLES 5

/* Their columns, in the same order (source.c's descriptions). */
#define COL(n, t) {(char *)(n), (t), 1, NULL, 0}
static struct field products_cols[] = {
    COL("product_id", FIELD_STRING), COL("name", FIELD_STRING),
    COL("price", FIELD_DOUBLE), COL("category", FIELD_STRING)};
static struct field events_cols[] = {
    COL("event_id", FIELD_STRING), COL("event_type", FIELD_STRING),
    COL("user_id", FIELD_STRING), COL("payload", FIELD_STRING),
    COL("created_at", FIELD_TIMESTAMP)};
static struct field users_cols[] = {
    COL("user_id", FIELD_STRING), COL("email", FIELD_STRING),
    COL("display_name", FIELD_STRING), COL("status", FIELD_STRING),
    COL("updated_at", FIELD_TIMESTAMP)};
static struct field orders_cols[] = {
    COL("order_id", FIELD_STRING), COL("user_id", FIELD_STRING),
    COL("amount", FIELD_DOUBLE), COL("status", FIELD_STRING),
    COL("updated_at", FIELD_TIMESTAMP)};
static struct field value_cols[] = {COL("count", FIELD_INTEGER),
				    COL("label", FIELD_STRING),
				    COL("measure", FIELD_DOUBLE)};
static struct field metrics_cols[] = {
    COL("metric_id", FIELD_STRING), COL("name", FIELD_STRING),
    {"value", FIELD_STRUCT, 1, value_cols, 3}, COL("host", FIELD_STRING),
    COL("updated_at", FIELD_TIMESTAMP)};
static struct table_info infos[] = {
    {"products", products_cols, 4, NULL, 0, NULL, INGEST_SNAPSHOT, 0},
    {"events", events_cols, 5, NULL, 0, "created_at", INGEST_APPEND, 0},
    {"users", users_cols, 5, NULL, 0, "updated_at", INGEST_CDC, 0},
    {"orders", orders_cols, 5, NULL, 0, "updated_at",
     INGEST_CDC_WITH_DELETES, 0},
    {"metrics", metrics_cols, 5, NULL, 0, "updated_at", INGEST_CDC, 1},
};
static const struct table_info *const info_list[] = {
    &infos[0], &infos[1], &infos[2], &infos[3], &infos[4]};

/* A spec of one table object, whose JSON is given. */
static char *one_table(const char *table)
{
	static char json[2048];

	snprintf(json, sizeof(json),
		 "{\"pipeline_spec\": {\"connection_name\": \"c\", "
		 "\"object\": [{\"table\": %s}]}}",
		 table);
	return json;
}

/* A spec of one table with the given table_configuration members. */
static char *one_config(const char *source, const char *config)
{
	static char table[1024];

	snprintf(table, sizeof(table),
		 "{\"source_table\": \"%s\", \"table_configuration\": {%s}}",
		 source, config);
	return one_table(table);
}

/* Parses and validates; returns the first error, message in err. */
static int check_spec(const char *json, const char *allow, char *err)
{
	struct spec *s = NULL;
	int rc;

	err[0] = '\0';
	rc = spec_parse(json, "test.json", &s, err, ERRLEN);
	if (!rc)
		rc = spec_validate(s, tables, types, NTABLES, allow, err,
				   ERRLEN);
	if (!rc)
		rc = spec_check_columns(s, info_list, NTABLES, err, ERRLEN);
	spec_free(s);
	return rc;
}

static void expect_refused(const char *json, const char *allow,
			   const char *substr)
{
	char err[ERRLEN];
	int rc = check_spec(json, allow, err);

	CHECK(rc == -EINVAL);
	CHECK(!strncmp(err, "spec: ", 6));
	if (!strstr(err, substr)) {
		fprintf(stderr, "spec %s\n  message \"%s\"\n  lacks \"%s\"\n",
			json, err, substr);
		CHECK(!"message names the problem");
	}
}

static void expect_ok(const char *json, const char *allow)
{
	char err[ERRLEN];
	int rc = check_spec(json, allow, err);

	if (rc)
		fprintf(stderr, "spec %s refused: %s\n", json, err);
	CHECK(rc == 0);
}

static const char *fixture(const char *name)
{
	static char path[1024];
	const char *top = getenv("top_srcdir");

	if (top)
		snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top, name);
	else
		snprintf(path, sizeof(path), "%.*s/../fixtures/%s",
			 (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__,
			 name);
	return path;
}

static void test_seed_spec(void)
{
	char err[ERRLEN];
	struct spec *s = NULL;
	const struct spec_table *t;

	CHECK(spec_load(fixture("spec-seed.json"), &s, err, ERRLEN) == 0);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_STR(s->connection_name, "my_example_connection");
	CHECK(s->ntables == 5);
	t = &s->tables[0];
	CHECK_STR(t->source_table, "orders");
	CHECK_STR(t->dir, "orders");
	CHECK(t->opts.max_records_per_batch == 500);
	CHECK_STR(t->opts.user_id, "user_0001");
	CHECK_STR(t->opts.status, "shipped");
	CHECK(t->opts.limit == 50 && t->opts.window_seconds == 3600);
	CHECK(t->noptions == 3);
	CHECK(!t->scd_type && !t->primary_keys && !t->sequence_by);
	CHECK_STR(s->tables[1].opts.category, "electronics");
	CHECK(s->tables[1].opts.max_records_per_batch == 200);
	CHECK(s->tables[2].opts.window_seconds == 7200);
	CHECK(s->tables[2].opts.max_records_per_batch == 500);
	CHECK(s->tables[3].opts.limit == 50);
	CHECK_STR(s->tables[4].dir, "users");
	CHECK(s->tables[4].opts.num_rows == 0);
	CHECK(spec_validate(s, tables, types, NTABLES, "num_rows", err,
			    ERRLEN) == 0);
	CHECK(spec_validate(s, tables, types, NTABLES, NULL, err, ERRLEN) == 0);
	spec_free(s);
	CHECK(spec_load("/nonexistent/spec.json", &s, err, ERRLEN) == -EINVAL);
	CHECK(s == NULL && strstr(err, "cannot read /nonexistent/spec.json"));
}

/* What spec_parse keeps: destinations, common options, value forms. */
static void test_accepts(void)
{
	char err[ERRLEN];
	struct spec *s = NULL;
	const struct spec_table *t;

	CHECK(spec_parse(one_table("{\"source_table\": \"orders\", "
				   "\"destination_table\": \"shipped\", "
				   "\"destination_catalog\": \"main\", "
				   "\"destination_schema\": \"raw\", "
				   "\"table_configuration\": {\"num_rows\": 7, "
				   "\"max_records_per_batch\": 10, "
				   "\"scd_type\": \"SCD_TYPE_2\", "
				   "\"primary_keys\": \" order_id , user_id\", "
				   "\"sequence_by\": \"updated_at\"}}"),
			 "t", &s, err, ERRLEN) == 0);
	if (!s)
		return;
	t = &s->tables[0];
	CHECK_STR(t->dir, "shipped");
	CHECK_STR(t->destination_catalog, "main");
	CHECK_STR(t->destination_schema, "raw");
	CHECK(t->opts.num_rows == 7 && t->opts.max_records_per_batch == 10);
	CHECK_STR(t->scd_type, "SCD_TYPE_2");
	CHECK(t->nprimary_keys == 2);
	CHECK_STR(t->primary_keys[0], "order_id");
	CHECK_STR(t->primary_keys[1], "user_id");
	CHECK_STR(t->sequence_by, "updated_at");
	CHECK(t->noptions == 2);
	CHECK(spec_validate(s, tables, types, NTABLES, "num_rows", err,
			    ERRLEN) == 0);
	spec_free(s);

	expect_ok(one_config("users", "\"primary_keys\": [\"user_id\"]"), NULL);
	expect_ok(one_config("users", "\"scd_type\": \"SCD_TYPE_1\""), NULL);
	expect_ok(one_config("products", "\"scd_type\": \"SCD_TYPE_2\""), NULL);
	expect_ok(one_config("metrics", "\"start_timestamp\": "
					"\"2026-11-21T00:00:00.000000+00:00\", "
					"\"window_seconds\": 60"),
		  NULL);
	expect_ok(one_config("events", "\"num_rows\": \"3\""), " x ,num_rows ");
	expect_ok(one_config("products", "\"category\": \"books\", "
					 "\"num_rows\": 1000000000"),
		  "num_rows");
	expect_ok(one_table("{\"source_table\": \"users\"}"), NULL);
	expect_ok("{\"pipeline_spec\": {\"object\": [{\"table\": {"
		  "\"source_table\": \"orders\"}}, {\"table\": {"
		  "\"source_table\": \"orders\", \"destination_table\": "
		  "\"orders.v2\"}}]}}",
		  NULL);
}

static void test_refuses_shape(void)
{
	expect_refused("", NULL, "not valid JSON");
	expect_refused("{", NULL, "not valid JSON");
	expect_refused("{} x", NULL, "not valid JSON");
	expect_refused(one_table("{\"source_table\": \"users\",}"), NULL,
		       "not valid JSON");
	expect_refused("[]", NULL, "top level must be an object");
	expect_refused("{\"pipeline\": {}}", NULL, "top level must be");
	expect_refused("{\"pipeline_spec\": {\"object\": [{\"table\": "
		       "{\"source_table\": \"users\"}}]}, \"x\": 1}",
		       NULL, "unknown key 'x'");
	expect_refused("{\"pipeline_spec\": {\"objects\": []}}", NULL,
		       "unknown key 'objects'");
	expect_refused(
	    "{\"pipeline_spec\": {\"connection_name\": 5, "
	    "\"object\": [{\"table\": {\"source_table\": \"users\"}}]}}",
	    NULL, "connection_name must be a string");
	expect_refused("{\"pipeline_spec\": {}}", NULL, "pipeline_spec.object");
	expect_refused("{\"pipeline_spec\": {\"object\": {}}}", NULL,
		       "pipeline_spec.object");
	expect_refused("{\"pipeline_spec\": {\"object\": []}}", NULL,
		       "non-empty array");
	expect_refused("{\"pipeline_spec\": {\"object\": [5]}}", NULL,
		       "object[0] must be an object");
	expect_refused("{\"pipeline_spec\": {\"object\": [{\"view\": {}}]}}",
		       NULL, "object[0]: unknown key 'view'");
	expect_refused(one_table("[]"), NULL, "\"table\" is missing");
	expect_refused(one_table("{}"), NULL, "source_table is missing");
	expect_refused(one_table("{\"source_table\": \"\"}"), NULL,
		       "source_table is missing or empty");
	expect_refused(one_table("{\"source_table\": 5}"), NULL,
		       "source_table must be a string");
	expect_refused(one_table("{\"source_table\": \"users\", "
				 "\"destination_tabel\": \"x\"}"),
		       NULL, "unknown key 'destination_tabel'");
	expect_refused(one_table("{\"source_table\": \"users\", "
				 "\"destination_schema\": true}"),
		       NULL, "destination_schema must be a string");
	expect_refused(one_table("{\"source_table\": \"users\", "
				 "\"table_configuration\": []}"),
		       NULL, "table_configuration must be an object");
}

static void test_refuses_dirs(void)
{
	static const char *const unsafe[] = {"a/b", "..",	 ".",
					     "",    "a\\u0001b", "/etc"};
	static const char *const ours[] = {"tables", "_status.json", "_x"};
	char table[256];
	size_t i;

	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		snprintf(table, sizeof(table),
			 "{\"source_table\": \"users\", "
			 "\"destination_table\": \"%s\"}",
			 unsafe[i]);
		expect_refused(one_table(table), NULL,
			       "is not a safe directory name");
	}
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		snprintf(table, sizeof(table),
			 "{\"source_table\": \"users\", "
			 "\"destination_table\": \"%s\"}",
			 ours[i]);
		expect_refused(one_table(table), NULL, "would clash");
	}
	expect_refused("{\"pipeline_spec\": {\"object\": [{\"table\": {"
		       "\"source_table\": \"orders\"}}, {\"table\": {"
		       "\"source_table\": \"orders\"}}]}}",
		       NULL, "objects 0 and 1 both use the directory 'orders'");
	expect_refused("{\"pipeline_spec\": {\"object\": [{\"table\": {"
		       "\"source_table\": \"orders\"}}, {\"table\": {"
		       "\"source_table\": \"users\", \"destination_table\": "
		       "\"orders\"}}]}}",
		       NULL, "both use the directory 'orders'");
}

static void test_refuses_values(void)
{
	static const char *const bad_longs[] = {
	    "\"abc\"", "\"0\"",		 "0",
	    "-1",      "\"-5\"",	 "\"1.5\"",
	    "\"\"",    "\" 5\"",	 "\"5 \"",
	    "\"+5\"",  "\"1000000001\"", "\"99999999999999999999\""};
	static const char *const names[] = {"max_records_per_batch", "limit",
					    "window_seconds", "num_rows"};
	char config[256], want[128];
	size_t i, j;

	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
		for (i = 0; i < sizeof(bad_longs) / sizeof(bad_longs[0]); i++) {
			snprintf(config, sizeof(config), "\"%s\": %s", names[j],
				 bad_longs[i]);
			snprintf(want, sizeof(want),
				 "option '%s' must be an integer", names[j]);
			expect_refused(one_config("events", config), "num_rows",
				       want);
		}
		snprintf(config, sizeof(config), "\"%s\": 1.5", names[j]);
		expect_refused(one_config("metrics", config), "num_rows",
			       "must be a string or an integer");
		snprintf(config, sizeof(config), "\"%s\": true", names[j]);
		expect_refused(one_config("metrics", config), "num_rows",
			       "must be a string or an integer");
	}
	expect_refused(one_config("products", "\"category\": \"\""), NULL,
		       "option 'category' must not be empty");
	expect_refused(one_config("orders", "\"status\": null"), NULL,
		       "option 'status' must be a string or an integer");
	expect_refused(
	    one_config("metrics", "\"start_timestamp\": \"yesterday\""), NULL,
	    "option 'start_timestamp' must be an ISO 8601 timestamp");
	expect_refused(
	    one_config("metrics", "\"start_timestamp\": "
				  "\"2026-13-01T00:00:00Z\""),
	    NULL, "option 'start_timestamp' must be an ISO 8601 timestamp");
	expect_refused(one_config("users", "\"scd_type\": \"SCD_TYPE_3\""),
		       NULL,
		       "scd_type must be SCD_TYPE_1 or SCD_TYPE_2, not "
		       "'SCD_TYPE_3'");
	expect_refused(one_config("users", "\"scd_type\": 1"), NULL,
		       "scd_type must be a string");
	expect_refused(one_config("users", "\"sequence_by\": \"\""), NULL,
		       "sequence_by must not be empty");
	expect_refused(one_config("users", "\"sequence_by\": []"), NULL,
		       "sequence_by must be a string");
}

static void test_refuses_keys(void)
{
	static const char *const bad[] = {"[]",	    "[1]",	"[\"\"]",
					  "\"\"",   "\"a,,b\"", "\"a,\"",
					  "\",a\"", "{}",	"5"};
	char config[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(config, sizeof(config), "\"primary_keys\": %s",
			 bad[i]);
		expect_refused(one_config("users", config), NULL,
			       "primary_keys must be a non-empty array");
	}
}

/* The checks that need the source and the connection. */
static void test_refuses_against_source(void)
{
	expect_refused(one_table("{\"source_table\": \"foo\"}"), NULL,
		       "spec: source_table 'foo' is not a table of the source "
		       "(supported: products, events, users, orders, metrics)");
	expect_refused(one_config("orders", "\"foo\": \"1\""), "foo",
		       "table 'orders': unknown option 'foo' in "
		       "table_configuration (known: max_records_per_batch");
	expect_refused(one_config("orders", "\"category\": \"books\""), NULL,
		       "spec: table 'orders': option 'category' does not apply "
		       "to orders (it applies to: products)");
	expect_refused(one_config("products", "\"max_records_per_batch\": 5"),
		       NULL,
		       "option 'max_records_per_batch' does not apply to "
		       "products (it applies to: events, users, orders, "
		       "metrics)");
	expect_refused(one_config("users", "\"window_seconds\": 5"), NULL,
		       "option 'window_seconds' does not apply to users");
	expect_refused(one_config("orders", "\"limit\": 5"), NULL,
		       "option 'limit' does not apply to orders");
	expect_refused(one_config("users", "\"start_timestamp\": "
					   "\"2026-01-01\""),
		       NULL,
		       "option 'start_timestamp' does not apply to users");
	expect_refused(one_config("products", "\"user_id\": \"u\""), NULL,
		       "option 'user_id' does not apply to products");
	expect_refused(one_config("orders", "\"num_rows\": 5"), NULL,
		       "spec: table 'orders': option 'num_rows' is not in the "
		       "connection's externalOptionsAllowList (none is set)");
	expect_refused(one_config("orders", "\"num_rows\": 5"), "num_row,x",
		       "spec: table 'orders': option 'num_rows' is not in the "
		       "connection's externalOptionsAllowList (it is "
		       "'num_row,x')");
	expect_refused(one_table("{\"source_table\": \"orders\", "
				 "\"destination_table\": \"o2\", "
				 "\"table_configuration\": {\"num_rows\": 5}}"),
		       "", "table 'o2': option 'num_rows' is not in");
	expect_refused(one_config("events", "\"scd_type\": \"SCD_TYPE_1\""),
		       NULL,
		       "table 'events': scd_type does not apply to events, an "
		       "append-only table");
}

static void test_refuses_columns(void)
{
	expect_ok(one_config("orders", "\"primary_keys\": [\"order_id\", "
				       "\"user_id\"], \"sequence_by\": "
				       "\"amount\", \"scd_type\": "
				       "\"SCD_TYPE_2\""),
		  NULL);
	expect_ok(one_config("metrics", "\"sequence_by\": \"host\""), NULL);
	expect_refused(one_config("orders", "\"primary_keys\": \"order_id, "
					    "order\""),
		       NULL,
		       "spec: table 'orders': primary_keys names 'order', "
		       "which is not a column of orders (columns: order_id, "
		       "user_id, amount, status, updated_at)");
	expect_refused(one_config("users", "\"sequence_by\": \"UPDATED_AT\""),
		       NULL,
		       "spec: table 'users': sequence_by names 'UPDATED_AT', "
		       "which is not a column of users (columns: user_id, "
		       "email, display_name, status, updated_at)");
	expect_refused(one_config("metrics", "\"sequence_by\": "
					     "\"value.count\""),
		       NULL,
		       "spec: table 'metrics': sequence_by names 'value.count', "
		       "a field inside a struct, not a top-level column of "
		       "metrics (columns: metric_id, name, value, host, "
		       "updated_at)");
	expect_refused(one_config("metrics", "\"sequence_by\": \"value\""),
		       NULL,
		       "spec: table 'metrics': sequence_by names 'value', a "
		       "struct column of metrics; name a column of a scalar "
		       "type (columns: metric_id");
	expect_refused(one_config("metrics", "\"primary_keys\": [\"value\"]"),
		       NULL, "primary_keys names 'value', a struct column");
	expect_refused(one_table("{\"source_table\": \"users\", "
				 "\"destination_table\": \"u2\", "
				 "\"table_configuration\": {\"sequence_by\": "
				 "\"x.y\"}}"),
		       NULL,
		       "spec: table 'u2': sequence_by names 'x.y', which is "
		       "not a column of users");
	/* an append table still refuses scd_type, named columns or not */
	expect_refused(one_config("events", "\"scd_type\": \"SCD_TYPE_2\", "
					    "\"sequence_by\": \"created_at\""),
		       NULL, "scd_type does not apply to events");
}

static void test_options_table(void)
{
	const struct table_option *opts, *o;
	struct table_opts to;
	char err[ERRLEN];
	size_t n;

	opts = connector_options(&n);
	CHECK(n == 8 && opts);
	CHECK(option_find("nope") == NULL);
	o = option_find("max_records_per_batch");
	CHECK(o && option_applies(o, "users", INGEST_CDC));
	CHECK(o && !option_applies(o, "products", INGEST_SNAPSHOT));
	o = option_find("num_rows");
	CHECK(o && (o->flags & OPTION_EXTERNAL));
	CHECK(o && option_applies(o, "products", INGEST_SNAPSHOT));
	o = option_find("category");
	CHECK(o && option_applies(o, "products", INGEST_SNAPSHOT));
	CHECK(o && !option_applies(o, "orders", INGEST_CDC_WITH_DELETES));

	CHECK(option_allowed("num_rows", "num_rows"));
	CHECK(option_allowed(" a , num_rows ,b", "num_rows"));
	CHECK(!option_allowed("num_rowsx", "num_rows"));
	CHECK(!option_allowed("", "num_rows"));
	CHECK(!option_allowed(NULL, "num_rows"));
	CHECK(!option_allowed(",,", "num_rows"));

	table_opts_defaults(&to);
	CHECK(option_set(option_find("window_seconds"), "60", &to, err,
			 ERRLEN) == 0 &&
	      to.window_seconds == 60);
	CHECK(option_set(option_find("user_id"), "u1", &to, err, ERRLEN) == 0);
	CHECK(option_set(option_find("user_id"), "u2", &to, err, ERRLEN) == 0);
	CHECK_STR(to.user_id, "u2");
	CHECK(option_set(option_find("limit"), "x", &to, err, ERRLEN) ==
	      -EINVAL);
	CHECK_STR(err, "option 'limit' must be an integer from 1 to "
		       "1000000000, not 'x'");
	CHECK(to.limit == 50);
	/* A timestamp without an offset is UTC, kept in the API's form. */
	CHECK(option_set(option_find("start_timestamp"), "2026-11-26T09:30:00",
			 &to, err, ERRLEN) == 0);
	CHECK_STR(to.start_timestamp, "2026-11-26T09:30:00.000000+00:00");
	CHECK(option_set(option_find("start_timestamp"), "20261126T1030+01",
			 &to, err, ERRLEN) == 0);
	CHECK_STR(to.start_timestamp, "2026-11-26T09:30:00.000000+00:00");
	CHECK(option_set(option_find("start_timestamp"), "2026-11-26T09", &to,
			 err, ERRLEN) == 0);
	CHECK_STR(to.start_timestamp, "2026-11-26T09:00:00.000000+00:00");
	table_opts_free(&to);
}

int main(void)
{
	test_seed_spec();
	test_accepts();
	test_refuses_shape();
	test_refuses_dirs();
	test_refuses_values();
	test_refuses_keys();
	test_refuses_against_source();
	test_refuses_columns();
	test_options_table();
	return check_result();
}
