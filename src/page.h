/* SPDX-License-Identifier: MIT */
/*
 * page: parses one answer of GET /tables/{t}/records (or deleted_records),
 * {"records": [...], "next_page": N | null}, and checks it before any
 * record is used: every record an object carrying the cursor field and the
 * primary key fields as strings. It does no I/O and knows nothing of HTTP.
 *
 * Ownership: a parsed page owns its json-c tree (one reference, dropped by
 * page_free()). Every string it hands out is borrowed from that tree and
 * lives until page_free().
 */
#ifndef LF_PAGE_H
#define LF_PAGE_H

#include <stddef.h>

struct json_object;

/* The fields each record must carry as strings. Borrowed. */
struct page_keys {
	const char *cursor_field; /* NULL: the table has none */
	char *const *primary_keys;
	size_t nprimary_keys;
};

#define PAGE_ERROR_SIZE 160

struct page {
	struct json_object *root;    /* owned: one reference */
	struct json_object *records; /* borrowed from root */
	size_t nrecords;
	long next_page;		     /* 0 when the answer said null */
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

/*
 * The compact JSON text of record i (no spaces, '/' not escaped, numbers
 * as the server wrote them). Borrowed; NULL on allocation failure.
 */
const char *page_record_json(struct page *pg, size_t i);

/* The string value of field in record i, or NULL if absent or not a string. */
const char *page_record_string(const struct page *pg, size_t i,
			       const char *field);

#endif
