/* SPDX-License-Identifier: MIT */
/* jsonc_ref: the json-c reference path. See jsonc_ref.h. */
#include "jsonc_ref.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

__attribute__((format(printf, 2, 3))) static int ref_fail(struct buf *err,
							  const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		(void)buf_vprintf(err, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int ref_json_parse(const char *text, size_t len, struct json_object **out,
		   struct buf *err)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	struct json_object *obj;
	size_t end;
	int rc = 0;

	*out = NULL;
	if (len > INT32_MAX)
		return -EINVAL;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr != json_tokener_success)
		rc = ref_fail(err, "invalid JSON at offset %zu: %s", end,
			      json_tokener_error_desc(jerr));
	while (!rc && end < len && text[end] && strchr(" \t\r\n", text[end]))
		end++;
	if (!rc && end < len)
		rc = ref_fail(err, "trailing text at offset %zu", end);
	json_tokener_free(tok);
	if (rc)
		json_object_put(obj);
	else
		*out = obj;
	return rc;
}

void ref_page_init(struct ref_page *rp)
{
	memset(rp, 0, sizeof(*rp));
	buf_init(&rp->lines, 0);
	buf_init(&rp->cursors, 0);
}

void ref_page_free(struct ref_page *rp)
{
	buf_free(&rp->lines);
	buf_free(&rp->cursors);
}

/* The string field of rec, or NULL when it is missing, null or no string. */
static const char *ref_string(struct json_object *rec, const char *field,
			      struct buf *err, size_t i)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, field, &v) || !v) {
		ref_fail(err, "record %zu has no %s", i, field);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		ref_fail(err, "record %zu: %s is not a string", i, field);
		return NULL;
	}
	return json_object_get_string(v);
}

/* Checks record i and appends its line and cursor to rp. */
static int ref_record(struct json_object *rec, size_t i,
		      const struct page_keys *keys, struct ref_page *rp,
		      struct buf *err)
{
	const char *cursor = NULL, *text;
	size_t k;
	int rc;

	if (!json_object_is_type(rec, json_type_object))
		return ref_fail(err, "record %zu is not an object", i);
	if (keys && keys->cursor_field &&
	    !(cursor = ref_string(rec, keys->cursor_field, err, i)))
		return -EINVAL;
	for (k = 0; keys && k < keys->nprimary_keys; k++)
		if (!ref_string(rec, keys->primary_keys[k], err, i))
			return -EINVAL;
	text = json_object_to_json_string_ext(
	    rec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	rc = buf_puts(&rp->lines, text);
	if (!rc)
		rc = buf_putc(&rp->lines, '\n');
	if (!rc && cursor)
		rc = buf_append(&rp->cursors, cursor, strlen(cursor) + 1);
	return rc;
}

/* Reads next_page: null, or an integer of at least 2. */
static int ref_next_page(struct json_object *root, struct ref_page *rp,
			 struct buf *err)
{
	struct json_object *np;
	int64_t n;

	if (!json_object_object_get_ex(root, "next_page", &np))
		return ref_fail(err, "next_page missing");
	if (!np)
		return 0;
	if (!json_object_is_type(np, json_type_int))
		return ref_fail(err, "next_page is not an integer or null");
	n = json_object_get_int64(np);
	if (n < 2 || n > LONG_MAX)
		return ref_fail(err, "next_page %lld out of range",
				(long long)n);
	rp->next_page = (long)n;
	return 0;
}

int ref_page(const char *body, size_t len, const struct page_keys *keys,
	     struct ref_page *rp, struct buf *err)
{
	struct json_object *root = NULL, *records = NULL;
	size_t i, n;
	int rc;

