/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the profile parser: both shipped profiles and what they
 * resolve to, inheritance and defaults, profiles of other paged APIs, and
 * every refusal with the JSON pointer its message names. Refusals are
 * made by changing one member of a shipped profile (set_member()), so
 * each case shows the one thing that is wrong.
 */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "check.h"

static char err[PROFILE_ERROR_SIZE];

/* The text of a file of the source tree (top_srcdir), malloc'd. */
static char *source_file(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : "..", rel);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(99);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n)
		exit(99);
	fclose(f);
	return text;
}

static struct profile *parse_text(const char *text)
{
	struct profile *p = NULL;

	if (profile_parse(text, strlen(text), "t.json", &p, err, sizeof(err)))
		fprintf(stderr, "refused: %s\n", err);
	return p;
}

/*
 * A copy of the document text with the member at pointer set to the JSON
 * value (NULL: removed); the parent must exist. Returns malloc'd text.
 */
static char *set_member(const char *text, const char *pointer,
			const char *value)
{
	json_object *root = json_tokener_parse(text), *parent = root, *v;
	char *path = strdup(pointer), *slash = strrchr(path, '/'), *last;
	char *out;

	*slash = '\0';
	last = slash + 1;
	if (*path && json_pointer_get(root, path, &parent)) {
		fprintf(stderr, "no %s in the document\n", path);
		exit(99);
	}
	if (json_object_is_type(parent, json_type_array)) {
		v = value ? json_tokener_parse(value) : NULL;
		json_object_array_put_idx(parent, (size_t)atoi(last), v);
	} else if (value) {
		v = json_tokener_parse(value);
		if (!v && strcmp(value, "null")) {
			fprintf(stderr, "bad JSON in the test: %s\n", value);
			exit(99);
		}
		json_object_object_add(parent, last, v);
	} else {
		json_object_object_del(parent, last);
	}
	out = strdup(
	    json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	free(path);
	return out;
}

/* Checks that the text is refused with exactly the message want. */
static void refused_text(int line, const char *text, const char *want)
{
	struct profile *p = NULL;
	int rc =
	    profile_parse(text, strlen(text), "t.json", &p, err, sizeof(err));

	check_count++;
	if (rc != -EINVAL || p || strcmp(err, want)) {
		check_failures++;
		fprintf(stderr, "%s:%d: rc %d\n  got:  %s\n  want: %s\n",
			__FILE__, line, rc, rc ? err : "(accepted)", want);
	}
	profile_free(p);
}

/* The base text with pointer set to value is refused with message want. */
static void refused_at(int line, const char *base, const char *pointer,
		       const char *value, const char *want)
{
	char *text = set_member(base, pointer, value);

	refused_text(line, text, want);
	free(text);
}

#define REFUSED(base, pointer, value, want)                                    \
	refused_at(__LINE__, base, pointer, value, want)

/* The base text with pointer set to value is accepted. */
static struct profile *accepted(const char *base, const char *pointer,
				const char *value)
{
	char *text = set_member(base, pointer, value);
	struct profile *p = parse_text(text);

	free(text);
	return p;
}

static char *example_text, *tracker_text;

/* ------------------------------------------------------ shipped profiles ---
 */

static void test_example_profile(void)
{
	struct profile *p = parse_text(example_text);
	const struct profile_table *t, *d;
	const struct profile_option *o;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(p->name, "example");
	CHECK(p->base_url == NULL);
	CHECK(p->auth.type == PROFILE_AUTH_BASIC);
	CHECK_STR(p->auth.secret_member, "password");
	CHECK_STR(p->auth.secret_env, "LAKEFLOWFS_PASSWORD");
	CHECK_STR(p->error_message, "/error");
	CHECK_STR(p->discovery.path, "/tables");
	CHECK_STR(p->discovery.pointer, "/tables");
	CHECK_STR(p->discovery.name, "");
	CHECK(p->ntables == 4);
	/* A discovered table without an entry reads with the defaults. */
	d = profile_table_find(p, "users");
	CHECK(d == &p->defaults && d->name == NULL);
	CHECK_STR(d->path, "/tables/{table}/records");
	CHECK_STR(d->records, "/records");
	CHECK(d->schema.kind == PROFILE_SCHEMA_ENDPOINT);
	CHECK_STR(d->schema.path, "/tables/{table}/schema");
	CHECK_STR(d->schema.pointer, "/schema");
	CHECK(d->schema.ntypes == 6);
	CHECK_STR(d->schema.types[1].api, "integer");
	CHECK(d->schema.types[1].type == FIELD_INTEGER);
	CHECK_STR(d->metadata.path, "/tables/{table}/metadata");
	CHECK_STR(d->metadata.primary_keys, "/metadata/primary_keys");
	CHECK_STR(d->metadata.cursor_field, "/metadata/cursor_field");
	CHECK(d->nprimary_keys == 0 && d->cursor.field == NULL);
	CHECK(d->cursor.present &&
	      d->cursor.format == PROFILE_TIME_ISO_US_OFFSET);
	CHECK(d->cursor.order == PROFILE_ORDER_ASCENDING);
	CHECK(d->ingestion_auto);
	CHECK_STR(d->incremental.since, "since");
	CHECK(!d->incremental.inclusive && d->incremental.until == NULL);
	CHECK(d->incremental.format == PROFILE_TIME_CURSOR);
	CHECK(!d->incremental.stop_at_cap);
	CHECK(d->paging.type == PROFILE_PAGING_PAGE_NUMBER);
	CHECK_STR(d->paging.param, "page");
	CHECK(d->paging.start == 1);
	CHECK(d->paging.next_in == PROFILE_NEXT_BODY);
	CHECK_STR(d->paging.next, "/next_page");
	CHECK(d->paging.end ==
	      (PROFILE_END_NEXT_MARKER | PROFILE_END_EMPTY_PAGE));
	CHECK(!d->page_size.present && !d->filters.n && !d->deletes.path);
	/* products: the defaults and a filter. */
	t = profile_table_find(p, "products");
	CHECK(t && t != d && !t->hidden);
	CHECK(t->filters.n == 1);
	CHECK_STR(t->filters.v[0].name, "category");
	CHECK_STR(t->filters.v[0].value, "category");
	CHECK_STR(t->schema.path, "/tables/{table}/schema");
	/* events: append, the cap rule, limit as the page size up to 50. */
	t = profile_table_find(p, "events");
	CHECK(!t->ingestion_auto && t->ingestion == INGEST_APPEND);
	CHECK(t->incremental.stop_at_cap);
	CHECK(t->page_size.present);
	CHECK_STR(t->page_size.param, "limit");
	CHECK_STR(t->page_size.option, "limit");
	CHECK(t->page_size.max == 50 && t->page_size.value == 0);
	CHECK_STR(t->paging.next, "/next_page"); /* inherited */
	/* orders: deletes and two filters, in their order. */
	t = profile_table_find(p, "orders");
	CHECK(t->ingestion == INGEST_CDC_WITH_DELETES);
	CHECK_STR(t->deletes.path, "/tables/{table}/deleted_records");
	CHECK(t->filters.n == 2);
	CHECK_STR(t->filters.v[0].name, "user_id");
	CHECK_STR(t->filters.v[1].name, "status");
	/* metrics: hidden, its own schema, no metadata, windows. */
	t = profile_table_find(p, "metrics");
	CHECK(t->hidden && t->ingestion == INGEST_CDC);
	CHECK(t->metadata.path == NULL); /* null removed the default */
	CHECK(t->schema.kind == PROFILE_SCHEMA_INLINE);
	CHECK(t->schema.nfields == 5);
	CHECK_STR(t->schema.fields[0].name, "metric_id");
	CHECK(!t->schema.fields[0].nullable);
	CHECK(t->schema.fields[2].type == FIELD_STRUCT);
	CHECK(t->schema.fields[2].nfields == 3);
	CHECK(t->schema.fields[2].fields[0].type == FIELD_INTEGER);
	CHECK(t->schema.fields[4].type == FIELD_TIMESTAMP);
	CHECK(!t->schema.fields[4].nullable);
	CHECK(t->nprimary_keys == 1);
	CHECK_STR(t->primary_keys[0], "metric_id");
	CHECK_STR(t->cursor.field, "/updated_at");
	CHECK_STR(t->incremental.until, "until");
	CHECK(t->window.present);
	CHECK_STR(t->window.width_option, "window_seconds");
	CHECK_STR(t->window.start_option, "start_timestamp");
	CHECK(t->window.oldest == PROFILE_OLDEST_FIRST_PAGE);
	/* The options, as tableopts.c has them today. */
	CHECK(p->noptions == 8);
	o = profile_option_find(p, "max_records_per_batch");
	CHECK(o && o->kind == OPTION_LONG && o->default_long == 200);
	CHECK(o->scope == PROFILE_SCOPE_INCREMENTAL && !o->allowlist);
	CHECK(profile_option_applies(o, "users", INGEST_CDC));
	CHECK(!profile_option_applies(o, "products", INGEST_SNAPSHOT));
	o = profile_option_find(p, "limit");
	CHECK(o->default_long == 50 &&
	      profile_option_applies(o, "events", INGEST_APPEND));
	CHECK(!profile_option_applies(o, "orders", INGEST_CDC));
	o = profile_option_find(p, "window_seconds");
	CHECK(o->default_long == 3600);
	o = profile_option_find(p, "start_timestamp");
	CHECK(o->kind == OPTION_TIMESTAMP && !o->has_default);
	o = profile_option_find(p, "category");
	CHECK(o->kind == OPTION_STRING && o->ntables == 1);
	o = profile_option_find(p, "num_rows");
	CHECK(o->allowlist && o->scope == PROFILE_SCOPE_ALL);
	CHECK(profile_option_applies(o, "anything", INGEST_SNAPSHOT));
	CHECK(profile_option_find(p, "nope") == NULL);
	profile_free(p);
}

static void test_tracker_profile(void)
{
	struct profile *p = parse_text(tracker_text);
	const struct profile_table *t;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(p->name, "tracker");
	CHECK_STR(p->base_url, "http://127.0.0.1:8081");
	CHECK(p->auth.type == PROFILE_AUTH_BEARER);
	CHECK_STR(p->auth.secret_member, "token");
	CHECK_STR(p->auth.secret_env, "LAKEFLOWFS_TOKEN");
	CHECK(p->headers.n == 1);
	CHECK_STR(p->error_message, "/message");
	CHECK(p->discovery.path == NULL);
	CHECK(p->ntables == 3);
	CHECK(profile_table_find(p, "milestones") == NULL);
	CHECK_STR(p->tables[0].name, "issues"); /* document order */
	t = profile_table_find(p, "issues");
	CHECK_STR(t->path, "/repos/acme/widgets/issues");
	CHECK_STR(t->records, "");
	CHECK(t->params.n == 1);
	CHECK_STR(t->params.v[0].name, "state");
	CHECK_STR(t->params.v[0].value, "all");
	CHECK(t->cursor.format == PROFILE_TIME_ISO_S_Z);
	CHECK(t->cursor.order == PROFILE_ORDER_UNSORTED);
	CHECK(t->cursor.sort_params.n == 2);
	CHECK_STR(t->cursor.sort_params.v[0].value, "updated");
	CHECK(t->incremental.inclusive);
	CHECK(t->paging.next_in == PROFILE_NEXT_LINK && !t->paging.next);
	CHECK(t->page_size.value == 100);
	CHECK_STR(t->page_size.param, "per_page");
	CHECK(t->schema.fields[5].type == FIELD_STRUCT); /* user */
	CHECK(t->schema.fields[6].nullable);		 /* milestone */
	t = profile_table_find(p, "labels");
	CHECK(!t->ingestion_auto && t->ingestion == INGEST_SNAPSHOT);
	CHECK(!t->cursor.present);
	CHECK(t->paging.type == PROFILE_PAGING_PAGE_NUMBER);
	profile_free(p);
}

/* The installed copy is the one in the source tree (profiles/). */
static void test_load(void)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	struct profile *p = NULL;

	snprintf(path, sizeof(path), "%s/profiles/example.json",
		 top ? top : "..");
	CHECK(profile_load(path, &p, err, sizeof(err)) == 0);
	profile_free(p);
	CHECK(profile_load("/nonexistent/x.json", &p, err, sizeof(err)) ==
	      -ENOENT);
	CHECK_STR(err, "profile /nonexistent/x.json: cannot read: No such "
		       "file or directory");
	CHECK(p == NULL);
}

