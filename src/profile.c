/* SPDX-License-Identifier: MIT */
/*
 * profile: reading a profile. See profile.h. It owns the document as a
 * whole (strict JSON, no duplicate member names), its top level (version,
 * name, base URL, auth, headers, discovery), the options, the order in
 * which the defaults and tables are read (profiletable.c reads each), and
 * the lookups later modules use. No I/O but reading the profile's file.
 */
#include "profile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/isotime.h"
#include "common/jsondoc.h"
#include "http.h"
#include "jscan.h"
#include "profileparse.h"
#include "profiletable.h"

/* The nesting a profile may have is what both of its parsers allow. */
_Static_assert(PROFILE_DEPTH_MAX == JSCAN_DEPTH_MAX &&
		   PROFILE_DEPTH_MAX == JSON_TOKENER_DEFAULT_DEPTH,
	       "json-c's and jscan's depth is the profile's");

/* ---------------------------------------------------------- duplicates --- */

/* A member name as decoded, for sorting. */
struct dname {
	const char *p;
	size_t len;
};

static int dname_cmp(const void *a, const void *b)
{
	const struct dname *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n ? memcmp(x->p, y->p, n) : 0;

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * Decodes the member names of obj into b, one after the other, and points
 * d[0..*n-1] at them.
 */
static int names_decode(struct pctx *cx, const struct jscan_value *obj,
			struct buf *b, struct dname *d, size_t *n)
{
	struct jscan_iter it;
	struct jscan_value key, val;
	size_t start, i;
	int rc = 0;

	*n = 0;
	jscan_iter_start(&it, obj);
	while (!rc && jscan_next(&it, &key, &val)) {
		if (*n == PROFILE_MEMBERS_MAX)
			return pctx_fail(cx,
					 "an object of more than %d members",
					 PROFILE_MEMBERS_MAX);
		start = b->len;
		rc = jscan_string_decode(&key, b);
		d[*n].len = b->len - start;
		d[(*n)++].p = (const char *)(uintptr_t)start; /* an offset */
	}
	for (i = 0; !rc && i < *n; i++)
		d[i].p = b->data ? b->data + (uintptr_t)d[i].p : "";
	return rc == -E2BIG ? -ENOMEM : rc;
}

/* Refuses a member name given twice in the object obj. */
static int dup_members(struct pctx *cx, const struct jscan_value *obj)
{
	char name[PROFILE_KEY_MAX + 1];
	struct dname *d;
	struct buf b;
	size_t n, i, old;
	int rc;

	d = calloc(PROFILE_MEMBERS_MAX, sizeof(*d));
	if (!d)
		return -ENOMEM;
	buf_init(&b, PROFILE_SIZE_MAX);
	rc = names_decode(cx, obj, &b, d, &n);
	if (!rc)
		qsort(d, n, sizeof(*d), dname_cmp);
	for (i = 1; !rc && i < n; i++) {
		if (dname_cmp(&d[i - 1], &d[i]))
			continue;
		snprintf(name, sizeof(name), "%.*s",
			 (int)(d[i].len < PROFILE_KEY_MAX ? d[i].len
							  : PROFILE_KEY_MAX),
			 d[i].p);
		old = pctx_push(cx, name);
		rc = pctx_fail(cx, "given twice in one object");
		pctx_pop(cx, old);
	}
	free(d);
	buf_free(&b);
	return rc;
}

/* Walks every object and array of v, members named as they are met. */
static int dup_walk(struct pctx *cx, const struct jscan_value *v)
{
	enum jscan_type t = jscan_type(v);
	struct jscan_iter it;
	struct jscan_value key, val;
	struct buf name;
	size_t i = 0, old;
	int rc = 0;

	if (t != JSCAN_OBJECT && t != JSCAN_ARRAY)
		return 0;
	if (t == JSCAN_OBJECT)
		rc = dup_members(cx, v);
	buf_init(&name, PROFILE_SIZE_MAX);
	jscan_iter_start(&it, v);
	while (!rc && jscan_next(&it, t == JSCAN_OBJECT ? &key : NULL, &val)) {
		buf_reset(&name);
		if (t == JSCAN_OBJECT)
			rc = jscan_string_decode(&key, &name);
		else
			rc = buf_printf(&name, "%zu", i++);
		old = pctx_push(cx, rc ? "" : name.data ? name.data : "");
		if (!rc)
			rc = dup_walk(cx, &val);
		pctx_pop(cx, old);
	}
	buf_free(&name);
	return rc == -E2BIG ? -ENOMEM : rc;
}

/*
 * Checks the text with jscan, which refuses what RFC 8259 does and json-c
 * lets through, and refuses duplicate member names (json-c keeps the last
 * one silently, so a profile could say two things at once).
 */
static int strict_check(struct pctx *cx, const char *text, size_t len)
{
	struct jscan_doc doc;
	int rc;

	jscan_doc_init(&doc);
	rc = jscan_check(&doc, text, len);
	if (rc == -EINVAL)
		rc = pctx_fail(cx, "not valid JSON (%s at byte %zu)", doc.error,
			       doc.error_offset);
	else if (!rc)
		rc = dup_walk(cx, &doc.root);
	jscan_doc_free(&doc);
	pctx_pop(cx, 0);
	return rc;
}

/* ------------------------------------------------------------ top level --- */

static const char *const auth_names[] = {"none", "basic", "bearer", "api_key"};

/* Where each kind of secret comes from, besides -o password_file. */
static void auth_sources(struct profile_auth *a)
{
	if (a->type == PROFILE_AUTH_BASIC) {
		a->secret_member = "password";
		a->secret_env = "LAKEFLOWFS_PASSWORD";
	} else if (a->type != PROFILE_AUTH_NONE) {
		a->secret_member = "token";
		a->secret_env = "LAKEFLOWFS_TOKEN";
	}
}

/* A header value: printable ASCII and tabs only. */
static int header_value(struct pctx *cx, const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') ||
		    (unsigned char)*s > 0x7e)
			return pctx_fail(cx,
					 "a header value is printable ASCII");
	return 0;
}

