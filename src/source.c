/* SPDX-License-Identifier: MIT */
/*
 * source: the Example connector over the HTTP client. See source.h. It owns
 * the connector's options, table discovery and describing a table (and the
 * ingestion type the connector resolves). The reads themselves live in
 * read.c. It never touches FUSE, the cache or file names.
 */
#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"

#define NAME_MAX_LEN	 255
#define STRUCT_DEPTH_MAX 16

/* ------------------------------------------------------------ options --- */

void table_opts_defaults(struct table_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_records_per_batch = 200;
	o->limit = 50;
	o->window_seconds = 3600;
}

void table_opts_free(struct table_opts *o)
{
	free(o->category);
	free(o->user_id);
	free(o->status);
	free(o->start_timestamp);
	o->category = o->user_id = o->status = o->start_timestamp = NULL;
}

static int is_metrics(const char *table)
{
	return strcmp(table, "metrics") == 0;
}

int source_is_windowed(const struct table_info *t)
{
	return is_metrics(t->name);
}

/* --------------------------------------------------------------- JSON --- */

/* GETs path and parses the body; returns a new reference in *out. */
static int get_json(struct http_client *c, const char *path,
		    struct json_object **out)
{
	struct json_tokener *tok = NULL;
	struct buf body;
	int rc;

	*out = NULL;
	buf_init(&body, 0);
	rc = http_get(c, path, &body, NULL);
	if (rc)
		goto out;
	tok = json_tokener_new();
	if (!tok) {
		rc = -ENOMEM;
		goto out;
	}
	*out = json_tokener_parse_ex(tok, body.data ? body.data : "",
				     (int)body.len);
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		lf_err("GET %s%s: answer is not a JSON object",
		       http_log_base(c), path);
		json_object_put(*out);
		*out = NULL;
		rc = -EIO;
	}
out:
	if (tok)
		json_tokener_free(tok);
	buf_free(&body);
	return rc;
}

int source_table_path(struct buf *path, const char *table, const char *suffix)
{
	int rc = buf_puts(path, "/tables/");

	if (!rc)
		rc = http_escape(table, path);
	if (!rc)
		rc = buf_puts(path, suffix);
	return rc;
}

/* ------------------------------------------------------------- tables --- */

/* A name we can use as a directory: no separators, dots or control bytes. */
static int name_is_safe(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > NAME_MAX_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
			return 0;
	return 1;
}

