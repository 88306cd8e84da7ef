/* SPDX-License-Identifier: MIT */
/*
 * profiletable: one table of a profile, its entry resolved against the
 * defaults: which member comes from where, and each member parsed on its
 * own (types, names, pointers, paths); profilecheck.c then checks them
 * together. See profile.h for what the result means; profile.c calls
 * ptable_parse() and ptable_free(). No I/O.
 */
#include "profiletable.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- members --- */

static int parse_hidden(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	return pctx_bool(cx, v, &t->hidden);
}

static int parse_path(struct pctx *cx, json_object *v, struct profile_table *t)
{
	return pctx_path(cx, v, 1, &t->path);
}

static int parse_records(struct pctx *cx, json_object *v,
			 struct profile_table *t)
{
	return pctx_pointer(cx, v, 1, &t->records);
}

/* Checks obj is an object with only the known keys (so at most n). */
static int keys_of(struct pctx *cx, json_object *obj, const char *const *known,
		   size_t n)
{
	int rc = pctx_object(cx, obj, PROFILE_MEMBERS_MAX);

	return rc ? rc : pctx_known_keys(cx, obj, known, n);
}

/* One entry of a type map: the API's name, then ours. */
static int type_entry(struct pctx *cx, const char *api, json_object *v,
		      struct profile_type *ty)
{
	if (!*api)
		return pctx_fail(cx, "an API type name is not empty");
	if (!json_object_is_type(v, json_type_string) ||
	    pctx_spark_type(json_object_get_string(v), &ty->type))
		return pctx_fail(cx, "must name one of our types: %s",
				 pctx_spark_types);
	ty->api = strdup(api);
	return ty->api ? 0 : -ENOMEM;
}

static int m_types(struct pctx *cx, json_object *v, void *arg)
{
	struct profile_schema *s = arg;
	size_t old;
	int rc = pctx_object(cx, v, PROFILE_TYPES_MAX);

	if (!rc && !json_object_object_length(v))
		rc = pctx_fail(cx, "maps no type");
	if (rc)
		return rc;
	s->types =
	    calloc((size_t)json_object_object_length(v), sizeof(*s->types));
	if (!s->types)
		return -ENOMEM;
	json_object_object_foreach(v, key, val)
	{
		old = pctx_push(cx, key);
		rc = type_entry(cx, key, val, &s->types[s->ntypes]);
		pctx_pop(cx, old);
		if (rc)
			return rc;
		s->ntypes++;
	}
	return 0;
}

/* "schema": inline Spark StructType JSON, or an endpoint and a type map. */
static int parse_schema(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	static const char *const keys[] = {"path", "pointer", "types"};
	struct profile_schema *s = &t->schema;
	int rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);

	if (rc)
		return rc;
	if (json_object_object_get_ex(v, "type", NULL)) {
		s->kind = PROFILE_SCHEMA_INLINE;
		return pctx_inline_schema(cx, v, &s->fields, &s->nfields);
	}
	if (!json_object_object_get_ex(v, "path", NULL))
		return pctx_fail(cx, "must be a Spark StructType {\"type\": "
				     "\"struct\", \"fields\": [...]} or an "
				     "endpoint {\"path\", \"pointer\", "
				     "\"types\"}");
	s->kind = PROFILE_SCHEMA_ENDPOINT;
	rc = keys_of(cx, v, keys, 3);
	if (!rc)
		rc = pctx_member(cx, v, "path", 1, pctx_as_path, &s->path);
	if (!rc)
		rc = pctx_member(cx, v, "pointer", 1, pctx_as_pointer_root,
				 &s->pointer);
	if (!rc)
		rc = pctx_member(cx, v, "types", 1, m_types, s);
	return rc;
}

static int parse_metadata(struct pctx *cx, json_object *v,
			  struct profile_table *t)
{
	static const char *const keys[] = {"path", "primary_keys",
					   "cursor_field"};
	struct profile_metadata *m = &t->metadata;
	int rc = keys_of(cx, v, keys, 3);

	if (!rc)
		rc = pctx_member(cx, v, "path", 1, pctx_as_path, &m->path);
	if (!rc)
		rc = pctx_member(cx, v, "primary_keys", 0, pctx_as_pointer,
				 &m->primary_keys);
	if (!rc)
		rc = pctx_member(cx, v, "cursor_field", 0, pctx_as_pointer,
				 &m->cursor_field);
	if (!rc && !m->primary_keys && !m->cursor_field)
		rc = pctx_fail(cx, "names neither primary_keys nor "
				   "cursor_field");
	return rc;
}

