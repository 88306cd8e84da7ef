/* SPDX-License-Identifier: MIT */
/*
 * record: validation and canonical text of written rows. See record.h.
 */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "seed.h"

#define RECORD_MAX (1024 * 1024 + 4096)

static const char *const type_names[] = {
    [COL_STRING] = "a string",	  [COL_INTEGER] = "an integer",
    [COL_DOUBLE] = "a number",	  [COL_TIMESTAMP] = "a timestamp string",
    [COL_DATE] = "a date string", [COL_STRUCT] = "an object",
};

static const struct column *find_col(const struct column *cols, unsigned n,
				     const char *name)
{
	for (unsigned c = 0; c < n; c++)
		if (strcmp(cols[c].name, name) == 0)
			return &cols[c];
	return NULL;
}

/* Whether v (not null) has the JSON type column type ty calls for. */
static int type_ok(enum col_type ty, json_object *v)
{
	switch (ty) {
	case COL_STRING:
	case COL_TIMESTAMP:
	case COL_DATE:
		return json_object_is_type(v, json_type_string);
	case COL_INTEGER:
		return json_object_is_type(v, json_type_int);
	case COL_DOUBLE:
		return json_object_is_type(v, json_type_int) ||
		       json_object_is_type(v, json_type_double);
	case COL_STRUCT:
		return json_object_is_type(v, json_type_object);
	}
	return 0;
}

/* Checks every member of obj against cols, recursing into structs. */
static int check_members(json_object *obj, const struct column *cols,
			 unsigned n, char *err, size_t errlen)
{
	const struct column *col;

	json_object_object_foreach(obj, key, val)
	{
		col = find_col(cols, n, key);
		if (!col) {
			snprintf(err, errlen, "unknown column: %s", key);
			return -EINVAL;
		}
		if (!val) {
			if (col->nullable)
				continue;
			snprintf(err, errlen, "column %s must not be null",
				 key);
			return -EINVAL;
		}
		if (!type_ok(col->type, val)) {
			snprintf(err, errlen, "column %s must be %s", key,
				 type_names[col->type]);
			return -EINVAL;
		}
		if (col->type == COL_STRUCT &&
		    check_members(val, col->fields, col->nfields, err, errlen))
			return -EINVAL;
	}
	return 0;
}

/* Writes v, already checked against col, in canonical form. */
static int value_text(struct buf *b, const struct column *col, json_object *v)
{
	int rc = 0;

	if (!v)
		return buf_puts(b, "null");
	switch (col->type) {
	case COL_INTEGER:
		return buf_printf(b, "%" PRId64, json_object_get_int64(v));
	case COL_DOUBLE:
		return jsonw_double(b, json_object_get_double(v));
	case COL_STRUCT:
		rc = buf_putc(b, '{');
		for (unsigned f = 0; rc == 0 && f < col->nfields; f++) {
			json_object *sub = NULL;

			json_object_object_get_ex(v, col->fields[f].name, &sub);
			if (f)
				rc = buf_putc(b, ',');
			if (rc == 0)
				rc = jsonw_key(b, col->fields[f].name);
			if (rc == 0)
				rc = value_text(b, &col->fields[f], sub);
		}
		return rc ? rc : buf_putc(b, '}');
	default:
		return jsonw_str(b, json_object_get_string(v));
	}
}

/* Writes the cursor value now_us as the column's type asks. */
static void cursor_text(const struct column *col, int64_t now_us,
			char out[ISOTIME_SIZE])
{
	if (col->type == COL_DATE)
		isotime_format_date(now_us, out);
	else
		isotime_format(now_us, out);
}

static struct row *row_alloc(int t)
{
	struct row *row = calloc(1, sizeof(*row));

	if (!row)
		return NULL;
	row->ncols = seed_tables[t].ncols;
	row->strs = calloc(row->ncols, sizeof(*row->strs));
	if (!row->strs) {
		free(row);
		return NULL;
	}
	return row;
}

/* Fills row's text and values from obj (NULL: a tombstone). */
static int row_fill(struct row *row, int t, json_object *obj)
{
	const struct table_def *td = &seed_tables[t];
	struct buf b;
	json_object *v;
	int rc;

	buf_init(&b, RECORD_MAX);
	rc = buf_putc(&b, '{');
	for (unsigned c = 0; rc == 0 && c < td->ncols; c++) {
		const struct column *col = &td->cols[c];

		v = NULL;
		if (obj)
			json_object_object_get_ex(obj, col->name, &v);
		rc = c ? buf_putc(&b, ',') : 0;
		if (rc == 0)
			rc = jsonw_key(&b, col->name);
		if (rc)
			break;
		if ((int)c == td->cursor_col)
			rc = jsonw_str(&b, row->cursor);
		else if ((int)c == td->pk_col)
			rc = jsonw_str(&b, row->pk);
		else
			rc = value_text(&b, col, v);
		if (rc == 0 && v && col->type == COL_STRING &&
		    !(row->strs[c] = strdup(json_object_get_string(v))))
			rc = -ENOMEM;
	}
	if (rc == 0)
		rc = buf_putc(&b, '}');
	if (rc == 0)
		row->json = buf_steal(&b);
	buf_free(&b);
	return rc;
}

/* Sets up pk and cursor of a fresh row. */
static int row_keys(struct row *row, int t, const char *pk, int64_t now_us)
{
	const struct table_def *td = &seed_tables[t];

	row->pk = strdup(pk);
	if (!row->pk)
		return -ENOMEM;
	if (td->cursor_col >= 0) {
		row->cursor_us = now_us;
		cursor_text(&td->cols[td->cursor_col], now_us, row->cursor);
	}
	return 0;
}

int record_build(int t, json_object *obj, int64_t now_us, struct row **out,
		 char *err, size_t errlen)
{
	const struct table_def *td = &seed_tables[t];
	json_object *pkv = NULL;
	struct row *row;
	int rc;

	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "the body must be a JSON object");
		return -EINVAL;
	}
	rc = check_members(obj, td->cols, td->ncols, err, errlen);
	if (rc)
		return rc;
	json_object_object_get_ex(obj, td->cols[td->pk_col].name, &pkv);
	if (!json_object_is_type(pkv, json_type_string) ||
	    json_object_get_string_len(pkv) == 0) {
		snprintf(err, errlen, "%s must be a non-empty string",
			 td->cols[td->pk_col].name);
		return -EINVAL;
	}
	row = row_alloc(t);
	if (!row)
		return -ENOMEM;
	rc = row_keys(row, t, json_object_get_string(pkv), now_us);
	if (rc == 0)
		rc = row_fill(row, t, obj);
	if (rc) {
		row_free(row);
		return rc;
	}
	*out = row;
	return 0;
}

int record_tombstone(int t, const char *pk, int64_t now_us, struct row **out)
{
	struct row *row = row_alloc(t);
	int rc;

	if (!row)
		return -ENOMEM;
	rc = row_keys(row, t, pk, now_us);
	if (rc == 0)
		rc = row_fill(row, t, NULL);
	if (rc) {
		row_free(row);
		return rc;
	}
	row->strs[seed_tables[t].pk_col] = strdup(pk);
	*out = row;
	return 0;
}

void row_free(struct row *row)
{
	if (!row)
		return;
	for (unsigned c = 0; row->strs && c < row->ncols; c++)
		free(row->strs[c]);
	free(row->pk);
	free(row->json);
	free(row->strs);
	free(row);
}
