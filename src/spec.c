/* SPDX-License-Identifier: MIT */
/*
 * spec: the pipeline spec. See spec.h. Reads the spec file and checks it, first
 * on its own (spec_load), then against the source's tables and the connection's
 * externalOptionsAllowList (spec_validate). Messages go to the caller's
 * buffer; nothing here logs, mounts or talks HTTP.
 */
#include "spec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/buf.h"
#include "common/jsondoc.h"

#define DIR_NAME_MAX  255
#define SPEC_SIZE_MAX (16u << 20)

/* The common options: they land in metadata, the connector ignores them. */
static const char *const common_options[] = {"scd_type", "primary_keys",
					     "sequence_by"};
#define NCOMMON (sizeof(common_options) / sizeof(common_options[0]))


/* ------------------------------------------------------------- values --- */

/* Where a refusal happened, for messages, and where it goes. */
struct ctx {
	char *err;
	size_t errlen;
	char where[96]; /* "table 'orders'" or "object[2].table" */
};

static int is_common_option(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMON; i++)
		if (!strcmp(common_options[i], name))
			return 1;
	return 0;
}

/* Copies a JSON string (no NUL inside) into *dst. */
static int dup_string(struct ctx *cx, struct json_object *v, const char *what,
		      char **dst)
{
	if (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) !=
		(size_t)json_object_get_string_len(v))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: %s must be a string", cx->where, what);
	free(*dst);
	*dst = strdup(json_object_get_string(v));
	return *dst ? 0 : -ENOMEM;
}

/* An option value as text: a JSON string, or an integer written out. */
static int value_text(struct ctx *cx, struct json_object *v, const char *name,
		      char **out)
{
	if (json_object_is_type(v, json_type_int)) {
		char num[32];

		snprintf(num, sizeof(num), "%" PRId64,
			 json_object_get_int64(v));
		*out = strdup(num);
		return *out ? 0 : -ENOMEM;
	}
	if (json_object_is_type(v, json_type_string))
		return dup_string(cx, v, name, out);
	return option_error(cx->err, cx->errlen,
		    "spec: %s: option '%s' must be a string or an integer",
		    cx->where, name);
}

static int strings_add(char ***list, size_t *n, const char *s, size_t len)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*n] = strndup(s, len);
	if (!grown[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* primary_keys as "a, b" : split at commas, blanks around names dropped. */
static int keys_from_string(struct spec_table *t, const char *s)
{
	for (;;) {
		const char *end;
		int rc;

		s += strspn(s, " \t");
		end = s + strcspn(s, ",");
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == s)
			return -EINVAL;
		rc = strings_add(&t->primary_keys, &t->nprimary_keys, s,
				 (size_t)(end - s));
		if (rc)
			return rc;
		s += strcspn(s, ",");
		if (!*s)
			return 0;
		s++; /* the comma */
	}
}

static int keys_from_array(struct spec_table *t, struct json_object *arr)
{
	size_t n = json_object_array_length(arr), i;
	int rc = 0;

	if (!n)
		return -EINVAL;
	for (i = 0; !rc && i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *s;

		if (!json_object_is_type(v, json_type_string))
			return -EINVAL;
		s = json_object_get_string(v);
		if (!*s || strlen(s) != (size_t)json_object_get_string_len(v))
			return -EINVAL;
		rc = strings_add(&t->primary_keys, &t->nprimary_keys, s,
				 strlen(s));
	}
	return rc;
}

static int primary_keys_parse(struct ctx *cx, struct spec_table *t,
			      struct json_object *v)
{
	int rc = -EINVAL;

	if (json_object_is_type(v, json_type_array))
		rc = keys_from_array(t, v);
	else if (json_object_is_type(v, json_type_string))
		rc = keys_from_string(t, json_object_get_string(v));
	if (rc == -EINVAL)
		return option_error(cx->err, cx->errlen,
			    "spec: %s: primary_keys must be a non-empty array "
			    "of column names or a comma-separated string",
			    cx->where);
	return rc;
}

/* scd_type, primary_keys or sequence_by. */
static int common_parse(struct ctx *cx, struct spec_table *t, const char *key,
			struct json_object *v)
{
	int rc;

	if (!strcmp(key, "primary_keys"))
		return primary_keys_parse(cx, t, v);
	rc = dup_string(cx, v, key,
			!strcmp(key, "scd_type") ? &t->scd_type
						 : &t->sequence_by);
	if (rc)
		return rc;
	if (t->sequence_by && !*t->sequence_by)
		return option_error(cx->err, cx->errlen,
			    "spec: %s: sequence_by must not be empty",
			    cx->where);
	if (t->scd_type && strcmp(t->scd_type, "SCD_TYPE_1") &&
	    strcmp(t->scd_type, "SCD_TYPE_2"))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: scd_type must be SCD_TYPE_1 or "
			    "SCD_TYPE_2, not '%s'",
			    cx->where, t->scd_type);
	return 0;
}

