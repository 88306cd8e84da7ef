/* SPDX-License-Identifier: MIT */
/*
 * record: a stored row, built from a POSTed JSON object or as a tombstone.
 *
 * Rows written through the API are kept as canonical JSON text (columns in
 * schema order, missing ones null) plus the few values the store sorts and
 * filters on. This module checks a body against the table's columns; it
 * does not decide where a row goes (store.c) nor speak HTTP (routes.c).
 * A row owns all its strings; row_free() releases them.
 */
#ifndef LF_EXAMPLE_RECORD_H
#define LF_EXAMPLE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/isotime.h"

struct row {
	char *pk;
	int64_t cursor_us;	   /* ordering key; 0 without a cursor */
	char cursor[ISOTIME_SIZE]; /* its text, compared with since/until */
	char *json;		   /* the whole record as a JSON object */
	char **strs;		   /* per column: string value or NULL */
	unsigned ncols;
};

/*
 * Builds the row table t stores for body obj (borrowed), its cursor set to
 * now_us. Returns 0 and *out, -EINVAL with a reason in err when the body is
 * not a record of the table, or -ENOMEM.
 */
int record_build(int t, json_object *obj, int64_t now_us, struct row **out,
		 char *err, size_t errlen);
/* A tombstone: pk and cursor set, every other column null. */
int record_tombstone(int t, const char *pk, int64_t now_us, struct row **out);
void row_free(struct row *row);

#endif
