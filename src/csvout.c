/* SPDX-License-Identifier: MIT */
/*
 * csvout: a table's JSON-lines records as RFC 4180 CSV. See source.h. It
 * owns the column layout (struct fields flattened to "parent.child") and
 * the quoting rules, and streams line by line; it never fetches anything.
 *
 * Quoting: a string is quoted when it is empty, holds a comma, quote, CR or
 * LF, or starts or ends with a space or tab; so null (an empty unquoted
 * field) and "" stay apart. Numbers keep the server's text; booleans are
 * true/false. Lines end with CRLF.
 */
#include "source.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"

#define CSV_STRUCT_DEPTH_MAX 16

static int csv_needs_quotes(const char *s, size_t len)
{
	if (len == 0)
		return 1;
	if (strchr(" \t", s[0]) || strchr(" \t", s[len - 1]))
		return 1;
	return strpbrk(s, ",\"\r\n") != NULL || memchr(s, '\0', len) != NULL;
}

/* Writes one string field, quoted and with quotes doubled if needed. */
static int csv_put_string(FILE *out, const char *s, size_t len)
{
	if (csv_needs_quotes(s, len))
		return csv_fwrite(out, s, len) ? -EIO : 0;
	return fwrite(s, 1, len, out) == len ? 0 : -EIO;
}

/* Writes one JSON value of a non-struct column; NULL means null. */
static int csv_put_value(FILE *out, struct json_object *v)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_string:
		return csv_put_string(out, json_object_get_string(v),
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
		return csv_put_string(out, s, strlen(s));
	}
}

/* Writes the columns of fields from obj (NULL: all null), separated. */
static int csv_put_fields(FILE *out, const struct field *fields, size_t n,
			  struct json_object *obj, int *first, int depth)
{
	struct json_object *v;
	size_t i;
	int rc = 0;

	if (depth > CSV_STRUCT_DEPTH_MAX)
		return -EINVAL;
	for (i = 0; !rc && i < n; i++) {
		v = NULL;
		if (obj)
			json_object_object_get_ex(obj, fields[i].name, &v);
		if (fields[i].type == FIELD_STRUCT) {
			if (v && !json_object_is_type(v, json_type_object))
				return -EINVAL;
			rc = csv_put_fields(out, fields[i].fields,
					    fields[i].nfields, v, first,
					    depth + 1);
			continue;
		}
		if (!*first && putc(',', out) == EOF)
			return -EIO;
		*first = 0;
		rc = csv_put_value(out, v);
	}
	return rc;
}

/* Writes the header names, "parent.child" for struct members. */
static int csv_put_header(FILE *out, const struct field *fields, size_t n,
			  const char *prefix, int *first, int depth)
{
	struct buf name;
	size_t i;
	int rc = 0;

	if (depth > CSV_STRUCT_DEPTH_MAX)
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
			rc = csv_put_header(out, fields[i].fields,
					    fields[i].nfields, name.data, first,
					    depth + 1);
			continue;
		}
		if (!*first && putc(',', out) == EOF)
			rc = -EIO;
		*first = 0;
		if (!rc)
			rc = csv_put_string(out, name.data, name.len);
	}
	buf_free(&name);
	return rc;
}

/* Converts one JSON line into one CSV row. */
static int csv_put_record(const struct table_info *t, const char *line,
			  size_t len, unsigned long lineno, FILE *out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *rec = NULL;
	int rc = -EINVAL, first = 1;

	if (!tok)
		return -ENOMEM;
	rec = json_tokener_parse_ex(tok, line, (int)len);
	if (json_object_is_type(rec, json_type_object))
		rc = csv_put_fields(out, t->fields, t->nfields, rec, &first, 0);
	if (!rc && fputs("\r\n", out) == EOF)
		rc = -EIO;
	if (rc == -EINVAL)
		lf_err("%s: CSV: line %lu is not a record of the table",
		       t->name, lineno);
	json_object_put(rec);
	json_tokener_free(tok);
	return rc;
}

int csv_from_jsonl(const struct table_info *t, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t size = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc, first = 1;

	rc = csv_put_header(out, t->fields, t->nfields, NULL, &first, 0);
	if (!rc && fputs("\r\n", out) == EOF)
		rc = -EIO;
	while (!rc && (n = getline(&line, &size, in)) != -1) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n)
			rc = csv_put_record(t, line, (size_t)n, lineno, out);
	}
	if (!rc && ferror(in)) {
		lf_err("%s: CSV: reading records: %s", t->name,
		       strerror(errno));
		rc = -EIO;
	}
	if (!rc && ferror(out)) {
		lf_err("%s: CSV: writing: %s", t->name, strerror(errno));
		rc = -EIO;
	}
	free(line);
	return rc;
}