/* One primary key: a column name, not given twice. */
static int primary_key(struct pctx *cx, json_object *v, char **keys, size_t i)
{
	int rc = pctx_string(cx, v, PROFILE_NAME_MAX, &keys[i]);

	if (!rc)
		rc = pctx_table_name(cx, keys[i]);
	for (size_t j = 0; !rc && j < i; j++)
		if (!strcmp(keys[j], keys[i]))
			rc = pctx_fail(cx, "\"%.64s\" is given twice", keys[i]);
	return rc;
}

static int parse_primary_keys(struct pctx *cx, json_object *v,
			      struct profile_table *t)
{
	size_t n, old;
	int rc = 0;

	if (!json_object_is_type(v, json_type_array))
		return pctx_fail(cx, "must be an array of column names");
	n = json_object_array_length(v);
	if (!n || n > PROFILE_PAIRS_MAX)
		return pctx_fail(cx, "must name 1 to %d columns",
				 PROFILE_PAIRS_MAX);
	t->primary_keys = calloc(n, sizeof(char *));
	if (!t->primary_keys)
		return -ENOMEM;
	t->nprimary_keys = n;
	for (size_t i = 0; !rc && i < n; i++) {
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		old = pctx_push(cx, idx);
		rc = primary_key(cx, json_object_array_get_idx(v, i),
				 t->primary_keys, i);
		pctx_pop(cx, old);
	}
	return rc;
}

static int parse_cursor(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	static const char *const keys[] = {"field", "format", "order",
					   "sort_params"};
	static const char *const orders[] = {"ascending", "descending",
					     "unsorted"};
	struct profile_cursor *c = &t->cursor;
	int format = -1, order = PROFILE_ORDER_ASCENDING;
	int rc = keys_of(cx, v, keys, 4);

	c->present = 1;
	if (!rc)
		rc = pctx_member(cx, v, "field", 0, pctx_as_pointer, &c->field);
	if (!rc)
		rc = pctx_member_enum(cx, v, "format", 1, pctx_time_names + 1,
				      2, "cursor format", &format);
	c->format = (enum profile_time)(format + 1);
	if (!rc)
		rc = pctx_member_enum(cx, v, "order", 0, orders, 3, "order",
				      &order);
	c->order = (enum profile_order)order;
	if (!rc)
		rc = pctx_member(cx, v, "sort_params", 0, pctx_as_params,
				 &c->sort_params);
	if (!rc && c->sort_params.n && c->order == PROFILE_ORDER_ASCENDING)
		rc = pctx_fail(cx, "sort_params are for an order other than "
				   "ascending: they make it ascending");
	return rc;
}

static const char *const ingestion_names[] = {"auto", "snapshot", "append",
					      "cdc", "cdc_with_deletes"};

static int parse_ingestion(struct pctx *cx, json_object *v,
			   struct profile_table *t)
{
	static const enum ingestion types[] = {INGEST_SNAPSHOT, INGEST_SNAPSHOT,
					       INGEST_APPEND, INGEST_CDC,
					       INGEST_CDC_WITH_DELETES};
	int i = 0, rc = pctx_enum(cx, v, ingestion_names, 5, "ingestion", &i);

	t->ingestion_auto = i == 0;
	t->ingestion = types[i];
	return rc;
}

static int parse_incremental(struct pctx *cx, json_object *v,
			     struct profile_table *t)
{
	static const char *const keys[] = {"since", "until", "inclusive",
					   "format", "stop_at_cap"};
	struct profile_incremental *in = &t->incremental;
	int format = PROFILE_TIME_CURSOR;
	int rc = keys_of(cx, v, keys, 5);

	if (!rc)
		rc = pctx_member(cx, v, "since", 1, pctx_as_param, &in->since);
	if (!rc)
		rc = pctx_member(cx, v, "until", 0, pctx_as_param, &in->until);
	if (!rc)
		rc = pctx_member(cx, v, "inclusive", 0, pctx_as_bool,
				 &in->inclusive);
	if (!rc)
		rc = pctx_member_enum(cx, v, "format", 0, pctx_time_names, 4,
				      "format", &format);
	in->format = (enum profile_time)format;
	if (!rc)
		rc = pctx_member(cx, v, "stop_at_cap", 0, pctx_as_bool,
				 &in->stop_at_cap);
	return rc;
}

