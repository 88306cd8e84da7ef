/* SPDX-License-Identifier: MIT */
/*
 * fuzz_csv: csv_from_jsonl() over arbitrary JSON lines, for the metrics
 * table's columns plus a nested struct and every column type. Whatever it
 * converts must read back with libcsv as a header and one row per
 * non-empty line, each with one field per leaf column. When every line is
 * json-c's own compact text of an object (as the lines of snapshot.jsonl
 * from the Example source are), the CSV must be byte for byte what the
 * json-c converter it replaced made (tests/unit/jsonc_ref.c), but where
 * jscan refuses what json-c took (jsonc_diff.h).
 */
#include "source.h"

#include <csv.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "jscan.h"
#include "jsonc_diff.h"
#include "jsonc_ref.h"
#include "log.h"

#include "fuzz.h"

static struct field deep[] = {
	{ "n", FIELD_INTEGER, 1, NULL, 0 },
	{ "s", FIELD_STRING, 1, NULL, 0 },
};
static struct field value[] = {
	{ "count", FIELD_INTEGER, 1, NULL, 0 },
	{ "label", FIELD_STRING, 1, NULL, 0 },
	{ "measure", FIELD_DOUBLE, 1, NULL, 0 },
	{ "deep", FIELD_STRUCT, 1, deep, 2 },
};
/* The metrics table's columns, a nested struct and the other types. */
static struct field fields[] = {
	{ "metric_id", FIELD_STRING, 0, NULL, 0 },
	{ "name", FIELD_STRING, 1, NULL, 0 },
	{ "value", FIELD_STRUCT, 1, value, 4 },
	{ "host", FIELD_STRING, 1, NULL, 0 },
	{ "updated_at", FIELD_TIMESTAMP, 1, NULL, 0 },
	{ "day", FIELD_DATE, 1, NULL, 0 },
	{ "amount", FIELD_DOUBLE, 1, NULL, 0 },
};
static const struct table_info table = { .name = "fuzz", .fields = fields,
					 .nfields = 7 };
#define LEAF_COLUMNS 11

struct readback {
	size_t fields; /* in the current row */
	size_t rows;
	int bad;       /* a row without LEAF_COLUMNS fields */
};

static void on_field(void *s, size_t len, void *arg)
{
	((struct readback *)arg)->fields++;
}

static void on_row(int c, void *arg)
{
	struct readback *r = arg;

	if (r->fields != LEAF_COLUMNS)
		r->bad = 1;
	r->fields = 0;
	r->rows++;
}

/* The rows csv_from_jsonl() writes: one per line not empty once its
 * trailing CR and LF are cut, plus the header. */
static size_t expected_rows(const uint8_t *data, size_t size)
{
	size_t rows = 1, i = 0, start, end;

	while (i < size) {
		start = i;
		while (i < size && data[i] != '\n')
			i++;
		end = i < size ? i + 1 : i;
		while (end > start && (data[end - 1] == '\n' || data[end - 1] == '\r'))
			end--;
		rows += end > start;
		i++;
	}
	return rows;
}

static void quiet(enum fuse_log_level level, const char *fmt, va_list ap)
{
}

/* How the line [p, p + len) stands against json-c: 1 when it is json-c's
 * own compact text of an object, -1 when jscan refuses it where json-c
 * does not, 0 otherwise. */
static int line_kind(const char *p, size_t len)
{
	struct json_object *o = NULL;
	struct jscan_doc doc;
	const char *text;
	int kind = 0;

	if (ref_json_parse(p, len, &o, NULL) == 0 &&
	    json_object_is_type(o, json_type_object)) {
		text = json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		kind = text && strlen(text) == len && !memcmp(text, p, len);
	}
	jscan_doc_init(&doc);
	if (kind && jscan_check(&doc, p, len) &&
	    jscan_refuses_more(p, len, &doc))
		kind = -1;
	jscan_doc_free(&doc);
	json_object_put(o);
	return kind;
}

/* 1 when every non-empty line is json-c's compact text of an object, -1
 * when so but jscan refuses one of them, 0 otherwise. */
static int input_kind(const uint8_t *data, size_t size)
{
	size_t i = 0, start, end;
	int kind = 1, k, lines = 0;

	while (i < size && kind) {
		start = i;
		while (i < size && data[i] != '\n')
			i++;
		end = i++;
		while (end > start &&
		       (data[end - 1] == '\n' || data[end - 1] == '\r'))
			end--;
		if (end == start)
			continue;
		lines++;
		k = line_kind((const char *)data + start, end - start);
		kind = !k ? 0 : k < 0 ? -1 : kind;
	}
	return lines ? kind : 0;
}

/* The json-c converter's CSV of the same input, against ours. */
static void compare_to_jsonc(const uint8_t *data, size_t size, int rc,
			     const char *text, size_t len)
{
	int kind = input_kind(data, size), old_rc;
	char *old = NULL;
	size_t old_len = 0;
	FILE *in, *out;

	if (!kind)
		return;
	in = fmemopen((void *)data, size, "r");
	out = open_memstream(&old, &old_len);
	if (!in || !out)
		goto out;
	old_rc = ref_csv_from_jsonl(&table, in, out);
	fclose(out);
	out = NULL;
	if (rc == 0) {
		FUZZ_ASSERT(old_rc == 0);
		FUZZ_ASSERT(old_len == len && !memcmp(old, text, len));
	} else if (old_rc == 0) {
		FUZZ_ASSERT(kind < 0);
	}
out:
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(old);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct readback r = { 0, 0, 0 };
	struct csv_parser p;
	char *text = NULL;
	size_t len = 0;
	FILE *in, *out;
	int rc;

	fuse_set_log_func(quiet);
	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "r");
	out = open_memstream(&text, &len);
	if (!in || !out)
		goto out;
	rc = csv_from_jsonl(&table, in, out);
	fclose(out);
	out = NULL;
	if (rc == 0) {
		FUZZ_ASSERT(csv_init(&p, 0) == 0);
		FUZZ_ASSERT(csv_parse(&p, text, len, on_field, on_row, &r) == len);
		csv_fini(&p, on_field, on_row, &r);
		csv_free(&p);
		FUZZ_ASSERT(!r.bad);
		FUZZ_ASSERT(r.rows == expected_rows(data, size));
	}
	compare_to_jsonc(data, size, rc, text, len);
out:
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(text);
	return 0;
}
