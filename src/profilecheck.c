/* SPDX-License-Identifier: MIT */
/*
 * profilecheck: the checks of one profile table's settings together, once
 * each member has parsed on its own (profiletable.c): what is required,
 * where keys and the cursor come from, what incremental reads, windows,
 * deletes and the append rule need, which options a table may use, that
 * no query parameter is sent twice, and that static keys and the cursor
 * name columns of an inline schema. Each refusal names the member at
 * fault, where the table got it from. No I/O.
 */
#include "profiletable.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Refuses, naming member key (and sub, if any) where it came from. */
__attribute__((format(printf, 4, 5))) static int
tfail(struct tctx *tc, int key, const char *sub, const char *fmt, ...)
{
	char msg[PROFILE_ERROR_SIZE];
	int inherited = tc->name && (tc->inherited & (1u << key));
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pctx_set(tc->cx, inherited ? "/defaults" : tc->entry, ptable_key(key));
	if (sub)
		pctx_push(tc->cx, sub);
	if (inherited)
		return pctx_fail(tc->cx, "%s (in table %s)", msg, tc->name);
	return pctx_fail(tc->cx, "%s", msg);
}

static int has_cursor_source(const struct profile_table *t)
{
	return (t->cursor.present && t->cursor.field) ||
	       t->metadata.cursor_field;
}

static int has_keys_source(const struct profile_table *t)
{
	return t->nprimary_keys || t->metadata.primary_keys;
}

/* Whether the table may be read in batches: not surely a snapshot. */
static int may_be_incremental(const struct profile_table *t)
{
	if (t->ingestion_auto)
		return has_cursor_source(t);
	return t->ingestion != INGEST_SNAPSHOT;
}

/* Whether records come in ascending cursor order (with sort_params). */
static int ascending(const struct profile_table *t)
{
	return t->cursor.order == PROFILE_ORDER_ASCENDING ||
	       t->cursor.sort_params.n;
}

static int check_required(struct tctx *tc)
{
	static const int required[] = {K_PATH, K_SCHEMA, K_PAGING};

	for (size_t i = 0; i < 3; i++) {
		if (tc->present & (1u << required[i]))
			continue;
		return tfail(tc, required[i], NULL, "missing%s",
			     tc->name ? ""
				      : ": the defaults serve every "
					"discovered table without an entry");
	}
	return 0;
}

/* Keys and cursor: from the profile or the metadata, not both. */
static int check_keys_cursor(struct tctx *tc, const struct profile_table *t)
{
	if (t->nprimary_keys && t->metadata.primary_keys)
		return tfail(tc, K_PRIMARY_KEYS, NULL,
			     "given here and read from metadata/primary_keys; "
			     "give one");
	if (t->cursor.field && t->metadata.cursor_field)
		return tfail(tc, K_CURSOR, "field",
			     "given here and read from metadata/cursor_field; "
			     "give one");
	if (t->cursor.present && !has_cursor_source(t))
		return tfail(tc, K_CURSOR, NULL,
			     "has no field, and metadata names no "
			     "cursor_field");
	if (t->metadata.cursor_field && !t->cursor.present)
		return tfail(tc, K_METADATA, "cursor_field",
			     "a cursor needs \"cursor\": {\"format\": ...}");
	return 0;
}

/* Incremental reads: a cursor, a since parameter, keys if inclusive. */
static int check_incremental(struct tctx *tc, const struct profile_table *t)
{
	const struct profile_incremental *in = &t->incremental;

	if (!t->ingestion_auto && t->ingestion != INGEST_SNAPSHOT &&
	    !has_cursor_source(t))
		return tfail(tc, K_INGESTION, NULL,
			     "%s reads need a cursor (cursor/field or "
			     "metadata/cursor_field)",
			     ingestion_name(t->ingestion));
	if (may_be_incremental(t) && !in->since)
		return tfail(tc, K_INCREMENTAL, NULL,
			     "missing: reads after a cursor need a since "
			     "parameter");
	if (in->since && in->inclusive && !has_keys_source(t))
		return tfail(tc, K_INCREMENTAL, "inclusive",
			     "an inclusive since needs primary keys to remove "
			     "the records at the boundary that were read "
			     "before");
	if (in->until && !t->window.present)
		return tfail(tc, K_INCREMENTAL, "until",
			     "only windows send until; this table has no "
			     "window");
	if (in->stop_at_cap &&
	    (t->ingestion_auto || t->ingestion != INGEST_APPEND))
		return tfail(tc, K_INCREMENTAL, "stop_at_cap",
			     "the rule of append tables; set \"ingestion\": "
			     "\"append\"");
	if (in->stop_at_cap && !ascending(t))
		return tfail(tc, K_INCREMENTAL, "stop_at_cap",
			     "needs records in ascending cursor order");
	return 0;
}