static int parse_window(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	static const char *const keys[] = {"width_option", "start_option",
					   "oldest"};
	static const char *const oldest[] = {"first_page"};
	struct profile_window *w = &t->window;
	int o = 0, rc = keys_of(cx, v, keys, 3);

	w->present = 1;
	if (!rc)
		rc = pctx_member(cx, v, "width_option", 1, pctx_as_option,
				 &w->width_option);
	if (!rc)
		rc = pctx_member(cx, v, "start_option", 0, pctx_as_option,
				 &w->start_option);
	if (!rc)
		rc = pctx_member_enum(cx, v, "oldest", 0, oldest, 1,
				      "oldest record", &o);
	w->oldest = (enum profile_oldest)o;
	return rc;
}

/* ------------------------------------------------------------- paging --- */

/* paging.next: {"in": "body", "pointer"} | {"in": "header", "name"} |
 * {"in": "link"}. */
static int m_next(struct pctx *cx, json_object *v, void *arg)
{
	static const char *const ins[] = {"body", "header", "link"};
	static const char *const keys[] = {"in", "pointer", "name"};
	struct profile_paging *pg = arg;
	int in = 0, rc = keys_of(cx, v, keys, 3);

	if (!rc)
		rc = pctx_member_enum(cx, v, "in", 1, ins, 3, "place", &in);
	pg->next_in = (enum profile_next_in)(in + 1);
	if (rc)
		return rc;
	if (json_object_object_get_ex(v, in == 0 ? "name" : "pointer", NULL) ||
	    (in == 2 && json_object_object_length(v) > 1))
		return pctx_fail(cx, "\"in\": \"%s\" takes %s", ins[in],
				 in == 0   ? "\"pointer\" only"
				 : in == 1 ? "\"name\" only"
					   : "nothing else");
	if (in == 0)
		return pctx_member(cx, v, "pointer", 1, pctx_as_pointer,
				   &pg->next);
	if (in == 1) {
		rc = pctx_member(cx, v, "name", 1, pctx_as_param, &pg->next);
		return rc ? rc : pctx_header_name(cx, pg->next);
	}
	return 0;
}

static int m_end(struct pctx *cx, json_object *v, void *arg)
{
	static const char *const ends[] = {"next_marker", "empty_page",
					   "short_page"};
	struct profile_paging *pg = arg;
	size_t n, old;
	int rc = 0, e = 0;

	if (!json_object_is_type(v, json_type_array) ||
	    !(n = json_object_array_length(v)) || n > 3)
		return pctx_fail(cx, "must be an array of 1 to 3 of "
				     "next_marker, empty_page, short_page");
	pg->end = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		old = pctx_push(cx, idx);
		rc = pctx_enum(cx, json_object_array_get_idx(v, i), ends, 3,
			       "end of paging", &e);
		if (!rc && (pg->end & (1u << e)))
			rc = pctx_fail(cx, "%s is given twice", ends[e]);
		if (!rc && e == 0 && pg->next_in == PROFILE_NEXT_NONE)
			rc = pctx_fail(cx, "next_marker: this paging has no "
					   "\"next\"");
		if (!rc)
			pg->end |= 1u << e;
		pctx_pop(cx, old);
	}
	return rc;
}

/* Whether a paging type takes the member key, besides "type". */
static int paging_takes(int type, const char *key)
{
	static const char *const takes[5][4] = {
	    {NULL},			       /* none */
	    {"param", "start", "next", "end"}, /* page_number */
	    {"next", "end"},		       /* next_url */
	    {"param", "next", "end"},	       /* cursor */
	    {"param", "start", "end"},	       /* offset */
	};

	for (size_t i = 0; i < 4 && takes[type][i]; i++)
		if (!strcmp(takes[type][i], key))
			return 1;
	return 0;
}

static int m_start(struct pctx *cx, json_object *v, void *out)
{
	return pctx_long(cx, v, 0, OPTION_LONG_MAX, out);
}

/* The members a paging type takes, and the ones it needs. */
static int paging_members(struct pctx *cx, json_object *v,
			  struct profile_paging *pg)
{
	int type = (int)pg->type, rc = 0;
	size_t old;