/* ------------------------------------------------------------ inheritance ---
 */

static void test_inheritance(void)
{
	struct profile *p;
	const struct profile_table *t;

	/* A member of an entry wins over the default, whole. */
	p = accepted(tracker_text, "/tables/labels/page_size",
		     "{\"param\": \"n\", \"value\": 7}");
	CHECK(p != NULL);
	t = p ? profile_table_find(p, "labels") : NULL;
	CHECK(t && t->page_size.value == 7);
	CHECK(t && !strcmp(t->page_size.param, "n"));
	CHECK(p && profile_table_find(p, "issues")->page_size.value == 100);
	profile_free(p);
	/* null removes it. */
	p = accepted(tracker_text, "/tables/labels/page_size", "null");
	CHECK(p && !profile_table_find(p, "labels")->page_size.present);
	profile_free(p);
	/* Defaults of members not given: records "", auto, ascending, the
	 * cursor as it is, page 1, the ends the paging can see. */
	p = accepted(tracker_text, "/defaults/records", NULL);
	CHECK(p && !strcmp(p->tables[0].records, ""));
	profile_free(p);
	p = accepted(example_text, "/defaults/ingestion", NULL);
	CHECK(p && p->defaults.ingestion_auto);
	profile_free(p);
	p = accepted(example_text, "/defaults/cursor",
		     "{\"format\": \"iso_us_offset\"}");
	CHECK(p && p->defaults.cursor.order == PROFILE_ORDER_ASCENDING);
	profile_free(p);
	p = accepted(example_text, "/defaults/incremental",
		     "{\"since\": \"since\"}");
	CHECK(p && p->defaults.incremental.format == PROFILE_TIME_CURSOR);
	CHECK(p && !p->defaults.incremental.inclusive);
	profile_free(p);
	p = accepted(example_text, "/defaults/paging",
		     "{\"type\": \"page_number\", \"param\": \"p\", "
		     "\"next\": {\"in\": \"body\", \"pointer\": \"/n\"}}");
	CHECK(p && p->defaults.paging.start == 1);
	CHECK(p && p->defaults.paging.end ==
		       (PROFILE_END_NEXT_MARKER | PROFILE_END_EMPTY_PAGE));
	profile_free(p);
	p = accepted(example_text, "/defaults/paging",
		     "{\"type\": \"offset\", \"param\": \"skip\"}");
	CHECK(p && p->defaults.paging.start == 0);
	CHECK(p && p->defaults.paging.end == PROFILE_END_EMPTY_PAGE);
	profile_free(p);
	p = accepted(example_text, "/defaults/paging", "{\"type\": \"none\"}");
	CHECK(p && p->defaults.paging.end == 0);
	profile_free(p);
}

