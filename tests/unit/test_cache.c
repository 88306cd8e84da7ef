/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the cache and the on-demand entries, no FUSE: single
 * flight (N threads, one production), a failed production, the sweep of
 * partial files and the adoption of complete ones, versions (a file made
 * for another version is stale, but never replaced while open), what the
 * producer says of a file kept with that very file, removal, and the
 * eviction of on-demand entries by age and by count. Waiters that give up
 * (an interrupt, simulated through the waiter's callback), in a stat or
 * an open: one leaves without harming the others; the last one cancels
 * the production, which publishes nothing, and the next caller starts
 * afresh; finish_fetches finishes it instead; one that comes while a
 * cancelled production ends gets a fresh one.
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adhoc.h"
#include "check.h"

#define NTHREADS 8

static char root[64];

/* A producer that counts its runs, writes its version and says it. */
struct maker {
	pthread_mutex_t lock;
	int runs;
	int fail;	 /* the next run fails */
	useconds_t slow; /* each run takes this long */
};

static int make(void *arg, FILE *out, int64_t version, char **meta)
{
	struct maker *mk = arg;
	int fail;

	usleep(mk->slow);
	pthread_mutex_lock(&mk->lock);
	mk->runs++;
	fail = mk->fail;
	mk->fail = 0;
	pthread_mutex_unlock(&mk->lock);
	if (fail)
		return -EIO;
	fprintf(out, "version %lld\n", (long long)version);
	return asprintf(meta, "made for %lld", (long long)version) < 0 ? -ENOMEM
								       : 0;
}

static void maker_init(struct maker *mk, useconds_t slow)
{
	memset(mk, 0, sizeof(*mk));
	pthread_mutex_init(&mk->lock, NULL);
	mk->slow = slow;
}

struct racer {
	struct centry *e;
	int rc;
	unsigned gen;
	off_t size;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct stat st;

	r->rc = centry_ensure(r->e, NULL, &st, &r->gen);
	r->size = st.st_size;
	return NULL;
}

/* N threads want a missing file at once: one production, one result. */
static void test_single_flight(struct cache *c)
{
	struct racer r[NTHREADS];
	pthread_t th[NTHREADS];
	struct centry e;
	struct maker mk;

	maker_init(&mk, 100000);
	CHECK(centry_init(&e, c, "obj", "flight", 60, NULL, make, &mk) == 0);
	for (int i = 0; i < NTHREADS; i++) {
		r[i].e = &e;
		CHECK(pthread_create(&th[i], NULL, race, &r[i]) == 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK(r[i].rc == 0);
		CHECK(r[i].gen == 1);
		CHECK(r[i].size == (off_t)strlen("version 0\n"));
	}
	CHECK(mk.runs == 1);
	CHECK(e.misses == 1 && e.hits == NTHREADS - 1);

	/* A failed production fails its waiters; the next call tries again. */
	centry_want(&e, 5);
	mk.fail = 1;
	for (int i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&th[i], NULL, race, &r[i]) == 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	CHECK(r[0].rc == -EIO || r[0].gen == 2);
	for (int i = 0; i < NTHREADS; i++)
		CHECK(r[i].rc == 0 || r[i].rc == -EIO);
	CHECK(race(&r[0]) == NULL && r[0].rc == 0 && r[0].gen == 2);
	centry_destroy(&e);
}

/* A file made for another version is stale: a stat makes it again, with
 * what the producer said of it; an open handle keeps the old one. */
static void test_versions(struct cache *c)
{
	struct centry e;
	struct maker mk;
	struct stat st;
	unsigned gen;
	char *meta = NULL;
	int fd, keep;

	maker_init(&mk, 0);
	CHECK(centry_init(&e, c, "obj", "versioned", -1, NULL, make, &mk) == 0);
	centry_want(&e, 7);
	CHECK(centry_ensure_meta(&e, NULL, &st, &gen, &meta) == 0);
	CHECK_STR(meta, "made for 7");
	free(meta);
	CHECK(centry_ensure_meta(&e, NULL, &st, &gen, &meta) == 0 &&
	      mk.runs == 1);
	free(meta);
	/* Held open, a new version does not replace it. */
	CHECK(centry_open(&e, NULL, &fd, &keep) == 0);
	centry_want(&e, 8);
	CHECK(centry_ensure_meta(&e, NULL, &st, &gen, &meta) == 0);
	CHECK(mk.runs == 1 && gen == 1);
	CHECK_STR(meta, "made for 7");
	CHECK(st.st_size == (off_t)strlen("version 7\n"));
	free(meta);
	close(fd);
	centry_close(&e);
	/* Closed, it is made again for the version wanted. */
	CHECK(centry_ensure_meta(&e, NULL, &st, &gen, &meta) == 0);
	CHECK(mk.runs == 2 && gen == 2);
	CHECK_STR(meta, "made for 8");
	free(meta);
	/* Removed, its file is gone. */
	{
		char path[256];

		snprintf(path, sizeof(path), "%s", e.path);
		centry_remove(&e);
		CHECK(access(path, F_OK) == -1 && errno == ENOENT);
	}
}

/* What a crashed run leaves: partial files are swept at open, complete
 * ones adopted (unless versioned: their version is not known). */
static void test_leftovers(void)
{
	char path[256];
	struct cache *c = NULL;
	struct centry e, v;
	struct maker mk;
	struct stat st;
	unsigned gen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/src/obj/left.part.abc123", root);
	f = fopen(path, "w");
	CHECK(f && fputs("half", f) >= 0 && fclose(f) == 0);
	CHECK(cache_open(root, "src", &c) == 0);
	CHECK(access(path, F_OK) == -1);
	maker_init(&mk, 0);
	CHECK(centry_init(&e, c, "obj", "flight", 3600, NULL, make, &mk) == 0);
	CHECK(centry_ensure(&e, NULL, &st, &gen) == 0 && mk.runs == 0);
	CHECK(centry_init(&v, c, "obj", "flight", -1, NULL, make, &mk) == 0);
	centry_want(&v, 3);
	CHECK(centry_ensure(&v, NULL, &st, &gen) == 0 && mk.runs == 1);
	centry_destroy(&e);
	centry_destroy(&v);
	cache_close(c, 0);
}

/* ---------------------------------------------------------- waiters --- */

/* A producer held at a gate: it writes once the gate opens; it stops with
 * -ECANCELED when its entry is cancelled (if it heeds that) or when told
 * to act as one that saw the cancel late. */
struct gated {
	struct centry *e;
	int open;	     /* the gate (atomic) */
	int heed;	     /* stops on the entry's cancel */
	int stop;	     /* the next check stops, as cancelled (atomic) */
	int runs, cancelled; /* atomic */
};

static int make_gated(void *arg, FILE *out, int64_t version, char **meta)
{
	struct gated *g = arg;

	(void)version, (void)meta;
	__atomic_add_fetch(&g->runs, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		if (__atomic_load_n(&g->open, __ATOMIC_SEQ_CST)) {
			fputs("made\n", out);
			return 0;
		}
		if ((g->heed &&
		     __atomic_load_n(&g->e->cancel, __ATOMIC_SEQ_CST)) ||
		    __atomic_exchange_n(&g->stop, 0, __ATOMIC_SEQ_CST)) {
			fputs("partial", out); /* must never be published */
			__atomic_add_fetch(&g->cancelled, 1, __ATOMIC_SEQ_CST);
			return -ECANCELED;
		}
		usleep(1000);
	}
}

/* A reader whose waiter gives up once its flag is raised. */
struct reader {
	struct centry *e;
	int open;    /* opens it (centry_open) rather than stats it */
	int give_up; /* atomic */
	int rc;
	pthread_t th;
};

static int gave_up(void *arg)
{
	return __atomic_load_n((int *)arg, __ATOMIC_SEQ_CST);
}

static void *read_entry(void *arg)
{
	struct reader *r = arg;
	struct waiter w = {gave_up, &r->give_up};
	struct stat st;
	unsigned gen;
	int fd, keep;

	if (!r->open) {
		r->rc = centry_ensure(r->e, &w, &st, &gen);
		return NULL;
	}
	r->rc = centry_open(r->e, &w, &fd, &keep);
	if (r->rc == 0) {
		close(fd);
		centry_close(r->e);
	}
	return NULL;
}

static void reader_start(struct reader *r, struct centry *e)
{
	memset(r, 0, sizeof(*r));
	r->e = e;
	CHECK(pthread_create(&r->th, NULL, read_entry, r) == 0);
}

/* Sets up a gated entry named name, finishing fetches nobody waits for. */
static void finishing_entry(struct cache *c, struct centry *e, struct gated *g,
			    const char *name)
{
	memset(g, 0, sizeof(*g));
	g->e = e;
	g->heed = 1;
	cache_finish_fetches(c, 1);
	CHECK(centry_init(e, c, "intr", name, 3600, NULL, make_gated, g) == 0);
	cache_finish_fetches(c, 0);
}

/* Waits (a bounded while) until the entry counts n waiters. */
static int waiters_become(struct centry *e, unsigned n)
{
	for (int i = 0; i < 20000; i++) {
		if (__atomic_load_n(&e->waiters, __ATOMIC_SEQ_CST) == n)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* A lone reader starts a production and gives up; returns its result. */
static int lone_reader_leaves(struct centry *e)
{
	struct reader a;

	reader_start(&a, e);
	CHECK(waiters_become(e, 1));
	__atomic_store_n(&a.give_up, 1, __ATOMIC_SEQ_CST);
	pthread_join(a.th, NULL);
	return a.rc;
}

/* Waits until no production runs. */
static int becomes_idle(struct centry *e)
{
	for (int i = 0; i < 20000 && !centry_idle(e); i++)
		usleep(1000);
	return centry_idle(e);
}

static int no_partial_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		found |= strstr(de->d_name, ".part.") != NULL;
	closedir(d);
	return !found;
}

/* Two readers wait; one is interrupted and leaves at once, the other gets
 * the file from the same production. Then a lone reader is interrupted:
 * the production is cancelled and publishes nothing, and the next reader
 * starts a fresh one. */
static void test_interrupt(struct cache *c)
{
	struct gated g = {0};
	struct reader a, b;
	struct centry e;
	struct stat st;
	unsigned gen;
	char dir[128];

	g.e = &e;
	g.heed = 1;
	snprintf(dir, sizeof(dir), "%s/src/intr", root);
	CHECK(centry_init(&e, c, "intr", "file", 3600, NULL, make_gated, &g) ==
	      0);
	reader_start(&a, &e);
	CHECK(waiters_become(&e, 1));
	reader_start(&b, &e);
	CHECK(waiters_become(&e, 2));
	__atomic_store_n(&a.give_up, 1, __ATOMIC_SEQ_CST);
	pthread_join(a.th, NULL);
	CHECK(a.rc == -EINTR);
	CHECK(e.waiters == 1 && !__atomic_load_n(&e.cancel, __ATOMIC_SEQ_CST));
	__atomic_store_n(&g.open, 1, __ATOMIC_SEQ_CST);
	pthread_join(b.th, NULL);
	CHECK(b.rc == 0 && g.runs == 1 && g.cancelled == 0);
	CHECK(centry_ensure(&e, NULL, &st, &gen) == 0 && st.st_size == 5);

	/* A new version, wanted by one reader who gives up: cancelled. */
	__atomic_store_n(&g.open, 0, __ATOMIC_SEQ_CST);
	centry_want(&e, 2);
	CHECK(lone_reader_leaves(&e) == -EINTR);
	CHECK(becomes_idle(&e));
	CHECK(g.runs == 2 && g.cancelled == 1 && e.last_rc == -ECANCELED);
	/* Nothing partial published: the file is the one made before. */
	CHECK(stat(e.path, &st) == 0 && st.st_size == 5 && e.version == 0);
	CHECK(no_partial_in(dir));
	/* The next reader starts afresh. */
	__atomic_store_n(&g.open, 1, __ATOMIC_SEQ_CST);
	CHECK(centry_ensure(&e, NULL, &st, &gen) == 0);
	CHECK(g.runs == 3 && e.version == 2);
	centry_destroy(&e);

	/* An open that waits for the first production gives up the same way. */
	g.runs = g.cancelled = 0;
	__atomic_store_n(&g.open, 0, __ATOMIC_SEQ_CST);
	CHECK(centry_init(&e, c, "intr", "opened", 3600, NULL, make_gated,
			  &g) == 0);
	memset(&a, 0, sizeof(a));
	a.e = &e;
	a.open = 1;
	CHECK(pthread_create(&a.th, NULL, read_entry, &a) == 0);
	CHECK(waiters_become(&e, 1));
	__atomic_store_n(&a.give_up, 1, __ATOMIC_SEQ_CST);
	pthread_join(a.th, NULL);
	CHECK(a.rc == -EINTR && becomes_idle(&e));
	CHECK(g.cancelled == 1 && !e.ready && e.opened == 0);
	centry_destroy(&e);
}

/* A reader that comes while a cancelled production is still ending gets a
 * fresh production, not the cancellation. */
static void test_late_reader(struct cache *c)
{
	struct gated g = {0};
	struct reader b;
	struct centry e;

	g.e = &e;
	g.heed = 0; /* sees the cancel late: when told */
	CHECK(centry_init(&e, c, "intr", "late", 3600, NULL, make_gated, &g) ==
	      0);
	CHECK(lone_reader_leaves(&e) == -EINTR);
	CHECK(__atomic_load_n(&e.cancel, __ATOMIC_SEQ_CST));
	CHECK(!centry_idle(&e));
	reader_start(&b, &e);
	CHECK(waiters_become(&e, 1));
	__atomic_store_n(&g.stop, 1, __ATOMIC_SEQ_CST); /* the first one ends */
	for (int i = 0;
	     i < 20000 && __atomic_load_n(&g.runs, __ATOMIC_SEQ_CST) < 2; i++)
		usleep(1000);
	CHECK(g.runs == 2 && g.cancelled == 1);
	__atomic_store_n(&g.open, 1, __ATOMIC_SEQ_CST);
	pthread_join(b.th, NULL);
	CHECK(b.rc == 0 && e.ready);
	centry_destroy(&e);
}

/* With finish_fetches, a production every reader left is finished and
 * published; the next reader is served from it. */
static void test_finish(struct cache *c)
{
	struct gated g;
	struct centry e;
	struct stat st;
	unsigned gen;

	finishing_entry(c, &e, &g, "finish");
	CHECK(lone_reader_leaves(&e) == -EINTR);
	CHECK(!__atomic_load_n(&e.cancel, __ATOMIC_SEQ_CST));
	__atomic_store_n(&g.open, 1, __ATOMIC_SEQ_CST);
	CHECK(becomes_idle(&e));
	CHECK(e.ready && e.last_rc == 0 && g.cancelled == 0);
	CHECK(centry_ensure(&e, NULL, &st, &gen) == 0 && g.runs == 1);
	CHECK(e.hits == 1 && e.misses == 1);
	centry_destroy(&e);
}

/* Destroying an entry whose production runs cancels it and waits. */
static void test_destroy_running(struct cache *c)
{
	struct gated g;
	struct centry e;

	finishing_entry(c, &e, &g, "destroy");
	CHECK(lone_reader_leaves(&e) == -EINTR);
	CHECK(!centry_idle(&e));
	centry_destroy(&e); /* returns once the production ended */
	CHECK(g.cancelled == 1);
}

/* ------------------------------------------------- on-demand entries --- */

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The on-demand entries' producer: its arg is the entry. */
static int make_adhoc(void *arg, FILE *out, int64_t version, char **meta)
{
	struct adhoc *a = arg;

	return make(a->owner, out, version, meta);
}

/* Acquires, materializes and releases token at now. */
static struct adhoc *use(struct adhoc_table *t, const char *token, int64_t now,
			 int keep_ref)
{
	struct adhoc *a = NULL;
	struct stat st;
	unsigned gen;

	CHECK(adhoc_acquire(t, token, NULL, now, &a) == 0);
	if (!a)
		return NULL;
	CHECK(centry_ensure(&a->entry, NULL, &st, &gen) == 0);
	if (!keep_ref)
		adhoc_release(t, a, now);
	return a;
}

static void test_adhoc(struct cache *c)
{
	struct adhoc_table t;
	struct adhoc *held, *a, *b;
	struct maker mk;
	char dir[256], token[16];
	int64_t now = 1000000000000000LL;

	maker_init(&mk, 0);
	snprintf(dir, sizeof(dir), "%s/src/adhoc", root);
	CHECK(adhoc_table_init(&t, c, "adhoc", 10, 4, make_adhoc, &mk) == 0);
	/* The same token is the same entry; a lookup scans one bucket. */
	a = use(&t, "x41", now, 0);
	b = use(&t, "x41", now, 0);
	CHECK(a == b && t.count == 1 && mk.runs == 1);
	/* At most 4: the least recently used go, never a held one. */
	held = use(&t, "x42", now, 1);
	for (int i = 0; i < 10; i++) {
		snprintf(token, sizeof(token), "x5%d", i);
		use(&t, token, now + i, 0);
	}
	CHECK(t.count == 4);
	CHECK(count_files(dir) == 4);
	CHECK(adhoc_acquire(&t, "x42", NULL, now + 20, &a) == 0 && a == held);
	adhoc_release(&t, a, now + 20);
	CHECK(mk.runs == 12); /* x42 was never made again */
	/* Unused for the ttl (10 s): evicted at the next lookup; the held one
	 * stays until released. */
	use(&t, "x60", now + 40 * 1000000LL, 0);
	CHECK(t.count == 2 && count_files(dir) == 2);
	adhoc_release(&t, held, now + 40 * 1000000LL);
	use(&t, "x61", now + 60 * 1000000LL, 0);
	CHECK(t.count == 1 && count_files(dir) == 1);
	adhoc_table_free(&t);
	CHECK(count_files(dir) == 0);
}

static int remove_one(const char *p, const struct stat *s, int type,
		      struct FTW *f)
{
	(void)s, (void)type, (void)f;
	return remove(p);
}

int main(void)
{
	struct cache *c = NULL;

	snprintf(root, sizeof(root), "/tmp/lakeflowfs-cache.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK(cache_open(root, "src", &c) == 0);
	if (!c)
		return check_result();
	test_single_flight(c);
	test_versions(c);
	test_adhoc(c);
	test_interrupt(c);
	test_late_reader(c);
	test_finish(c);
	test_destroy_running(c);
	cache_close(c, 0);
	test_leftovers();
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return check_result();
}