static int parse_version(struct pctx *cx, json_object *v, void *arg)
{
	long version = 0;
	int rc = pctx_long(cx, v, 1, 1000, &version);

	(void)arg;
	if (!rc && version != PROFILE_VERSION)
		rc = pctx_fail(cx,
			       "version %ld; this lakeflowfs reads version "
			       "%d",
			       version, PROFILE_VERSION);
	return rc;
}

static int parse_name(struct pctx *cx, json_object *v, void *arg)
{
	struct profile *p = arg;
	int rc = pctx_string(cx, v, PROFILE_KEY_MAX, &p->name);

	if (rc)
		return rc;
	for (const char *s = p->name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      (s != p->name && strchr("._-", *s))))
			return pctx_fail(cx,
					 "\"%s\" is not a profile name (a-z "
					 "and 0-9, then also . _ -)",
					 p->name);
	return 0;
}

static int parse_description(struct pctx *cx, json_object *v, void *arg)
{
	return pctx_text(cx, v, &((struct profile *)arg)->description);
}

static int parse_base_url(struct pctx *cx, json_object *v, void *arg)
{
	return pctx_base_url(cx, v, &((struct profile *)arg)->base_url);
}

static int parse_error_message(struct pctx *cx, json_object *v, void *arg)
{
	return pctx_as_pointer(cx, v, &((struct profile *)arg)->error_message);
}

static int as_auth_header(struct pctx *cx, json_object *v, void *out)
{
	int rc = pctx_string(cx, v, PROFILE_KEY_MAX, out);

	return rc ? rc : pctx_auth_header_name(cx, *(char **)out);
}

static int as_prefix(struct pctx *cx, json_object *v, void *out)
{
	int rc = pctx_text(cx, v, out);

	return rc ? rc : header_value(cx, *(char **)out);
}