static int unknown_option(struct ctx *cx, const char *key)
{
	const struct table_option *opts;
	char known[256] = "";
	size_t i, n;

	opts = connector_options(&n);
	for (i = 0; i < n; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
			 "%s, ", opts[i].name);
	snprintf(known + strlen(known), sizeof(known) - strlen(known),
		 "scd_type, primary_keys, sequence_by");
	return option_error(cx->err, cx->errlen,
		    "spec: %s: unknown option '%s' in table_configuration "
		    "(known: %s)",
		    cx->where, key, known);
}

/* One source-specific option: its value into t->opts, its name noted. */
static int source_option_parse(struct ctx *cx, struct spec_table *t,
			       const struct table_option *opt,
			       struct json_object *v)
{
	char msg[256], *text = NULL;
	int rc;

	rc = value_text(cx, v, opt->name, &text);
	if (!rc)
		rc = option_set(opt, text, &t->opts, msg, sizeof(msg));
	if (rc == -EINVAL && text)
		option_error(cx->err, cx->errlen, "spec: %s: %s", cx->where, msg);
	free(text);
	if (!rc)
		rc = strings_add(&t->options, &t->noptions, opt->name,
				 strlen(opt->name));
	return rc;
}

static int config_parse(struct ctx *cx, struct spec_table *t,
			struct json_object *cfg)
{
	const struct table_option *opt;
	int rc = 0;

	if (!json_object_is_type(cfg, json_type_object))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: table_configuration must be an object",
			    cx->where);
	json_object_object_foreach(cfg, key, v)
	{
		if (is_common_option(key))
			rc = common_parse(cx, t, key, v);
		else if ((opt = option_find(key)))
			rc = source_option_parse(cx, t, opt, v);
		else
			rc = unknown_option(cx, key);
		if (rc)
			break;
	}
	return rc;
}

/* ------------------------------------------------------------- tables --- */

/* A directory name the user chose: a safe path component, and not ours. */
static int dir_check(struct ctx *cx, const char *dir)
{
	size_t n = strlen(dir), i;

	if (!n || n > DIR_NAME_MAX || !strcmp(dir, ".") || !strcmp(dir, ".."))
		goto bad;
	for (i = 0; i < n; i++)
		if ((unsigned char)dir[i] < 0x20 || dir[i] == 0x7f ||
		    dir[i] == '/')
			goto bad;
	if (dir[0] == '_' || !strcmp(dir, "tables"))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: destination_table '%s' would clash with "
			    "the mount's own files ('tables' and the "
			    "'_'-prefixed control files)",
			    cx->where, dir);
	return 0;
bad:
	return option_error(cx->err, cx->errlen,
		    "spec: %s: destination_table '%s' is not a safe directory "
		    "name (1 to %d bytes, no '/', no control characters, "
		    "not '.' or '..')",
		    cx->where, dir, DIR_NAME_MAX);
}

/* Refuses a key of obj that is not in known[] (n names), naming both. */
static int keys_check(struct ctx *cx, struct json_object *obj,
		      const char *const *known, size_t n, const char *list)
{
	size_t i;

	json_object_object_foreach(obj, key, v)
	{
		(void)v;
		for (i = 0; i < n && strcmp(key, known[i]); i++)
			;
		if (i == n)
			return option_error(cx->err, cx->errlen,
				    "spec: %s: unknown key '%s' (known: %s)",
				    cx->where, key, list);
	}
	return 0;
}

/* Copies the string member key of obj, if present, into *dst. */
static int member_string(struct ctx *cx, struct json_object *obj,
			 const char *key, char **dst)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	return dup_string(cx, v, key, dst);
}

static int table_members(struct ctx *cx, struct json_object *tab,
			 struct spec_table *t)
{
	static const char *const known[] = {
	    "source_table", "destination_table", "destination_catalog",
	    "destination_schema", "table_configuration"};
	int rc;

