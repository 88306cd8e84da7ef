/* SPDX-License-Identifier: MIT */
/*
 * schema: a table's columns as Spark StructType JSON, and the names of
 * field types and ingestion types. Pure functions over struct table_info;
 * no I/O. Where the schema comes from is source.c's business.
 */
#include "source.h"

#include <errno.h>

#include <json-c/json.h>

const char *ingestion_name(enum ingestion in)
{
	switch (in) {
	case INGEST_SNAPSHOT:
		return "snapshot";
	case INGEST_APPEND:
		return "append";
	case INGEST_CDC:
		return "cdc";
	case INGEST_CDC_WITH_DELETES:
		return "cdc_with_deletes";
	}
	return "unknown";
}

const char *field_type_name(enum field_type t)
{
	switch (t) {
	case FIELD_STRING:
		return "string";
	case FIELD_INTEGER:
		return "integer";
	case FIELD_DOUBLE:
		return "double";
	case FIELD_TIMESTAMP:
		return "timestamp";
	case FIELD_DATE:
		return "date";
	case FIELD_STRUCT:
		return "struct";
	}
	return "unknown";
}

/* Spark's simple type names; the source's integer is a Spark long. */
static const char *spark_type_name(enum field_type t)
{
	return t == FIELD_INTEGER ? "long" : field_type_name(t);
}

static struct json_object *spark_struct(const struct field *fields,
					size_t nfields);

/* Adds key to obj, taking the reference to val; fails if val is NULL. */
static int put(struct json_object *obj, const char *key,
	       struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

/* One StructField: {"name","type","nullable","metadata"}; a new reference. */
static struct json_object *spark_field(const struct field *f)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *type;
	int rc;

	if (!obj)
		return NULL;
	if (f->type == FIELD_STRUCT)
		type = spark_struct(f->fields, f->nfields);
	else
		type = json_object_new_string(spark_type_name(f->type));
	rc = put(obj, "name", json_object_new_string(f->name));
	if (!rc)
		rc = put(obj, "type", type);
	else
		json_object_put(type);
	if (!rc)
		rc = put(obj, "nullable", json_object_new_boolean(f->nullable));
	if (!rc)
		rc = put(obj, "metadata", json_object_new_object());
	if (rc) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* {"type":"struct","fields":[...]}; a new reference, NULL if out of memory. */
static struct json_object *spark_struct(const struct field *fields,
					size_t nfields)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i;
	int rc = (obj && arr) ? 0 : -ENOMEM;

	for (i = 0; !rc && i < nfields; i++) {
		struct json_object *f = spark_field(&fields[i]);
		if (!f || json_object_array_add(arr, f)) {
			json_object_put(f);
			rc = -ENOMEM;
		}
	}
	if (!rc)
		rc = put(obj, "type", json_object_new_string("struct"));
	if (!rc) {
		rc = put(obj, "fields", arr);
		arr = NULL; /* put() took it, or dropped it on failure */
	}
	json_object_put(arr);
	if (rc) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

int schema_spark_json(const struct table_info *t, struct buf *out)
{
	struct json_object *root = spark_struct(t->fields, t->nfields);
	const char *text;
	int rc;

	if (!root)
		return -ENOMEM;
	text = json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = text ? buf_puts(out, text) : -ENOMEM;
	json_object_put(root);
	return rc;
}
