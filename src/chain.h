/* SPDX-License-Identifier: MIT */
/*
 * chain: one changes/ or deletes/ directory, the connector's chain of batch
 * reads kept on disk.
 *
 * A batch is the records one connector read returns from a start offset;
 * it is stored as <token>.jsonl, named by the token of that offset. A
 * refresh is one connector run: from the head, capped at the refresh's
 * start, reading until the offset stops moving. Each read is a step, and
 * every step is recorded (where it ended, how many records), also a step
 * that read nothing, such as an empty metrics window; a step that read
 * records is published as a batch file. Published batches never change;
 * the list only grows.
 *
 * Identity: a chain belongs to its source (the cache's source directory)
 * and its object's directory name, and lives in
 * cache_root/chains/<object>/{changes,deletes}. Options never restart it:
 * each refresh goes on from the head with the options in effect, and a
 * change is logged at open. Starting over is explicit: full_refresh at open
 * starts a new epoch, whose tokens never reuse a name of an earlier one and
 * sort after them all (token.h). State, steps and batches survive a
 * remount and a crash (chainstate.h), and a chain version 1 left under the
 * options' directory is adopted.
 *
 * A refresh runs on a thread of its own; listings wait for it, and may give
 * up (struct waiter): when the last one leaves, the refresh stops before
 * its next page (unless cfg->finish_fetches), keeping every batch it
 * published, and the next listing starts a new one.
 *
 * Offsets that are not listed are read on demand (adhoc.h), capped at the
 * cap of the last refresh (persisted; the first on-demand read of a chain
 * never refreshed sets it), so following _next from any token converges.
 *
 * A chain borrows the HTTP client, table description, options and status
 * it is given; they must outlive it. All functions are thread-safe.
 */
#ifndef LF_CHAIN_H
#define LF_CHAIN_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include "adhoc.h"
#include "cache.h"
#include "chainstate.h"
#include "common/buf.h"
#include "source.h"
#include "status.h"

struct chain_config {
	struct http_client *http;      /* borrowed */
	const struct table_info *info; /* borrowed */
	const struct table_opts *opts; /* borrowed */
	const char *object;	       /* the object's directory name */
	int deletes;		       /* deletes/ (deleted_records) */
	long refresh;		       /* seconds between refreshes */
	long adhoc_ttl;	       /* seconds an unused on-demand batch stays */
	int full_refresh;      /* start a new epoch at open */
	int finish_fetches;    /* finish a refresh nobody waits for */
	struct status *status; /* where fetches show, or NULL */
};

struct chain {
	struct chain_config cfg; /* its object string is the chain's copy */
	char *label;		 /* "orders/changes", for messages */
	char *dir;		 /* the chain's directory */

	pthread_mutex_t lock;
	pthread_cond_t changed;
	int busy;	  /* a refresh is running */
	int cancel;	  /* the refresh running is to stop (read atomically) */
	unsigned waiters; /* listings waiting for it (atomic, for status) */
	unsigned long ended; /* refreshes ended, ok or not */
	int last_rc;	     /* the result of the last one */
	char **tokens;	     /* published batches, ascending */
	size_t ntokens, cap;
	struct chain_state st; /* saved under lock; the head is written only
				  by the refresher */
	int64_t refreshed_at;  /* start of the last refresh here, us; 0: none */
	int64_t batch_us;      /* the time of the last batch published (its
				  file's mtime); 0: none */
	struct adhoc_table adhoc;      /* batches read on demand */
	struct read_progress progress; /* of the refresh running, for status */
	unsigned long refreshes;       /* listings that ran the connector */
	unsigned long listings;	       /* listings in all */
};

/*
 * Opens the chain of cfg->object in the cache (creating it, or adopting a
 * version 1 chain), loads its state, starts a new epoch when
 * cfg->full_refresh says so, logs option changes and repairs what a crash
 * left. Returns 0 or -errno (logged).
 */
int chain_open(struct chain *ch, struct cache *cache,
	       const struct chain_config *cfg);
void chain_close(struct chain *ch);

/*
 * Refreshes the chain if the last refresh is older than the refresh
 * interval (waiting for one already running). A failed fetch keeps what
 * was published and is retried at the next listing. Returns 0, -EINTR when
 * w gave up first, or -errno.
 */
int chain_refresh(struct chain *ch, const struct waiter *w);

/*
 * Copies the published tokens (a NULL-terminated array the caller frees
 * with source_names_free()). Returns 0 or -ENOMEM.
 */
int chain_tokens(struct chain *ch, char ***out);

/* Appends the head as {"offset": ..., "token": ..., "epoch": N} and a
 * newline. */
int chain_head_json(struct chain *ch, struct buf *out);

/*
 * When the head last moved (kept in the state, so it survives a remount)
 * and the time of the newest batch; 0 where not known. Batch files carry
 * times that ascend in stream order, a millisecond apart at least, set
 * when they are published and never changed.
 */
void chain_times(struct chain *ch, int64_t *head_us, int64_t *batch_us);

/* The chain's epoch: 1 for a new chain; each full refresh starts the next. */
unsigned chain_epoch(struct chain *ch);

/* The listings served and those that ran the connector. */
void chain_counts(struct chain *ch, unsigned long *listings,
		  unsigned long *refreshes);

/* An open batch, from chain_batch_open() to chain_batch_close(). */
struct chain_batch {
	int fd;		     /* its file; -1: a step that read nothing */
	int published;	     /* a listed batch: its bytes never change */
	struct adhoc *adhoc; /* the on-demand entry it holds open, or NULL */
};

/*
 * Stats the batch named token: a published file, a recorded step that read
 * nothing (size 0), or one read on demand (fetched first when needed).
 * Returns 0, -ENOENT for a name that is not a token of the chain's epoch,
 * -EINTR when w gave up waiting for a fetch, or -errno.
 */
int chain_batch_stat(struct chain *ch, const char *token,
		     const struct waiter *w, struct stat *st);
/* Opens it for reading: the bytes stay what the handle first saw. */
int chain_batch_open(struct chain *ch, const char *token,
		     const struct waiter *w, struct chain_batch *b);
void chain_batch_close(struct chain *ch, struct chain_batch *b);

/*
 * Appends where the batch named token ended, in the shape of the head: from
 * the step's record, or from the very fetch its on-demand file holds.
 * Returns 0, -ENOENT, -EINTR (w gave up) or -errno.
 */
int chain_batch_end_json(struct chain *ch, const char *token,
			 const struct waiter *w, struct buf *out);

#endif
