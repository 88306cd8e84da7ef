/* SPDX-License-Identifier: MIT */
/*
 * adhoc: the batches a chain reads on demand, for offsets it does not list.
 *
 * Each one is a cache entry (struct centry) under the chain's _adhoc/
 * directory, found by its token through a hash table and kept in a list of
 * least recent use. An entry is referenced while a lookup or an open
 * handle uses it; an unreferenced entry with no fetch running is evicted
 * (its file removed) once it was not used for the table's ttl, and the
 * least recently used go first when there are more than its maximum. So
 * memory, disk and the cost of a lookup stay bounded whatever tokens tools
 * ask for.
 *
 * It knows nothing of HTTP or FUSE: the owner passes the produce function.
 * Not thread-safe on its own: the owner serializes every call on a table
 * (the chain's lock). The entries' centry calls need no such lock.
 */
#ifndef LF_ADHOC_H
#define LF_ADHOC_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"

/* On-demand batches a chain keeps at most (the least recently used go). */
#define ADHOC_MAX 64
/* Buckets of the hash table: twice the entries it usually holds. */
#define ADHOC_BUCKETS 128

struct adhoc {
	char *token;
	char *cursor; /* the start offset; NULL: the start of the chain */
	void *owner;  /* the table's owner, for the produce function */
	struct centry entry;
	unsigned refs;		     /* lookups and handles using it */
	int64_t used_us;	     /* when it was last acquired or released */
	struct adhoc *hnext;	     /* the next in its bucket */
	struct adhoc *newer, *older; /* the list of use */
};

struct adhoc_table {
	struct cache *cache;	   /* borrowed */
	char *rel;		   /* the entries' directory, in the cache */
	long ttl;		   /* seconds an unused entry is kept */
	size_t max;		   /* entries kept at most (when unused) */
	centry_produce_fn produce; /* its arg is the struct adhoc */
	void *owner;
	struct adhoc *buckets[ADHOC_BUCKETS];
	struct adhoc *newest, *oldest;
	size_t count;
	unsigned long evicted;
};

/*
 * Sets up an empty table whose entries live in cache_root/rel (which must
 * exist). Takes no ownership of cache or owner. Returns 0 or -ENOMEM.
 */
int adhoc_table_init(struct adhoc_table *t, struct cache *cache,
		     const char *rel, long ttl, size_t max,
		     centry_produce_fn produce, void *owner);
/* Frees every entry (none may be referenced) and removes their files. */
void adhoc_table_free(struct adhoc_table *t);

/*
 * Finds the entry of token, or makes it (reading from cursor, which is
 * copied), references it and marks it used at now_us; then evicts what the
 * ttl and the maximum say. Sets *out. Returns 0 or -errno.
 */
int adhoc_acquire(struct adhoc_table *t, const char *token, const char *cursor,
		  int64_t now_us, struct adhoc **out);
/* Drops a reference adhoc_acquire() gave, marking the entry used. */
void adhoc_release(struct adhoc_table *t, struct adhoc *a, int64_t now_us);

#endif
