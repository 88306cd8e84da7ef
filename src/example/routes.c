/* SPDX-License-Identifier: MIT */
/*
 * routes: paths, parameters and bodies of the example API. See routes.h.
 */
#include "routes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/jsondoc.h"
#include "common/jsonw.h"
#include "seed.h"

static const char *const deleted_params[] = {"since", "page", NULL};
static const char *const type_names[] = {
    [COL_STRING] = "string", [COL_INTEGER] = "integer",
    [COL_DOUBLE] = "double", [COL_TIMESTAMP] = "timestamp",
    [COL_DATE] = "date",     [COL_STRUCT] = "struct",
};

int routes_error(struct buf *out, const char *msg)
{
	int rc = buf_puts(out, "{\"error\":");

	if (rc == 0)
		rc = jsonw_str(out, msg);
	return rc ? rc : buf_putc(out, '}');
}

/* Sets *status and writes an error body; returns the buffer's result. */
static int fail(unsigned *status, unsigned code, struct buf *out,
		const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	*status = code;
	buf_reset(out);
	return routes_error(out, msg);
}

/* ------------------------------------------------------------- reads --- */

static int get_tables(unsigned *status, struct buf *out)
{
	int rc = buf_puts(out, "{\"tables\":[");

	for (int t = 0, n = 0; rc == 0 && t < TBL_COUNT; t++) {
		if (seed_tables[t].hidden)
			continue;
		if (n++)
			rc = buf_putc(out, ',');
		if (rc == 0)
			rc = jsonw_str(out, seed_tables[t].name);
	}
	*status = 200;
	return rc ? rc : buf_puts(out, "]}");
}

/* Writes a list of field descriptors, recursing into structs. */
static int fields_json(const struct column *cols, unsigned n, struct buf *out)
{
	int rc = buf_putc(out, '[');

	for (unsigned c = 0; rc == 0 && c < n; c++) {
		rc = buf_printf(out, "%s{\"name\":", c ? "," : "");
		if (rc == 0)
			rc = jsonw_str(out, cols[c].name);
		if (rc == 0)
			rc = buf_printf(out, ",\"type\":\"%s\",\"nullable\":%s",
					type_names[cols[c].type],
					cols[c].nullable ? "true" : "false");
		if (rc == 0 && cols[c].type == COL_STRUCT) {
			rc = buf_puts(out, ",\"fields\":");
			if (rc == 0)
				rc = fields_json(cols[c].fields,
						 cols[c].nfields, out);
		}
		if (rc == 0)
			rc = buf_putc(out, '}');
	}
	return rc ? rc : buf_putc(out, ']');
}

static int get_schema(int t, unsigned *status, struct buf *out)
{
	const struct table_def *td = &seed_tables[t];
	int rc = buf_puts(out, "{\"schema\":");

	if (rc == 0)
		rc = fields_json(td->cols, td->ncols, out);
	*status = 200;
	return rc ? rc : buf_putc(out, '}');
}

static int get_metadata(int t, unsigned *status, struct buf *out)
{
	const struct table_def *td = &seed_tables[t];
	int rc = buf_puts(out, "{\"metadata\":{");

	if (rc == 0 && td->meta_pk) {
		rc = buf_puts(out, "\"primary_keys\":[");
		if (rc == 0)
			rc = jsonw_str(out, td->cols[td->pk_col].name);
		if (rc == 0)
			rc = buf_putc(out, ']');
	}
	if (rc == 0 && td->meta_cursor) {
		rc = buf_puts(out, td->meta_pk ? ",\"cursor_field\":"
					       : "\"cursor_field\":");
		if (rc == 0)
			rc = jsonw_str(out, td->cols[td->cursor_col].name);
	}
	*status = 200;
	return rc ? rc : buf_puts(out, "}}");
}

