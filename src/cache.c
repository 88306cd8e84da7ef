/* SPDX-License-Identifier: MIT */
/*
 * cache: on-disk materialized files with atomic publication and
 * single-flight production. See cache.h.
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/isotime.h"
#include "log.h"

#define TMP_MARK ".part."

struct cache {
	char *root;
	int finish; /* cache_finish_fetches() */
};

/* mkdir -p with mode 0700 for every component it creates. */
static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Removes temporary files left by a process that died mid-write. */
static int sweep_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && strstr(path + strlen(path) - strlen(strrchr(path, '/')),
				    TMP_MARK)) {
		if (unlink(path) == 0)
			lf_info("removed the partial file %s left by an earlier run",
				path);
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

int cache_open(const char *cache_dir, const char *key, struct cache **out)
{
	struct cache *c;
	char path[PATH_MAX];
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cache_dir, key) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	rc = mkdir_p(path);
	if (rc) {
		lf_err("cache_dir: cannot create %s: %s", path, strerror(-rc));
		return rc;
	}
	if (access(path, R_OK | W_OK | X_OK)) {
		rc = -errno;
		lf_err("cache_dir: %s is not writable: %s", path, strerror(errno));
		return rc;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->root = strdup(path))) {
		free(c);
		return -ENOMEM;
	}
	nftw(path, sweep_one, 16, FTW_PHYS);
	*out = c;
	return 0;
}

void cache_close(struct cache *c, int remove)
{
	if (!c)
		return;
	if (remove)
		nftw(c->root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(c->root);
	free(c);
}

const char *cache_root(const struct cache *c)
{
	return c->root;
}

void cache_finish_fetches(struct cache *c, int on)
{
	c->finish = on;
}

void cache_source_key(const char *url, const char *user, char *out, size_t len)
{
	const char *host = strstr(url, "://");
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t i = 0;

	for (const char *p = url; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '\n') * 1099511628211ULL;
	for (const char *p = user; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	host = host ? host + 3 : url;
	/* Keep the host readable, mapping anything unusual to '_'. */
	for (; *host && *host != '/' && i + 1 < len && i < 64; host++, i++) {
		char ch = *host;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
		out[i] = ok ? ch : '_';
	}
	snprintf(out + i, len - i, "-%016llx", (unsigned long long)h);
}

int centry_init(struct centry *e, struct cache *c, const char *object,
		const char *name, long ttl, struct centry *dep,
		centry_produce_fn produce, void *arg)
{
	char dir[PATH_MAX];
	int rc;

	memset(e, 0, sizeof(*e));
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", c->root, object) >=
	    sizeof(dir))
		return -ENAMETOOLONG;
	rc = mkdir_p(dir);
	if (rc)
		return rc;
	if (asprintf(&e->path, "%s/%s", dir, name) < 0) {
		e->path = NULL;
		return -ENOMEM;
	}
	pthread_mutex_init(&e->lock, NULL);
	wait_cond_init(&e->changed);
	e->finish = c->finish;
	e->ttl = ttl;
	e->dep = dep;
	e->produce = produce;
	e->arg = arg;
	return 0;
}

/* Cancels the production running, if one is, and waits for it to end. */
static void centry_stop(struct centry *e)
{
	pthread_mutex_lock(&e->lock);
	if (e->busy)
		__atomic_store_n(&e->cancel, 1, __ATOMIC_RELEASE);
	while (e->busy)
		pthread_cond_wait(&e->changed, &e->lock);
	pthread_mutex_unlock(&e->lock);
}

void centry_destroy(struct centry *e)
{
	if (!e->path)
		return;
	centry_stop(e);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->changed);
	free(e->path);
	free(e->meta);
	e->path = NULL;
	e->meta = NULL;
}

int centry_idle(struct centry *e)
{
	int idle;

	pthread_mutex_lock(&e->lock);
	idle = !e->busy;
	pthread_mutex_unlock(&e->lock);
	return idle;
}

void centry_remove(struct centry *e)
{
	if (!e->path)
		return;
	centry_stop(e); /* it would publish after the unlink */
	if (unlink(e->path) && errno != ENOENT)
		lf_warn("cannot remove %s: %s", e->path, strerror(errno));
	centry_destroy(e);
}

void centry_want(struct centry *e, int64_t version)
{
	pthread_mutex_lock(&e->lock);
	e->want = version;
	pthread_mutex_unlock(&e->lock);
}

/* Produces the entry, made for version, into a temporary file and renames
 * it into place; *meta is what the producer said of it. */
static int produce_file(struct centry *e, int64_t version, char **meta)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s" TMP_MARK "XXXXXX", e->path) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		lf_err("cannot create %s: %s", tmp, strerror(errno));
		return rc;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	rc = e->produce(e->arg, f, version, meta);
	if (fflush(f) == EOF && rc == 0)
		rc = -errno;
	if (ferror(f) && rc == 0)
		rc = -EIO;
	if (fclose(f) == EOF && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, e->path))
		rc = -errno;
	if (rc == 0)
		return 0;
	/* A failed read logged why; a cancelled one is no failure. */
	if (rc != -EIO && rc != -ECANCELED)
		lf_err("cannot write %s: %s", e->path, strerror(-rc));
fail:
	unlink(tmp);
	free(*meta);
	*meta = NULL;
	return rc;
}

/* Whether a ready entry can be served as is; called under lock. A file
 * that is open is served as is: replacing it would show two versions. */
