/* SPDX-License-Identifier: MIT */
/*
 * adhoc: a chain's on-demand batches, looked up by token and evicted by
 * age and count. See adhoc.h.
 */
#include "adhoc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define US_PER_SEC 1000000LL

/* FNV-1a of the token: spreads the near-identical timestamp tokens. */
static size_t bucket_of(const char *token)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = token; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)(h % ADHOC_BUCKETS);
}

int adhoc_table_init(struct adhoc_table *t, struct cache *cache,
		     const char *rel, long ttl, size_t max,
		     centry_produce_fn produce, void *owner)
{
	memset(t, 0, sizeof(*t));
	t->cache = cache;
	t->ttl = ttl;
	t->max = max;
	t->produce = produce;
	t->owner = owner;
	t->rel = strdup(rel);
	return t->rel ? 0 : -ENOMEM;
}

/* ------------------------------------------------------ the use list --- */

static void unlink_use(struct adhoc_table *t, struct adhoc *a)
{
	if (a->newer)
		a->newer->older = a->older;
	else
		t->newest = a->older;
	if (a->older)
		a->older->newer = a->newer;
	else
		t->oldest = a->newer;
	a->newer = a->older = NULL;
}

static void push_newest(struct adhoc_table *t, struct adhoc *a)
{
	a->older = t->newest;
	a->newer = NULL;
	if (t->newest)
		t->newest->newer = a;
	t->newest = a;
	if (!t->oldest)
		t->oldest = a;
}

/* Marks a used now: it moves to the front of the list. */
static void touch(struct adhoc_table *t, struct adhoc *a, int64_t now_us)
{
	a->used_us = now_us;
	unlink_use(t, a);
	push_newest(t, a);
}

/* ----------------------------------------------------------- entries --- */

static void entry_free(struct adhoc *a)
{
	centry_remove(&a->entry);
	free(a->token);
	free(a->cursor);
	free(a);
}

/* Takes a out of the table and frees it with its file. */
static void evict(struct adhoc_table *t, struct adhoc *a)
{
	struct adhoc **p = &t->buckets[bucket_of(a->token)];

	while (*p != a)
		p = &(*p)->hnext;
	*p = a->hnext;
	unlink_use(t, a);
	t->count--;
	t->evicted++;
	lf_debug("%s: on-demand batch %s evicted", t->rel, a->token);
	entry_free(a);
}

/* Whether a may go: nobody uses it, and no fetch of it runs (one every
 * reader left may still be finishing or cancelling). */
static int evictable(struct adhoc *a)
{
	return !a->refs && centry_idle(&a->entry);
}

/*
 * Evicts the unreferenced entries unused for the ttl (walking from the
 * least recently used, so it stops at the first one used since), then the
 * least recently used unreferenced ones past the maximum.
 */
static void evict_some(struct adhoc_table *t, int64_t now_us)
{
	struct adhoc *a = t->oldest, *newer;

	for (; a && now_us - a->used_us >= t->ttl * US_PER_SEC; a = newer) {
		newer = a->newer;
		if (evictable(a))
			evict(t, a);
	}
	for (a = t->oldest; a && t->count > t->max; a = newer) {
		newer = a->newer;
		if (evictable(a))
			evict(t, a);
	}
}

static struct adhoc *find(struct adhoc_table *t, const char *token)
{
	struct adhoc *a = t->buckets[bucket_of(token)];

	while (a && strcmp(a->token, token))
		a = a->hnext;
	return a;
}

/* Makes the entry of token: nothing is read until it is first needed. */
static int make(struct adhoc_table *t, const char *token, const char *cursor,
		struct adhoc **out)
{
	struct adhoc *a = calloc(1, sizeof(*a));
	char name[512];
	int rc = -ENOMEM;

	if (!a)
		return -ENOMEM;
	a->owner = t->owner;
	a->token = strdup(token);
	a->cursor = cursor ? strdup(cursor) : NULL;
	if (!a->token || (cursor && !a->cursor))
		goto fail;
	snprintf(name, sizeof(name), "%s.jsonl", token);
	rc = centry_init(&a->entry, t->cache, t->rel, name, -1, NULL,
			 t->produce, a);
	if (rc)
		goto fail;
	a->hnext = t->buckets[bucket_of(token)];
	t->buckets[bucket_of(token)] = a;
	push_newest(t, a);
	t->count++;
	*out = a;
	return 0;
fail:
	free(a->token);
	free(a->cursor);
	free(a);
	return rc;
}

int adhoc_acquire(struct adhoc_table *t, const char *token, const char *cursor,
		  int64_t now_us, struct adhoc **out)
{
	struct adhoc *a = find(t, token);
	int rc = 0;

	if (!a)
		rc = make(t, token, cursor, &a);
	if (rc)
		return rc;
	a->refs++;
	touch(t, a, now_us);
	evict_some(t, now_us);
	*out = a;
	return 0;
}

void adhoc_release(struct adhoc_table *t, struct adhoc *a, int64_t now_us)
{
	a->refs--;
	touch(t, a, now_us);
}

void adhoc_table_free(struct adhoc_table *t)
{
	while (t->oldest)
		evict(t, t->oldest);
	free(t->rel);
	t->rel = NULL;
}