static int parse_auth(struct pctx *cx, json_object *v, void *arg)
{
	static const char *const keys[] = {"type", "header", "prefix"};
	struct profile_auth *a = &((struct profile *)arg)->auth;
	int type = 0, rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);

	if (!rc)
		rc = pctx_known_keys(cx, v, keys, 3);
	if (!rc)
		rc = pctx_member_enum(cx, v, "type", 1, auth_names, 4,
				      "authentication", &type);
	a->type = (enum profile_auth_type)type;
	if (rc)
		return rc;
	auth_sources(a);
	if (a->type != PROFILE_AUTH_API_KEY) {
		if (json_object_object_length(v) > 1)
			return pctx_fail(cx,
					 "\"header\" and \"prefix\" are for "
					 "api_key only");
		return 0;
	}
	rc = pctx_member(cx, v, "header", 1, as_auth_header, &a->header);
	if (!rc)
		rc = pctx_member(cx, v, "prefix", 0, as_prefix, &a->prefix);
	if (!rc && !a->prefix && !(a->prefix = strdup("")))
		rc = -ENOMEM;
	return rc;
}

static int parse_headers(struct pctx *cx, json_object *v, void *arg)
{
	struct profile *p = arg;
	size_t old;
	int rc =
	    pctx_pairs(cx, v, PROFILE_PAIRS_MAX, pctx_header_name, &p->headers);

	for (size_t i = 0; !rc && i < p->headers.n; i++) {
		const struct profile_pair *h = &p->headers.v[i];

		old = pctx_push(cx, h->name);
		rc = header_value(cx, h->value);
		if (!rc && p->auth.header &&
		    !strcasecmp(h->name, p->auth.header))
			rc = pctx_fail(cx, "the API key's header is the "
					   "daemon's to send");
		pctx_pop(cx, old);
	}
	return rc;
}

/* The discovery path: a path, without the {table} it has no table for. */
static int as_discovery_path(struct pctx *cx, json_object *v, void *out)
{
	return pctx_path(cx, v, 0, out);
}

static int parse_discovery(struct pctx *cx, json_object *v, void *arg)
{
	static const char *const keys[] = {"path", "pointer", "name"};
	struct profile_discovery *d = &((struct profile *)arg)->discovery;
	int rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);

	if (!rc)
		rc = pctx_known_keys(cx, v, keys, 3);
	if (!rc)
		rc = pctx_member(cx, v, "path", 1, as_discovery_path, &d->path);
	if (!rc)
		rc = pctx_member(cx, v, "pointer", 1, pctx_as_pointer_root,
				 &d->pointer);
	if (!rc)
		rc = pctx_member(cx, v, "name", 0, pctx_as_pointer_root,
				 &d->name);
	if (!rc && !d->name && !(d->name = strdup("")))
		rc = -ENOMEM;
	return rc;
}

/* -------------------------------------------------------------- options --- */

static const char *const kind_names[] = {"integer", "string", "timestamp"};

/* Whether the daemon itself gives the option a meaning. */
static int option_is_builtin(const char *name)
{
	return !strcmp(name, PROFILE_OPTION_BATCH) ||
	       !strcmp(name, PROFILE_OPTION_CAP);
}

/* An option's default, of its kind. */
static int option_default(struct pctx *cx, json_object *v,
			  struct profile_option *o)
{
	int64_t us;
	int rc;

	o->has_default = 1;
	if (o->kind == OPTION_LONG)
		return pctx_long(cx, v, 1, OPTION_LONG_MAX, &o->default_long);
	rc = pctx_string(cx, v, PROFILE_STRING_MAX, &o->default_text);
	if (!rc && o->kind == OPTION_TIMESTAMP &&
	    isotime_parse(o->default_text, &us))
		rc = pctx_fail(cx, "\"%.64s\" is not an ISO 8601 timestamp",
			       o->default_text);
	return rc;
}

/* An option's "tables": "incremental", or a list of table names. */
static int option_tables(struct pctx *cx, json_object *v,
			 struct profile_option *o)
{
	size_t n, old;
	int rc = 0;

