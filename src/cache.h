/* SPDX-License-Identifier: MIT */
/*
 * cache: materialized files on disk, and when they must be made again.
 *
 * A cache holds one directory per source (cache_dir/<source key>) with a
 * subdirectory per object. Every file is written under a temporary name
 * and renamed into place only when complete, so a crash never leaves a
 * partial file that looks whole; leftovers are swept at open.
 *
 * A struct centry is one such file with single-flight materialization:
 * the first caller that finds it missing or stale starts its production on
 * a thread of its own, and every caller that wants it, that one included,
 * waits for the result. A waiter may give up (struct waiter, wait.h) and
 * leaves at once; the entry counts its waiters, and when the last one
 * leaves, the production is cancelled (its producer sees e->cancel) and
 * nothing of it is published, unless the cache finishes fetches nobody
 * waits for (cache_finish_fetches()). The next caller then starts afresh.
 * No lock is held while a file is produced.
 *
 * A file is never replaced while a handle holds it open: the kernel's size
 * and page cache are per file, so two versions must never be visible at
 * once. It never touches FUSE or HTTP itself: the caller passes a produce
 * function and a waiter.
 */
#ifndef LF_CACHE_H
#define LF_CACHE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "wait.h"

struct cache;

/* Opens (creating) cache_dir/key. Returns 0 or -errno (message logged). */
int cache_open(const char *cache_dir, const char *key, struct cache **out);
/* Closes; with remove set, deletes the source's directory first. */
void cache_close(struct cache *c, int remove);
const char *cache_root(const struct cache *c);
/*
 * With on set, a production every waiter left is finished in the
 * background, to warm the cache, instead of being cancelled. Applies to
 * the entries set up after the call.
 */
void cache_finish_fetches(struct cache *c, int on);

/* A directory-safe key for a source: "host_port-<hash of url and user>". */
void cache_source_key(const char *url, const char *user, char *out, size_t len);

/*
 * Writes the content of an entry to out, made for version (the one set
 * with centry_want(); 0 for entries that have none). May set *meta to a
 * malloc'd string describing this very content, which the entry keeps
 * with it (centry_ensure_meta()). Runs on a thread of its own, with no
 * lock held. It should stop soon after the entry's cancel flag is raised
 * (read it atomically, or hand &e->cancel to the read as its cancel flag)
 * and then return -ECANCELED, logging nothing. Returns 0 or -errno.
 */
typedef int (*centry_produce_fn)(void *arg, FILE *out, int64_t version,
				 char **meta);

struct centry {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char *path;            /* final path in the cache */
	long ttl;              /* seconds; < 0: never expires */
	struct centry *dep;    /* made from this entry; fresh only with it */
	centry_produce_fn produce;
	void *arg;
	int finish;            /* finish productions nobody waits for */
	/* under lock */
	int busy;              /* a producer is running */
	int cancel;            /* the production running is to stop; its
				  producer reads it atomically */
	unsigned waiters;      /* callers waiting for the production running
				  (stored atomically, for status) */
	int ready;             /* path holds a complete file */
	int64_t ready_at;      /* when it was made, microseconds */
	unsigned gen;          /* bumps each time the file is made again */
	unsigned dep_gen;      /* dep->gen it was made from */
	unsigned long done;    /* productions finished, ok or not */
	int last_rc;           /* result of the last production */
	unsigned kernel_gen;   /* gen last opened through FUSE (keep_cache) */
	unsigned opened;       /* handles open on the current file */
	int64_t want;          /* the version productions make (centry_want) */
	int64_t version;       /* the version the current file was made for */
	char *meta;            /* what the producer said of the current file */
	unsigned long hits;    /* requests served without producing */
	unsigned long misses;  /* requests that produced the file */
};

/*
 * Sets up an entry at cache_root/object/name. Takes no ownership of arg or
 * dep. Returns 0 or -errno.
 */
int centry_init(struct centry *e, struct cache *c, const char *object,
		const char *name, long ttl, struct centry *dep,
		centry_produce_fn produce, void *arg);
/* Cancels a production still running, waits for it to end, and frees. */
void centry_destroy(struct centry *e);
/* Whether no production is running (one that is must not be destroyed). */
int centry_idle(struct centry *e);

/*
 * Makes sure the entry is complete, and fresh unless a handle holds it
 * open, producing it (or waiting for the production already running) when
 * needed. On success fills *st with the cache file's stat and *gen with its
 * generation. Returns 0, -EINTR when w gave up first, or -errno.
 */
int centry_ensure(struct centry *e, const struct waiter *w, struct stat *st,
		  unsigned *gen);

/*
 * Opens the entry's file for reading, producing it only if it was never
 * made (a stale file is served as is: the getattr before an open is where
 * freshness is decided). Counts the handle until centry_close(). Sets *fd,
 * and *keep_cache when the kernel may keep the pages it cached of this
 * very file. Returns 0, -EINTR when w gave up first, or -errno.
 */
int centry_open(struct centry *e, const struct waiter *w, int *fd,
		int *keep_cache);
void centry_close(struct centry *e);

/*
 * Sets the version the entry's content must be made for from now on: a
 * file made for another version is stale (but served as is while a handle
 * holds it open), and an entry with a version never adopts a file an
 * earlier run left, as its version is not known.
 */
void centry_want(struct centry *e, int64_t version);

/*
 * centry_ensure() that also sets *meta to a malloc'd copy of what the
 * producer said of the very file it describes (NULL when it said nothing).
 * Returns 0 or -errno.
 */
int centry_ensure_meta(struct centry *e, const struct waiter *w,
		       struct stat *st, unsigned *gen, char **meta);

/*
 * Destroys an entry nobody uses (no handle open, no call in progress) and
 * removes its file from the cache.
 */
void centry_remove(struct centry *e);

#endif
