/* SPDX-License-Identifier: MIT */
/*
 * tableopts: the table of table_configuration options: which exist, which
 * tables they apply to, which need the connection's externalOptionsAllowList,
 * and how their values parse into struct table_opts. The one place that
 * knows this; the spec, metadata.json and -o handling all use it.
 */
#ifndef LF_TABLEOPTS_H
#define LF_TABLEOPTS_H

#include <stddef.h>

#include <json-c/json.h>

#include "source.h"

enum option_kind {
	OPTION_LONG,	  /* an integer from 1 to OPTION_LONG_MAX */
	OPTION_STRING,	  /* a non-empty string */
	OPTION_TIMESTAMP, /* a timestamp isotime_parse() accepts, kept in the
			     API's form (isotime_format()) */
};

#define OPTION_LONG_MAX 1000000000L

/* table_option.flags */
#define OPTION_INCREMENTAL                                                     \
	1u /* table NULL: only tables that are not snapshot */
#define OPTION_EXTERNAL                                                        \
	2u /* not the connector's own: must be in the                          \
	      connection's externalOptionsAllowList */

struct table_option {
	const char *name;
	const char *table; /* the one table it applies to; NULL: see flags */
	enum option_kind kind;
	unsigned flags;
	size_t offset; /* of its member in struct table_opts (long / char *) */
};

/*
 * The source-specific table_configuration options, as the seed doc lists
 * them, plus start_timestamp (metrics) and num_rows (every table, allow
 * list). Static; *n is set to the count.
 */
const struct table_option *connector_options(size_t *n);
/* The option called name, or NULL. */
const struct table_option *option_find(const char *name);
/* Whether opt may be set on the table, given its ingestion type. */
int option_applies(const struct table_option *opt, const char *table,
		   enum ingestion in);
/*
 * Parses value for opt and stores it in o (replacing a string option's old
 * value, which is freed). Returns 0, -EINVAL with a message in err naming
 * the option, or -ENOMEM.
 */
int option_set(const struct table_option *opt, const char *value,
	       struct table_opts *o, char *err, size_t errlen);
/*
 * Writes a message into err (errlen bytes, may be 0) and returns -EINVAL:
 * how the option and spec checks refuse something.
 */
int option_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Adds to obj (a JSON object) each option that applies to the table, with
 * its value in o: a number, a string, or null when unset (a num_rows of 0).
 */
void option_values_json(struct json_object *obj, const char *table,
			enum ingestion in, const struct table_opts *o);

/* Whether name is in a comma-separated list (spaces around names ignored). */
int option_allowed(const char *allow_list, const char *name);

#endif
