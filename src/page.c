/* SPDX-License-Identifier: MIT */
/*
 * page: checking one page of records and cutting it into lines. See page.h.
 * It owns the shape checks of a records answer; the JSON grammar is
 * jscan.c's and the paging loop lives in read.c.
 */
#include "page.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

/* A record names at most this many key fields: its cursor and its keys. */
#define PAGE_FIELDS_MAX 16

__attribute__((format(printf, 2, 3))) static int page_fail(struct page *pg,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pg->error, sizeof(pg->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The names of the fields each record must carry, in the page's order. */
struct page_names {
	const char *name[PAGE_FIELDS_MAX];
	size_t len[PAGE_FIELDS_MAX];
	size_t n;
};

static int names_init(struct page *pg, const struct page_keys *keys,
		      struct page_names *nm)
{
	size_t k;

	nm->n = 0;
	if (!keys)
		return 0;
	if (keys->nprimary_keys + 1 > PAGE_FIELDS_MAX)
		return page_fail(pg, "more than %d primary keys",
				 PAGE_FIELDS_MAX - 1);
	if (keys->cursor_field) {
		nm->name[nm->n++] = keys->cursor_field;
		pg->has_cursor = 1;
	}
	for (k = 0; k < keys->nprimary_keys; k++)
		nm->name[nm->n++] = keys->primary_keys[k];
	for (k = 0; k < nm->n; k++)
		nm->len[k] = strlen(nm->name[k]);
	pg->nfields = nm->n;
	return 0;
}

/* Checks the shape of the answer: an object with "records" a list. */
static int check_shape(struct page *pg, const struct jscan_doc *doc,
		       const struct jscan_value *records)
{
	if (jscan_type(&doc->root) != JSCAN_OBJECT)
		return page_fail(pg, "answer is not a JSON object");
	if (jscan_type(records) != JSCAN_ARRAY)
		return page_fail(pg, "records missing or not an array");
	return 0;
}

/* Whether number v is an integer: no fraction, no exponent. */
static int integer_text(const struct jscan_value *v)
{
	size_t i;

	for (i = 0; i < v->len; i++)
		if (v->p[i] == '.' || v->p[i] == 'e' || v->p[i] == 'E')
			return 0;
	return 1;
}

/* Reads next_page: null, or an integer of at least 2 (page is 1-based). */
static int read_next_page(struct page *pg, const struct jscan_value *v)
{
	enum jscan_type t = jscan_type(v);
	size_t i = t == JSCAN_NUMBER && v->p[0] == '-';
	long n = 0;

	if (t == JSCAN_INVALID)
		return page_fail(pg, "next_page missing");
	if (t == JSCAN_NULL)
		return 0;
	if (t != JSCAN_NUMBER || !integer_text(v))
		return page_fail(pg, "next_page is not an integer or null");
	for (; i < v->len && n >= 0; i++)
		n = n > (LONG_MAX - 9) / 10 ? -1 : n * 10 + (v->p[i] - '0');
	if (v->p[0] == '-' || n < 2)
		return page_fail(pg, "next_page %.*s out of range",
				 v->len > 24 ? 24 : (int)v->len, v->p);
	pg->next_page = n;
	return 0;
}

/* Room for one more record in ends and fields. */
static int page_grow(struct page *pg)
{
	size_t alloc = pg->alloc ? 2 * pg->alloc : 64;
	size_t *ends, *fields;

	if (pg->nrecords < pg->alloc)
		return 0;
	ends = realloc(pg->ends, alloc * sizeof(*ends));
	if (!ends)
		return -ENOMEM;
	pg->ends = ends;
	fields = realloc(pg->fields, alloc * (pg->nfields ? pg->nfields : 1) *
					 sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	pg->fields = fields;
	pg->alloc = alloc;
	return 0;
}

/* Finds the key fields of record i, the last of each name; checks them. */
static int record_fields(struct page *pg, size_t i,
			 const struct jscan_value *rec,
			 const struct page_names *nm, struct jscan_value *val)
{
	enum jscan_type t;
	size_t f;

	if (jscan_members(rec, nm->name, nm->len, nm->n, val))
		return page_fail(pg, "record %zu is not an object", i);
	for (f = 0; f < nm->n; f++) {
		t = jscan_type(&val[f]);
		if (t == JSCAN_INVALID || t == JSCAN_NULL)
			return page_fail(pg, "record %zu has no %s", i,
					 nm->name[f]);
		if (t != JSCAN_STRING)
			return page_fail(pg, "record %zu: %s is not a string",
					 i, nm->name[f]);
	}
	return 0;
}

/* Checks record i and adds its line and its key fields to the page. */
static int add_record(struct page *pg, const struct jscan_value *rec,
		      const struct page_names *nm, int compact)
{
	struct jscan_value val[PAGE_FIELDS_MAX];
	size_t i = pg->nrecords, f;
	int rc;

	rc = record_fields(pg, i, rec, nm, val);
	if (!rc)
		rc = page_grow(pg);
	for (f = 0; !rc && f < nm->n; f++) {
		pg->fields[i * pg->nfields + f] = pg->strings.len;
		rc = jscan_string_decode(&val[f], &pg->strings);
		if (!rc)
			rc = buf_putc(&pg->strings, '\0');
	}
	if (!rc)
		rc = compact ? buf_append(&pg->lines, rec->p, rec->len)
			     : jscan_compact(rec, &pg->lines);
	if (!rc)
		rc = buf_putc(&pg->lines, '\n');
	if (rc)
		return rc;
	pg->ends[i] = pg->lines.len;
	pg->nrecords++;
	return 0;
}

static int add_records(struct page *pg, const struct jscan_value *records,
		       const struct page_names *nm, int compact)
{
	struct jscan_iter it;
	struct jscan_value rec;
	int rc = 0;

	jscan_iter_start(&it, records);
	while (!rc && jscan_next(&it, NULL, &rec))
		rc = add_record(pg, &rec, nm, compact);
	return rc;
}

int page_parse(const char *body, size_t len, const struct page_keys *keys,
	       struct page *pg)
{
	static const char *const top_names[] = {"records", "next_page"};
	static const size_t top_lens[] = {7, 9};
	struct jscan_value top[2];
	struct page_names nm;
	struct jscan_doc doc;
	int rc;

	jscan_doc_init(&doc);
	memset(pg, 0, sizeof(*pg));
	rc = names_init(pg, keys, &nm);
	if (rc)
		goto out;
	/*
	 * Lines never outgrow the body: a line is at most its record's bytes
	 * plus a newline where a comma or bracket followed it. A decoded
	 * string and its NUL are never longer than the string with quotes,
	 * which each name (the cursor may be a key too) decodes once.
	 */
	buf_init(&pg->lines, len);
	buf_init(&pg->strings, len * (nm.n ? nm.n : 1));
	if (!body || len == 0) {
		rc = page_fail(pg, "empty body");
		goto out;
	}
	/* "records" and "next_page", found while the body is checked. */
	rc = jscan_check_members(&doc, body, len, top_names, top_lens, 2, top);
	if (rc) {
		page_fail(pg, "invalid JSON at offset %zu: %s",
			  doc.error_offset, doc.error);
		goto out;
	}
	rc = check_shape(pg, &doc, &top[0]);
	if (!rc)
		rc = read_next_page(pg, &top[1]);
	if (!rc)
		rc = add_records(pg, &top[0], &nm, doc.compact);
out:
	jscan_doc_free(&doc);
	if (rc == -E2BIG)
		rc = page_fail(pg, "records larger than the body");
	if (rc)
		page_free(pg);
	return rc;
}

void page_free(struct page *pg)
{
	buf_free(&pg->lines);
	buf_free(&pg->strings);
	free(pg->ends);
	free(pg->fields);
	pg->ends = NULL;
	pg->fields = NULL;
	pg->alloc = 0;
	pg->nrecords = 0;
}

size_t page_lines_size(const struct page *pg, size_t n)
{
	return n ? pg->ends[n - 1] : 0;
}

const char *page_record_json(const struct page *pg, size_t i, size_t *len)
{
	size_t start = i ? pg->ends[i - 1] : 0;

	*len = pg->ends[i] - start - 1;
	return pg->lines.data + start;
}

const char *page_record_cursor(const struct page *pg, size_t i)
{
	if (!pg->has_cursor)
		return NULL;
	return pg->strings.data + pg->fields[i * pg->nfields];
}

const char *page_record_key(const struct page *pg, size_t i, size_t k)
{
	return pg->strings.data +
	       pg->fields[i * pg->nfields + (size_t)pg->has_cursor + k];
}