	rc = keys_check(cx, tab, known, sizeof(known) / sizeof(known[0]),
			"source_table, destination_table, destination_catalog, "
			"destination_schema, table_configuration");
	if (!rc)
		rc = member_string(cx, tab, "source_table", &t->source_table);
	if (!rc && (!t->source_table || !*t->source_table))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: source_table is missing or empty",
			    cx->where);
	if (!rc)
		rc = member_string(cx, tab, "destination_catalog",
				   &t->destination_catalog);
	if (!rc)
		rc = member_string(cx, tab, "destination_schema",
				   &t->destination_schema);
	if (!rc)
		rc = member_string(cx, tab, "destination_table", &t->dir);
	return rc;
}

/* One element of pipeline_spec.object: {"table": {...}}. */
static int table_parse(struct ctx *cx, size_t idx, struct json_object *elem,
		       struct spec_table *t)
{
	static const char *const known[] = {"table"};
	struct json_object *tab, *cfg;
	int rc;

	snprintf(cx->where, sizeof(cx->where), "object[%zu]", idx);
	if (!json_object_is_type(elem, json_type_object))
		return option_error(cx->err, cx->errlen,
			    "spec: %s must be an object {\"table\": {...}}",
			    cx->where);
	rc = keys_check(cx, elem, known, 1, "table");
	if (rc)
		return rc;
	if (!json_object_object_get_ex(elem, "table", &tab) ||
	    !json_object_is_type(tab, json_type_object))
		return option_error(cx->err, cx->errlen,
			    "spec: %s: \"table\" is missing or not an object",
			    cx->where);
	snprintf(cx->where, sizeof(cx->where), "object[%zu].table", idx);
	rc = table_members(cx, tab, t);
	if (!rc && t->dir)
		rc = dir_check(cx, t->dir);
	if (!rc && !t->dir && !(t->dir = strdup(t->source_table)))
		rc = -ENOMEM;
	if (rc)
		return rc;
	snprintf(cx->where, sizeof(cx->where), "table '%.80s'", t->dir);
	if (json_object_object_get_ex(tab, "table_configuration", &cfg))
		rc = config_parse(cx, t, cfg);
	return rc;
}

static int dirs_unique(struct ctx *cx, const struct spec *s)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++)
		for (j = i + 1; j < s->ntables; j++)
			if (!strcmp(s->tables[i].dir, s->tables[j].dir))
				return option_error(cx->err, cx->errlen,
					    "spec: objects %zu and %zu both "
					    "use the directory '%s'; give one "
					    "a destination_table",
					    i, j, s->tables[i].dir);
	return 0;
}

/* --------------------------------------------------------------- spec --- */

static void table_free(struct spec_table *t)
{
	size_t i;

	free(t->source_table);
	free(t->dir);
	free(t->destination_catalog);
	free(t->destination_schema);
	table_opts_free(&t->opts);
	free(t->scd_type);
	for (i = 0; i < t->nprimary_keys; i++)
		free(t->primary_keys[i]);
	free(t->primary_keys);
	free(t->sequence_by);
	for (i = 0; i < t->noptions; i++)
		free(t->options[i]);
	free(t->options);
}

void spec_free(struct spec *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ntables; i++)
		table_free(&s->tables[i]);
	free(s->tables);
	free(s->connection_name);
	free(s);
}

/* Says why a spec document did not parse: a file, or not JSON. */
static int doc_error(struct ctx *cx, const char *name, int rc,
		     const struct jsondoc_error *jerr)
{
	if (rc == -ENOMEM)
		return option_error(cx->err, cx->errlen, "spec: out of memory");
	if (rc == -EFBIG)
		return option_error(cx->err, cx->errlen,
				    "spec: %s: larger than %u bytes", name,
				    SPEC_SIZE_MAX);
	if (rc != -EINVAL)
		return option_error(cx->err, cx->errlen,
				    "spec: cannot read %s: %s", name,
				    strerror(-rc));
	return option_error(cx->err, cx->errlen,
			    "spec: %s: not valid JSON (%s near byte %zu)", name,
			    jerr->what, jerr->offset);
}

/* {"pipeline_spec": {...}} -> the object array, checked. */
static int root_parse(struct ctx *cx, struct json_object *root, struct spec *s,
		      struct json_object **objects)
{
	static const char *const top[] = {"pipeline_spec"};
	static const char *const inner[] = {"connection_name", "object"};
	struct json_object *ps;
	int rc;