	if (json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), "incremental")) {
		o->scope = PROFILE_SCOPE_INCREMENTAL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) ||
	    !(n = json_object_array_length(v)) || n > PROFILE_TABLES_MAX)
		return pctx_fail(cx,
				 "must be \"incremental\" or an array of "
				 "1 to %d table names",
				 PROFILE_TABLES_MAX);
	o->scope = PROFILE_SCOPE_LISTED;
	o->tables = calloc(n, sizeof(char *));
	if (!o->tables)
		return -ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		old = pctx_push(cx, idx);
		rc = pctx_string(cx, json_object_array_get_idx(v, i),
				 PROFILE_NAME_MAX, &o->tables[i]);
		o->ntables += o->tables[i] != NULL;
		if (!rc)
			rc = pctx_table_name(cx, o->tables[i]);
		pctx_pop(cx, old);
	}
	return rc;
}

static int as_default(struct pctx *cx, json_object *v, void *o)
{
	return option_default(cx, v, o);
}

static int as_tables(struct pctx *cx, json_object *v, void *o)
{
	return option_tables(cx, v, o);
}

static int as_text(struct pctx *cx, json_object *v, void *out)
{
	return pctx_text(cx, v, out);
}

/* Parses one option's members, all known. */
static int option_members(struct pctx *cx, json_object *v,
			  struct profile_option *o)
{
	int kind = 0, rc;

	rc = pctx_member_enum(cx, v, "type", 1, kind_names, 3, "option type",
			      &kind);
	o->kind = (enum option_kind)kind;
	if (!rc)
		rc = pctx_member(cx, v, "default", 0, as_default, o);
	if (!rc)
		rc = pctx_member(cx, v, "tables", 0, as_tables, o);
	if (!rc)
		rc = pctx_member(cx, v, "allowlist", 0, pctx_as_bool,
				 &o->allowlist);
	if (!rc)
		rc = pctx_member(cx, v, "description", 0, as_text,
				 &o->description);
	return rc;
}

/* The options the daemon gives a meaning to: integers, and a batch size. */
static int option_builtin(struct pctx *cx, const struct profile_option *o)
{
	int batch = !strcmp(o->name, PROFILE_OPTION_BATCH);

	if (!option_is_builtin(o->name))
		return 0;
	if (o->kind != OPTION_LONG)
		return pctx_fail(cx,
				 "%s is a number of records: its type is "
				 "integer",
				 o->name);
	if (batch && !o->has_default)
		return pctx_fail(cx, "%s needs a default", o->name);
	return 0;
}

static int parse_options(struct pctx *cx, json_object *v, void *arg)
{
	struct profile *p = arg;
	static const char *const keys[] = {"type", "default", "tables",
					   "allowlist", "description"};
	size_t old;
	int rc = pctx_object(cx, v, PROFILE_OPTIONS_MAX);

	if (rc)
		return rc;
	p->options = calloc(PROFILE_OPTIONS_MAX, sizeof(*p->options));
	if (!p->options)
		return -ENOMEM;
	json_object_object_foreach(v, key, val)
	{
		struct profile_option *o = &p->options[p->noptions++];

		old = pctx_push(cx, key);
		rc = pctx_option_name(cx, key);
		if (!rc && !(o->name = strdup(key)))
			rc = -ENOMEM;
		if (!rc)
			rc = pctx_object(cx, val, PROFILE_MEMBERS_MAX);
		if (!rc)
			rc = pctx_known_keys(cx, val, keys, 5);
		if (!rc)
			rc = option_members(cx, val, o);
		if (!rc)
			rc = option_builtin(cx, o);
		pctx_pop(cx, old);
		if (rc)
			return rc;
	}
	return 0;
}

/* --------------------------------------------------------------- tables --- */

/* "defaults" and "tables", which parse_tables() reads, are objects. */
static int is_object(struct pctx *cx, json_object *v, void *max)
{
	return pctx_object(cx, v, *(size_t *)max);
}