static int check_deletes(struct tctx *tc, const struct profile_table *t)
{
	int cdc_deletes =
	    !t->ingestion_auto && t->ingestion == INGEST_CDC_WITH_DELETES;

	if (t->deletes.path && !cdc_deletes)
		return tfail(tc, K_DELETES, NULL,
			     "only a cdc_with_deletes table has deletes");
	if (!t->deletes.path && cdc_deletes)
		return tfail(tc, K_INGESTION, NULL,
			     "cdc_with_deletes needs \"deletes\": {\"path\": "
			     "...}");
	return 0;
}

/* Option name, used by member key/sub: declared, of kind, applying. */
static int check_option(struct tctx *tc, const struct profile_table *t, int key,
			const char *sub, const char *name, int kind)
{
	static const char *const kinds[] = {"integer", "string", "timestamp"};
	const struct profile_option *o = profile_option_find(tc->p, name);

	if (!o)
		return tfail(tc, key, sub, "option \"%s\" is not in /options",
			     name);
	if (kind >= 0 && (int)o->kind != kind)
		return tfail(tc, key, sub, "option \"%s\" must be of type %s",
			     name, kinds[kind]);
	if (o->scope == PROFILE_SCOPE_INCREMENTAL && !may_be_incremental(t))
		return tfail(tc, key, sub,
			     "option \"%s\" applies to incremental tables, and "
			     "this one is a snapshot",
			     name);
	if (o->scope != PROFILE_SCOPE_LISTED ||
	    (tc->name && profile_option_applies(o, tc->name, INGEST_CDC)))
		return 0;
	if (!tc->name)
		return tfail(tc, key, sub,
			     "option \"%s\" applies to listed tables only, "
			     "and the defaults serve any discovered table",
			     name);
	return tfail(tc, key, sub, "option \"%s\" does not apply to table %s",
		     name, tc->name);
}

static int check_window(struct tctx *tc, const struct profile_table *t)
{
	const struct profile_window *w = &t->window;
	const struct profile_option *o;
	int rc;

	if (!w->present)
		return 0;
	if (!has_cursor_source(t) || !t->incremental.since ||
	    !t->incremental.until)
		return tfail(tc, K_WINDOW, NULL,
			     "a window needs a cursor and the since and "
			     "until parameters (incremental/until)");
	if (!ascending(t))
		return tfail(tc, K_WINDOW, "oldest",
			     "first_page needs records in ascending cursor "
			     "order (cursor/order or cursor/sort_params)");
	rc = check_option(tc, t, K_WINDOW, "width_option", w->width_option,
			  OPTION_LONG);
	o = profile_option_find(tc->p, w->width_option);
	if (!rc && !o->has_default)
		rc = tfail(tc, K_WINDOW, "width_option",
			   "option \"%s\" needs a default width",
			   w->width_option);
	if (!rc && w->start_option)
		rc = check_option(tc, t, K_WINDOW, "start_option",
				  w->start_option, OPTION_TIMESTAMP);
	return rc;
}

static int check_paging(struct tctx *tc, const struct profile_table *t)
{
	const struct profile_paging *pg = &t->paging;
	int rc = 0;

	if (pg->next_in == PROFILE_NEXT_LINK && t->records && *t->records)
		return tfail(tc, K_PAGING, "next",
			     "a Link header pages a body that is the array "
			     "of records: set \"records\": \"\"");
	if ((pg->end & PROFILE_END_SHORT_PAGE) && !t->page_size.present)
		return tfail(tc, K_PAGING, "end",
			     "short_page needs the page size (page_size)");
	if (t->page_size.option)
		rc = check_option(tc, t, K_PAGE_SIZE, "option",
				  t->page_size.option, OPTION_LONG);
	for (size_t i = 0; !rc && i < t->filters.n; i++)
		rc = check_option(tc, t, K_FILTERS, t->filters.v[i].name,
				  t->filters.v[i].name, -1);
	return rc;
}

/* A query parameter a request sends, and what sends it. */
struct sent {
	const char *name;
	const char *role;
};

static int sent_add(struct sent *s, size_t *n, const char *name,
		    const char *role)
{
	for (size_t i = 0; name && i < *n; i++)
		if (!strcmp(s[i].name, name))
			return (int)i + 1;
	if (name)
		s[(*n)++] = (struct sent){name, role};
	return 0;
}

