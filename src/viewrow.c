/* SPDX-License-Identifier: MIT */
/*
 * viewrow: a record's key and sequence, encoded for byte-order comparison.
 * See viewrow.h. The field extraction is json-c's for now and lives in
 * viewrow_parse() alone, so a faster scanner can replace it there.
 */
#include "viewrow.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "common/isotime.h"

#define TAG_NULL  0x00
#define TAG_VALUE 0x01

int viewrow_init(struct viewrow *r)
{
	buf_init(&r->key, VIEWROW_KEY_MAX);
	buf_init(&r->seq, VIEWROW_KEY_MAX);
	buf_init(&r->raw, VIEWROW_RAW_MAX);
	r->tok = json_tokener_new();
	return r->tok ? 0 : -ENOMEM;
}

void viewrow_free(struct viewrow *r)
{
	buf_free(&r->key);
	buf_free(&r->seq);
	buf_free(&r->raw);
	if (r->tok)
		json_tokener_free(r->tok);
	r->tok = NULL;
}

/* ------------------------------------------------------------ encoding --- */

static int put_u64(struct buf *out, uint64_t u)
{
	unsigned char b[9];
	int i;

	b[0] = TAG_VALUE;
	for (i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(u >> (56 - 8 * i));
	return buf_append(out, b, sizeof(b));
}

static int put_int(struct buf *out, int64_t v)
{
	return put_u64(out, (uint64_t)v ^ (UINT64_C(1) << 63));
}

static int put_double(struct buf *out, double d)
{
	uint64_t u;

	if (d == 0)
		d = 0; /* -0 and 0 are one value */
	memcpy(&u, &d, sizeof(u));
	u = (u >> 63) ? ~u : u ^ (UINT64_C(1) << 63);
	return put_u64(out, u);
}

/* Bytes with 0x00 escaped, then a 0x00 0x00 terminator: prefix-free. */
static int put_string(struct buf *out, const char *s, size_t len)
{
	static const unsigned char zero[2] = {0x00, 0xff}, end[2] = {0, 0};
	unsigned char tag = TAG_VALUE;
	size_t i, from = 0;
	int rc = buf_append(out, &tag, 1);

	for (i = 0; !rc && i < len; i++) {
		if (s[i])
			continue;
		rc = buf_append(out, s + from, i - from);
		if (!rc)
			rc = buf_append(out, zero, 2);
		from = i + 1;
	}
	if (!rc)
		rc = buf_append(out, s + from, len - from);
	return rc ? rc : buf_append(out, end, 2);
}

/* An integer column's value: a JSON integer, or a double that is one. */
static int put_integer_value(struct buf *out, struct json_object *v)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return put_int(out, json_object_get_int64(v));
	if (!json_object_is_type(v, json_type_double))
		return 1;
	d = json_object_get_double(v);
	if (!isfinite(d) || d != floor(d) || d < -0x1p63 || d >= 0x1p63)
		return 1;
	return put_int(out, (int64_t)d);
}

static int put_double_value(struct buf *out, struct json_object *v)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return put_double(out, (double)json_object_get_int64(v));
	if (!json_object_is_type(v, json_type_double))
		return 1;
	d = json_object_get_double(v);
	return isnan(d) ? 1 : put_double(out, d);
}

/* A timestamp or date: an ISO 8601 string, compared as an instant. */
static int put_time_value(struct buf *out, struct json_object *v)
{
	int64_t us;

	if (!json_object_is_type(v, json_type_string) ||
	    isotime_parse(json_object_get_string(v), &us))
		return 1;
	return put_int(out, us);
}

/*
 * Appends the encoding of v (NULL: absent) for a column of type t.
 * Returns 0, 1 when v is not a value of that type, or -errno.
 */
static int put_value(struct buf *out, enum field_type t, struct json_object *v)
{
	unsigned char tag = TAG_NULL;

	if (!v || json_object_is_type(v, json_type_null))
		return buf_append(out, &tag, 1);
	switch (t) {
	case FIELD_STRING:
		if (!json_object_is_type(v, json_type_string))
			return 1;
		return put_string(out, json_object_get_string(v),
				  (size_t)json_object_get_string_len(v));
	case FIELD_INTEGER:
		return put_integer_value(out, v);
	case FIELD_DOUBLE:
		return put_double_value(out, v);
	case FIELD_TIMESTAMP:
	case FIELD_DATE:
		return put_time_value(out, v);
	case FIELD_STRUCT:
		break;
	}
	return 1;
}

/* ------------------------------------------------------------- records --- */

/* Parses exactly one JSON object from line (len bytes). */
static int parse_object(struct viewrow *r, const char *line, size_t len,
			struct json_object **obj)
{
	if (len > (size_t)INT32_MAX - 1)
		return -E2BIG;
	json_tokener_reset(r->tok);
	*obj = json_tokener_parse_ex(r->tok, line, (int)len);
	if (json_tokener_get_error(r->tok) != json_tokener_success ||
	    json_tokener_get_parse_end(r->tok) != len ||
	    !json_object_is_type(*obj, json_type_object)) {
		json_object_put(*obj);
		*obj = NULL;
		return -EINVAL;
	}
	return 0;
}

static int seq_fields(struct viewrow *r, const struct viewrow_cols *c,
		      struct json_object *obj)
{
	struct json_object *v = NULL;
	const char *text;
	int rc;

	if (!json_object_object_get_ex(obj, c->seq, &v) ||
	    json_object_is_type(v, json_type_null))
		return 1;
	rc = put_value(&r->seq, c->seq_type, v);
	if (rc)
		return rc;
	text = json_object_to_json_string_ext(
	    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	rc = buf_puts(&r->raw, text);
	return rc == -E2BIG ? 1 : rc;
}

int viewrow_parse(struct viewrow *r, const struct viewrow_cols *c,
		  const char *line, size_t len)
{
	struct json_object *obj, *v;
	size_t i;
	int rc;

	buf_reset(&r->key);
	buf_reset(&r->seq);
	buf_reset(&r->raw);
	rc = parse_object(r, line, len, &obj);
	if (rc)
		return rc;
	for (i = 0; !rc && i < c->nkeys; i++) {
		v = NULL;
		json_object_object_get_ex(obj, c->keys[i], &v);
		rc = put_value(&r->key, c->key_types[i], v);
	}
	if (!rc)
		rc = seq_fields(r, c, obj);
	json_object_put(obj);
	return rc == -E2BIG ? 1 : rc; /* a key too long to be one */
}
