/* SPDX-License-Identifier: MIT */
/*
 * page: checks one answer of GET /tables/{t}/records (or deleted_records),
 * {"records": [...], "next_page": N | null}, and turns it into what a read
 * writes: every record's JSON line. The whole body must be JSON (as
 * jscan.h says); "records" and "next_page" are found at its top level in
 * any order, other members ignored; every record must be an object
 * carrying the cursor field and the primary key fields as strings. It
 * does no I/O and knows nothing of HTTP.
 *
 * A record's line is its bytes as the server sent them, without the
 * whitespace between tokens: strings and numbers are never rewritten.
 *
 * Ownership: a parsed page owns copies of everything it hands out (the
 * lines, and the cursor and key values decoded); it keeps no pointer into
 * the body, which the caller may free as soon as page_parse() returns.
 * Every pointer a page_* function returns is borrowed from the page and
 * lives until page_free().
 */
#ifndef LF_PAGE_H
#define LF_PAGE_H

#include <stddef.h>

#include "common/buf.h"

/* The fields each record must carry as strings. Borrowed. */
struct page_keys {
	const char *cursor_field; /* NULL: the table has none */
	char *const *primary_keys;
	size_t nprimary_keys;
};

#define PAGE_ERROR_SIZE 160

struct page {
	size_t nrecords;
	long next_page; /* 0 when the answer said null */
	/* The records' lines back to back, each ending in '\n'. */
	struct buf lines;
	size_t *ends; /* ends[i]: where record i's line ends in lines */
	/* The cursor (when has_cursor), then each primary key, of every
	 * record: decoded and NUL-terminated, field k of record i at
	 * strings.data + fields[i * nfields + k]. */
	struct buf strings;
	size_t *fields;
	size_t nfields;
	int has_cursor;
	size_t alloc;		     /* records ends and fields have room for */
	char error[PAGE_ERROR_SIZE]; /* why page_parse() refused, else "" */
};

/*
 * Parses body (len bytes, need not be NUL-terminated) into pg. Returns 0,
 * or -EINVAL with pg->error saying why (pg then owns nothing), or -ENOMEM.
 * Record indexes in messages count from 0, like the JSON array.
 */
int page_parse(const char *body, size_t len, const struct page_keys *keys,
	       struct page *pg);
void page_free(struct page *pg);

/* Bytes of the lines of records 0 to n - 1, from pg->lines.data. */
size_t page_lines_size(const struct page *pg, size_t n);

/* Record i's line, without its '\n' (len bytes, then the newline). */
const char *page_record_json(const struct page *pg, size_t i, size_t *len);

/* The cursor of record i, decoded; NULL when the keys named no cursor. */
const char *page_record_cursor(const struct page *pg, size_t i);

/* Primary key k of record i, decoded. */
const char *page_record_key(const struct page *pg, size_t i, size_t k);

#endif