/* Refuses a query parameter that two settings would both send. */
static int check_params(struct tctx *tc, const struct profile_table *t)
{
	struct sent s[8 + 4 * PROFILE_PAIRS_MAX];
	size_t n = 0;
	int dup = 0;

	dup = sent_add(s, &n, t->paging.param, "the paging parameter");
	if (!dup)
		dup = sent_add(s, &n, t->page_size.param, "the page size");
	if (!dup)
		dup = sent_add(s, &n, t->incremental.since, "since");
	if (!dup)
		dup = sent_add(s, &n, t->incremental.until, "until");
	for (size_t i = 0; !dup && i < t->params.n; i++)
		dup = sent_add(s, &n, t->params.v[i].name, "params");
	for (size_t i = 0; !dup && i < t->cursor.sort_params.n; i++)
		dup = sent_add(s, &n, t->cursor.sort_params.v[i].name,
			       "cursor/sort_params");
	for (size_t i = 0; !dup && i < t->filters.n; i++)
		dup = sent_add(s, &n, t->filters.v[i].value, "filters");
	for (size_t i = 0; !dup && i < t->deletes.params.n; i++)
		if (sent_add(s, &n, t->deletes.params.v[i].name, "deletes"))
			return tfail(tc, K_DELETES, "params",
				     "\"%s\" is sent twice",
				     t->deletes.params.v[i].name);
	if (!dup)
		return 0;
	pctx_set(tc->cx, tc->entry, NULL);
	return pctx_fail(tc->cx,
			 "the query parameter \"%s\" would be sent "
			 "as %s and again as something else",
			 s[dup - 1].name, s[dup - 1].role);
}

/* The field the pointer names in an inline schema, or NULL. */
static const struct field *schema_find(const struct profile_table *t,
				       const char *pointer)
{
	const struct field *fields = t->schema.fields, *f = NULL;
	size_t n = t->schema.nfields;
	char tok[PROFILE_NAME_MAX + 1];

	while (*pointer == '/') {
		size_t len = 0;

		for (pointer++; *pointer && *pointer != '/'; pointer++) {
			char c = *pointer;

			if (c == '~')
				c = *++pointer == '1' ? '/' : '~';
			if (len < PROFILE_NAME_MAX)
				tok[len++] = c;
		}
		tok[len] = '\0';
		for (f = NULL; n && !f; n--, fields++)
			if (!strcmp(fields->name, tok))
				f = fields;
		if (!f)
			return NULL;
		fields = f->fields;
		n = f->nfields;
	}
	return f;
}

/* Whether the inline schema has a top-level column called name. */
static int has_column(const struct profile_table *t, const char *name)
{
	for (size_t i = 0; i < t->schema.nfields; i++)
		if (!strcmp(t->schema.fields[i].name, name))
			return 1;
	return 0;
}

/* With an inline schema: keys and cursor name columns that exist. */
static int check_columns(struct tctx *tc, const struct profile_table *t)
{
	const struct field *f;

	if (t->schema.kind != PROFILE_SCHEMA_INLINE)
		return 0;
	for (size_t i = 0; i < t->nprimary_keys; i++)
		if (!has_column(t, t->primary_keys[i]))
			return tfail(tc, K_PRIMARY_KEYS, NULL,
				     "\"%s\" is not a column of the schema",
				     t->primary_keys[i]);
	if (!t->cursor.field)
		return 0;
	f = schema_find(t, t->cursor.field);
	if (!f)
		return tfail(tc, K_CURSOR, "field",
			     "\"%s\" names no field of the schema",
			     t->cursor.field);
	if (f->type != FIELD_TIMESTAMP && f->type != FIELD_STRING)
		return tfail(tc, K_CURSOR, "field",
			     "the cursor is a %s field; it must be a "
			     "timestamp or a string",
			     field_type_name(f->type));
	return 0;
}

int ptable_check(struct tctx *tc, const struct profile_table *t)
{
	int rc = check_required(tc);

	if (!rc && t->hidden && !tc->p->discovery.path)
		rc = tfail(tc, K_HIDDEN, NULL,
			   "hidden is for tables a discovery endpoint leaves "
			   "out, and this profile has none");
	if (!rc)
		rc = check_keys_cursor(tc, t);
	if (!rc)
		rc = check_incremental(tc, t);
	if (!rc)
		rc = check_deletes(tc, t);
	if (!rc)
		rc = check_window(tc, t);
	if (!rc)
		rc = check_paging(tc, t);
	if (!rc)
		rc = check_params(tc, t);
	if (!rc)
		rc = check_columns(tc, t);
	return rc;
}
