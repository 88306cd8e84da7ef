/* SPDX-License-Identifier: MIT */
/*
 * page: parsing and checking one page of records. See page.h. It owns the
 * shape checks of a records answer; the paging loop lives in read.c.
 */
#include "page.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

__attribute__((format(printf, 2, 3))) static int page_fail(struct page *pg,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pg->error, sizeof(pg->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Parses the whole of body as one JSON value; trailing text is an error. */
static int parse_json(const char *body, size_t len, struct page *pg,
		      struct json_object **out)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	struct json_object *obj;
	size_t end;
	int rc = 0;

	*out = NULL;
	if (len > INT32_MAX)
		return page_fail(pg, "body too large to parse");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue)
		rc = page_fail(pg, "invalid JSON: unexpected end of body");
	else if (jerr != json_tokener_success)
		rc = page_fail(pg, "invalid JSON at offset %zu: %s", end,
			       json_tokener_error_desc(jerr));
	while (!rc && end < len && body[end] && strchr(" \t\r\n", body[end]))
		end++;
	if (!rc && end < len)
		rc = page_fail(pg, "invalid JSON: trailing text at offset %zu",
			       end);
	json_tokener_free(tok);
	if (rc)
		json_object_put(obj);
	else
		*out = obj;
	return rc;
}

/* Checks that field is present in record i as a string. */
static int check_string_field(struct page *pg, size_t i,
			      struct json_object *rec, const char *field)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, field, &v) || !v)
		return page_fail(pg, "record %zu has no %s", i, field);
	if (!json_object_is_type(v, json_type_string))
		return page_fail(pg, "record %zu: %s is not a string", i,
				 field);
	return 0;
}

static int check_records(struct page *pg, const struct page_keys *keys)
{
	size_t i, k;
	int rc;

	for (i = 0; i < pg->nrecords; i++) {
		struct json_object *rec =
		    json_object_array_get_idx(pg->records, i);
		if (!json_object_is_type(rec, json_type_object))
			return page_fail(pg, "record %zu is not an object", i);
		if (!keys)
			continue;
		if (keys->cursor_field) {
			rc = check_string_field(pg, i, rec, keys->cursor_field);
			if (rc)
				return rc;
		}
		for (k = 0; k < keys->nprimary_keys; k++) {
			rc = check_string_field(pg, i, rec,
						keys->primary_keys[k]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Reads next_page: null, or an integer of at least 2 (page is 1-based). */
static int check_next_page(struct page *pg)
{
	struct json_object *np;
	int64_t n;

	if (!json_object_object_get_ex(pg->root, "next_page", &np))
		return page_fail(pg, "next_page missing");
	if (!np) {
		pg->next_page = 0;
		return 0;
	}
	if (!json_object_is_type(np, json_type_int))
		return page_fail(pg, "next_page is not an integer or null");
	n = json_object_get_int64(np);
	if (n < 2 || n > LONG_MAX)
		return page_fail(pg, "next_page %lld out of range",
				 (long long)n);
	pg->next_page = (long)n;
	return 0;
}

int page_parse(const char *body, size_t len, const struct page_keys *keys,
	       struct page *pg)
{
	int rc;

	memset(pg, 0, sizeof(*pg));
	if (!body || len == 0) {
		rc = page_fail(pg, "empty body");
		goto out;
	}
	rc = parse_json(body, len, pg, &pg->root);
	if (rc)
		goto out;
	if (!json_object_is_type(pg->root, json_type_object)) {
		rc = page_fail(pg, "answer is not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(pg->root, "records", &pg->records) ||
	    !json_object_is_type(pg->records, json_type_array)) {
		rc = page_fail(pg, "records missing or not an array");
		goto out;
	}
	pg->nrecords = json_object_array_length(pg->records);
	rc = check_next_page(pg);
	if (rc)
		goto out;
	rc = check_records(pg, keys);
out:
	if (rc) {
		json_object_put(pg->root);
		pg->root = NULL;
		pg->records = NULL;
		pg->nrecords = 0;
	}
	return rc;
}

void page_free(struct page *pg)
{
	json_object_put(pg->root);
	pg->root = NULL;
	pg->records = NULL;
	pg->nrecords = 0;
}

const char *page_record_json(struct page *pg, size_t i)
{
	struct json_object *rec = json_object_array_get_idx(pg->records, i);

	return json_object_to_json_string_ext(
	    rec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

const char *page_record_string(const struct page *pg, size_t i,
			       const char *field)
{
	struct json_object *rec = json_object_array_get_idx(pg->records, i);
	struct json_object *v;

	if (!json_object_object_get_ex(rec, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