static void test_helpers(void)
{
	struct buf b;
	struct profile *p;

	buf_init(&b, 1024);
	CHECK(profile_path_expand("/tables/{table}/x/{table}", "a b/c~", &b) ==
	      0);
	CHECK_STR(b.data, "/tables/a%20b%2Fc~/x/a%20b%2Fc~");
	buf_reset(&b);
	CHECK(profile_path_expand("/plain", "t", &b) == 0);
	CHECK_STR(b.data, "/plain");
	buf_free(&b);
	CHECK_STR(profile_time_name(PROFILE_TIME_ISO_S_Z), "iso_s_z");
	CHECK_STR(profile_paging_name(PROFILE_PAGING_NEXT_URL), "next_url");
	/* An API key in a header of the API's naming, with a prefix. */
	p = accepted(tracker_text, "/auth",
		     "{\"type\": \"api_key\", \"header\": \"Authorization\", "
		     "\"prefix\": \"token \"}");
	CHECK(p && p->auth.type == PROFILE_AUTH_API_KEY);
	CHECK(p && !strcmp(p->auth.prefix, "token "));
	CHECK(p && !strcmp(p->auth.secret_member, "token"));
	profile_free(p);
	/* A column name with '~' and the pointer that names it. */
	p = accepted(tracker_text, "/tables/labels/schema/fields/0/name",
		     "\"a~b\"");
	CHECK(p == NULL);
	p = accepted(tracker_text, "/tables/labels/primary_keys/0",
		     "\"color\"");
	CHECK(p && !strcmp(p->tables[2].primary_keys[0], "color"));
	profile_free(p);
	/* A nested cursor field. */
	p = accepted(tracker_text, "/tables/issues/cursor/field",
		     "\"/user/login\"");
	CHECK(p && !strcmp(p->tables[0].cursor.field, "/user/login"));
	profile_free(p);
	p = accepted(tracker_text, "/auth", "{\"type\": \"none\"}");
	CHECK(p && p->auth.secret_member == NULL);
	profile_free(p);
	/* Base URLs keep their path, lose trailing slashes. */
	p = accepted(tracker_text, "/base_url",
		     "\"https://h.example:8443/api/v2//\"");
	CHECK(p && !strcmp(p->base_url, "https://h.example:8443/api/v2"));
	profile_free(p);
	p = accepted(tracker_text, "/base_url", "\"http://[::1]:99\"");
	CHECK(p != NULL);
	profile_free(p);
}

/* ---------------------------------------------------------- other APIs --- */

/* A profile of one table "t" around the given table members. */
static struct profile *one_table(const char *auth, const char *members)
{
	char text[4096];

	snprintf(
	    text, sizeof(text),
	    "{\"lakeflowfs_profile\": 1, \"name\": \"api\", "
	    "\"base_url\": \"https://api.example.com\", \"auth\": %s, "
	    "\"tables\": {\"t\": {\"path\": \"/t\", \"schema\": {\"type\": "
	    "\"struct\", \"fields\": [{\"name\": \"id\", \"type\": "
	    "\"string\"}, {\"name\": \"updated_at\", \"type\": "
	    "\"timestamp\"}]}, \"primary_keys\": [\"id\"], %s}}, "
	    "\"options\": {\"max_records_per_batch\": {\"type\": "
	    "\"integer\", \"default\": 100}}}",
	    auth, members);
	return parse_text(text);
}

#define CURSOR_ISO                                                             \
	"\"cursor\": {\"field\": \"/updated_at\", \"format\": \"iso_s_z\"}"

