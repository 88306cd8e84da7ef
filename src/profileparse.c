/* SPDX-License-Identifier: MIT */
/*
 * profileparse: the profile parser's context and its checks of single
 * values. See profileparse.h. Pure functions over json-c values: no I/O.
 */
#include "profileparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------- context --- */

void pctx_init(struct pctx *cx, const char *name, char *err, size_t errlen)
{
	memset(cx, 0, sizeof(*cx));
	cx->name = name;
	cx->err = err;
	cx->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

int pctx_fail(struct pctx *cx, const char *fmt, ...)
{
	char msg[PROFILE_ERROR_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!cx->errlen)
		return -EINVAL;
	if (cx->len)
		snprintf(cx->err, cx->errlen, "profile %s: %s: %s", cx->name,
			 cx->path, msg);
	else
		snprintf(cx->err, cx->errlen, "profile %s: %s", cx->name, msg);
	return -EINVAL;
}

size_t pctx_push(struct pctx *cx, const char *key)
{
	static const char cut[] = "...";
	size_t old = cx->len, at = cx->len, room;
	const char *k;

	room = sizeof(cx->path) - sizeof(cut);
	if (at < room)
		cx->path[at++] = '/';
	for (k = key; *k && at + 2 <= room; k++) {
		if (*k == '~' || *k == '/') {
			cx->path[at++] = '~';
			cx->path[at++] = *k == '~' ? '0' : '1';
		} else {
			cx->path[at++] = *k;
		}
	}
	if (*k || at > room) {
		memcpy(cx->path + (at < room ? at : room), cut, sizeof(cut));
		at = (at < room ? at : room) + sizeof(cut) - 1;
	}
	cx->path[at] = '\0';
	cx->len = at;
	return old;
}

void pctx_pop(struct pctx *cx, size_t len)
{
	cx->len = len;
	cx->path[len] = '\0';
}

void pctx_set(struct pctx *cx, const char *base, const char *key)
{
	size_t n = strlen(base);

	if (n >= sizeof(cx->path))
		n = sizeof(cx->path) - 1;
	memcpy(cx->path, base, n);
	pctx_pop(cx, n);
	if (key)
		pctx_push(cx, key);
}

/* ------------------------------------------------------------- members --- */

/* What v is, for "must be X, not Y". */
static const char *type_desc(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

/* Writes the names, comma-separated, into out. */
static void names_list(const char *const *names, size_t n, char *out,
		       size_t outlen)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && at < outlen; i++)
		at += (size_t)snprintf(out + at, outlen - at, "%s%s",
				       i ? ", " : "", names[i]);
}

int pctx_known_keys(struct pctx *cx, json_object *obj, const char *const *known,
		    size_t n)
{
	char list[PROFILE_ERROR_SIZE / 2];
	size_t i, old;

	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		for (i = 0; i < n && strcmp(key, known[i]); i++)
			;
		if (i < n)
			continue;
		names_list(known, n, list, sizeof(list));
		old = pctx_push(cx, key);
		pctx_fail(cx, "unknown key; known: %s", list);
		pctx_pop(cx, old);
		return -EINVAL;
	}
	return 0;
}

int pctx_object(struct pctx *cx, json_object *v, size_t max)
{
	if (!json_object_is_type(v, json_type_object))
		return pctx_fail(cx, "must be an object, not %s", type_desc(v));
	if ((size_t)json_object_object_length(v) > max)
		return pctx_fail(cx, "has more than %zu members", max);
	return 0;
}

