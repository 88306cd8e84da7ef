/* SPDX-License-Identifier: MIT */
/*
 * viewrow: one record line of a batch as a view (view.h) needs it: the key
 * tuple and the sequence value, each encoded so that comparing encodings
 * with memcmp() (SQLite's BLOB order) is the order the view's rules
 * define, and the sequence value's JSON text. The rest of the record is
 * never looked at. It does no I/O and keeps no state between lines but a
 * reusable parser.
 *
 * Encoding of one value, by the column's type: null is the byte 0x00;
 * anything else is 0x01 followed by
 *   string     its UTF-8 bytes, 0x00 written as 0x00 0xff, then 0x00 0x00
 *   integer    the int64, sign bit flipped, big-endian (8 bytes)
 *   double     the IEEE bits, sign bit flipped (all bits for negatives),
 *              big-endian; -0 is written as 0; NaN is not a value
 *   timestamp  microseconds since the epoch (offsets applied), as integer
 *   date       the same, for midnight UTC of the day
 * A key is its columns' encodings one after the other. Each encoding is
 * prefix-free, so tuples compare column by column.
 *
 * Ownership: a struct viewrow owns its buffers (viewrow_free()); the
 * columns description is borrowed.
 */
#ifndef LF_VIEWROW_H
#define LF_VIEWROW_H

#include <stddef.h>

#include "common/buf.h"
#include "source.h"

#define VIEWROW_KEY_MAX 65536 /* encoded key bytes */
#define VIEWROW_RAW_MAX 4096  /* sequence value's JSON text */

/* Which fields a view reads, and their types. Strings are borrowed. */
struct viewrow_cols {
	const char *const *keys;
	const enum field_type *key_types;
	size_t nkeys;
	const char *seq;
	enum field_type seq_type;
};

struct json_tokener;

struct viewrow {
	struct buf key; /* encoded key tuple */
	struct buf seq; /* encoded sequence value */
	struct buf raw; /* the sequence value as JSON text */
	struct json_tokener *tok;
};

int viewrow_init(struct viewrow *r);
void viewrow_free(struct viewrow *r);

/*
 * Reads the key and sequence of one record (len bytes, no newline).
 * Returns 0; 1 when the record is to be skipped (its sequence is null,
 * missing or not of the column's type, or a key field is not of its
 * column's type; a missing or null key field is the value null); -EINVAL
 * when the line is not one JSON object; -E2BIG or -ENOMEM.
 */
int viewrow_parse(struct viewrow *r, const struct viewrow_cols *c,
		  const char *line, size_t len);

#endif
