/* SPDX-License-Identifier: MIT */
/*
 * seed: the example tables' definitions and their seeded rows.
 *
 * This module owns what the API page fixes: table names, columns, page
 * sizes, accepted parameters, and the deterministic seed data. A seeded row
 * is never stored: it is a pure function of (seed, table, row index), so a
 * table of a million rows costs nothing until it is read. Ordering, paging
 * and writes belong to store.c; HTTP belongs to routes.c and server.c.
 */
#ifndef LF_EXAMPLE_SEED_H
#define LF_EXAMPLE_SEED_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum col_type {
	COL_STRING,
	COL_INTEGER,
	COL_DOUBLE,
	COL_TIMESTAMP,
	COL_DATE,
	COL_STRUCT,
};

struct column {
	const char *name;
	enum col_type type;
	int nullable;
	const struct column *fields; /* COL_STRUCT: its subfields */
	unsigned nfields;
};

enum table_id {
	TBL_PRODUCTS,
	TBL_EVENTS,
	TBL_USERS,
	TBL_ORDERS,
	TBL_METRICS,
	TBL_COUNT,
};

struct table_def {
	const char *name;
	int hidden; /* left out of /tables, no schema/metadata */
	const struct column *cols;
	unsigned ncols;
	int pk_col;
	int cursor_col;		  /* -1: sorted by primary key instead */
	int meta_pk, meta_cursor; /* what /metadata advertises */
	unsigned page_size;
	const char *const *params; /* accepted GET parameters, NULL-ended */
	int has_deletes;	   /* deleted_records and DELETE allowed */
	uint64_t base_rows;	   /* seeded rows at scale 1 */
	int64_t step_us;	   /* cursor step between rows at scale 1 */
};

extern const struct table_def seed_tables[TBL_COUNT];

/* The table called name, or -1. Hidden tables are found too. */
int seed_table_find(const char *name);
/* The column called name in table t, or -1. */
int seed_column_find(int t, const char *name);

/* Everything a seeded row depends on. */
struct seed {
	uint64_t seed;
	double null_rate;
	unsigned scale;
	int64_t base_us; /* server start minus one hour */
	uint64_t rows[TBL_COUNT];
	unsigned width[TBL_COUNT]; /* digits of the zero-padded ids */
};

#define SEED_PK_MAX 64

/* Fills s for the given seed, null rate, scale and start time. */
void seed_init(struct seed *s, uint64_t seed, double null_rate, unsigned scale,
	       int64_t start_us);
/* The cursor of seeded row i, in microseconds; strictly increasing in i. */
int64_t seed_cursor_us(const struct seed *s, int t, uint64_t i);
/* Writes the primary key of row i (SEED_PK_MAX bytes). */
void seed_pk(const struct seed *s, int t, uint64_t i, char *out);
/* Sets *i to the seeded row whose key is pk; -ENOENT if there is none. */
int seed_pk_parse(const struct seed *s, int t, const char *pk, uint64_t *i);
/* 1 if string column col of row i equals val; 0 if not or null. */
int seed_str_equals(const struct seed *s, int t, uint64_t i, int col,
		    const char *val);
/* Appends row i as a JSON object. Returns 0 or -errno from the buffer. */
int seed_row_json(const struct seed *s, int t, uint64_t i, struct buf *out);

#endif