	json_object_object_foreach(v, key, val)
	{
		(void)val;
		if (strcmp(key, "type") && !paging_takes(type, key)) {
			old = pctx_push(cx, key);
			rc = pctx_fail(cx, "the %s paginator takes no %s",
				       pctx_paging_names[type], key);
			pctx_pop(cx, old);
			return rc;
		}
	}
	pg->start = type == PROFILE_PAGING_PAGE_NUMBER ? 1 : 0;
	if (paging_takes(type, "param"))
		rc = pctx_member(cx, v, "param", 1, pctx_as_param, &pg->param);
	if (!rc)
		rc = pctx_member(cx, v, "start", 0, m_start, &pg->start);
	if (!rc)
		rc = pctx_member(cx, v, "next",
				 type == PROFILE_PAGING_NEXT_URL ||
				     type == PROFILE_PAGING_CURSOR,
				 m_next, pg);
	if (!rc && type == PROFILE_PAGING_CURSOR &&
	    pg->next_in == PROFILE_NEXT_LINK)
		rc = pctx_fail(cx, "a cursor token comes from the body or a "
				   "header; for a Link header use next_url");
	return rc;
}

static int parse_paging(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	struct profile_paging *pg = &t->paging;
	int i = 0, rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);

	pg->present = 1;
	if (!rc)
		rc = pctx_member_enum(cx, v, "type", 1, pctx_paging_names, 5,
				      "paginator", &i);
	pg->type = (enum profile_paging_type)i;
	if (!rc)
		rc = paging_members(cx, v, pg);
	pg->end = PROFILE_END_EMPTY_PAGE;
	if (pg->next_in != PROFILE_NEXT_NONE)
		pg->end |= PROFILE_END_NEXT_MARKER;
	if (!rc && pg->type != PROFILE_PAGING_NONE)
		rc = pctx_member(cx, v, "end", 0, m_end, pg);
	if (pg->type == PROFILE_PAGING_NONE)
		pg->end = 0;
	return rc;
}

static int m_size(struct pctx *cx, json_object *v, void *out)
{
	return pctx_long(cx, v, 1, OPTION_LONG_MAX, out);
}

static int parse_page_size(struct pctx *cx, json_object *v,
			   struct profile_table *t)
{
	static const char *const keys[] = {"param", "value", "option", "max"};
	struct profile_page_size *ps = &t->page_size;
	int rc = keys_of(cx, v, keys, 4);

	ps->present = 1;
	if (!rc)
		rc = pctx_member(cx, v, "param", 0, pctx_as_param, &ps->param);
	if (!rc)
		rc = pctx_member(cx, v, "value", 0, m_size, &ps->value);
	if (!rc)
		rc = pctx_member(cx, v, "option", 0, pctx_as_option,
				 &ps->option);
	if (!rc)
		rc = pctx_member(cx, v, "max", 0, m_size, &ps->max);
	if (!rc && !ps->value == !ps->option)
		rc = pctx_fail(cx, "give either \"value\" (a fixed size) or "
				   "\"option\" (a table option's value)");
	if (!rc && ps->option && !ps->param)
		rc = pctx_fail(cx, "an option's page size is sent: give its "
				   "\"param\"");
	if (!rc && ps->max && !ps->option)
		rc = pctx_fail(cx, "\"max\" bounds an option's value; a fixed "
				   "value needs none");
	return rc;
}

static int parse_filters(struct pctx *cx, json_object *v,
			 struct profile_table *t)
{
	size_t old;
	int rc =
	    pctx_pairs(cx, v, PROFILE_PAIRS_MAX, pctx_option_name, &t->filters);

	for (size_t i = 0; !rc && i < t->filters.n; i++) {
		old = pctx_push(cx, t->filters.v[i].name);
		rc = pctx_param_name(cx, t->filters.v[i].value);
		pctx_pop(cx, old);
	}
	return rc;
}

static int parse_params(struct pctx *cx, json_object *v,
			struct profile_table *t)
{
	return pctx_as_params(cx, v, &t->params);
}

static int parse_deletes(struct pctx *cx, json_object *v,
			 struct profile_table *t)
{
	static const char *const keys[] = {"path", "params"};
	int rc = keys_of(cx, v, keys, 2);

	if (!rc)
		rc = pctx_member(cx, v, "path", 1, pctx_as_path,
				 &t->deletes.path);
	if (!rc)
		rc = pctx_member(cx, v, "params", 0, pctx_as_params,
				 &t->deletes.params);
	return rc;
}