/* The paged APIs the format is made for, each as a profile would say. */
static void test_other_apis(void)
{
	struct profile *p;

	/* GitHub: page and per_page, a Link header, since. */
	p = one_table("{\"type\": \"bearer\"}",
		      CURSOR_ISO ", \"ingestion\": \"cdc\", \"incremental\": "
				 "{\"since\": \"since\", \"inclusive\": true}, "
				 "\"paging\": {\"type\": \"page_number\", "
				 "\"param\": \"page\", \"next\": {\"in\": "
				 "\"link\"}}, \"page_size\": {\"param\": "
				 "\"per_page\", \"value\": 100}");
	CHECK(p != NULL);
	profile_free(p);
	/* Zendesk: a next-page URL and start_time in Unix seconds. */
	p = one_table("{\"type\": \"basic\"}", CURSOR_ISO
		      ", \"records\": \"/tickets\", \"incremental\": "
		      "{\"since\": \"start_time\", \"inclusive\": "
		      "true, \"format\": \"unix_s\"}, \"paging\": "
		      "{\"type\": \"next_url\", \"next\": {\"in\": "
		      "\"body\", \"pointer\": \"/next_page\"}, "
		      "\"end\": [\"next_marker\", \"short_page\"]}, "
		      "\"page_size\": {\"value\": 1000}");
	CHECK(p && p->tables[0].incremental.format == PROFILE_TIME_UNIX_S);
	CHECK(p && !p->tables[0].page_size.param);
	profile_free(p);
	/* HubSpot: an "after" cursor in the body. */
	p = one_table("{\"type\": \"bearer\"}",
		      "\"records\": \"/results\", \"paging\": {\"type\": "
		      "\"cursor\", \"param\": \"after\", \"next\": {\"in\": "
		      "\"body\", \"pointer\": \"/paging/next/after\"}}, "
		      "\"page_size\": {\"param\": \"limit\", \"value\": 100}");
	CHECK(p && p->tables[0].paging.type == PROFILE_PAGING_CURSOR);
	CHECK(p && p->tables[0].ingestion_auto && !p->tables[0].cursor.present);
	profile_free(p);
	/* Shopify: the page_info cursor rides in the Link header's URL. */
	p = one_table("{\"type\": \"api_key\", \"header\": "
		      "\"X-Shopify-Access-Token\"}",
		      "\"records\": \"/products\", \"paging\": {\"type\": "
		      "\"next_url\", \"next\": {\"in\": \"link\"}}");
	CHECK(p == NULL); /* records in an object: refused with Link */
	p = one_table("{\"type\": \"api_key\", \"header\": "
		      "\"X-Shopify-Access-Token\"}",
		      "\"paging\": {\"type\": \"next_url\", \"next\": {\"in\": "
		      "\"link\"}}");
	CHECK(p && p->tables[0].paging.next_in == PROFILE_NEXT_LINK);
	profile_free(p);
	/* A cursor token in a response header. */
	p = one_table("{\"type\": \"none\"}",
		      "\"paging\": {\"type\": \"cursor\", \"param\": "
		      "\"cursor\", \"next\": {\"in\": \"header\", \"name\": "
		      "\"X-Next-Cursor\"}}");
	CHECK(p && p->tables[0].paging.next_in == PROFILE_NEXT_HEADER);
	profile_free(p);
	/* OData: @odata.nextLink, records under /value. */
	p = one_table("{\"type\": \"bearer\"}",
		      "\"records\": \"/value\", \"paging\": {\"type\": "
		      "\"next_url\", \"next\": {\"in\": \"body\", \"pointer\": "
		      "\"/@odata.nextLink\"}}");
	CHECK(p != NULL);
	profile_free(p);
	/* Plain offset and limit, newest first, cut client-side. */
	p = one_table("{\"type\": \"none\"}",
		      "\"cursor\": {\"field\": \"/updated_at\", \"format\": "
		      "\"iso_us_offset\", \"order\": \"descending\"}, "
		      "\"incremental\": {\"since\": \"updated_after\"}, "
		      "\"paging\": {\"type\": \"offset\", \"param\": "
		      "\"offset\", \"end\": [\"empty_page\", \"short_page\"]}, "
		      "\"page_size\": {\"param\": \"limit\", \"value\": 50}");
	CHECK(p && p->tables[0].paging.end ==
		       (PROFILE_END_EMPTY_PAGE | PROFILE_END_SHORT_PAGE));
	CHECK(p && p->tables[0].cursor.order == PROFILE_ORDER_DESCENDING);
	profile_free(p);
}

/* -------------------------------------------------------------- refusals ---
 */

#define E "profile t.json: "

static void test_refuse_document(void)
{
	refused_text(__LINE__, "{",
		     E "not valid JSON (unexpected end of data at byte 1)");
	refused_text(__LINE__, "[]", E "a profile is a JSON object");
	refused_text(__LINE__, "{\"a\": \"\\xff\"}",
		     E "not valid JSON (invalid string sequence at byte 8)");
	/* json-c lets an invalid UTF-8 byte through; the profile does not. */
	refused_text(__LINE__, "{\"name\": \"\xff\"}",
		     E "not valid JSON (invalid UTF-8 at byte 10)");
	refused_text(__LINE__,
		     "{\"lakeflowfs_profile\": 1, \"name\": \"a\", "
		     "\"name\": \"b\"}",
		     E "/name: given twice in one object");
	refused_text(__LINE__,
		     "{\"tables\": {\"t\": {\"path\": \"/a\", \"path\": "
		     "\"/b\"}}}",
		     E "/tables/t/path: given twice in one object");
	refused_text(__LINE__,
		     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"
		     "]]]]]]]]]",
		     E "not valid JSON (nesting too deep at byte 32)");
	refused_text(__LINE__, "{\"name\": \"a\\u0000b\"}",
		     E "/lakeflowfs_profile: missing");
	refused_text(__LINE__,
		     "{\"lakeflowfs_profile\": 1, \"name\": \"a\\u0000b\"}",
		     E "/name: must not contain a NUL character");
}

