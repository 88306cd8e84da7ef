/* SPDX-License-Identifier: MIT */
/*
 * source: the Example connector's view of the API. It discovers tables,
 * describes them (schema, keys, cursor, ingestion type resolved as the
 * connector resolves it) and performs the connector's reads, writing
 * records as JSON lines to a stream. It knows nothing of FUSE or the cache.
 * Implemented by source.c (options, tables, describe), read.c (snapshots
 * and batches) and schema.c / csvout.c (the formats).
 *
 * Ownership: functions that return allocated objects through an out
 * parameter hand them to the caller, who frees them with the matching
 * *_free(). Input objects are borrowed.
 */
#ifndef LF_SOURCE_H
#define LF_SOURCE_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "http.h"

enum field_type {
	FIELD_STRING,
	FIELD_INTEGER,
	FIELD_DOUBLE,
	FIELD_TIMESTAMP,
	FIELD_DATE,
	FIELD_STRUCT,
};

struct field {
	char *name;
	enum field_type type;
	int nullable;
	struct field *fields; /* FIELD_STRUCT only */
	size_t nfields;
};

enum ingestion {
	INGEST_SNAPSHOT,
	INGEST_APPEND,
	INGEST_CDC,
	INGEST_CDC_WITH_DELETES,
};

struct table_info {
	char *name;	      /* source table name */
	struct field *fields; /* columns in API order */
	size_t nfields;
	char **primary_keys; /* as the connector reports them; may be empty */
	size_t nprimary_keys;
	char *cursor_field; /* NULL when the table has none */
	enum ingestion ingestion;
	int hidden; /* not listed by GET /tables (metrics) */
};

/* The connector's per-table options (seed doc's table_configuration). */
struct table_opts {
	long max_records_per_batch; /* default 200 */
	long limit;		    /* events: records per call, default 50 */
	long window_seconds;	    /* metrics: default 3600 */
	long num_rows;		    /* cap on records exposed; 0 = none */
	char *category;		    /* products filter, NULL = none */
	char *user_id;		    /* orders filter */
	char *status;		    /* orders filter */
	char *start_timestamp;	    /* metrics: first window start */
};

/*
 * The live state of one read, shared by the reader, its caller and status
 * (_status.json): the reader adds to pages and records as pages arrive
 * (atomically); the caller may point cancel at a flag it raises (an
 * atomic store) to stop the read, and waiters at the number of readers
 * waiting for it, which only status shows.
 */
struct read_progress {
	unsigned long pages;
	unsigned long records;
	const int *cancel;	 /* non-zero: stop at once; may be NULL */
	const unsigned *waiters; /* for status; may be NULL */
};

void table_opts_defaults(struct table_opts *o);
void table_opts_free(struct table_opts *o);

const char *ingestion_name(enum ingestion in);
const char *field_type_name(enum field_type t);

/*
 * Lists the object names: the server's GET /tables plus the hidden metrics.
 * Names that are not safe path components are logged and left out.
 * Returns 0 and a NULL-terminated array the caller frees with
 * source_names_free(), or -errno.
 */
int source_list_tables(struct http_client *c, char ***names);
void source_names_free(char **names);

/*
 * Describes one table: schema and metadata from the API, or the hard-coded
 * ones for metrics. -ENOENT for a table the source does not have.
 */
int source_describe(struct http_client *c, const char *table,
		    struct table_info **out);
void table_info_free(struct table_info *t);

/* Whether the connector reads the table in time windows (metrics). */
int source_is_windowed(const struct table_info *t);

/* Appends "/tables/<escaped table>" + suffix to path (an API path). */
int source_table_path(struct buf *path, const char *table, const char *suffix);

/* Appends the Spark StructType JSON of the table (StructType.fromJson). */
int schema_spark_json(const struct table_info *t, struct buf *out);

/*
 * Every read below stops soon after progress->cancel is raised (before the
 * next page, and its requests in flight are cut short) and returns
 * -ECANCELED, logging nothing: what it wrote is partial, and the caller
 * discards it.
 *
 * Reads every record of the table (all pages; metrics in windows up to
 * init_us; only the first o->num_rows when that is > 0), writing one
 * compact JSON object per line to out. Returns 0, or
 * -EIO (logged with URL and reason) and leaves out partial: the caller must
 * discard it.
 */
int source_snapshot(struct http_client *c, const struct table_info *t,
		    const struct table_opts *o, int64_t init_us, FILE *out,
		    struct read_progress *progress);

/*
 * Writes the records of the first page the snapshot reads (one GET: page 1
 * with the table's filters and limit; for a windowed table page 1 without
 * a window, less the records past init_us), at most o->num_rows of them,
 * one JSON line each: a cheap first look. Returns 0, -ENOMEM, or -EIO
 * (logged) leaving out partial: the caller must discard it.
 */
int source_sample(struct http_client *c, const struct table_info *t,
		  const struct table_opts *o, int64_t init_us, FILE *out,
		  struct read_progress *progress);

/*
 * Performs one connector read (one batch) of a cdc, cdc_with_deletes or
 * append table, or with deletes set, of the deleted_records of a
 * cdc_with_deletes table, starting after start_cursor (NULL: from the
 * beginning) and capped at init_us: no record with a cursor past it is
 * written. Writes the records as JSON lines to out and sets *end_cursor to
 * the offset where the next batch starts (malloc'd, the caller frees), or
 * to NULL when the offset did not move (the chain has converged for this
 * init_us). Returns 0, -EINVAL for a table without such batches, or -EIO
 * (logged) leaving out partial: the caller must discard it.
 *
 * o->num_rows > 0 is a hard cap on the records this call writes: a page is
 * cut short there and the end cursor is the last written record's (exact,
 * as `since` is exclusive). A metrics window cut short ends the same way;
 * one that was read to its end ends at the window end as usual.
 */
int source_read_batch(struct http_client *c, const struct table_info *t,
		      const struct table_opts *o, int deletes,
		      const char *start_cursor, int64_t init_us, FILE *out,
		      char **end_cursor, struct read_progress *progress);

/*
 * Converts a JSON-lines file of the table's records into CSV: a header row,
 * RFC 4180 quoting, struct fields flattened as "value.count" columns, null
 * as an empty field. Returns 0 or -errno.
 */
int csv_from_jsonl(const struct table_info *t, FILE *in, FILE *out);

#endif