void source_names_free(char **names)
{
	size_t i;

	if (!names)
		return;
	for (i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

static int names_contain(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/* Appends name to the NULL-terminated array (room already made). */
static int names_add(char **names, size_t *n, const char *name)
{
	names[*n] = strdup(name);
	if (!names[*n])
		return -ENOMEM;
	(*n)++;
	names[*n] = NULL;
	return 0;
}

int source_list_tables(struct http_client *c, char ***out)
{
	struct json_object *root = NULL, *arr, *v;
	char **names = NULL;
	size_t len, i, n = 0;
	int rc;

	*out = NULL;
	rc = get_json(c, "/tables", &root);
	if (rc)
		goto out;
	if (!json_object_object_get_ex(root, "tables", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		lf_err("GET /tables: \"tables\" missing or not an array");
		rc = -EIO;
		goto out;
	}
	len = json_object_array_length(arr);
	names = calloc(len + 2, sizeof(*names));
	if (!names) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; !rc && i < len; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    !name_is_safe(json_object_get_string(v))) {
			lf_warn("GET /tables: skipping unusable table name %s",
				json_object_to_json_string_ext(
				    v, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE));
			continue;
		}
		if (names_contain(names, n, json_object_get_string(v))) {
			lf_warn("GET /tables: %s listed twice",
				json_object_get_string(v));
			continue;
		}
		rc = names_add(names, &n, json_object_get_string(v));
	}
	if (!rc && !names_contain(names, n, "metrics"))
		rc = names_add(names, &n, "metrics");
out:
	json_object_put(root);
	if (rc)
		source_names_free(names);
	else
		*out = names;
	return rc;
}

/* ----------------------------------------------------------- describe --- */

static void fields_free(struct field *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(fields[i].name);
		fields_free(fields[i].fields, fields[i].nfields);
	}
	free(fields);
}

void table_info_free(struct table_info *t)
{
	size_t i;

	if (!t)
		return;
	free(t->name);
	fields_free(t->fields, t->nfields);
	for (i = 0; i < t->nprimary_keys; i++)
		free(t->primary_keys[i]);
	free(t->primary_keys);
	free(t->cursor_field);
	free(t);
}

static int field_type_parse(const char *s, enum field_type *out)
{
	static const struct {
		const char *name;
		enum field_type type;
	} types[] = {
	    {"string", FIELD_STRING}, {"integer", FIELD_INTEGER},
	    {"double", FIELD_DOUBLE}, {"timestamp", FIELD_TIMESTAMP},
	    {"date", FIELD_DATE},     {"struct", FIELD_STRUCT},
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(s, types[i].name)) {
			*out = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

static int fields_parse(const char *table, struct json_object *arr, int depth,
			struct field **out, size_t *nout);

/* One field descriptor {"name","type","nullable"[,"fields"]} into f. */
static int field_parse(const char *table, struct json_object *obj, int depth,
		       struct field *f)
{
	struct json_object *name, *type, *nullable, *sub;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "name", &name) ||
	    !json_object_is_type(name, json_type_string) ||
	    !json_object_get_string_len(name) ||
	    !json_object_object_get_ex(obj, "type", &type) ||
	    !json_object_is_type(type, json_type_string) ||
	    field_type_parse(json_object_get_string(type), &f->type)) {
		lf_err("%s: schema: bad field descriptor %s", table,
		       json_object_to_json_string(obj));
		return -EIO;
	}
	f->nullable = 1;
	if (json_object_object_get_ex(obj, "nullable", &nullable)) {
		if (!json_object_is_type(nullable, json_type_boolean)) {
			lf_err("%s: schema: %s: nullable is not a boolean",
			       table, json_object_get_string(name));
			return -EIO;
		}
		f->nullable = json_object_get_boolean(nullable);
	}
	f->name = strdup(json_object_get_string(name));
	if (!f->name)
		return -ENOMEM;
	if (f->type != FIELD_STRUCT)
		return 0;
	if (!json_object_object_get_ex(obj, "fields", &sub)) {
		lf_err("%s: schema: struct %s has no fields", table, f->name);
		return -EIO;
	}
	return fields_parse(table, sub, depth + 1, &f->fields, &f->nfields);
}

static int fields_parse(const char *table, struct json_object *arr, int depth,
			struct field **out, size_t *nout)
{
	struct field *fields = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!json_object_is_type(arr, json_type_array) ||
	    depth > STRUCT_DEPTH_MAX) {
		lf_err("%s: schema: fields not an array or nested too deep",
		       table);
		return -EIO;
	}
	n = json_object_array_length(arr);
	fields = calloc(n ? n : 1, sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	for (i = 0; !rc && i < n; i++)
		rc = field_parse(table, json_object_array_get_idx(arr, i),
				 depth, &fields[i]);
	if (rc) {
		fields_free(fields, n);
		return rc;
	}
	*out = fields;
	*nout = n;
	return 0;
}

static int field_set(struct field *f, const char *name, enum field_type type,
		     int nullable)
{
	f->name = strdup(name);
	f->type = type;
	f->nullable = nullable;
	return f->name ? 0 : -ENOMEM;
}

/* The connector's hard-coded metrics schema and metadata. */
static int describe_metrics(struct table_info *t)
{
	struct field *f, *v;
	int rc = -ENOMEM;

	t->fields = f = calloc(5, sizeof(*f));
	t->primary_keys = calloc(1, sizeof(char *));
	if (!f || !t->primary_keys)
		return -ENOMEM;
	t->nfields = 5;
	v = calloc(3, sizeof(*v));
	if (!v)
		return -ENOMEM;
	f[2].fields = v;
	f[2].nfields = 3;
	if (field_set(&f[0], "metric_id", FIELD_STRING, 0) ||
	    field_set(&f[1], "name", FIELD_STRING, 1) ||
	    field_set(&f[2], "value", FIELD_STRUCT, 1) ||
	    field_set(&v[0], "count", FIELD_INTEGER, 1) ||
	    field_set(&v[1], "label", FIELD_STRING, 1) ||
	    field_set(&v[2], "measure", FIELD_DOUBLE, 1) ||
	    field_set(&f[3], "host", FIELD_STRING, 1) ||
	    field_set(&f[4], "updated_at", FIELD_TIMESTAMP, 0))
		goto out;
	t->primary_keys[0] = strdup("metric_id");
	if (!t->primary_keys[0])
		goto out;
	t->nprimary_keys = 1;
	t->cursor_field = strdup("updated_at");
	if (!t->cursor_field)
		goto out;
	t->hidden = 1;
	rc = 0;
out:
	return rc;
}

static int has_column(const struct table_info *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return 1;
	return 0;
}

/* Reads {"metadata":{"primary_keys":[...]?,"cursor_field":"..."?}}. */
static int metadata_parse(struct table_info *t, struct json_object *root)
{
	struct json_object *md, *pks, *cf, *v;
	size_t n, i;

	if (!json_object_object_get_ex(root, "metadata", &md) ||
	    !json_object_is_type(md, json_type_object))
		goto bad;
	if (json_object_object_get_ex(md, "cursor_field", &cf) && cf) {
		if (!json_object_is_type(cf, json_type_string) ||
		    !has_column(t, json_object_get_string(cf)))
			goto bad;
		t->cursor_field = strdup(json_object_get_string(cf));
		if (!t->cursor_field)
			return -ENOMEM;
	}
	if (!json_object_object_get_ex(md, "primary_keys", &pks) || !pks)
		return 0;
	if (!json_object_is_type(pks, json_type_array))
		goto bad;
	n = json_object_array_length(pks);
	t->primary_keys = calloc(n ? n : 1, sizeof(char *));
	if (!t->primary_keys)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(pks, i);
		if (!json_object_is_type(v, json_type_string) ||
		    !has_column(t, json_object_get_string(v)))
			goto bad;
		t->primary_keys[i] = strdup(json_object_get_string(v));
		if (!t->primary_keys[i])
			return -ENOMEM;
		t->nprimary_keys++;
	}
	return 0;
bad:
	lf_err("%s: unusable metadata %s", t->name,
	       json_object_to_json_string(root));
	return -EIO;
}

