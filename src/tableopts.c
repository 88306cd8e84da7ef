/* SPDX-License-Identifier: MIT */
/*
 * tableopts: the table of table_configuration options and their values.
 * See tableopts.h. Static data and pure functions: no I/O.
 */
#include "tableopts.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/isotime.h"

#define OPT(name, table, kind, flags, member)                                  \
	{                                                                      \
		name, table, kind, flags, offsetof(struct table_opts, member)  \
	}

static const struct table_option options[] = {
    OPT("max_records_per_batch", NULL, OPTION_LONG, OPTION_INCREMENTAL,
	max_records_per_batch),
    OPT("limit", "events", OPTION_LONG, 0, limit),
    OPT("window_seconds", "metrics", OPTION_LONG, 0, window_seconds),
    OPT("start_timestamp", "metrics", OPTION_TIMESTAMP, 0, start_timestamp),
    OPT("category", "products", OPTION_STRING, 0, category),
    OPT("user_id", "orders", OPTION_STRING, 0, user_id),
    OPT("status", "orders", OPTION_STRING, 0, status),
    OPT("num_rows", NULL, OPTION_LONG, OPTION_EXTERNAL, num_rows),
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

int option_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const struct table_option *connector_options(size_t *n)
{
	*n = NOPTIONS;
	return options;
}

const struct table_option *option_find(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

int option_applies(const struct table_option *opt, const char *table,
		   enum ingestion in)
{
	if (opt->table)
		return strcmp(opt->table, table) == 0;
	if (opt->flags & OPTION_INCREMENTAL)
		return in != INGEST_SNAPSHOT;
	return 1;
}

/* A decimal integer in [1, OPTION_LONG_MAX]: digits only, no sign. */
static int parse_positive(const char *s, long *out)
{
	long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > OPTION_LONG_MAX)
			return -EINVAL;
	}
	if (v < 1)
		return -EINVAL;
	*out = v;
	return 0;
}

int option_set(const struct table_option *opt, const char *value,
	       struct table_opts *o, char *err, size_t errlen)
{
	char *base = (char *)o + opt->offset, *copy, canon[ISOTIME_SIZE];
	int64_t us;

	if (opt->kind == OPTION_LONG) {
		if (parse_positive(value, (long *)(void *)base))
			return option_error(err, errlen,
				    "option '%s' must be an integer from 1 to "
				    "%ld, not '%s'",
				    opt->name, OPTION_LONG_MAX, value);
		return 0;
	}
	if (!*value)
		return option_error(err, errlen, "option '%s' must not be empty",
			    opt->name);
	if (opt->kind == OPTION_TIMESTAMP && isotime_parse(value, &us))
		return option_error(
		    err, errlen,
		    "option '%s' must be an ISO 8601 timestamp like "
		    "2026-11-21T21:26:15.123456+00:00, 2026-11-21T21:26 "
		    "or 2026-11-21, not '%s'",
		    opt->name, value);
	/* Kept in the API's form, which is also what is sent as since. */
	if (opt->kind == OPTION_TIMESTAMP)
		isotime_format(us, canon);
	copy = strdup(opt->kind == OPTION_TIMESTAMP ? canon : value);
	if (!copy)
		return -ENOMEM;
	free(*(char **)(void *)base);
	*(char **)(void *)base = copy;
	return 0;
}

void option_values_json(struct json_object *obj, const char *table,
			enum ingestion in, const struct table_opts *o)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *base = (const char *)o + options[i].offset;
		struct json_object *v = NULL;

		if (!option_applies(&options[i], table, in))
			continue;
		if (options[i].kind == OPTION_LONG) {
			long value = *(const long *)base;

			/* 0 is how an unset cap (num_rows) is kept */
			v = value ? json_object_new_int64(value) : NULL;
		} else if (*(char *const *)base) {
			v = json_object_new_string(*(char *const *)base);
		}
		json_object_object_add(obj, options[i].name, v);
	}
}

int option_allowed(const char *allow_list, const char *name)
{
	size_t n = strlen(name);
	const char *p = allow_list, *end;

	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - p) == n && !strncmp(p, name, n))
			return 1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}