static int centry_fresh(const struct centry *e, unsigned dep_gen, int stat_mode)
{
	if (!e->ready)
		return 0;
	if (!stat_mode || e->opened)
		return 1;
	if (e->version != e->want)
		return 0;
	if (e->dep)
		return e->dep_gen == dep_gen;
	return e->ttl < 0 || isotime_now_us() - e->ready_at < e->ttl * 1000000LL;
}

/* Adopts a file an earlier run left complete; the ttl decides if it is
 * still fresh. Made-from and versioned entries are always made again. */
static void centry_adopt(struct centry *e)
{
	struct stat st;

	if (e->ready || e->dep || e->want || stat(e->path, &st))
		return;
	e->ready = 1;
	e->ready_at = (int64_t)st.st_mtim.tv_sec * 1000000 +
		      st.st_mtim.tv_nsec / 1000;
	e->gen++;
}

/* ------------------------------------------------------ productions --- */

/* One production: what it makes, for the thread that makes it. */
struct production {
	struct centry *e;
	int64_t version;
	unsigned dep_gen;
};

/* A production's thread: makes the file with no lock held, publishes it,
 * and wakes the waiters. The entry outlives it (centry_destroy waits). */
static void *production_main(void *arg)
{
	struct production *p = arg;
	struct centry *e = p->e;
	char *meta = NULL;
	int rc = produce_file(e, p->version, &meta);

	pthread_mutex_lock(&e->lock);
	e->busy = 0;
	e->done++;
	e->last_rc = rc;
	if (rc == 0) {
		e->ready = 1;
		e->ready_at = isotime_now_us();
		e->dep_gen = p->dep_gen;
		e->version = p->version;
		free(e->meta);
		e->meta = meta;
		e->gen++;
	}
	pthread_cond_broadcast(&e->changed);
	pthread_mutex_unlock(&e->lock);
	free(p);
	return NULL;
}

/* Starts a production of the version wanted, under lock. */
static int production_start(struct centry *e, unsigned dep_gen)
{
	struct production *p = malloc(sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->e = e;
	p->version = e->want;
	p->dep_gen = dep_gen;
	e->busy = 1;
	__atomic_store_n(&e->cancel, 0, __ATOMIC_RELEASE);
	rc = wait_spawn(production_main, p, e->path);
	if (rc) {
		e->busy = 0;
		free(p);
	}
	return rc;
}

/*
 * Waits, under lock, for the production running to end and returns its
 * result; -EINTR when w gave up first. The last waiter to leave cancels
 * the production, unless the entry finishes them.
 */
static int production_wait(struct centry *e, const struct waiter *w)
{
	int rc = wait_fetch(&e->changed, &e->lock, w, &e->done, &e->waiters,
			    &e->cancel, e->finish);

	if (rc == 0)
		return e->last_rc;
	if (e->waiters == 0 && !e->finish)
		lf_debug("cache: %s: cancelled: nobody waits for it any more",
			 e->path);
	else if (e->waiters == 0)
		lf_debug("cache: %s: nobody waits for it any more; finishing "
			 "it for the cache (finish_fetches)",
			 e->path);
	return rc;
}

/*
 * Brings the entry up to date and returns with its lock held (also on
 * error). stat_mode: a getattr, which may replace a stale file; otherwise
 * an open, which only makes a missing one. A production cancelled before
 * this caller came is no answer: it looks again, starting a fresh one.
 */
static int ensure_locked(struct centry *e, int stat_mode,
			 const struct waiter *w)
{
	unsigned dep_gen = 0;
	struct stat st;
	int mine = 0, rc;

	if (e->dep) {
		rc = centry_ensure(e->dep, w, &st, &dep_gen);
		if (rc) {
			pthread_mutex_lock(&e->lock);
			return rc;
		}
	}
	pthread_mutex_lock(&e->lock);
	centry_adopt(e);
	for (;;) {
		if (e->busy) {
			rc = production_wait(e, w);
			if (rc == -ECANCELED && !mine)
				continue;
			if (rc || mine)
				return rc == -ECANCELED ? -EIO : rc;
		}
		if (centry_fresh(e, dep_gen, stat_mode)) {
			e->hits++;
			return 0;
		}
		rc = production_start(e, dep_gen);
		if (rc)
			return rc;
		e->misses++;
		mine = 1;
	}
}

int centry_ensure_meta(struct centry *e, const struct waiter *w,
		       struct stat *st, unsigned *gen, char **meta)
{
	int rc;

	if (meta)
		*meta = NULL;
	rc = ensure_locked(e, 1, w);
	if (rc == 0)
		rc = stat(e->path, st) ? -errno : 0;
	if (rc == 0)
		*gen = e->gen;
	if (rc == 0 && meta && e->meta && !(*meta = strdup(e->meta)))
		rc = -ENOMEM;
	pthread_mutex_unlock(&e->lock);
	return rc;
}

int centry_ensure(struct centry *e, const struct waiter *w, struct stat *st,
		  unsigned *gen)
{
	return centry_ensure_meta(e, w, st, gen, NULL);
}

int centry_open(struct centry *e, const struct waiter *w, int *fd,
		int *keep_cache)
{
	int rc = ensure_locked(e, 0, w);

	if (rc == 0) {
		*fd = open(e->path, O_RDONLY | O_CLOEXEC);
		rc = *fd < 0 ? -errno : 0;
	}
	if (rc == 0) {
		e->opened++;
		*keep_cache = e->kernel_gen == e->gen;
		e->kernel_gen = e->gen;
	}
	pthread_mutex_unlock(&e->lock);
	return rc;
}

void centry_close(struct centry *e)
{
	pthread_mutex_lock(&e->lock);
	e->opened--;
	pthread_mutex_unlock(&e->lock);
}
