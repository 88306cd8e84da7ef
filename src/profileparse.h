/* SPDX-License-Identifier: MIT */
/*
 * profileparse: what the profile parser's files share and nothing else
 * includes: the context that knows where in the document a value is (for
 * messages), and the checks of single values: typed members, names,
 * JSON pointers, paths, URLs, headers, and inline schemas. profile.c reads
 * the document's top level and options, profiletable.c the tables.
 *
 * Every function that refuses returns -EINVAL after writing one message,
 * "profile NAME: POINTER: what is wrong", into the context's buffer;
 * -ENOMEM comes back without one. Values given are borrowed json-c
 * objects; strings handed out are malloc'd and become the caller's.
 */
#ifndef LF_PROFILEPARSE_H
#define LF_PROFILEPARSE_H

#include <stddef.h>

#include <json-c/json.h>

#include "profile.h"

/* The longest pointer a message names; longer ones end in "...". */
#define PCTX_PATH_MAX 320

struct pctx {
	const char *name; /* the profile, in messages */
	char *err;
	size_t errlen;
	char path[PCTX_PATH_MAX]; /* the pointer of the value being read */
	size_t len;
	int truncated; /* the path did not fit */
};

void pctx_init(struct pctx *cx, const char *name, char *err, size_t errlen);
/* Writes "profile NAME: PATH: " and the message; returns -EINVAL. */
int pctx_fail(struct pctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends "/key" (escaped) to the path; returns the length to go back to. */
size_t pctx_push(struct pctx *cx, const char *key);
void pctx_pop(struct pctx *cx, size_t len);
/* Sets the path to base (a pointer, already escaped), then pushes key
 * unless it is NULL. */
void pctx_set(struct pctx *cx, const char *base, const char *key);

/* ------------------------------------------------------------- members --- */

/* Refuses the members of obj not among known[0..n-1], naming each. */
int pctx_known_keys(struct pctx *cx, json_object *obj, const char *const *known,
		    size_t n);
/* Checks v is an object of at most max members. */
int pctx_object(struct pctx *cx, json_object *v, size_t max);
/* A string of 1 to max bytes without NUL, copied into *out. */
int pctx_string(struct pctx *cx, json_object *v, size_t max, char **out);
/* A string that may be empty (at most PROFILE_STRING_MAX bytes). */
int pctx_text(struct pctx *cx, json_object *v, char **out);
int pctx_bool(struct pctx *cx, json_object *v, int *out);
/* An integer (no fraction) from min to max. */
int pctx_long(struct pctx *cx, json_object *v, long min, long max, long *out);
/* One of names[0..n-1] (what names the kind, in the message). */
int pctx_enum(struct pctx *cx, json_object *v, const char *const *names,
	      size_t n, const char *what, int *out);

/* ---------------------------------------------------------------- names --- */

/* A JSON pointer: "" or "/a/b", each '~' escaping '0' or '1'. */
int pctx_pointer(struct pctx *cx, json_object *v, int allow_root, char **out);
/* A table or column name: 1 to PROFILE_NAME_MAX bytes, no '/' or control
 * byte, not "." or "..". */
int pctx_table_name(struct pctx *cx, const char *s);
/* An option name: [a-z][a-z0-9_]*, at most PROFILE_KEY_MAX bytes. */
int pctx_option_name(struct pctx *cx, const char *s);
/* A query parameter name: 1 to PROFILE_KEY_MAX bytes, no control byte. */
int pctx_param_name(struct pctx *cx, const char *s);
/* An HTTP header name (a token) that a profile may set. */
int pctx_header_name(struct pctx *cx, const char *s);
/* The same for the header of an API key, which may be Authorization. */
int pctx_auth_header_name(struct pctx *cx, const char *s);
/* A path relative to the base URL; with_table: "{table}" may appear. */
int pctx_path(struct pctx *cx, json_object *v, int with_table, char **out);
/* The base URL: http or https, a host, no user, query or fragment. */
int pctx_base_url(struct pctx *cx, json_object *v, char **out);
/* An object of string members: names checked by check_name, at most max. */
int pctx_pairs(struct pctx *cx, json_object *v, size_t max,
	       int (*check_name)(struct pctx *, const char *),
	       struct profile_pairs *out);

/* ------------------------------------------------------------- adapters --- */

/*
 * Runs fn(cx, value, arg) on member key of obj at its path ("/key" pushed
 * for the call). A member that is not there is refused when required, and
 * else left alone; a member that is null is handed to fn, which refuses
 * it as of the wrong type.
 */
int pctx_member(struct pctx *cx, json_object *obj, const char *key,
		int required, int (*fn)(struct pctx *, json_object *, void *),
		void *arg);
/* pctx_member() of pctx_enum(); a required member missing is refused
 * with the names it may have. */
int pctx_member_enum(struct pctx *cx, json_object *obj, const char *key,
		     int required, const char *const *names, size_t n,
		     const char *what, int *out);
/* The checks above in pctx_member()'s shape; out is a char ** (a long *,
 * an int *, a struct profile_pairs *) to fill. Paths may hold {table}. */
int pctx_as_path(struct pctx *cx, json_object *v, void *out);
int pctx_as_pointer(struct pctx *cx, json_object *v, void *out);
int pctx_as_pointer_root(struct pctx *cx, json_object *v, void *out);
int pctx_as_bool(struct pctx *cx, json_object *v, void *out);
int pctx_as_param(struct pctx *cx, json_object *v, void *out);
int pctx_as_option(struct pctx *cx, json_object *v, void *out);
int pctx_as_params(struct pctx *cx, json_object *v, void *out);

/* The names a profile spells enum profile_time and enum
 * profile_paging_type with, in their order. */
extern const char *const pctx_time_names[4];
extern const char *const pctx_paging_names[5];

/* --------------------------------------------------------------- schema --- */

/* Spark StructType JSON, {"type": "struct", "fields": [...]}. */
int pctx_inline_schema(struct pctx *cx, json_object *v, struct field **out,
		       size_t *nout);
/* A Spark type name of ours: string, long, double, timestamp, date,
 * struct. Returns 0 or -EINVAL (no message). */
int pctx_spark_type(const char *s, enum field_type *out);
extern const char pctx_spark_types[]; /* those names, for messages */

/* --------------------------------------------------------------- freeing ---
 */

void pctx_pairs_free(struct profile_pairs *p);
void pctx_fields_free(struct field *fields, size_t n);
void pctx_strings_free(char **v, size_t n);

#endif