static void test_refuse_top_level(void)
{
	const char *t = tracker_text;

	REFUSED(t, "/colour", "1",
		E "/colour: unknown key; known: lakeflowfs_profile, name, "
		  "description, base_url, auth, headers, error_message, "
		  "discovery, defaults, tables, options");
	REFUSED(t, "/lakeflowfs_profile", "2",
		E "/lakeflowfs_profile: version 2; this lakeflowfs reads "
		  "version 1");
	REFUSED(t, "/lakeflowfs_profile", "\"1\"",
		E "/lakeflowfs_profile: must be an integer from 1 to 1000, not "
		  "a string");
	REFUSED(t, "/name", "5", E "/name: must be a string, not a number");
	REFUSED(t, "/name", "\"Tracker\"",
		E "/name: \"Tracker\" is not a profile name (a-z and 0-9, then "
		  "also . _ -)");
	REFUSED(t, "/auth", NULL, E "/auth: missing");
	REFUSED(t, "/auth/type", "\"oauth\"",
		E "/auth/type: unknown authentication \"oauth\"; known: none, "
		  "basic, bearer, api_key");
	REFUSED(t, "/auth/header", "\"X-Key\"",
		E "/auth: \"header\" and \"prefix\" are for api_key only");
	REFUSED(t, "/auth/token", "\"s3cret\"",
		E "/auth/token: unknown key; known: type, header, prefix");
	REFUSED(t, "/auth", "{\"type\": \"api_key\"}",
		E "/auth/header: missing");
	REFUSED(t, "/auth", "{\"type\": \"api_key\", \"header\": \"Host\"}",
		E "/auth/header: the header Host is the daemon's to send "
		  "(credentials come from \"auth\")");
	REFUSED(t, "/headers/Authorization", "\"Bearer x\"",
		E "/headers/Authorization: the header Authorization is the "
		  "daemon's to send (credentials come from \"auth\")");
	REFUSED(t, "/auth", "{\"type\": \"api_key\", \"header\": \"accept\"}",
		E "/headers/Accept: the API key's header is the daemon's to "
		  "send");
	REFUSED(t, "/headers/Bad Name", "\"x\"",
		E "/headers/Bad Name: \"Bad Name\" is not an HTTP header name");
	REFUSED(t, "/headers/X-A", "\"a\\r\\nHost: evil\"",
		E "/headers/X-A: a header value is printable ASCII");
	REFUSED(t, "/error_message", "\"message\"",
		E "/error_message: \"message\" is not a JSON pointer: it must "
		  "be \"\" or start with '/'");
	REFUSED(t, "/error_message", "\"/a~2\"",
		E "/error_message: not a JSON pointer: '~' must be followed by "
		  "0 or 1");
	REFUSED(t, "/error_message", "\"\"",
		E "/error_message: must name a member, not the whole value "
		  "(\"\")");
	REFUSED(t, "/tables", NULL,
		E "/tables: missing: list the tables, or discover them "
		  "(\"discovery\")");
	REFUSED(t, "/defaults", "null",
		E "/defaults: must be an object, not null");
	REFUSED(t, "/tables", "[]", E "/tables: must be an object, not an array");
	REFUSED(t, "/description", "null",
		E "/description: must be a string, not null");
	REFUSED(t, "/discovery", "{\"path\": \"/t\"}",
		E "/discovery/pointer: missing");
	REFUSED(t, "/discovery", "{\"path\": \"/{table}\", \"pointer\": \"\"}",
		E "/discovery/path: {table} has no meaning here");
}

static void test_refuse_urls_and_paths(void)
{
	const char *t = tracker_text;

	REFUSED(t, "/base_url", "\"ftp://h\"",
		E "/base_url: \"ftp://h\" is not an http:// or https:// URL");
	REFUSED(t, "/base_url", "\"file:///etc/passwd\"",
		E "/base_url: \"file:///etc/passwd\" is not an http:// or "
		  "https:// URL");
	REFUSED(t, "/base_url", "\"http://\"",
		E "/base_url: the URL has no host");
	REFUSED(t, "/base_url", "\"http:///x\"",
		E "/base_url: the URL has no host");
	REFUSED(t, "/base_url", "\"http://user:pw@h\"",
		E "/base_url: a user name in the URL: credentials never go in "
		  "a profile");
	REFUSED(t, "/base_url", "\"http://h:0\"",
		E "/base_url: the port must be 1 to 65535");
	REFUSED(t, "/base_url", "\"http://h/a/../b\"",
		E "/base_url: a path may not have a . or .. segment");
	REFUSED(t, "/base_url", "\"http://h/a?b=1\"",
		E "/base_url: a path has no '?' or '#': give query parameters "
		  "in \"params\"");
	REFUSED(t, "/tables/issues/path", "\"https://evil.example/x\"",
		E "/tables/issues/path: \"https://evil.example/x\" must start "
		  "with '/': a path on the base URL, without scheme or host");
	REFUSED(t, "/tables/issues/path", "\"//evil.example/x\"",
		E "/tables/issues/path: a path may not contain \"//\"");
	REFUSED(t, "/tables/issues/path", "\"/repos/../../etc\"",
		E "/tables/issues/path: a path may not have a . or .. segment");
	REFUSED(t, "/tables/issues/path", "\"/repos/..\"",
		E "/tables/issues/path: a path may not have a . or .. segment");
	REFUSED(t, "/tables/issues/path", "\"/a/%2e%2e/b\"",
		E "/tables/issues/path: %2e encodes a dot, a slash or a "
		  "control character");
	REFUSED(t, "/tables/issues/path", "\"/a%2Fb\"",
		E "/tables/issues/path: %2F encodes a dot, a slash or a "
		  "control character");
	REFUSED(t, "/tables/issues/path", "\"/a%zz\"",
		E "/tables/issues/path: '%' must start a %XX escape");
	REFUSED(t, "/tables/issues/path", "\"/a b\"",
		E "/tables/issues/path: ' ' (byte 0x20) is not allowed in a "
		  "path; percent-encode it");
	REFUSED(t, "/tables/issues/path", "\"/issues?state=all\"",
		E "/tables/issues/path: a path has no '?' or '#': give query "
		  "parameters in \"params\"");
	REFUSED(t, "/tables/issues/path", "\"/{name}\"",
		E "/tables/issues/path: the only placeholder is {table}");
	REFUSED(t, "/tables/issues/path", "\"\"",
		E "/tables/issues/path: must not be empty");
	REFUSED(t, "/tables/issues/path", "\"/a\\\\b\"",
		E "/tables/issues/path: '\\' (byte 0x5c) is not allowed in a "
		  "path; percent-encode it");
}