/* A string without NUL of at most max bytes; min bytes at least. */
static int get_string(struct pctx *cx, json_object *v, size_t min, size_t max,
		      char **out)
{
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return pctx_fail(cx, "must be a string, not %s", type_desc(v));
	len = (size_t)json_object_get_string_len(v);
	if (strlen(json_object_get_string(v)) != len)
		return pctx_fail(cx, "must not contain a NUL character");
	if (len < min)
		return pctx_fail(cx, "must not be empty");
	if (len > max)
		return pctx_fail(cx, "is longer than %zu bytes", max);
	free(*out);
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

int pctx_string(struct pctx *cx, json_object *v, size_t max, char **out)
{
	return get_string(cx, v, 1, max, out);
}

int pctx_text(struct pctx *cx, json_object *v, char **out)
{
	return get_string(cx, v, 0, PROFILE_STRING_MAX, out);
}

int pctx_bool(struct pctx *cx, json_object *v, int *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return pctx_fail(cx, "must be true or false, not %s",
				 type_desc(v));
	*out = json_object_get_boolean(v);
	return 0;
}

int pctx_long(struct pctx *cx, json_object *v, long min, long max, long *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return pctx_fail(cx,
				 "must be an integer from %ld to %ld, not %s",
				 min, max, type_desc(v));
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return pctx_fail(cx, "must be an integer from %ld to %ld", min,
				 max);
	*out = (long)n;
	return 0;
}

int pctx_enum(struct pctx *cx, json_object *v, const char *const *names,
	      size_t n, const char *what, int *out)
{
	char list[PROFILE_ERROR_SIZE / 2];
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return pctx_fail(cx, "must be a string naming the %s, not %s",
				 what, type_desc(v));
	s = json_object_get_string(v);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	names_list(names, n, list, sizeof(list));
	return pctx_fail(cx, "unknown %s \"%.64s\"; known: %s", what, s, list);
}

/* ---------------------------------------------------------------- names --- */

int pctx_pointer(struct pctx *cx, json_object *v, int allow_root, char **out)
{
	const char *s;
	size_t tokens = 0;
	int rc = get_string(cx, v, 0, PROFILE_STRING_MAX, out);

	if (rc)
		return rc;
	s = *out;
	if (!*s && !allow_root)
		return pctx_fail(cx, "must name a member, not the whole value "
				     "(\"\")");
	if (*s && *s != '/')
		return pctx_fail(cx,
				 "\"%.64s\" is not a JSON pointer: it must "
				 "be \"\" or start with '/'",
				 s);
	for (; *s; s++) {
		if (*s == '/' && ++tokens > PROFILE_POINTER_TOKENS)
			return pctx_fail(cx,
					 "a JSON pointer of more than %d "
					 "tokens",
					 PROFILE_POINTER_TOKENS);
		if (*s == '~' && s[1] != '0' && s[1] != '1')
			return pctx_fail(cx, "not a JSON pointer: '~' must be "
					     "followed by 0 or 1");
	}
	return 0;
}

int pctx_table_name(struct pctx *cx, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PROFILE_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return pctx_fail(cx,
				 "\"%.64s\" is not a usable name (1 to %d "
				 "bytes, not . or ..)",
				 s, PROFILE_NAME_MAX);
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '/')
			return pctx_fail(cx, "a name may not contain '/' or "
					     "control characters");
	return 0;
}

int pctx_option_name(struct pctx *cx, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || c == '_' ||
		      (i && c >= '0' && c <= '9')))
			break;
	}
	if (!n || i < n || n > PROFILE_KEY_MAX || s[0] == '_')
		return pctx_fail(cx,
				 "\"%.64s\" is not an option name "
				 "(a-z, then a-z, 0-9 and _; at most %d "
				 "bytes)",
				 s, PROFILE_KEY_MAX);
	return 0;
}

int pctx_param_name(struct pctx *cx, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PROFILE_KEY_MAX)
		return pctx_fail(cx, "a parameter name has 1 to %d bytes",
				 PROFILE_KEY_MAX);
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return pctx_fail(cx, "a parameter name may not contain "
					     "spaces or control characters");
	return 0;
}

/* Headers a profile may not set: framing, the host, and credentials. */
static const char *const reserved_headers[] = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "expect",
    "te",
    "upgrade",
    "accept-encoding",
};

/* A header name (a token); reserved ones refused, but for Authorization
 * when auth is set. */
static int header_name(struct pctx *cx, const char *s, int auth)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr(tchar, c)))
			break;
	}
	if (!n || i < n || n > PROFILE_KEY_MAX)
		return pctx_fail(cx, "\"%.64s\" is not an HTTP header name", s);
	if (auth && !strcasecmp(s, "authorization"))
		return 0;
	for (i = 0; i < sizeof(reserved_headers) / sizeof(*reserved_headers);
	     i++)
		if (!strcasecmp(s, reserved_headers[i]))
			return pctx_fail(cx,
					 "the header %s is the daemon's "
					 "to send (credentials come from "
					 "\"auth\")",
					 s);
	return 0;
}

int pctx_header_name(struct pctx *cx, const char *s)
{
	return header_name(cx, s, 0);
}

