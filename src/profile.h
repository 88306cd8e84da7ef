/* SPDX-License-Identifier: MIT */
/*
 * profile: a source described by a profile, a JSON document (see
 * lakeflowfs-profile(5)): its base URL, authentication, tables, and for
 * each table where its records are, its schema, keys and cursor, how it
 * is read incrementally and in windows, how it pages, its filters, its
 * deletes and its options. This module parses and checks a profile and
 * hands out the result; it never talks HTTP, reads records or touches
 * FUSE, and reads no file but the profile itself.
 *
 * Parsing is strict: an unknown key, a value of the wrong type, a bad
 * JSON pointer or path, a duplicate member name, or settings that cannot
 * work together are refused with one message naming the JSON pointer of
 * the problem, e.g.
 *   profile tracker.json: /tables/issues/paging/type: unknown paginator
 *   "pages"; known: none, page_number, next_url, cursor, offset
 *
 * Tables inherit: each member of "defaults" applies to every table whose
 * entry does not have that member; a member set to null in an entry
 * removes the default. The structs below hold each table resolved, so
 * a reader never looks at the defaults itself (see profile_table_find()).
 *
 * Ownership: profile_parse() and profile_load() hand the caller a struct
 * profile that owns every string and array reachable from it; it is
 * immutable, so threads may read it at once, and profile_free() releases
 * it. Every pointer a profile_* function returns is borrowed from the
 * profile and lives until profile_free(). Strings the comments call a
 * pointer hold a JSON pointer (RFC 6901) as checked text, for
 * jscan_pointer(); strings called a path hold a path relative to the
 * source's base URL, checked as lakeflowfs-profile(5) says (so it stays
 * under the base URL's origin).
 */
#ifndef LF_PROFILE_H
#define LF_PROFILE_H

#include <stddef.h>

#include "common/buf.h"
#include "source.h"
#include "tableopts.h"

/* ---------------------------------------------------------------- caps --- */

#define PROFILE_VERSION	       1	  /* "lakeflowfs_profile" */
#define PROFILE_SIZE_MAX       (1u << 20) /* bytes of a profile file */
#define PROFILE_TABLES_MAX     256	  /* entries of "tables" */
#define PROFILE_OPTIONS_MAX    64	  /* entries of "options" */
#define PROFILE_PAIRS_MAX      32	  /* params, filters, headers, ... */
#define PROFILE_TYPES_MAX      64	  /* entries of a schema type map */
#define PROFILE_MEMBERS_MAX    512	  /* members of any one object */
#define PROFILE_FIELDS_MAX     1024	  /* columns of one struct */
#define PROFILE_DEPTH_MAX      32   /* JSON nesting (json-c's and jscan's) */
#define PROFILE_STRUCT_DEPTH   8    /* structs nested in a schema */
#define PROFILE_STRING_MAX     2048 /* bytes of any string */
#define PROFILE_NAME_MAX       255  /* table and column names */
#define PROFILE_KEY_MAX	       64   /* option, parameter, header names */
#define PROFILE_POINTER_TOKENS 16   /* reference tokens of a pointer */
#define PROFILE_ERROR_SIZE     512  /* a message, with its pointer */

/* Where make install puts the shipped profiles (set by Makefile.am). */
#ifdef LF_PROFILE_DIR
#define PROFILE_EXAMPLE_FILE LF_PROFILE_DIR "/example.json"
#endif

/* The batch size when a profile declares no max_records_per_batch. */
#define PROFILE_BATCH_DEFAULT 200

/* The options the daemon itself gives a meaning to, by name. */
#define PROFILE_OPTION_BATCH "max_records_per_batch"
#define PROFILE_OPTION_CAP   "num_rows"

/* --------------------------------------------------------------- parts --- */

/* A name and a value: a query parameter, a header, a filter. */
struct profile_pair {
	char *name;
	char *value;
};

struct profile_pairs {
	struct profile_pair *v; /* in document order */
	size_t n;
};

enum profile_auth_type {
	PROFILE_AUTH_NONE,
	PROFILE_AUTH_BASIC,   /* user name and password, HTTP Basic */
	PROFILE_AUTH_BEARER,  /* Authorization: Bearer TOKEN */
	PROFILE_AUTH_API_KEY, /* HEADER: PREFIX TOKEN */
};

/*
 * How requests authenticate. The secret itself is never in a profile:
 * it comes from -o password_file=FILE, the connection file's member
 * secret_member, or the environment variable secret_env, in that order.
 */
