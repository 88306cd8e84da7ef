/* SPDX-License-Identifier: MIT */
/*
 * target: the destination table of a cdc or cdc_with_deletes object as
 * files: current.jsonl, and history.jsonl with SCD type 2. It keeps the
 * object's view (view.h) up to date with its changes/ and deletes/ chains
 * and makes the files from the view through cache entries, so the file
 * promises hold: exact sizes, bytes that never change under an open
 * handle, and a new version only after a chain moved.
 *
 * Where: the view's database and the files live beside the chains they are
 * built from, in cache_root/chains/<object>/ (view.sqlite, current.jsonl,
 * history.jsonl), so they survive a remount with the chains; a new epoch
 * of the chains (a full refresh) empties the view.
 *
 * Updating: target_update() refreshes the chains by the rule a listing of
 * changes/ follows (at most once per refresh interval), then applies the
 * batches published since the view's last update, in stream order, each in
 * one transaction that records it: the cost follows the number of changes,
 * and a crash loses nothing and applies nothing twice.
 *
 * It borrows the chains, the table description and the status; they must
 * outlive it. It touches the network only through chain_refresh(), and
 * never FUSE. All functions but target_open() and target_close() are
 * thread-safe.
 */
#ifndef LF_TARGET_H
#define LF_TARGET_H

#include <pthread.h>
#include <stdint.h>

#include "cache.h"
#include "chain.h"
#include "status.h"
#include "view.h"
#include "wait.h"

struct target {
	struct chain *changes; /* borrowed */
	struct chain *deletes; /* borrowed; NULL: the object has none */
	struct status *status; /* borrowed; may be NULL */
	char *object;	       /* the object's directory name */
	struct view *view;
	int scd2;	       /* history.jsonl is kept */
	struct centry current; /* current.jsonl */
	struct centry history; /* history.jsonl, when scd2 */
	/* The update running, for status: batches (as pages) and records
	 * applied, added atomically. */
	struct read_progress progress;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* under lock */
	int busy;	 /* an update is applying batches */
	int64_t version; /* what the files are made for: bumps with the view */
};

/*
 * Opens the view of the object (its chains already open) under the
 * definition def, and sets up its files. Returns 0; -EINVAL with a
 * message in err (errlen bytes) for a definition no view can be built by
 * (no key columns, a column that is not in the table or is a struct); or
 * -errno (logged).
 */
int target_open(struct target *t, struct cache *cache, const char *object,
		const struct view_def *def, struct chain *changes,
		struct chain *deletes, struct status *status, char *err,
		size_t errlen);
/* Closes the view; call before the chains and the cache are closed. */
void target_close(struct target *t);

/*
 * Brings the view up to date: refreshes the chains (by the refresh rule),
 * follows a new epoch, applies what was published since the last update.
 * When the view changed, the files are made again at their next stat.
 * Returns 0, -EINTR when w gave up (waiting for a refresh or another
 * update, or between two batches it applied: those stay applied), or
 * -errno (logged).
 */
int target_update(struct target *t, const struct waiter *w);

#endif