static int listed(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* Adds a filter on column key, replacing an earlier one on the same. */
static void add_filter(struct store_query *q, int col, const char *val)
{
	unsigned f;

	for (f = 0; f < q->nfilters; f++)
		if (q->filter_col[f] == col)
			break;
	if (f == STORE_MAX_FILTERS)
		return;
	q->filter_col[f] = col;
	q->filter_val[f] = val;
	if (f == q->nfilters)
		q->nfilters++;
}

/* Fills q from the request's parameters. Returns NULL or an error. */
static const char *read_params(int t, int deleted,
			       const struct httpd_request *req,
			       struct store_query *q, const char **bad)
{
	const char *const *allowed =
	    deleted ? deleted_params : seed_tables[t].params;
	uint64_t limit;

	for (unsigned p = 0; p < req->nparams; p++) {
		const char *key = req->params[p].key,
			   *val = req->params[p].value;

		*bad = key;
		if (!listed(allowed, key))
			return "unsupported parameter: %s";
		if (strcmp(key, "page") == 0) {
			if (httpd_count(val, &q->page))
				return "page must be a positive integer";
		} else if (strcmp(key, "limit") == 0) {
			if (httpd_count(val, &limit))
				return "limit must be a positive integer";
			if (limit < q->size)
				q->size = (unsigned)limit;
		} else if (strcmp(key, "since") == 0) {
			q->since = val ? val : "";
		} else if (strcmp(key, "until") == 0) {
			q->until = val ? val : "";
		} else {
			add_filter(q, seed_column_find(t, key), val ? val : "");
		}
	}
	return NULL;
}

static int get_records(struct store *st, int t, int deleted,
		       const struct httpd_request *req, unsigned *status,
		       struct buf *out)
{
	struct store_query q = {
	    .page = 1, .size = seed_tables[t].page_size, .deleted = deleted};
	const char *why, *bad = "";
	int more = 0, rc;

	if (deleted && !seed_tables[t].has_deletes)
		return fail(status, 400, out,
			    "deleted records are not available for %s",
			    seed_tables[t].name);
	if (req->too_many_params)
		return fail(status, 400, out, "too many parameters%s", "");
	why = read_params(t, deleted, req, &q, &bad);
	if (why)
		return fail(status, 400, out, why, bad);
	rc = buf_puts(out, "{\"records\":[");
	if (rc == 0)
		rc = store_page(st, t, &q, out, &more);
	if (rc == 0 && more)
		rc =
		    buf_printf(out, "],\"next_page\":%" PRIu64 "}", q.page + 1);
	else if (rc == 0)
		rc = buf_puts(out, "],\"next_page\":null}");
	if (rc)
		return fail(status, 500, out, "internal error: %s",
			    strerror(-rc));
	*status = 200;
	return 0;
}

/* ------------------------------------------------------------ writes --- */

static int post_record(struct store *st, int t, const struct httpd_request *req,
		       unsigned *status, struct buf *out)
{
	json_object *obj = NULL;
	char err[256] = "";
	int rc;

	jsondoc_parse(req->body, req->body_len, &obj, NULL);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return fail(status, 400, out,
			    "the body must be a JSON object%s", "");
	}
	rc = buf_puts(out, "{\"record\":");
	if (rc == 0)
		rc = store_upsert(st, t, obj, out, err, sizeof(err));
	json_object_put(obj);
	if (rc == -EINVAL)
		return fail(status, 400, out, "%s", err);
	if (rc)
		return fail(status, 500, out, "internal error: %s",
			    strerror(-rc));
	*status = seed_tables[t].cursor_col >= 0 ? 200 : 201;
	return buf_putc(out, '}');
}

static int delete_record(struct store *st, int t, const char *pk,
			 unsigned *status, struct buf *out)
{
	int rc;

	if (!seed_tables[t].has_deletes)
		return fail(status, 400, out, "deletes are not supported on %s",
			    seed_tables[t].name);
	rc = buf_puts(out, "{\"record\":");
	if (rc == 0)
		rc = store_delete(st, t, pk, out);
	if (rc == -ENOENT)
		return fail(status, 404, out, "record not found: %s", pk);
	if (rc)
		return fail(status, 500, out, "internal error: %s",
			    strerror(-rc));
	*status = 200;
	return buf_putc(out, '}');
}

/* ---------------------------------------------------------- dispatch --- */

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Routes /tables/{t}/{tail} once the table is known. */
static int table_route(struct store *st, int t, const char *tail,
		       const struct httpd_request *req, unsigned *status,
		       struct buf *out)
{
	const char *m = req->method;
	int shown = !seed_tables[t].hidden;

	if (is(m, "GET") && shown && is(tail, "schema"))
		return get_schema(t, status, out);
	if (is(m, "GET") && shown && is(tail, "metadata"))
		return get_metadata(t, status, out);
	if (is(m, "GET") && is(tail, "records"))
		return get_records(st, t, 0, req, status, out);
	if (is(m, "GET") && is(tail, "deleted_records"))
		return get_records(st, t, 1, req, status, out);
	if (is(m, "POST") && is(tail, "records"))
		return post_record(st, t, req, status, out);
	if (is(m, "DELETE") && strncmp(tail, "records/", 8) == 0 && tail[8])
		return delete_record(st, t, tail + 8, status, out);
	if (!shown && (is(tail, "schema") || is(tail, "metadata")))
		return fail(status, 404, out, "unknown table: %s",
			    seed_tables[t].name);
	return fail(status, 404, out, "not found%s", "");
}

int routes_handle(struct store *st, const struct httpd_request *req,
		  unsigned *status, struct buf *out)
{
	const char *rest, *slash;
	char name[64];
	size_t len;
	int t;

	if (is(req->path, "/tables"))
		return is(req->method, "GET")
			   ? get_tables(status, out)
			   : fail(status, 404, out, "not found%s", "");
	if (strncmp(req->path, "/tables/", 8) != 0)
		return fail(status, 404, out, "not found%s", "");
	rest = req->path + 8;
	slash = strchr(rest, '/');
	len = slash ? (size_t)(slash - rest) : 0;
	if (!slash || len == 0 || len >= sizeof(name))
		return fail(status, 404, out, "not found%s", "");
	memcpy(name, rest, len);
	name[len] = '\0';
	t = seed_table_find(name);
	if (t < 0)
		return fail(status, 404, out, "unknown table: %s", name);
	return table_route(st, t, slash + 1, req, status, out);
}