struct profile_auth {
	enum profile_auth_type type;
	char *header;		   /* API_KEY: the header's name */
	char *prefix;		   /* API_KEY: written before the token; "" */
	const char *secret_member; /* static: "password", "token"; NULL */
	const char *secret_env;	   /* static: LAKEFLOWFS_PASSWORD or _TOKEN */
};

/* Where the table names come from when they are not listed. */
struct profile_discovery {
	char *path;    /* NULL: the tables are the entries of "tables" */
	char *pointer; /* the array of tables in the answer */
	char *name;    /* the name within each element; "": the element */
};

enum profile_schema_kind {
	PROFILE_SCHEMA_NONE,
	PROFILE_SCHEMA_INLINE,	 /* fields given in the profile */
	PROFILE_SCHEMA_ENDPOINT, /* fields read from the API */
};

/* An API's type name and the type it stands for. */
struct profile_type {
	char *api;
	enum field_type type;
};

struct profile_schema {
	enum profile_schema_kind kind;
	struct field *fields; /* INLINE: the columns, in order */
	size_t nfields;
	char *path;    /* ENDPOINT: where the descriptors are */
	char *pointer; /* ENDPOINT: the array of field descriptors */
	struct profile_type *types; /* ENDPOINT: the type map */
	size_t ntypes;
};

/* The table's metadata endpoint: keys and cursor read from the API. */
struct profile_metadata {
	char *path;	    /* NULL: none */
	char *primary_keys; /* pointer to an array of column names, or NULL */
	char *cursor_field; /* pointer to a column name, or NULL */
};

/* How a timestamp is written: by the API in cursors, or by us in a query. */
enum profile_time {
	PROFILE_TIME_CURSOR,	    /* the cursor's own form (queries only) */
	PROFILE_TIME_ISO_US_OFFSET, /* 2026-11-21T21:26:15.123456+00:00 */
	PROFILE_TIME_ISO_S_Z,	    /* 2026-11-21T21:26:15Z */
	PROFILE_TIME_UNIX_S,	    /* 1795203975 (queries only) */
};

enum profile_order {
	PROFILE_ORDER_ASCENDING,
	PROFILE_ORDER_DESCENDING,
	PROFILE_ORDER_UNSORTED,
};

struct profile_cursor {
	int present;
	char *field; /* pointer in a record; NULL: the metadata's field */
	enum profile_time format; /* ISO_US_OFFSET or ISO_S_Z */
	enum profile_order order; /* as the API sends records */
	/* Sent on every records request: they make the order ascending. */
	struct profile_pairs sort_params;
};

struct profile_incremental {
	char *since; /* the parameter of the start; NULL: no such reads */
	char *until; /* the parameter of a window's end (inclusive), or NULL */
	int inclusive; /* since keeps cursor >= value, not cursor > value */
	enum profile_time format; /* how since and until values are written */
	int stop_at_cap; /* stop after a page whose last cursor reaches the
			    read's cap (the append rule) */
};

enum profile_oldest {
	PROFILE_OLDEST_FIRST_PAGE, /* the first record of the path, bare */
};

struct profile_window {
	int present;
	char *width_option; /* an integer option: seconds per window */
	char *start_option; /* a timestamp option: the first start; or NULL */
	enum profile_oldest oldest;
};

enum profile_paging_type {
	PROFILE_PAGING_NONE,	    /* one request */
	PROFILE_PAGING_PAGE_NUMBER, /* param = start, start + 1, ... */
	PROFILE_PAGING_NEXT_URL,    /* follow the URL the API gives */
	PROFILE_PAGING_CURSOR,	    /* param = the token the API gives */
	PROFILE_PAGING_OFFSET,	    /* param = records read so far + start */
};

enum profile_next_in {
	PROFILE_NEXT_NONE,
	PROFILE_NEXT_BODY,   /* next = a pointer into the answer */
	PROFILE_NEXT_HEADER, /* next = a header's name */
	PROFILE_NEXT_LINK,   /* the rel="next" URL of the Link header */
};

/* profile_paging.end: the ends of paging the API gives; any one ends. */
#define PROFILE_END_NEXT_MARKER 1u /* no next page number, URL or token */
#define PROFILE_END_EMPTY_PAGE	2u /* a page without records */
#define PROFILE_END_SHORT_PAGE	4u /* fewer records than the page size */