	snprintf(cx->where, sizeof(cx->where), "the top level");
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "pipeline_spec", &ps) ||
	    !json_object_is_type(ps, json_type_object))
		return option_error(cx->err, cx->errlen,
			    "spec: the top level must be an object "
			    "{\"pipeline_spec\": {...}}");
	rc = keys_check(cx, root, top, 1, "pipeline_spec");
	snprintf(cx->where, sizeof(cx->where), "pipeline_spec");
	if (!rc)
		rc = keys_check(cx, ps, inner, 2, "connection_name, object");
	if (!rc)
		rc = member_string(cx, ps, "connection_name",
				   &s->connection_name);
	if (rc)
		return rc;
	if (!json_object_object_get_ex(ps, "object", objects) ||
	    !json_object_is_type(*objects, json_type_array) ||
	    !json_object_array_length(*objects))
		return option_error(cx->err, cx->errlen,
			    "spec: pipeline_spec.object must be a non-empty "
			    "array of {\"table\": {...}}");
	return 0;
}

static int spec_build(struct ctx *cx, struct json_object *root, struct spec *s)
{
	struct json_object *objects;
	size_t n, i;
	int rc;

	rc = root_parse(cx, root, s, &objects);
	if (rc)
		return rc;
	n = json_object_array_length(objects);
	s->tables = calloc(n, sizeof(*s->tables));
	if (!s->tables)
		return -ENOMEM;
	s->ntables = n;
	for (i = 0; i < n; i++)
		table_opts_defaults(&s->tables[i].opts);
	for (i = 0; !rc && i < n; i++)
		rc = table_parse(cx, i, json_object_array_get_idx(objects, i),
				 &s->tables[i]);
	if (!rc)
		rc = dirs_unique(cx, s);
	return rc;
}

/* Builds the spec from its parsed document (borrowed). */
static int spec_from_json(struct ctx *cx, struct json_object *root,
			  struct spec **out)
{
	struct spec *s = calloc(1, sizeof(*s));
	int rc = s ? spec_build(cx, root, s) : -ENOMEM;

	if (rc) {
		if (rc == -ENOMEM)
			option_error(cx->err, cx->errlen,
				     "spec: out of memory");
		spec_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The spec from a parse's outcome: rc and root (consumed), or jerr saying
 * why there is none. */
static int spec_from_doc(const char *name, int rc, struct json_object *root,
			 const struct jsondoc_error *jerr, struct spec **out,
			 char *err, size_t errlen)
{
	struct ctx cx = {err, errlen, ""};

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (rc)
		return doc_error(&cx, name, rc, jerr);
	rc = spec_from_json(&cx, root, out);
	json_object_put(root);
	return rc;
}

int spec_parse(const char *json, const char *name, struct spec **out, char *err,
	       size_t errlen)
{
	struct json_object *root = NULL;
	struct jsondoc_error jerr;
	int rc = jsondoc_parse(json, strlen(json), &root, &jerr);

	return spec_from_doc(name, rc, root, &jerr, out, err, errlen);
}

int spec_load(const char *path, struct spec **out, char *err, size_t errlen)
{
	struct json_object *root = NULL;
	struct jsondoc_error jerr;
	int rc = jsondoc_load(path, SPEC_SIZE_MAX, &root, &jerr);

	return spec_from_doc(path, rc, root, &jerr, out, err, errlen);
}

/* ----------------------------------------------------------- validate --- */

/* Where tables[] holds name, or -1. */
static long table_index(const char *const *tables, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tables[i], name))
			return (long)i;
	return -1;
}

/* ", "-joined names of the tables opt applies to (all when opt is NULL). */
static void table_list(const struct table_option *opt,
		       const char *const *tables, const enum ingestion *types,
		       size_t n, char *out, size_t len)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		if (opt && !option_applies(opt, tables[i], types[i]))
			continue;
		snprintf(out + used, len - used, "%s%s", used ? ", " : "",
			 tables[i]);
		used += strlen(out + used);
	}
	if (!out[0])
		snprintf(out, len, "none");
}

