/* SPDX-License-Identifier: MIT */
/*
 * jsonc_ref: how lakeflowfs turned pages into records and records into CSV
 * before it had its own scanner, kept as a reference for the tests, the
 * fuzz targets and bench/ to compare the scanner against. A page is parsed
 * whole by json-c's strict tokener, checked, and each record serialized
 * again; JSON lines become CSV through json-c trees. Never linked into the
 * daemon.
 *
 * Ownership: what a function writes into a caller's struct buf belongs to
 * the caller; a json-c object handed out holds one reference for the
 * caller to put.
 */
#ifndef LF_JSONC_REF_H
#define LF_JSONC_REF_H

#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "page.h"
#include "source.h"

struct json_object;

/*
 * Parses all of text (len bytes) as one JSON value with JSON_TOKENER_STRICT;
 * whitespace may follow, nothing else. Returns 0 with *out set, or -EINVAL
 * (writing the reason to err when it is not NULL), or -ENOMEM.
 */
int ref_json_parse(const char *text, size_t len, struct json_object **out,
		   struct buf *err);

/* What ref_page() made of a page. */
struct ref_page {
	struct buf lines;   /* each record's serialization and '\n' */
	struct buf cursors; /* each record's cursor and '\0' (keys given) */
	size_t nrecords;
	long next_page; /* 0: null */
};

void ref_page_init(struct ref_page *rp);
void ref_page_free(struct ref_page *rp);
/*
 * Checks a page as page_parse() did before the scanner (the same shape and
 * the same key checks) and serializes its records into rp, which is reset
 * first. Returns 0, -EINVAL (err says why) or -ENOMEM.
 */
int ref_page(const char *body, size_t len, const struct page_keys *keys,
	     struct ref_page *rp, struct buf *err);

/*
 * csv_from_jsonl() as it was before the scanner: each line parsed into a
 * json-c tree and its columns written from it. Returns 0 or -errno.
 */
int ref_csv_from_jsonl(const struct table_info *t, FILE *in, FILE *out);

#endif