int pctx_auth_header_name(struct pctx *cx, const char *s)
{
	return header_name(cx, s, 1);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Checks one character of a path at s; sets *step to its length. */
static int path_char(struct pctx *cx, const char *s, int with_table,
		     size_t *step)
{
	static const char ok[] = "-._~!$&'()*+,;=:@/";
	int hi, lo, byte;

	*step = 1;
	if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    (*s >= '0' && *s <= '9') || strchr(ok, *s))
		return 0;
	if (*s == '{') {
		if (strncmp(s, "{table}", 7))
			return pctx_fail(cx, "the only placeholder is {table}");
		if (!with_table)
			return pctx_fail(cx, "{table} has no meaning here");
		*step = 7;
		return 0;
	}
	if (*s == '?' || *s == '#')
		return pctx_fail(cx, "a path has no '?' or '#': give query "
				     "parameters in \"params\"");
	if (*s != '%')
		return pctx_fail(
		    cx,
		    "'%c' (byte 0x%02x) is not allowed in a "
		    "path; percent-encode it",
		    (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s
									  : '?',
		    (unsigned char)*s);
	hi = hexval(s[1]);
	lo = hi < 0 ? -1 : hexval(s[2]);
	if (lo < 0)
		return pctx_fail(cx, "'%%' must start a %%XX escape");
	byte = hi * 16 + lo;
	if (byte == '.' || byte == '/' || byte == '\\' || byte < 0x20)
		return pctx_fail(cx,
				 "%%%c%c encodes a dot, a slash or a "
				 "control character",
				 s[1], s[2]);
	*step = 3;
	return 0;
}

/* Checks the path text s: relative to the base URL, staying under it. */
static int path_check(struct pctx *cx, const char *s, int with_table)
{
	const char *seg;
	size_t step;
	int rc;

	if (*s != '/')
		return pctx_fail(cx,
				 "\"%.64s\" must start with '/': a path on "
				 "the base URL, without scheme or host",
				 s);
	if (strstr(s, "//"))
		return pctx_fail(cx, "a path may not contain \"//\"");
	for (seg = s; *seg; seg++) {
		if (*seg == '/' && seg[1] == '.' &&
		    (seg[2] == '/' || !seg[2] ||
		     (seg[2] == '.' && (seg[3] == '/' || !seg[3]))))
			return pctx_fail(cx, "a path may not have a . or .. "
					     "segment");
	}
	for (; *s; s += step) {
		rc = path_char(cx, s, with_table, &step);
		if (rc)
			return rc;
	}
	return 0;
}

int pctx_path(struct pctx *cx, json_object *v, int with_table, char **out)
{
	int rc = pctx_string(cx, v, PROFILE_STRING_MAX, out);

	return rc ? rc : path_check(cx, *out, with_table);
}

/* Checks HOST[:PORT] of n bytes at s. */
static int host_check(struct pctx *cx, const char *s, size_t n)
{
	size_t i = 0, port = 0, digits = 0;

	if (n && s[0] == '[') {
		while (i < n && s[i] != ']')
			if (!strchr("[0123456789abcdefABCDEF:.", s[i++]))
				return pctx_fail(cx, "bad IPv6 address");
		if (i++ == n)
			return pctx_fail(cx, "bad IPv6 address");
	} else {
		while (i < n &&
		       (strchr("-.", s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9')))
			i++;
	}
	if (i == 0 || (s[0] != '[' && (s[0] == '.' || s[0] == '-')))
		return pctx_fail(cx, "the URL has no host");
	if (i < n && s[i] == ':') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9' && digits < 6;
		     i++, digits++)
			port = port * 10 + (size_t)(s[i] - '0');
		if (!digits || port < 1 || port > 65535)
			return pctx_fail(cx, "the port must be 1 to 65535");
	}
	if (i < n)
		return pctx_fail(cx, "'%c' is not allowed in the host",
				 (unsigned char)s[i] > 0x20 ? s[i] : '?');
	return 0;
}

int pctx_base_url(struct pctx *cx, json_object *v, char **out)
{
	const char *host, *path;
	size_t n;
	int rc = pctx_string(cx, v, PROFILE_STRING_MAX, out);

	if (rc)
		return rc;
	if (!strncmp(*out, "http://", 7))
		host = *out + 7;
	else if (!strncmp(*out, "https://", 8))
		host = *out + 8;
	else
		return pctx_fail(cx,
				 "\"%.64s\" is not an http:// or https:// "
				 "URL",
				 *out);
	n = strlen(*out);
	while (n > (size_t)(host - *out) && (*out)[n - 1] == '/')
		(*out)[--n] = '\0';
	path = host + strcspn(host, "/");
	if (memchr(host, '@', (size_t)(path - host)))
		return pctx_fail(cx, "a user name in the URL: credentials "
				     "never go in a profile");
	rc = host_check(cx, host, (size_t)(path - host));
	if (!rc && *path)
		rc = path_check(cx, path, 0);
	return rc;
}

int pctx_pairs(struct pctx *cx, json_object *v, size_t max,
	       int (*check_name)(struct pctx *, const char *),
	       struct profile_pairs *out)
{
	size_t old;
	int rc = pctx_object(cx, v, max);

	if (rc)
		return rc;
	out->v =
	    calloc((size_t)json_object_object_length(v) + 1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	json_object_object_foreach(v, key, val)
	{
		struct profile_pair *p = &out->v[out->n++];

		old = pctx_push(cx, key);
		rc = check_name(cx, key);
		if (!rc)
			rc = pctx_text(cx, val, &p->value);
		if (!rc && !(p->name = strdup(key)))
			rc = -ENOMEM;
		pctx_pop(cx, old);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------- adapters --- */

int pctx_member(struct pctx *cx, json_object *obj, const char *key,
		int required, int (*fn)(struct pctx *, json_object *, void *),
		void *arg)
{
	json_object *v;
	size_t old = pctx_push(cx, key);
	int rc = 0;

	if (json_object_object_get_ex(obj, key, &v))
		rc = fn(cx, v, arg);
	else if (required)
		rc = pctx_fail(cx, "missing");
	pctx_pop(cx, old);
	return rc;
}

int pctx_member_enum(struct pctx *cx, json_object *obj, const char *key,
		     int required, const char *const *names, size_t n,
		     const char *what, int *out)
{
	char list[PROFILE_ERROR_SIZE / 2];
	json_object *v;
	size_t old = pctx_push(cx, key);
	int rc = 0;

	if (json_object_object_get_ex(obj, key, &v)) {
		rc = pctx_enum(cx, v, names, n, what, out);
	} else if (required) {
		names_list(names, n, list, sizeof(list));
		rc = pctx_fail(cx, "missing; known: %s", list);
	}
	pctx_pop(cx, old);
	return rc;
}

int pctx_as_path(struct pctx *cx, json_object *v, void *out)
{
	return pctx_path(cx, v, 1, out);
}

int pctx_as_pointer(struct pctx *cx, json_object *v, void *out)
{
	return pctx_pointer(cx, v, 0, out);
}

int pctx_as_pointer_root(struct pctx *cx, json_object *v, void *out)
{
	return pctx_pointer(cx, v, 1, out);
}

int pctx_as_bool(struct pctx *cx, json_object *v, void *out)
{
	return pctx_bool(cx, v, out);
}

int pctx_as_param(struct pctx *cx, json_object *v, void *out)
{
	int rc = pctx_string(cx, v, PROFILE_KEY_MAX, out);

	return rc ? rc : pctx_param_name(cx, *(char **)out);
}

int pctx_as_option(struct pctx *cx, json_object *v, void *out)
{
	int rc = pctx_string(cx, v, PROFILE_KEY_MAX, out);

	return rc ? rc : pctx_option_name(cx, *(char **)out);
}

int pctx_as_params(struct pctx *cx, json_object *v, void *out)
{
	return pctx_pairs(cx, v, PROFILE_PAIRS_MAX, pctx_param_name, out);
}

/* ---------------------------------------------------------------- enums --- */

/* In the order of enum profile_time and enum profile_paging_type. */
const char *const pctx_time_names[4] = {"cursor", "iso_us_offset", "iso_s_z",
					"unix_s"};
const char *const pctx_paging_names[5] = {"none", "page_number", "next_url",
					  "cursor", "offset"};

/* --------------------------------------------------------------- schema --- */

const char pctx_spark_types[] = "string, long, double, timestamp, date, struct";

int pctx_spark_type(const char *s, enum field_type *out)
{
	static const struct {
		const char *name;
		enum field_type type;
	} types[] = {
	    {"string", FIELD_STRING}, {"long", FIELD_INTEGER},
	    {"double", FIELD_DOUBLE}, {"timestamp", FIELD_TIMESTAMP},
	    {"date", FIELD_DATE},     {"struct", FIELD_STRUCT},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(s, types[i].name)) {
			*out = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

static int struct_parse(struct pctx *cx, json_object *v, int depth,
			struct field **out, size_t *nout);

/* A field's "type": a simple type name, or a nested struct. */
static int field_type_parse(struct pctx *cx, json_object *v, int depth,
			    struct field *f)
{
	if (json_object_is_type(v, json_type_object)) {
		f->type = FIELD_STRUCT;
		return struct_parse(cx, v, depth + 1, &f->fields, &f->nfields);
	}
	if (!json_object_is_type(v, json_type_string))
		return pctx_fail(cx, "must be a type name or a struct, not %s",
				 type_desc(v));
	if (pctx_spark_type(json_object_get_string(v), &f->type) ||
	    f->type == FIELD_STRUCT)
		return pctx_fail(cx,
				 "unknown type \"%.64s\"; known: %s (a "
				 "struct as {\"type\": \"struct\", ...})",
				 json_object_get_string(v), pctx_spark_types);
	return 0;
}

/* A field's "name": a column name. */
static int field_name_parse(struct pctx *cx, json_object *v, struct field *f)
{
	int rc = pctx_string(cx, v, PROFILE_NAME_MAX, &f->name);

	return rc ? rc : pctx_table_name(cx, f->name);
}

/* A field's "metadata": kept nowhere, so it must be empty. */
static int field_metadata_parse(struct pctx *cx, json_object *v)
{
	if (!json_object_is_type(v, json_type_object) ||
	    json_object_object_length(v))
		return pctx_fail(cx, "must be {} (field metadata is not kept)");
	return 0;
}

/* One StructField: {"name", "type", "nullable", "metadata"}. */
static int field_parse(struct pctx *cx, json_object *v, int depth,
		       struct field *f)
{
	static const char *const keys[] = {"name", "type", "nullable",
					   "metadata"};
	json_object *m;
	size_t old;
	int rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);

	if (!rc)
		rc = pctx_known_keys(cx, v, keys, 4);
	f->nullable = 1;
	for (size_t k = 0; !rc && k < 4; k++) {
		int found = json_object_object_get_ex(v, keys[k], &m);

		old = pctx_push(cx, keys[k]);
		if (!found)
			rc = k < 2 ? pctx_fail(cx, "missing") : 0;
		else if (k == 0)
			rc = field_name_parse(cx, m, f);
		else if (k == 1)
			rc = field_type_parse(cx, m, depth, f);
		else if (k == 2)
			rc = pctx_bool(cx, m, &f->nullable);
		else
			rc = field_metadata_parse(cx, m);
		pctx_pop(cx, old);
	}
	return rc;
}

/* Refuses a second field of the same name among fields[0..n]. */
static int field_unique(struct pctx *cx, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fields[i].name, fields[n].name))
			return pctx_fail(cx, "a second field named \"%.64s\"",
					 fields[n].name);
	return 0;
}

static int fields_parse(struct pctx *cx, json_object *arr, int depth,
			struct field **out, size_t *nout)
{
	size_t n, i, old;
	int rc = 0;

	if (!json_object_is_type(arr, json_type_array))
		return pctx_fail(cx, "must be an array, not %s",
				 type_desc(arr));
	n = json_object_array_length(arr);
	if (n > PROFILE_FIELDS_MAX)
		return pctx_fail(cx, "more than %d fields", PROFILE_FIELDS_MAX);
	if (!n)
		return pctx_fail(cx, "a struct needs at least one field");
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*nout = n;
	for (i = 0; !rc && i < n; i++) {
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		old = pctx_push(cx, idx);
		rc = field_parse(cx, json_object_array_get_idx(arr, i), depth,
				 &(*out)[i]);
		if (!rc)
			rc = field_unique(cx, *out, i);
		pctx_pop(cx, old);
	}
	return rc;
}

/* {"type": "struct", "fields": [...]} at depth. */
static int struct_parse(struct pctx *cx, json_object *v, int depth,
			struct field **out, size_t *nout)
{
	static const char *const keys[] = {"type", "fields"};
	json_object *t = NULL, *f = NULL;
	size_t old;
	int rc;

	if (depth > PROFILE_STRUCT_DEPTH)
		return pctx_fail(cx, "structs nested more than %d deep",
				 PROFILE_STRUCT_DEPTH);
	rc = pctx_object(cx, v, PROFILE_MEMBERS_MAX);
	if (!rc)
		rc = pctx_known_keys(cx, v, keys, 2);
	if (rc)
		return rc;
	json_object_object_get_ex(v, "type", &t);
	json_object_object_get_ex(v, "fields", &f);
	old = pctx_push(cx, "type");
	if (!json_object_is_type(t, json_type_string) ||
	    strcmp(json_object_get_string(t), "struct"))
		rc = pctx_fail(cx, "must be \"struct\"");
	pctx_pop(cx, old);
	if (rc)
		return rc;
	old = pctx_push(cx, "fields");
	rc = f ? fields_parse(cx, f, depth, out, nout)
	       : pctx_fail(cx, "missing");
	pctx_pop(cx, old);
	return rc;
}

int pctx_inline_schema(struct pctx *cx, json_object *v, struct field **out,
		       size_t *nout)
{
	return struct_parse(cx, v, 0, out, nout);
}

/* -------------------------------------------------------------- freeing --- */

void pctx_pairs_free(struct profile_pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void pctx_fields_free(struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(fields[i].name);
		pctx_fields_free(fields[i].fields, fields[i].nfields);
	}
	free(fields);
}

void pctx_strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
