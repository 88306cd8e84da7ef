/* SPDX-License-Identifier: MIT */
/*
 * mount: the daemon's state, built before anything is mounted.
 *
 * mount_new() connects to the source (starting the built-in Example source
 * when no url is given), lists and describes the objects, opens the cache
 * and prepares every file of the tree. A failure here ends lakeflowfs with
 * a message and nothing mounted. The FUSE layer (fs.c) reads this state
 * through fuse_get_context()->private_data and never changes its shape.
 */
#ifndef LF_MOUNT_H
#define LF_MOUNT_H

#include <stddef.h>

#include "cache.h"
#include "chain.h"
#include "http.h"
#include "options.h"
#include "source.h"
#include "status.h"
#include "target.h"

struct example_server;

/* A small file generated once at mount (schema.json, metadata.json). */
struct memfile {
	char *data;
	size_t len;
};

/* One object directory of the mount. */
struct object {
	char *dir;                /* directory name */
	struct table_info *info;  /* borrowed from the source description */
	struct table_opts opts;   /* effective options */
	struct memfile schema;    /* schema.json */
	struct memfile metadata;  /* metadata.json */
	struct centry sample;	  /* sample.jsonl: the first page */
	struct centry jsonl;      /* snapshot.jsonl */
	struct centry csv;        /* snapshot.csv, made from jsonl */
	struct chain changes;     /* changes/, when has_changes */
	struct chain deletes;     /* deletes/, when has_deletes */
	int has_changes;
	int has_deletes;
	/* The destination table: current.jsonl and current.csv (for a
	 * snapshot object, its snapshot) and, with SCD type 2, history.jsonl
	 * and history.schema.json. */
	int has_current;
	int has_target; /* target is open (cdc objects) */
	int has_history;
	struct target target;
	struct centry snapshot_copy;   /* a snapshot object's current.jsonl */
	struct centry *current;	       /* current.jsonl: target's or the copy */
	struct centry current_csv;     /* current.csv, made from current */
	struct memfile history_schema; /* history.schema.json */
	const struct spec_table *spec; /* its pipeline spec entry, or NULL */
	struct mount *m;
};

struct mount {
	struct options *opt;
	struct example_server *server; /* the built-in source, or NULL */
	char *url;
	struct http_client *http;
	struct cache *cache;
	struct object *objects;
	size_t nobjects;
	struct memfile tables;    /* the "tables" file */
	int64_t started_us;       /* mount time, for directory times */
	struct status status;     /* fetches in progress */
	int cache_dir_made; /* cache_dir did not exist before this mount */
};

/*
 * Builds the state into m (zeroed by the caller, who owns it). Returns 0,
 * or the exit status for the failure with the reason printed: 2 for a
 * configuration the source refutes (the spec) or an unusable cache_dir,
 * 1 for anything else. Nothing is made in the cache before the source
 * has answered and the spec passed.
 * mount_release() frees what it holds, also after a failed mount_init().
 */
int mount_init(struct mount *m, struct options *opt, int builtin);
void mount_release(struct mount *m);
/*
 * For a mount that failed (in mount_init() or later, before serving):
 * removes the empty folders it made in the cache, so a failed mount
 * leaves nothing behind. Call before mount_release().
 */
void mount_discard_cache(struct mount *m);

/* Appends _status.json: counters and the fetches in progress. */
int mount_status_json(struct mount *m, struct buf *out);

/* The object with directory name dir, or NULL. */
struct object *mount_object(struct mount *m, const char *dir, size_t len);

#endif