	buf_reset(&rp->lines);
	buf_reset(&rp->cursors);
	rp->nrecords = 0;
	rp->next_page = 0;
	if (!body || !len)
		return ref_fail(err, "empty body");
	rc = ref_json_parse(body, len, &root, err);
	if (rc)
		return rc;
	if (!json_object_is_type(root, json_type_object))
		rc = ref_fail(err, "answer is not a JSON object");
	else if (!json_object_object_get_ex(root, "records", &records) ||
		 !json_object_is_type(records, json_type_array))
		rc = ref_fail(err, "records missing or not an array");
	else
		rc = ref_next_page(root, rp, err);
	n = rc ? 0 : json_object_array_length(records);
	for (i = 0; !rc && i < n; i++)
		rc = ref_record(json_object_array_get_idx(records, i), i, keys,
				rp, err);
	if (!rc)
		rp->nrecords = n;
	json_object_put(root);
	return rc;
}

/* ------------------------------------------------- JSON lines to CSV --- */

#define REF_STRUCT_DEPTH_MAX 16

static int ref_needs_quotes(const char *s, size_t len)
{
	if (len == 0)
		return 1;
	if (strchr(" \t", s[0]) || strchr(" \t", s[len - 1]))
		return 1;
	return strpbrk(s, ",\"\r\n") != NULL || memchr(s, '\0', len) != NULL;
}

/* Writes one string field, quoted and with quotes doubled if needed. */
static int ref_put_string(FILE *out, const char *s, size_t len)
{
	if (ref_needs_quotes(s, len))
		return csv_fwrite(out, s, len) ? -EIO : 0;
	return fwrite(s, 1, len, out) == len ? 0 : -EIO;
}

/* Writes one JSON value of a non-struct column; NULL means null. */
static int ref_put_value(FILE *out, struct json_object *v)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_string:
		return ref_put_string(out, json_object_get_string(v),
				      (size_t)json_object_get_string_len(v));
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		return fputs(s, out) == EOF ? -EIO : 0;
	case json_type_int:
	case json_type_double:
		/* Doubles keep the text they were parsed from. */
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		return fputs(s, out) == EOF ? -EIO : 0;
	default:
		s = json_object_to_json_string_ext(
		    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		return ref_put_string(out, s, strlen(s));
	}
}

/* Writes the columns of fields from obj (NULL: all null), separated. */
static int ref_put_fields(FILE *out, const struct field *fields, size_t n,
			  struct json_object *obj, int *first, int depth)
{
	struct json_object *v;
	size_t i;
	int rc = 0;

	if (depth > REF_STRUCT_DEPTH_MAX)
		return -EINVAL;
	for (i = 0; !rc && i < n; i++) {
		v = NULL;
		if (obj)
			json_object_object_get_ex(obj, fields[i].name, &v);
		if (fields[i].type == FIELD_STRUCT) {
			if (v && !json_object_is_type(v, json_type_object))
				return -EINVAL;
			rc = ref_put_fields(out, fields[i].fields,
					    fields[i].nfields, v, first,
					    depth + 1);
			continue;
		}
		if (!*first && putc(',', out) == EOF)
			return -EIO;
		*first = 0;
		rc = ref_put_value(out, v);
	}
	return rc;
}

/* Writes the header names, "parent.child" for struct members. */
static int ref_put_header(FILE *out, const struct field *fields, size_t n,
			  const char *prefix, int *first, int depth)
{
	struct buf name;
	size_t i;
	int rc = 0;

	if (depth > REF_STRUCT_DEPTH_MAX)
		return -EINVAL;
	buf_init(&name, 0);
	for (i = 0; !rc && i < n; i++) {
		buf_reset(&name);
		if (prefix)
			rc = buf_printf(&name, "%s.", prefix);
		if (!rc)
			rc = buf_puts(&name, fields[i].name);
		if (rc)
			break;
		if (fields[i].type == FIELD_STRUCT) {
			rc = ref_put_header(out, fields[i].fields,
					    fields[i].nfields, name.data, first,
					    depth + 1);
			continue;
		}
		if (!*first && putc(',', out) == EOF)
			rc = -EIO;
		*first = 0;
		if (!rc)
			rc = ref_put_string(out, name.data, name.len);
	}
	buf_free(&name);
	return rc;
}

/* Converts one JSON line into one CSV row (csvout.c before jscan). */
static int ref_put_record(const struct table_info *t, const char *line,
			  size_t len, FILE *out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *rec = NULL;
	int rc = -EINVAL, first = 1;

	if (!tok)
		return -ENOMEM;
	rec = json_tokener_parse_ex(tok, line, (int)len);
	if (json_object_is_type(rec, json_type_object))
		rc = ref_put_fields(out, t->fields, t->nfields, rec, &first, 0);
	if (!rc && fputs("\r\n", out) == EOF)
		rc = -EIO;
	json_object_put(rec);
	json_tokener_free(tok);
	return rc;
}

int ref_csv_from_jsonl(const struct table_info *t, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int rc, first = 1;

	rc = ref_put_header(out, t->fields, t->nfields, NULL, &first, 0);
	if (!rc && fputs("\r\n", out) == EOF)
		rc = -EIO;
	while (!rc && (n = getline(&line, &size, in)) != -1) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n)
			rc = ref_put_record(t, line, (size_t)n, out);
	}
	if (!rc && (ferror(in) || ferror(out)))
		rc = -EIO;
	free(line);
	return rc;
}