static void test_refuse_table_members(void)
{
	const char *t = tracker_text, *x = example_text;
	char *deep;

	REFUSED(t, "/tables/issues/pagin", "{}",
		E "/tables/issues/pagin: unknown key; known: hidden, path, "
		  "records, schema, metadata, primary_keys, cursor, ingestion, "
		  "incremental, window, paging, page_size, filters, params, "
		  "deletes");
	REFUSED(t, "/defaults/hidden", "true",
		E
		"/defaults/hidden: unknown key; known: path, records, schema, "
		"metadata, primary_keys, cursor, ingestion, incremental, "
		"window, paging, page_size, filters, params, deletes");
	REFUSED(t, "/tables/issues", "[]",
		E "/tables/issues: must be an object, not an array");
	REFUSED(t, "/tables/a~b", "[]",
		E "/tables/a~0b: must be an object, not an array");
	REFUSED(t, "/tables/..", "{}",
		E "/tables/..: \"..\" is not a usable name (1 to 255 bytes, "
		  "not . or ..)");
	REFUSED(t, "/tables/issues/paging", "{\"type\": \"pages\"}",
		E "/tables/issues/paging/type: unknown paginator \"pages\"; "
		  "known: none, page_number, next_url, cursor, offset");
	REFUSED(t, "/defaults/paging/type", NULL,
		E "/defaults/paging/type: missing; known: none, page_number, "
		  "next_url, cursor, offset");
	REFUSED(t, "/defaults/paging/next/in", "\"footer\"",
		E "/defaults/paging/next/in: unknown place \"footer\"; known: "
		  "body, header, link");
	REFUSED(t, "/defaults/paging/next/pointer", "\"/n\"",
		E "/defaults/paging/next: \"in\": \"link\" takes nothing else");
	REFUSED(t, "/defaults/paging/end/1", "\"last_page\"",
		E
		"/defaults/paging/end/1: unknown end of paging \"last_page\"; "
		"known: next_marker, empty_page, short_page");
	REFUSED(t, "/defaults/paging/end/1", "\"next_marker\"",
		E "/defaults/paging/end/1: next_marker is given twice");
	REFUSED(t, "/defaults/paging/start", "-1",
		E "/defaults/paging/start: must be an integer from 0 to "
		  "1000000000");
	REFUSED(t, "/defaults/paging",
		"{\"type\": \"offset\", \"param\": \"o\", \"next\": {\"in\": "
		"\"link\"}}",
		E "/defaults/paging/next: the offset paginator takes no next");
	REFUSED(t, "/defaults/paging/param start", "1",
		E "/defaults/paging/param start: the page_number paginator "
		  "takes no param start");
	REFUSED(t, "/defaults/paging", "{\"type\": \"none\", \"param\": \"p\"}",
		E "/defaults/paging/param: the none paginator takes no param");
	REFUSED(t, "/defaults/paging",
		"{\"type\": \"cursor\", \"param\": \"c\"}",
		E "/defaults/paging/next: missing");
	REFUSED(t, "/defaults/paging",
		"{\"type\": \"cursor\", \"param\": \"c\", \"next\": {\"in\": "
		"\"link\"}}",
		E "/defaults/paging: a cursor token comes from the body or a "
		  "header; for a Link header use next_url");
	REFUSED(x, "/tables/products/paging",
		"{\"type\": \"page_number\", \"param\": \"page\", \"end\": "
		"[\"next_marker\"]}",
		E "/tables/products/paging/end/0: next_marker: this paging has "
		  "no \"next\"");
	REFUSED(t, "/defaults/page_size", "{\"param\": \"n\"}",
		E
		"/defaults/page_size: give either \"value\" (a fixed size) or "
		"\"option\" (a table option's value)");
	REFUSED(t, "/defaults/page_size", "{\"value\": 10, \"max\": 5}",
		E "/defaults/page_size: \"max\" bounds an option's value; a "
		  "fixed value needs none");
	REFUSED(x, "/tables/events/page_size", "{\"option\": \"limit\"}",
		E "/tables/events/page_size: an option's page size is sent: "
		  "give its \"param\"");
	REFUSED(t, "/defaults/page_size/value", "0",
		E "/defaults/page_size/value: must be an integer from 1 to "
		  "1000000000");
	REFUSED(t, "/tables/issues/ingestion", "\"full\"",
		E
		"/tables/issues/ingestion: unknown ingestion \"full\"; known: "
		"auto, snapshot, append, cdc, cdc_with_deletes");
	REFUSED(t, "/tables/issues/cursor/format", "\"rfc2822\"",
		E "/tables/issues/cursor/format: unknown cursor format "
		  "\"rfc2822\"; known: iso_us_offset, iso_s_z");
	REFUSED(t, "/tables/issues/cursor/format", NULL,
		E "/tables/issues/cursor/format: missing; known: "
		  "iso_us_offset, iso_s_z");
	REFUSED(t, "/tables/issues/cursor/field", "\"\"",
		E "/tables/issues/cursor/field: must name a member, not the "
		  "whole value (\"\")");
	REFUSED(t, "/defaults/incremental/format", "\"epoch\"",
		E "/defaults/incremental/format: unknown format \"epoch\"; "
		  "known: cursor, iso_us_offset, iso_s_z, unix_s");
	REFUSED(t, "/defaults/incremental/since", NULL,
		E "/defaults/incremental/since: missing");
	REFUSED(t, "/defaults/incremental/inclusive", "\"yes\"",
		E "/defaults/incremental/inclusive: must be true or false, not "
		  "a string");
	REFUSED(t, "/tables/issues/params/", "\"x\"",
		E "/tables/issues/params/: a parameter name has 1 to 64 bytes");
	REFUSED(t, "/tables/issues/params/state", "1",
		E
		"/tables/issues/params/state: must be a string, not a number");
	REFUSED(t, "/tables/issues/primary_keys", "[]",
		E "/tables/issues/primary_keys: must name 1 to 32 columns");
	REFUSED(t, "/tables/issues/primary_keys/1", "\"id\"",
		E "/tables/issues/primary_keys/1: \"id\" is given twice");
	REFUSED(x, "/defaults/metadata", "{\"path\": \"/m\"}",
		E "/defaults/metadata: names neither primary_keys nor "
		  "cursor_field");
	REFUSED(x, "/tables/metrics/window/oldest", "\"last_page\"",
		E "/tables/metrics/window/oldest: unknown oldest record "
		  "\"last_page\"; known: first_page");
	REFUSED(x, "/tables/orders/deletes", "{\"params\": {}}",
		E "/tables/orders/deletes/path: missing");
	REFUSED(x, "/tables/products/filters/category", "\"\"",
		E "/tables/products/filters/category: a parameter name has 1 "
		  "to 64 bytes");
	REFUSED(x, "/tables/products/filters/Category", "\"c\"",
		E "/tables/products/filters/Category: \"Category\" is not an "
		  "option name (a-z, then a-z, 0-9 and _; at most 64 bytes)");
	/* Schemas. */
	REFUSED(t, "/tables/labels/schema", "{\"fields\": []}",
		E
		"/tables/labels/schema: must be a Spark StructType {\"type\": "
		"\"struct\", \"fields\": [...]} or an endpoint {\"path\", "
		"\"pointer\", \"types\"}");
	REFUSED(t, "/tables/labels/schema/fields/0/type", "\"int\"",
		E "/tables/labels/schema/fields/0/type: unknown type \"int\"; "
		  "known: string, long, double, timestamp, date, struct (a "
		  "struct as {\"type\": \"struct\", ...})");
	REFUSED(t, "/tables/labels/schema/fields/1/name", "\"name\"",
		E "/tables/labels/schema/fields/1: a second field named "
		  "\"name\"");
	REFUSED(t, "/tables/labels/schema/fields/1/metadata", "{\"c\": 1}",
		E "/tables/labels/schema/fields/1/metadata: must be {} (field "
		  "metadata is not kept)");
	REFUSED(t, "/tables/labels/schema/fields/1/name", NULL,
		E "/tables/labels/schema/fields/1/name: missing");
	REFUSED(t, "/tables/labels/schema/fields", "[]",
		E "/tables/labels/schema/fields: a struct needs at least one "
		  "field");
	REFUSED(t, "/tables/labels/schema/type", "\"array\"",
		E "/tables/labels/schema/type: must be \"struct\"");
	REFUSED(x, "/defaults/schema/types/integer", "\"integer\"",
		E "/defaults/schema/types/integer: must name one of our types: "
		  "string, long, double, timestamp, date, struct");
	REFUSED(x, "/defaults/schema/types", "{}",
		E "/defaults/schema/types: maps no type");
	REFUSED(x, "/defaults/schema/format", "\"x\"",
		E "/defaults/schema/format: unknown key; known: path, pointer, "
		  "types");
	/* Structs nested too deep; deeper still is too deep for JSON. */
	deep = strdup("[]");
	for (int i = 0; i <= PROFILE_STRUCT_DEPTH + 1; i++) {
		char *next = NULL;

		if (asprintf(&next, "{\"type\": \"struct\", \"fields\": %s}",
			     deep) < 0)
			exit(99);
		free(deep);
		if (i <= PROFILE_STRUCT_DEPTH &&
		    asprintf(&deep, "[{\"name\": \"f\", \"type\": %s}]", next) <
			0)
			exit(99);
		if (i <= PROFILE_STRUCT_DEPTH)
			free(next);
		else
			deep = next;
	}
	refused_at(__LINE__, t, "/tables/labels/schema", deep,
		   E "/tables/labels/schema/fields/0/type/fields/0/type/fields/"
		     "0/type/fields/0/type/fields/0/type/fields/0/type/fields/"
		     "0/type/fields/0/type/fields/0/type: structs nested more "
		     "than 8 deep");
	free(deep);
}