struct profile_paging {
	int present;
	enum profile_paging_type type;
	char *param; /* PAGE_NUMBER, CURSOR, OFFSET */
	long start;  /* PAGE_NUMBER (default 1), OFFSET (default 0) */
	enum profile_next_in next_in;
	char *next; /* BODY: a pointer; HEADER: a name; else NULL */
	unsigned end;
};

/* The page size: fixed, or a table option's value up to a maximum. */
struct profile_page_size {
	int present;
	char *param;  /* the parameter it is sent as; NULL: not sent */
	long value;   /* a fixed size, or 0 */
	char *option; /* the integer option that gives it, or NULL */
	long max;     /* with option: the API's largest page; 0: none */
};

struct profile_deletes {
	char *path; /* NULL: the table has no deletes endpoint */
	struct profile_pairs params;
};

/* One table, resolved against the defaults. */
struct profile_table {
	char *name;    /* NULL for the defaults */
	int hidden;    /* not listed by discovery, mounted anyway */
	char *path;    /* a template: "{table}" is the name, URL-escaped */
	char *records; /* pointer to the array of records; "": the body */
	struct profile_schema schema;
	struct profile_metadata metadata;
	char **primary_keys; /* static keys (top-level columns), or NULL */
	size_t nprimary_keys;
	struct profile_cursor cursor;
	int ingestion_auto; /* cdc when there is a cursor, else snapshot */
	enum ingestion ingestion; /* when not ingestion_auto */
	struct profile_incremental incremental;
	struct profile_window window;
	struct profile_paging paging;
	struct profile_page_size page_size;
	struct profile_pairs filters; /* name: an option; value: its param */
	struct profile_pairs params;  /* fixed query parameters */
	struct profile_deletes deletes;
};

enum profile_scope {
	PROFILE_SCOPE_ALL,	   /* every table */
	PROFILE_SCOPE_INCREMENTAL, /* tables that are not snapshots */
	PROFILE_SCOPE_LISTED,	   /* the tables named */
};

struct profile_option {
	char *name;
	enum option_kind kind;
	char *description; /* or NULL */
	int has_default;
	long default_long;  /* OPTION_LONG */
	char *default_text; /* OPTION_STRING, OPTION_TIMESTAMP; else NULL */
	enum profile_scope scope;
	char **tables; /* LISTED */
	size_t ntables;
	int allowlist; /* must be in the connection's externalOptionsAllowList
			*/
};

struct profile {
	char *name;
	char *description; /* or NULL */
	char *base_url;	   /* or NULL: -o url gives it; no trailing '/' */
	struct profile_auth auth;
	struct profile_pairs headers; /* fixed request headers */
	char *error_message; /* pointer to the message in error bodies */
	struct profile_discovery discovery;
	/* What a discovered table without an entry reads with (name NULL);
	 * complete and checked only when discovery.path is set. */
	struct profile_table defaults;
	struct profile_table *tables; /* the entries, in document order */
	size_t ntables;
	struct profile_option *options; /* in document order */
	size_t noptions;
};

/* ----------------------------------------------------------------- API --- */

/*
 * Parses and checks the profile text (len bytes). name stands for it in
 * messages ("profile NAME: ..."). Returns 0 and a profile in *out, or
 * -EINVAL with a message in err (errlen bytes), or -ENOMEM.
 */
int profile_parse(const char *text, size_t len, const char *name,
		  struct profile **out, char *err, size_t errlen);

/* profile_parse() of the file at path (at most PROFILE_SIZE_MAX bytes);
 * -errno with a message when it cannot be read. */
int profile_load(const char *path, struct profile **out, char *err,
		 size_t errlen);

void profile_free(struct profile *p);

/*
 * The table called name: its entry; or, when the profile discovers its
 * tables, the defaults for a name without one (the caller then uses the
 * name it was given); or NULL.
 */
const struct profile_table *profile_table_find(const struct profile *p,
					       const char *name);

/* The option called name, or NULL. */
const struct profile_option *profile_option_find(const struct profile *p,
						 const char *name);

/*
 * Whether opt may be set on the table called table, read as in (the
 * ingestion type it resolved to).
 */
int profile_option_applies(const struct profile_option *opt, const char *table,
			   enum ingestion in);

/* Appends path with "{table}" replaced by table, URL-escaped, to out. */
int profile_path_expand(const char *path, const char *table, struct buf *out);

/* The names of the enum values, as a profile spells them. */
const char *profile_time_name(enum profile_time t);
const char *profile_paging_name(enum profile_paging_type t);

#endif