/* The connector's rule: fixed types for three tables, else by cursor. */
static enum ingestion resolve_ingestion(const struct table_info *t)
{
	if (is_metrics(t->name))
		return INGEST_CDC;
	if (!strcmp(t->name, "events"))
		return INGEST_APPEND;
	if (!strcmp(t->name, "orders"))
		return INGEST_CDC_WITH_DELETES;
	return t->cursor_field ? INGEST_CDC : INGEST_SNAPSHOT;
}

/* GETs /tables/{t}/schema and /metadata into t. */
static int describe_remote(struct http_client *c, struct table_info *t)
{
	struct json_object *root = NULL, *arr;
	struct buf path;
	int rc;

	buf_init(&path, 0);
	rc = source_table_path(&path, t->name, "/schema");
	if (!rc)
		rc = get_json(c, path.data, &root);
	if (rc)
		goto out;
	if (!json_object_object_get_ex(root, "schema", &arr)) {
		lf_err("%s: schema answer has no \"schema\"", t->name);
		rc = -EIO;
		goto out;
	}
	rc = fields_parse(t->name, arr, 0, &t->fields, &t->nfields);
	if (rc)
		goto out;
	json_object_put(root);
	root = NULL;
	buf_reset(&path);
	rc = source_table_path(&path, t->name, "/metadata");
	if (!rc)
		rc = get_json(c, path.data, &root);
	if (!rc)
		rc = metadata_parse(t, root);
out:
	json_object_put(root);
	buf_free(&path);
	return rc;
}

int source_describe(struct http_client *c, const char *table,
		    struct table_info **out)
{
	struct table_info *t;
	int rc;

	*out = NULL;
	if (!name_is_safe(table))
		return -ENOENT;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->name = strdup(table);
	if (!t->name)
		rc = -ENOMEM;
	else if (is_metrics(table))
		rc = describe_metrics(t);
	else
		rc = describe_remote(c, t);
	if (rc) {
		table_info_free(t);
		return rc == -ENOENT || rc == -ENOMEM ? rc : -EIO;
	}
	t->ingestion = resolve_ingestion(t);
	*out = t;
	return 0;
}