/* Settings that cannot work together, each named where it is. */
static void test_refuse_combinations(void)
{
	const char *t = tracker_text, *x = example_text;

	REFUSED(t, "/tables/issues/primary_keys", NULL,
		E "/defaults/incremental/inclusive: an inclusive since needs "
		  "primary keys to remove the records at the boundary that "
		  "were read before (in table issues)");
	REFUSED(t, "/defaults/records", "\"/items\"",
		E "/defaults/paging/next: a Link header pages a body that is "
		  "the array of records: set \"records\": \"\" (in table "
		  "issues)");
	REFUSED(x, "/tables/metrics/incremental/until", NULL,
		E "/tables/metrics/window: a window needs a cursor and the "
		  "since and until parameters (incremental/until)");
	REFUSED(t, "/defaults/incremental/until", "\"until\"",
		E "/defaults/incremental/until: only windows send until; this "
		  "table has no window (in table issues)");
	REFUSED(t, "/defaults/incremental", NULL,
		E "/tables/issues/incremental: missing: reads after a cursor "
		  "need a since parameter");
	REFUSED(t, "/tables/labels/ingestion", "\"append\"",
		E "/tables/labels/ingestion: append reads need a cursor "
		  "(cursor/field or metadata/cursor_field)");
	REFUSED(t, "/tables/issues/cursor/order", "\"ascending\"",
		E "/tables/issues/cursor: sort_params are for an order other "
		  "than ascending: they make it ascending");
	REFUSED(t, "/defaults/incremental/stop_at_cap", "true",
		E "/defaults/incremental/stop_at_cap: the rule of append "
		  "tables; set \"ingestion\": \"append\" (in table issues)");
	REFUSED(t, "/tables/issues/path", NULL,
		E "/tables/issues/path: missing");
	REFUSED(x, "/defaults/paging", NULL,
		E "/defaults/paging: missing: the defaults serve every "
		  "discovered table without an entry");
	REFUSED(t, "/tables/labels/hidden", "true",
		E "/tables/labels/hidden: hidden is for tables a discovery "
		  "endpoint leaves out, and this profile has none");
	REFUSED(t, "/tables/issues/cursor/field", "\"/modified_at\"",
		E "/tables/issues/cursor/field: \"/modified_at\" names no "
		  "field of the schema");
	REFUSED(t, "/tables/issues/cursor/field", "\"/number\"",
		E "/tables/issues/cursor/field: the cursor is a integer field; "
		  "it must be a timestamp or a string");
	REFUSED(t, "/tables/issues/cursor/field", "\"/user\"",
		E "/tables/issues/cursor/field: the cursor is a struct field; "
		  "it must be a timestamp or a string");
	REFUSED(t, "/tables/issues/primary_keys/0", "\"uuid\"",
		E "/tables/issues/primary_keys: \"uuid\" is not a column of "
		  "the schema");
	REFUSED(x, "/tables/metrics/metadata",
		"{\"path\": \"/m\", \"primary_keys\": \"/pk\"}",
		E "/tables/metrics/primary_keys: given here and read from "
		  "metadata/primary_keys; give one");
	REFUSED(x, "/tables/metrics/metadata",
		"{\"path\": \"/m\", \"cursor_field\": \"/c\"}",
		E "/tables/metrics/cursor/field: given here and read from "
		  "metadata/cursor_field; give one");
	REFUSED(x, "/defaults/cursor", NULL,
		E "/defaults/metadata/cursor_field: a cursor needs \"cursor\": "
		  "{\"format\": ...}");
	REFUSED(t, "/tables/labels/cursor", "{\"format\": \"iso_s_z\"}",
		E "/tables/labels/cursor: has no field, and metadata names no "
		  "cursor_field");
	REFUSED(x, "/tables/products/deletes", "{\"path\": \"/d\"}",
		E "/tables/products/deletes: only a cdc_with_deletes table has "
		  "deletes");
	REFUSED(x, "/tables/orders/deletes", NULL,
		E "/tables/orders/ingestion: cdc_with_deletes needs "
		  "\"deletes\": {\"path\": ...}");
	REFUSED(x, "/defaults/paging/end", "[\"short_page\"]",
		E "/defaults/paging/end: short_page needs the page size "
		  "(page_size)");
	REFUSED(t, "/tables/issues/params/page", "\"1\"",
		E "/tables/issues: the query parameter \"page\" would be sent "
		  "as the paging parameter and again as something else");
	REFUSED(t, "/tables/issues/params/since", "\"1\"",
		E "/tables/issues: the query parameter \"since\" would be sent "
		  "as since and again as something else");
	REFUSED(x, "/tables/orders/deletes/params", "{\"page\": \"1\"}",
		E "/tables/orders/deletes/params: \"page\" is sent twice");
	/* Options used by the tables: declared, of the kind, applying. */
	REFUSED(t, "/tables/issues/filters", "{\"label\": \"labels\"}",
		E "/tables/issues/filters/label: option \"label\" is not in "
		  "/options");
	REFUSED(x, "/tables/orders/filters/category", "\"category\"",
		E "/tables/orders/filters/category: option \"category\" does "
		  "not apply to table orders");
	REFUSED(x, "/tables/metrics/window/start_option", "\"limit\"",
		E "/tables/metrics/window/start_option: option \"limit\" must "
		  "be of type timestamp");
	REFUSED(x, "/options/window_seconds/default", NULL,
		E "/tables/metrics/window/width_option: option "
		  "\"window_seconds\" needs a default width");
	REFUSED(x, "/defaults/filters", "{\"category\": \"category\"}",
		E "/defaults/filters/category: option \"category\" applies to "
		  "listed tables only, and the defaults serve any discovered "
		  "table");
	REFUSED(t, "/tables/labels/filters",
		"{\"max_records_per_batch\": "
		"\"n\"}",
		E "/tables/labels/filters/max_records_per_batch: option "
		  "\"max_records_per_batch\" applies to incremental tables, "
		  "and this one is a snapshot");
}

