/* SPDX-License-Identifier: MIT */
/*
 * spec: the pipeline spec (-o spec=FILE, the seed doc's JSON): reads it
 * and checks it, on its own and against the source and the connection.
 * It reads one file and touches nothing else: no HTTP, no FUSE, no logging
 * (messages go to the caller). The options it knows are tableopts.h's.
 *
 * The file:
 *   {"pipeline_spec": {"connection_name": "...",
 *     "object": [{"table": {"source_table": "...",
 *                           "destination_table": "...",
 *                           "destination_catalog": "...",
 *                           "destination_schema": "...",
 *                           "table_configuration": {"<option>": "<value>"}}}]}}
 * Option values are JSON strings ("500") or integers (500); primary_keys is
 * a JSON array of strings or a comma-separated string.
 *
 * Errors: every refusal returns -EINVAL with a one-line message starting
 * "spec: " in err (errlen bytes, always NUL-terminated) that names what was
 * wrong; -ENOMEM is the only other error.
 *
 * Ownership: spec_load() hands the caller a struct spec that owns every
 * string in it; spec_free() releases it all. Everything else is borrowed.
 */
#ifndef LF_SPEC_H
#define LF_SPEC_H

#include <stddef.h>

#include "source.h"
#include "tableopts.h"

/* ------------------------------------------------------------ the spec --- */

struct spec_table {
	char *source_table;
	char *dir;		   /* destination_table, else source_table */
	char *destination_catalog; /* accepted and kept, unused; may be NULL */
	char *destination_schema;  /* the same */
	struct table_opts opts;	   /* defaults + this table's options */
	char *scd_type;		   /* "SCD_TYPE_1" / "SCD_TYPE_2", or NULL */
	char **primary_keys;	   /* the override, or NULL */
	size_t nprimary_keys;
	char *sequence_by; /* or NULL */
	char **options;	   /* names of the source-specific options given */
	size_t noptions;
};

struct spec {
	char *connection_name; /* may be NULL */
	struct spec_table *tables;
	size_t ntables;
};

/*
 * Reads and checks the file on its own: JSON syntax, shapes and types,
 * unknown keys and options, option values, scd_type values, directory
 * names (safe path components, not "tables" nor "_"-prefixed, no
 * duplicates). On success *out is the spec (free with spec_free()).
 */
int spec_load(const char *path, struct spec **out, char *err, size_t errlen);
/* The same over JSON text; name stands for the file in messages. */
int spec_parse(const char *json, const char *name, struct spec **out, char *err,
	       size_t errlen);

/*
 * Checks the spec against the source and the connection: every
 * source_table one of tables[] (with types[] its ingestion types, ntables
 * of each), every option applicable to its table, options that are not the
 * connector's own listed in allow_list (comma-separated; NULL: none), no
 * scd_type on an append table. Returns 0 or -EINVAL with a message.
 */
int spec_validate(const struct spec *s, const char *const *tables,
		  const enum ingestion *types, size_t ntables,
		  const char *allow_list, char *err, size_t errlen);

/*
 * Checks the common options against the tables' columns: every
 * primary_keys entry and sequence_by must name a top-level column of the
 * table, of a scalar type (a field inside a struct, "value.count", can
 * neither order changes nor key rows, nor can a struct). infos[] (n of
 * them) describe the source's tables, matched by name. Returns 0 or
 * -EINVAL with a message naming the table, the option and the column, and
 * listing the columns.
 */
int spec_check_columns(const struct spec *s,
		       const struct table_info *const *infos, size_t n,
		       char *err, size_t errlen);

void spec_free(struct spec *s);

#endif