static int parse_tables(struct pctx *cx, json_object *root, struct profile *p)
{
	json_object *tables = NULL, *defaults = NULL;
	size_t n = PROFILE_MEMBERS_MAX, max = PROFILE_TABLES_MAX;
	int rc;

	if (!json_object_object_get_ex(root, "tables", NULL) &&
	    !p->discovery.path) {
		pctx_set(cx, "/tables", NULL);
		return pctx_fail(cx, "missing: list the tables, or discover "
				     "them (\"discovery\")");
	}
	rc = pctx_member(cx, root, "defaults", 0, is_object, &n);
	if (!rc)
		rc = pctx_member(cx, root, "tables", 0, is_object, &max);
	if (rc)
		return rc;
	json_object_object_get_ex(root, "defaults", &defaults);
	json_object_object_get_ex(root, "tables", &tables);
	/* The defaults alone: a table of their own where tables are found. */
	rc = ptable_parse(cx, p, defaults, NULL, NULL,
			  p->discovery.path != NULL, &p->defaults);
	if (rc || !tables)
		return rc;
	n = (size_t)json_object_object_length(tables);
	p->tables = calloc(n ? n : 1, sizeof(*p->tables));
	if (!p->tables)
		return -ENOMEM;
	json_object_object_foreach(tables, key, val)
	{
		pctx_set(cx, "/tables", key);
		if (!val)
			return pctx_fail(cx, "must be an object, not null");
		rc = ptable_parse(cx, p, defaults, val, key, 1,
				  &p->tables[p->ntables++]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Which options the tables use: used[i] for p->options[i]. */
struct usage {
	const struct profile *p;
	char used[PROFILE_OPTIONS_MAX];
};

static void mark_used(void *arg, const char *name)
{
	struct usage *u = arg;
	const struct profile_option *o = profile_option_find(u->p, name);

	if (o)
		u->used[o - u->p->options] = 1;
}

/* Refuses options no table uses, and lists naming tables not there. */
static int check_options(struct pctx *cx, const struct profile *p)
{
	struct usage u = {p, {0}};
	int rc = 0;

	for (size_t i = 0; i < p->ntables; i++)
		ptable_options_used(&p->tables[i], mark_used, &u);
	if (p->discovery.path)
		ptable_options_used(&p->defaults, mark_used, &u);
	for (size_t i = 0; !rc && i < p->noptions; i++) {
		const struct profile_option *o = &p->options[i];

		pctx_set(cx, "/options", o->name);
		if (!u.used[i] && !option_is_builtin(o->name))
			rc = pctx_fail(cx, "no table uses it (as a filter, a "
					   "page size or a window option)");
		for (size_t j = 0; !rc && !p->discovery.path && j < o->ntables;
		     j++)
			if (!profile_table_find(p, o->tables[j]))
				rc = pctx_fail(cx,
					       "\"tables\" names %s, which "
					       "is not in /tables",
					       o->tables[j]);
	}
	return rc;
}

/* The top level's members, in the order they are documented. */
static const struct {
	const char *key;
	int required;
	int (*parse)(struct pctx *, json_object *, void *);
} top_keys[] = {
    {"lakeflowfs_profile", 1, parse_version},
    {"name", 1, parse_name},
    {"description", 0, parse_description},
    {"base_url", 0, parse_base_url},
    {"auth", 1, parse_auth},
    {"headers", 0, parse_headers},
    {"error_message", 0, parse_error_message},
    {"discovery", 0, parse_discovery},
    {"defaults", 0, NULL}, /* parse_tables() */
    {"tables", 0, NULL},
    {"options", 0, parse_options},
};
#define NTOP (sizeof(top_keys) / sizeof(top_keys[0]))

/* Reads the whole document, root an object, into p: the tables last,
 * once the options they use are known. */
static int build(struct pctx *cx, json_object *root, struct profile *p)
{
	const char *keys[NTOP];
	size_t i;
	int rc;

	for (i = 0; i < NTOP; i++)
		keys[i] = top_keys[i].key;
	rc = pctx_known_keys(cx, root, keys, NTOP);
	for (i = 0; !rc && i < NTOP; i++)
		if (top_keys[i].parse)
			rc = pctx_member(cx, root, top_keys[i].key,
					 top_keys[i].required,
					 top_keys[i].parse, p);
	if (!rc)
		rc = parse_tables(cx, root, p);
	if (!rc)
		rc = check_options(cx, p);
	return rc;
}

/* ------------------------------------------------------------------ API --- */

int profile_parse(const char *text, size_t len, const char *name,
		  struct profile **out, char *err, size_t errlen)
{
	struct jsondoc_error jerr;
	json_object *root = NULL;
	struct profile *p = NULL;
	struct pctx cx;
	int rc;

	*out = NULL;
	pctx_init(&cx, name, err, errlen);
	if (len > PROFILE_SIZE_MAX)
		return pctx_fail(&cx, "larger than %u bytes", PROFILE_SIZE_MAX);
	rc = jsondoc_parse(text, len, &root, &jerr);
	if (rc == -EINVAL)
		return pctx_fail(&cx, "not valid JSON (%s at byte %zu)",
				 jerr.what, jerr.offset);
	if (!rc)
		rc = strict_check(&cx, text, len);
	if (!rc && !json_object_is_type(root, json_type_object))
		rc = pctx_fail(&cx, "a profile is a JSON object");
	if (!rc && !(p = calloc(1, sizeof(*p))))
		rc = -ENOMEM;
	if (!rc)
		rc = build(&cx, root, p);
	json_object_put(root);
	if (rc == -ENOMEM)
		pctx_fail(&cx, "out of memory");
	if (rc) {
		profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int profile_load(const char *path, struct profile **out, char *err,
		 size_t errlen)
{
	struct buf b;
	struct pctx cx;
	int rc;

	*out = NULL;
	buf_init(&b, PROFILE_SIZE_MAX);
	rc = jsondoc_read(path, &b);
	if (rc) {
		pctx_init(&cx, path, err, errlen);
		if (rc == -EFBIG)
			pctx_fail(&cx, "larger than %u bytes",
				  PROFILE_SIZE_MAX);
		else
			pctx_fail(&cx, "cannot read: %s", strerror(-rc));
	} else {
		rc = profile_parse(b.data, b.len, path, out, err, errlen);
	}
	buf_free(&b);
	return rc;
}

static void option_free(struct profile_option *o)
{
	free(o->name);
	free(o->description);
	free(o->default_text);
	pctx_strings_free(o->tables, o->ntables);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->description);
	free(p->base_url);
	free(p->auth.header);
	free(p->auth.prefix);
	pctx_pairs_free(&p->headers);
	free(p->error_message);
	free(p->discovery.path);
	free(p->discovery.pointer);
	free(p->discovery.name);
	ptable_free(&p->defaults);
	for (size_t i = 0; i < p->ntables; i++)
		ptable_free(&p->tables[i]);
	free(p->tables);
	for (size_t i = 0; i < p->noptions; i++)
		option_free(&p->options[i]);
	free(p->options);
	free(p);
}

const struct profile_table *profile_table_find(const struct profile *p,
					       const char *name)
{
	for (size_t i = 0; i < p->ntables; i++)
		if (!strcmp(p->tables[i].name, name))
			return &p->tables[i];
	return p->discovery.path ? &p->defaults : NULL;
}

const struct profile_option *profile_option_find(const struct profile *p,
						 const char *name)
{
	for (size_t i = 0; i < p->noptions; i++)
		if (p->options[i].name && !strcmp(p->options[i].name, name))
			return &p->options[i];
	return NULL;
}

int profile_option_applies(const struct profile_option *opt, const char *table,
			   enum ingestion in)
{
	if (opt->scope == PROFILE_SCOPE_ALL)
		return 1;
	if (opt->scope == PROFILE_SCOPE_INCREMENTAL)
		return in != INGEST_SNAPSHOT;
	for (size_t i = 0; i < opt->ntables; i++)
		if (!strcmp(opt->tables[i], table))
			return 1;
	return 0;
}

int profile_path_expand(const char *path, const char *table, struct buf *out)
{
	const char *p = path, *at;
	int rc = 0;

	while (!rc && (at = strstr(p, "{table}"))) {
		rc = buf_append(out, p, (size_t)(at - p));
		if (!rc)
			rc = http_escape(table, out);
		p = at + 7;
	}
	return rc ? rc : buf_puts(out, p);
}

const char *profile_time_name(enum profile_time t)
{
	return (size_t)t < 4 ? pctx_time_names[t] : "unknown";
}

const char *profile_paging_name(enum profile_paging_type t)
{
	return (size_t)t < 5 ? pctx_paging_names[t] : "unknown";
}
