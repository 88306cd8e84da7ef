/* SPDX-License-Identifier: MIT */
/*
 * options: the mount's -o options, the connection file and credentials.
 *
 * options_parse() takes lakeflowfs's own options out of the FUSE argument
 * list (leaving FUSE's for libfuse) and options_resolve() checks every value
 * and loads credentials, so that nothing is mounted with a bad setting.
 * Errors are printed to stderr naming the option or field. The struct owns
 * its strings; options_free() releases them.
 */
#ifndef LF_OPTIONS_H
#define LF_OPTIONS_H

#include <fuse.h>

#include "source.h"
#include "spec.h"

struct options {
	/* as given with -o (strings, validated by options_resolve) */
	char *url;
	char *username;
	char *password_file;
	char *connection;
	char *cache_dir;
	char *snapshot_ttl_s;
	char *timeout_s;
	char *retries_s;
	char *refresh_s;
	char *parallel_s;
	char *spec_file;
	char *full_refresh_s;
	char *log_file;	   /* absolute once resolved */
	char *password;    /* set only to refuse it with a clear message */
	char *source;      /* SOURCE before MOUNTPOINT (mount -t fuse.lakeflowfs) */
	char *mountpoint;  /* handed back to libfuse by options_parse */
	int insecure;
	int finish_fetches; /* finish fetches nobody waits for any more */
	int debug;
	int show_help;
	int show_version;

	/* resolved */
	char *secret;      /* the password, from a file, env or connection */
	char *allow_list;  /* externalOptionsAllowList, comma-separated */
	long snapshot_ttl; /* seconds */
	long timeout;      /* seconds, per HTTP attempt */
	int retries;       /* HTTP attempts in all */
	long refresh;      /* seconds between refreshes of changes/ */
	int parallel;      /* page requests in flight per read */
	struct spec *spec; /* the pipeline spec, or NULL */
	char **full_refresh; /* object names whose chains start over */
	size_t nfull_refresh;
	struct table_opts table; /* options applied to every table */
};

/* Consumes lakeflowfs's options from args. Returns 0 or -1 (message printed). */
int options_parse(struct fuse_args *args, struct options *o);
/*
 * Validates every value, applies defaults, reads the connection file and the
 * password. builtin is set when no url was given (the built-in source, which
 * needs no credentials). Returns 0 or -1 (message printed).
 */
int options_resolve(struct options *o, int *builtin);
void options_free(struct options *o);
/*
 * Applies a connection file's JSON text as -o connection=FILE does (name
 * stands for the file in messages), for tests and fuzzing. Returns 0 or -1
 * (message printed).
 */
int options_parse_connection_json(const char *json, const char *name,
				  struct options *o);
/* Prints lakeflowfs's own options for --help. */
void options_usage(FILE *out);

/* The longest duration any TIME option takes: 3650 days, in seconds. */
#define DURATION_MAX (3650L * 86400)

/*
 * Parses a duration: a non-negative integer of seconds with an optional
 * unit suffix s, m, h or d, at most DURATION_MAX seconds. Returns 0 or
 * -EINVAL.
 */
int parse_duration(const char *s, long *out);
/* Parses a decimal integer in [min, max]. Returns 0 or -EINVAL. */
int parse_long(const char *s, long min, long max, long *out);

#endif
