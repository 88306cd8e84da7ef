/* SPDX-License-Identifier: MIT */
/*
 * csvout: a table's JSON-lines records as RFC 4180 CSV. See source.h. It
 * owns the column layout (struct fields flattened to "parent.child") and
 * the quoting rules, and streams line by line; it never fetches anything.
 * Each line is checked and read with jscan, without a tree.
 *
 * Quoting: a string is quoted when it is empty, holds a comma, quote, CR,
 * LF or NUL, or starts or ends with a space or tab; so null (an empty
 * unquoted field) and "" stay apart. Strings are written decoded; numbers
 * keep the server's text; booleans are true/false; an object or array in
 * a column that is not a struct is written as its compact JSON text, as
 * the server wrote it. Lines end with CRLF.
 */
#include "source.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "log.h"

#define CSV_STRUCT_DEPTH_MAX 16
/* No value's text grows past this (four times the HTTP client's default
 * body cap, which no record line can pass). */
#define CSV_VALUE_MAX (256u << 20)
/* Rows go out in writes of this many bytes. */
#define CSV_OUT_SIZE (64u << 10)

/* One level of a table's fields, as jscan_members() takes them. */
struct csv_level {
	const struct field *fields;
	size_t n;
	const char **names;
	size_t *lens;
	struct jscan_value *vals; /* this level's values in the current row */
	struct csv_level *sub;	  /* sub[i]: the level of struct field i */
};

/* One conversion: the layout, the line being read, where rows go. */
struct csv_writer {
	const struct table_info *t;
	struct csv_level top;
	struct jscan_doc doc;
	struct buf text; /* a string decoded, or a value compacted */
	FILE *out;
	char *obuf; /* rows not yet written to out: CSV_OUT_SIZE bytes */
	size_t olen;
	int werr; /* errno of a write to out that failed, else 0 */
};

/* ----------------------------------------------------------- output --- */

/* Writes out the rows gathered in obuf. */
static void out_flush(struct csv_writer *w)
{
	if (w->olen && fwrite(w->obuf, 1, w->olen, w->out) != w->olen)
		w->werr = errno ? errno : EIO;
	w->olen = 0;
}

static inline void out_put(struct csv_writer *w, const char *s, size_t len)
{
	if (len > CSV_OUT_SIZE - w->olen) {
		out_flush(w);
		if (len >= CSV_OUT_SIZE) {
			if (fwrite(s, 1, len, w->out) != len)
				w->werr = errno ? errno : EIO;
			return;
		}
	}
	memcpy(w->obuf + w->olen, s, len);
	w->olen += len;
}

static inline void out_putc(struct csv_writer *w, char c)
{
	if (w->olen == CSV_OUT_SIZE)
		out_flush(w);
	w->obuf[w->olen++] = c;
}

/* ----------------------------------------------------------- layout --- */

static void level_free(struct csv_level *l)
{
	size_t i;

	for (i = 0; l->sub && i < l->n; i++)
		level_free(&l->sub[i]);
	free(l->names);
	free(l->lens);
	free(l->vals);
	free(l->sub);
	memset(l, 0, sizeof(*l));
}

/* Lays out fields (and, below them, their struct members). */
static int level_init(struct csv_level *l, const struct field *fields, size_t n,
		      int depth)
{
	size_t i;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (depth > CSV_STRUCT_DEPTH_MAX)
		return -EINVAL;
	l->fields = fields;
	l->n = n;
	l->names = calloc(n + 1, sizeof(*l->names));
	l->lens = calloc(n + 1, sizeof(*l->lens));
	l->vals = calloc(n + 1, sizeof(*l->vals));
	l->sub = calloc(n + 1, sizeof(*l->sub));
	if (!l->names || !l->lens || !l->vals || !l->sub)
		rc = -ENOMEM;
	for (i = 0; !rc && i < n; i++) {
		l->names[i] = fields[i].name;
		l->lens[i] = strlen(fields[i].name);
		if (fields[i].type == FIELD_STRUCT)
			rc = level_init(&l->sub[i], fields[i].fields,
					fields[i].nfields, depth + 1);
	}
	if (rc)
		level_free(l);
	return rc;
}

/* ----------------------------------------------------------- fields --- */

/* 0x80 in each byte of x that is zero, and nowhere else. */
static inline uint64_t zero_bytes(uint64_t x)
{
	const uint64_t lows = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((x & lows) + lows) | x) & ~lows;
}

/* Whether one of the eight bytes at s is a comma, quote, CR, LF or NUL. */
static inline int word_needs_quotes(const char *s)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return (zero_bytes(w ^ (ones * ',')) | zero_bytes(w ^ (ones * '"')) |
		zero_bytes(w ^ (ones * '\r')) | zero_bytes(w ^ (ones * '\n')) |
		zero_bytes(w)) != 0;
}

