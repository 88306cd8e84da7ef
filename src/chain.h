/* SPDX-License-Identifier: MIT */
/*
 * chain: one changes/ or deletes/ directory, the connector's chain of batch
 * reads kept on disk.
 *
 * A batch is the records one connector read returns from a start offset;
 * it is stored as <token>.jsonl, named by the token of that offset, with a
 * sidecar holding where it ended. A refresh is one connector run: from the
 * head, capped at the refresh's start, reading batches until the offset
 * stops moving, publishing each batch that holds records. Published batches
 * never change; the list only grows. The head and the batches survive a
 * remount (they live in the cache), and a crash between publishing a batch
 * and saving the head is repaired from the sidecars on the next open.
 *
 * Batches read on demand from an offset that is not listed (ad hoc) live
 * apart, in _adhoc/, and are never listed.
 *
 * A chain borrows the HTTP client, table description and options it is
 * given; they must outlive it. All functions are thread-safe.
 */
#ifndef LF_CHAIN_H
#define LF_CHAIN_H

#include <pthread.h>
#include <stdint.h>

#include "cache.h"
#include "common/buf.h"
#include "source.h"
#include "status.h"

struct adhoc;

struct chain {
	struct http_client *http;     /* borrowed */
	const struct table_info *info; /* borrowed */
	const struct table_opts *opts; /* borrowed */
	int deletes;                  /* reads deleted_records */
	long refresh;                 /* seconds between refreshes */
	long adhoc_ttl;               /* seconds an ad hoc batch is kept */
	char *dir;                    /* cache directory of the batches */
	struct cache *cache;          /* borrowed, for ad hoc entries */
	char *cache_rel;              /* dir relative to the cache root */

	pthread_mutex_t lock;
	pthread_cond_t changed;
	int busy;                     /* a refresh is running */
	char **tokens;                /* published batches, ascending */
	size_t ntokens, cap;
	char *head;                   /* where the next batch starts; NULL: start */
	int64_t refreshed_at;         /* start of the last refresh, us; 0: never */
	long delivered;               /* records published (num_rows budget) */
	struct adhoc *adhoc;          /* batches read on demand */
	struct read_progress progress; /* of the refresh running, for status */
	struct status *status;        /* borrowed: where refreshes show */
	const char *label;            /* borrowed: the object, for status */
	unsigned long refreshes;      /* listings that ran the connector */
	unsigned long listings;       /* listings in all */
};

/*
 * Opens the chain stored in cache_root/rel (creating it), loading the
 * batches and head a previous mount left. Returns 0 or -errno.
 */
int chain_open(struct chain *ch, struct cache *cache, const char *rel,
	       struct http_client *http, const struct table_info *info,
	       const struct table_opts *opts, int deletes, long refresh,
	       long adhoc_ttl);
void chain_close(struct chain *ch);

/*
 * Refreshes the chain if the last refresh is older than the refresh
 * interval (waiting for one already running). A failed fetch keeps what
 * was published and is retried at the next listing. Returns 0 or -errno.
 */
int chain_refresh(struct chain *ch);

/*
 * Copies the published tokens (a NULL-terminated array the caller frees
 * with source_names_free()). Returns 0 or -ENOMEM.
 */
int chain_tokens(struct chain *ch, char ***out);

/* Appends the head as {"offset": ..., "token": ...} and a newline. */
int chain_head_json(struct chain *ch, struct buf *out);

/*
 * Finds the batch named token: a published one, or one read on demand from
 * that offset now (kept for adhoc_ttl). Sets *path to a malloc'd path of
 * its file and *published. Returns 0, -ENOENT for a name that is not a
 * token, or -EIO.
 */
int chain_batch(struct chain *ch, const char *token, char **path,
		int *published);

/*
 * Appends where the batch named token ended, in the shape of the head
 * (reading the batch first if needed). Returns 0, -ENOENT or -EIO.
 */
int chain_batch_end_json(struct chain *ch, const char *token, struct buf *out);

#endif