static const struct {
	const char *name;
	int (*parse)(struct pctx *, json_object *, struct profile_table *);
} table_keys[K_COUNT] = {
    {"hidden", parse_hidden},		{"path", parse_path},
    {"records", parse_records},		{"schema", parse_schema},
    {"metadata", parse_metadata},	{"primary_keys", parse_primary_keys},
    {"cursor", parse_cursor},		{"ingestion", parse_ingestion},
    {"incremental", parse_incremental}, {"window", parse_window},
    {"paging", parse_paging},		{"page_size", parse_page_size},
    {"filters", parse_filters},		{"params", parse_params},
    {"deletes", parse_deletes},
};

const char *ptable_key(int k)
{
	return table_keys[k].name;
}

/* ---------------------------------------------------------------- API --- */

/* Parses member k from the entry, else from the defaults. */
static int table_member(struct tctx *tc, int k, json_object *defaults,
			json_object *entry, struct profile_table *t)
{
	const char *key = table_keys[k].name;
	json_object *v = NULL;

	if (entry && json_object_object_get_ex(entry, key, &v)) {
		if (!v)
			return 0; /* null: the default is removed */
		pctx_set(tc->cx, tc->entry, key);
	} else if (defaults && json_object_object_get_ex(defaults, key, &v) &&
		   v) {
		pctx_set(tc->cx, "/defaults", key);
		tc->inherited |= 1u << k;
	} else {
		return 0;
	}
	tc->present |= 1u << k;
	return table_keys[k].parse(tc->cx, v, t);
}

/* Checks the keys of the entry (or of the defaults, without "hidden"). */
static int entry_keys(struct tctx *tc, json_object *obj)
{
	const char *names[K_COUNT];
	size_t n = 0;
	int rc;

	for (int k = 0; k < K_COUNT; k++)
		if (tc->name || k != K_HIDDEN)
			names[n++] = table_keys[k].name;
	pctx_set(tc->cx, tc->entry, NULL);
	rc = pctx_object(tc->cx, obj, PROFILE_MEMBERS_MAX);
	return rc ? rc : pctx_known_keys(tc->cx, obj, names, n);
}

int ptable_parse(struct pctx *cx, const struct profile *p,
		 json_object *defaults, json_object *entry, const char *name,
		 int check, struct profile_table *t)
{
	char where[16 + 2 * PROFILE_NAME_MAX];
	struct tctx tc = {cx, p, name, where, 0, 0};
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->ingestion_auto = 1;
	pctx_set(cx, "/tables", name);
	snprintf(where, sizeof(where), "%s", name ? cx->path : "/defaults");
	if (name && !(t->name = strdup(name)))
		return -ENOMEM;
	if (name)
		rc = pctx_table_name(cx, name);
	if (!rc && (name ? entry : defaults))
		rc = entry_keys(&tc, name ? entry : defaults);
	for (int k = 0; !rc && k < K_COUNT; k++)
		rc = table_member(&tc, k, defaults, name ? entry : NULL, t);
	if (!rc && !t->records && !(t->records = strdup("")))
		rc = -ENOMEM;
	if (!rc && check)
		rc = ptable_check(&tc, t);
	return rc;
}

static void schema_free(struct profile_schema *s)
{
	pctx_fields_free(s->fields, s->nfields);
	free(s->path);
	free(s->pointer);
	for (size_t i = 0; i < s->ntypes; i++)
		free(s->types[i].api);
	free(s->types);
}

void ptable_free(struct profile_table *t)
{
	free(t->name);
	free(t->path);
	free(t->records);
	schema_free(&t->schema);
	free(t->metadata.path);
	free(t->metadata.primary_keys);
	free(t->metadata.cursor_field);
	pctx_strings_free(t->primary_keys, t->nprimary_keys);
	free(t->cursor.field);
	pctx_pairs_free(&t->cursor.sort_params);
	free(t->incremental.since);
	free(t->incremental.until);
	free(t->window.width_option);
	free(t->window.start_option);
	free(t->paging.param);
	free(t->paging.next);
	free(t->page_size.param);
	free(t->page_size.option);
	pctx_pairs_free(&t->filters);
	pctx_pairs_free(&t->params);
	free(t->deletes.path);
	pctx_pairs_free(&t->deletes.params);
	memset(t, 0, sizeof(*t));
}

void ptable_options_used(const struct profile_table *t,
			 void (*use)(void *, const char *), void *arg)
{
	if (t->window.present) {
		use(arg, t->window.width_option);
		if (t->window.start_option)
			use(arg, t->window.start_option);
	}
	if (t->page_size.option)
		use(arg, t->page_size.option);
	for (size_t i = 0; i < t->filters.n; i++)
		use(arg, t->filters.v[i].name);
}