/* Whether a string field must be quoted (see the top of the file). */
static int csv_needs_quotes(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t')
		return 1;
	for (; i + 8 <= len; i += 8)
		if (word_needs_quotes(s + i))
			return 1;
	for (; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n' || s[i] == '\0')
			return 1;
	return 0;
}

/* Writes one string field, quoted and with quotes doubled if needed. */
static void csv_put_string(struct csv_writer *w, const char *s, size_t len)
{
	const char *q, *end = s + len;

	if (!csv_needs_quotes(s, len)) {
		out_put(w, s, len);
		return;
	}
	out_putc(w, '"');
	while ((q = memchr(s, '"', (size_t)(end - s)))) {
		out_put(w, s, (size_t)(q + 1 - s));
		out_putc(w, '"');
		s = q + 1;
	}
	out_put(w, s, (size_t)(end - s));
	out_putc(w, '"');
}

/* Writes a JSON string decoded; without escapes, as it stands. */
static int csv_put_json_string(struct csv_writer *w,
			       const struct jscan_value *v)
{
	const char *s = v->p + 1;
	size_t len = v->len - 2;
	int rc;

	if (!w->doc.escapes || !memchr(s, '\\', len)) {
		csv_put_string(w, s, len);
		return 0;
	}
	buf_reset(&w->text);
	rc = jscan_string_decode(v, &w->text);
	if (!rc)
		csv_put_string(w, w->text.data, w->text.len);
	return rc;
}

/* Writes one JSON value of a non-struct column; nothing for null. */
static int csv_put_value(struct csv_writer *w, const struct jscan_value *v)
{
	int rc;

	switch (jscan_type(v)) {
	case JSCAN_INVALID:
	case JSCAN_NULL:
		return 0;
	case JSCAN_STRING:
		return csv_put_json_string(w, v);
	case JSCAN_OBJECT:
	case JSCAN_ARRAY:
		buf_reset(&w->text);
		rc = jscan_compact(v, &w->text);
		if (!rc)
			csv_put_string(w, w->text.data, w->text.len);
		return rc;
	default: /* numbers as the server wrote them, true, false */
		out_put(w, v->p, v->len);
		return 0;
	}
}

/* Writes the columns of level l from their values (NULL: all null). */
static int csv_put_fields(struct csv_writer *w, struct csv_level *l,
			  const struct jscan_value *vals, int *first)
{
	const struct jscan_value *v;
	enum jscan_type t;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < l->n; i++) {
		v = vals ? &vals[i] : NULL;
		t = v ? jscan_type(v) : JSCAN_NULL;
		if (l->fields[i].type != FIELD_STRUCT) {
			if (!*first)
				out_putc(w, ',');
			*first = 0;
			if (v)
				rc = csv_put_value(w, v);
		} else if (t == JSCAN_OBJECT) {
			rc = jscan_members(v, l->sub[i].names, l->sub[i].lens,
					   l->sub[i].n, l->sub[i].vals);
			if (!rc)
				rc = csv_put_fields(w, &l->sub[i],
						    l->sub[i].vals, first);
		} else if (t == JSCAN_NULL || t == JSCAN_INVALID) {
			rc = csv_put_fields(w, &l->sub[i], NULL, first);
		} else {
			rc = -EINVAL; /* a struct column holding no object */
		}
	}
	return rc;
}

/* Writes the header names, "parent.child" for struct members. */
static int csv_put_header(struct csv_writer *w, const struct field *fields,
			  size_t n, const char *prefix, int *first, int depth)
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
			rc = csv_put_header(w, fields[i].fields,
					    fields[i].nfields, name.data, first,
					    depth + 1);
			continue;
		}
		if (!*first)
			out_putc(w, ',');
		*first = 0;
		csv_put_string(w, name.data, name.len);
	}
	buf_free(&name);
	return rc;
}

/* ------------------------------------------------------------- rows --- */

/* Whether everything written so far reached out. */
static int csv_written(struct csv_writer *w)
{
	if (!w->werr)
		return 0;
	lf_err("%s: CSV: writing: %s", w->t->name, strerror(w->werr));
	return -EIO;
}

/* Converts one JSON line into one CSV row. */
static int csv_put_record(struct csv_writer *w, const char *line, size_t len,
			  unsigned long lineno)
{
	int rc, first = 1;

	rc = jscan_check_members(&w->doc, line, len, w->top.names, w->top.lens,
				 w->top.n, w->top.vals);
	if (!rc && jscan_type(&w->doc.root) != JSCAN_OBJECT)
		rc = -EINVAL;
	if (!rc)
		rc = csv_put_fields(w, &w->top, w->top.vals, &first);
	if (!rc) {
		out_put(w, "\r\n", 2);
		rc = csv_written(w);
	}
	if (rc == -EINVAL)
		lf_err("%s: CSV: line %lu is not a record of the table",
		       w->t->name, lineno);
	else if (rc && rc != -EIO)
		lf_err("%s: CSV: line %lu: %s", w->t->name, lineno,
		       strerror(-rc));
	return rc;
}

static int csv_rows(struct csv_writer *w, FILE *in)
{
	char *line = NULL;
	size_t size = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc = 0;

	while (!rc && (n = getline(&line, &size, in)) != -1) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n)
			rc = csv_put_record(w, line, (size_t)n, lineno);
	}
	if (!rc && ferror(in)) {
		lf_err("%s: CSV: reading records: %s", w->t->name,
		       strerror(errno));
		rc = -EIO;
	}
	free(line);
	return rc;
}

int csv_from_jsonl(const struct table_info *t, FILE *in, FILE *out)
{
	struct csv_writer w;
	int rc, first = 1;

	memset(&w, 0, sizeof(w));
	w.t = t;
	w.out = out;
	jscan_doc_init(&w.doc);
	buf_init(&w.text, CSV_VALUE_MAX);
	w.obuf = malloc(CSV_OUT_SIZE);
	rc = w.obuf ? level_init(&w.top, t->fields, t->nfields, 0) : -ENOMEM;
	if (!rc)
		rc = csv_put_header(&w, t->fields, t->nfields, NULL, &first, 0);
	if (!rc) {
		out_put(&w, "\r\n", 2);
		rc = csv_rows(&w, in);
	}
	if (!rc) {
		out_flush(&w);
		rc = csv_written(&w);
	}
	free(w.obuf);
	level_free(&w.top);
	jscan_doc_free(&w.doc);
	buf_free(&w.text);
	return rc;
}