static void test_refuse_options(void)
{
	const char *t = tracker_text, *x = example_text;

	REFUSED(t, "/options/color", "{\"type\": \"string\"}",
		E "/options/color: no table uses it (as a filter, a page size "
		  "or a window option)");
	REFUSED(t, "/options/Color", "{\"type\": \"string\"}",
		E "/options/Color: \"Color\" is not an option name (a-z, then "
		  "a-z, 0-9 and _; at most 64 bytes)");
	REFUSED(t, "/options/num_rows/type", "\"float\"",
		E "/options/num_rows/type: unknown option type \"float\"; "
		  "known: integer, string, timestamp");
	REFUSED(t, "/options/num_rows/type", NULL,
		E "/options/num_rows/type: missing; known: integer, string, "
		  "timestamp");
	REFUSED(t, "/options/num_rows/type", "\"string\"",
		E
		"/options/num_rows: num_rows is a number of records: its type "
		"is integer");
	REFUSED(t, "/options/max_records_per_batch/default", NULL,
		E "/options/max_records_per_batch: max_records_per_batch needs "
		  "a default");
	REFUSED(t, "/options/num_rows/default", "0",
		E "/options/num_rows/default: must be an integer from 1 to "
		  "1000000000");
	REFUSED(t, "/options/num_rows/tables", "[\"nope\"]",
		E "/options/num_rows: \"tables\" names nope, which is not in "
		  "/tables");
	REFUSED(t, "/options/num_rows/tables", "\"snapshot\"",
		E "/options/num_rows/tables: must be \"incremental\" or an "
		  "array of 1 to 256 table names");
	REFUSED(t, "/options/num_rows/allowlist", "1",
		E "/options/num_rows/allowlist: must be true or false, not a "
		  "number");
	REFUSED(t, "/options/num_rows/hint", "\"x\"",
		E "/options/num_rows/hint: unknown key; known: type, default, "
		  "tables, allowlist, description");
	REFUSED(x, "/options/start_timestamp/default", "\"yesterday\"",
		E "/options/start_timestamp/default: \"yesterday\" is not an "
		  "ISO 8601 timestamp");
	REFUSED(x, "/options/category/default", "\"\"",
		E "/options/category/default: must not be empty");
}

/* Caps: each refused with its message, not by running out of memory. */
static void test_refuse_caps(void)
{
	const char *t = tracker_text;
	struct buf b;
	char *big;

	buf_init(&b, 0);
	buf_puts(&b, "{");
	for (int i = 0; i <= PROFILE_TABLES_MAX; i++)
		buf_printf(&b, "%s\"t%d\": {}", i ? ", " : "", i);
	buf_puts(&b, "}");
	refused_at(__LINE__, t, "/tables", b.data,
		   E "/tables: has more than 256 members");
	buf_free(&b);
	big = calloc(1, PROFILE_STRING_MAX + 8);
	memset(big, 'a', PROFILE_STRING_MAX + 3);
	big[0] = big[PROFILE_STRING_MAX + 2] = '"';
	refused_at(__LINE__, t, "/description", big,
		   E "/description: is longer than 2048 bytes");
	free(big);
	REFUSED(t, "/error_message",
		"\"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17\"",
		E "/error_message: a JSON pointer of more than 16 tokens");
	big = calloc(1, PROFILE_SIZE_MAX + 2);
	memset(big, ' ', PROFILE_SIZE_MAX + 1);
	big[0] = '{';
	big[PROFILE_SIZE_MAX] = '}';
	refused_text(__LINE__, big, E "larger than 1048576 bytes");
	free(big);
}

int main(void)
{
	example_text = source_file("profiles/example.json");
	tracker_text = source_file("contrib/profiles/tracker.json");
	test_example_profile();
	test_tracker_profile();
	test_load();
	test_inheritance();
	test_helpers();
	test_other_apis();
	test_refuse_document();
	test_refuse_top_level();
	test_refuse_urls_and_paths();
	test_refuse_table_members();
	test_refuse_combinations();
	test_refuse_options();
	test_refuse_caps();
	free(example_text);
	free(tracker_text);
	return check_result();
}
