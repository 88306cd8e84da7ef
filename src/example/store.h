/* SPDX-License-Identifier: MIT */
/*
 * store: the example tables' rows, their order, pages and writes.
 *
 * Seeded rows are virtual (seed.c makes them from their index). The store
 * keeps only what writes changed: per table, a Fenwick tree counting the
 * seeded rows that were replaced or deleted, the written ("override") rows
 * sorted by the table's order, and orders' tombstones. A page is found by
 * binary search in both sorted sequences, so it costs O(log n + page size)
 * whatever the page number; filtered pages scan from the start of the
 * since range instead. One rwlock makes reads parallel and writes atomic.
 * The store knows nothing of HTTP.
 */
#ifndef LF_EXAMPLE_STORE_H
#define LF_EXAMPLE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/buf.h"
#include "seed.h"

struct store;

#define STORE_MAX_FILTERS 2

struct store_query {
	const char *since; /* cursor > since, as strings; NULL: no bound */
	const char *until; /* cursor <= until, as strings; NULL: no bound */
	int filter_col[STORE_MAX_FILTERS];
	const char *filter_val[STORE_MAX_FILTERS];
	unsigned nfilters; /* exact matches on string columns */
	uint64_t page;	   /* 1-based */
	unsigned size;	   /* rows per page, >= 1 */
	int deleted;	   /* read the tombstones instead of the rows */
};

/* Creates a store over the seed s (copied). 0 or -ENOMEM. */
int store_new(const struct seed *s, struct store **out);
void store_free(struct store *st);
const struct seed *store_seed(const struct store *st);

/*
 * Appends the records of page q of table t to out as JSON objects joined
 * by commas, and sets *more when records remain after it. 0 or -errno.
 */
int store_page(struct store *st, int t, const struct store_query *q,
	       struct buf *out, int *more);
/*
 * Inserts or replaces the record obj (borrowed) in table t, its cursor set
 * to a fresh time, and appends the stored record to out. -EINVAL with a
 * reason in err when obj is not a record of t.
 */
int store_upsert(struct store *st, int t, json_object *obj, struct buf *out,
		 char *err, size_t errlen);
/*
 * Deletes the row with key pk from table t, appends a tombstone to the
 * table's deleted list and its text to out. -ENOENT for an unknown key.
 */
int store_delete(struct store *st, int t, const char *pk, struct buf *out);

#endif