/* Each option the table names must apply to it and be allowed. */
static int options_check(const struct spec_table *t, size_t idx,
			 const char *const *tables, const enum ingestion *types,
			 size_t n, const char *allow_list, char *err,
			 size_t errlen)
{
	const struct table_option *opt;
	char list[256];
	size_t i;

	for (i = 0; i < t->noptions; i++) {
		opt = option_find(t->options[i]);
		if (!opt)
			continue; /* spec_parse() keeps known names only */
		if (!option_applies(opt, t->source_table, types[idx])) {
			table_list(opt, tables, types, n, list, sizeof(list));
			return option_error(err, errlen,
				    "spec: table '%s': option '%s' does not "
				    "apply to %s (it applies to: %s)",
				    t->dir, opt->name, t->source_table, list);
		}
		if ((opt->flags & OPTION_EXTERNAL) &&
		    !option_allowed(allow_list, opt->name))
			return option_error(err, errlen,
				    "spec: table '%s': option '%s' is not in "
				    "the connection's externalOptionsAllowList "
				    "(%s%s%s)",
				    t->dir, opt->name,
				    allow_list ? "it is '" : "none is set",
				    allow_list ? allow_list : "",
				    allow_list ? "'" : "");
	}
	return 0;
}

int spec_validate(const struct spec *s, const char *const *tables,
		  const enum ingestion *types, size_t ntables,
		  const char *allow_list, char *err, size_t errlen)
{
	char list[512];
	size_t i;
	long idx;
	int rc;

	if (errlen)
		err[0] = '\0';
	for (i = 0; i < s->ntables; i++) {
		const struct spec_table *t = &s->tables[i];

		idx = table_index(tables, ntables, t->source_table);
		if (idx < 0) {
			table_list(NULL, tables, types, ntables, list,
				   sizeof(list));
			return option_error(err, errlen,
				    "spec: source_table '%s' is not a table of "
				    "the source (supported: %s)",
				    t->source_table, list);
		}
		if (t->scd_type && types[idx] == INGEST_APPEND)
			return option_error(err, errlen,
				    "spec: table '%s': scd_type does not apply "
				    "to %s, an append-only table",
				    t->dir, t->source_table);
		rc = options_check(t, (size_t)idx, tables, types, ntables,
				   allow_list, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ columns --- */

static const struct field *field_find(const struct table_info *t,
				      const char *name)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* ", "-joined column names of t, into out. */
static void column_list(const struct table_info *t, char *out, size_t len)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < t->nfields && used < len; i++) {
		snprintf(out + used, len - used, "%s%s", i ? ", " : "",
			 t->fields[i].name);
		used += strlen(out + used);
	}
}

/* Whether name is "<struct column>.<field>": a nested field. */
static int nested_field(const struct table_info *t, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t i, len = dot ? (size_t)(dot - name) : 0;

	for (i = 0; dot && i < t->nfields; i++)
		if (t->fields[i].type == FIELD_STRUCT &&
		    strlen(t->fields[i].name) == len &&
		    !strncmp(t->fields[i].name, name, len))
			return 1;
	return 0;
}

/* The column that option opt of spec table st names. */
static int column_check(const struct spec_table *st,
			const struct table_info *t, const char *opt,
			const char *name, char *err, size_t errlen)
{
	const struct field *f = field_find(t, name);
	char list[512];

	if (f && f->type != FIELD_STRUCT)
		return 0;
	column_list(t, list, sizeof(list));
	if (f)
		return option_error(err, errlen,
			    "spec: table '%s': %s names '%s', a struct column "
			    "of %s; name a column of a scalar type (columns: "
			    "%s)",
			    st->dir, opt, name, t->name, list);
	if (nested_field(t, name))
		return option_error(err, errlen,
			    "spec: table '%s': %s names '%s', a field inside a "
			    "struct, not a top-level column of %s (columns: %s)",
			    st->dir, opt, name, t->name, list);
	return option_error(err, errlen,
		    "spec: table '%s': %s names '%s', which is not a column "
		    "of %s (columns: %s)",
		    st->dir, opt, name, t->name, list);
}

int spec_check_columns(const struct spec *s,
		       const struct table_info *const *infos, size_t n,
		       char *err, size_t errlen)
{
	size_t i, j, k;
	int rc = 0;

	if (errlen)
		err[0] = '\0';
	for (i = 0; !rc && i < s->ntables; i++) {
		const struct spec_table *st = &s->tables[i];

		for (j = 0; j < n && strcmp(infos[j]->name, st->source_table);
		     j++)
			;
		if (j == n)
			continue; /* spec_validate() refuses it */
		for (k = 0; !rc && k < st->nprimary_keys; k++)
			rc = column_check(st, infos[j], "primary_keys",
					  st->primary_keys[k], err, errlen);
		if (!rc && st->sequence_by)
			rc = column_check(st, infos[j], "sequence_by",
					  st->sequence_by, err, errlen);
	}
	return rc;
}
