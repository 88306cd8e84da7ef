/* SPDX-License-Identifier: MIT */
/*
 * chain: a changes/ or deletes/ directory kept on disk. See chain.h.
 *
 * Layout under the chain's directory:
 *   <token>.jsonl         a published batch
 *   _end/<token>          where that batch ended (offset JSON), written
 *                         before the batch is renamed into place
 *   _head                 the head (offset JSON), saved after each batch
 *   _adhoc/<token>.jsonl  batches read on demand, with _adhoc/<token>.end
 */
#include "chain.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/isotime.h"
#include "log.h"
#include "token.h"

struct adhoc {
	struct adhoc *next;
	struct chain *ch;
	char *token;
	char *cursor; /* the start offset; NULL: start of the chain */
	char *end_path;
	struct centry entry;
};

/* ------------------------------------------------------- small files --- */

/* Writes data to path atomically: a temporary file renamed over it. */
static int write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.part.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		rc = errno ? -errno : -EIO;
	if (close(fd) && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* Reads a small file whole into out (capped at 64 KiB). */
static int read_small(const char *path, struct buf *out)
{
	char chunk[4096];
	FILE *f = fopen(path, "r");
	size_t n;
	int rc = 0;

	if (!f)
		return -errno;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(out, chunk, n);
	fclose(f);
	return rc;
}

/* Saves an offset (cursor) as JSON to path. */
static int save_offset(const char *path, const char *cursor)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = offset_json(cursor, &b);
	if (rc == 0)
		rc = write_atomic(path, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Loads an offset saved by save_offset(). */
static int load_offset(const char *path, char **cursor)
{
	struct buf b;
	int rc;

	buf_init(&b, 65536);
	rc = read_small(path, &b);
	if (rc == 0)
		rc = offset_parse(b.data ? b.data : "", cursor);
	buf_free(&b);
	return rc;
}

static char *path_join(const char *dir, const char *name, const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", dir, name, suffix) < 0)
		return NULL;
	return p;
}

/* Where the batch named token ended: _end/<token>, or for an ad hoc batch
 * _adhoc/<token>.end. */
static char *end_path(const struct chain *ch, const char *token, int adhoc)
{
	char *p;

	if (asprintf(&p, adhoc ? "%s/_adhoc/%s.end" : "%s/_end/%s", ch->dir,
		     token) < 0)
		return NULL;
	return p;
}

/* Whether offset a lies after offset b in stream order (NULL: start). */
static int offset_after(const char *a, const char *b)
{
	char ta[TOKEN_SIZE], tb[TOKEN_SIZE];

	if (!a)
		return 0;
	if (!b)
		return 1;
	if (token_encode(1, a, ta, sizeof(ta)) ||
	    token_encode(1, b, tb, sizeof(tb)))
		return 0;
	return strcmp(ta, tb) > 0;
}

/* ------------------------------------------------------------ loading --- */

static int add_token(struct chain *ch, const char *token)
{
	char *copy;

	if (ch->ntokens == ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 64;
		char **t = realloc(ch->tokens, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		ch->tokens = t;
		ch->cap = cap;
	}
	copy = strdup(token);
	if (!copy)
		return -ENOMEM;
	ch->tokens[ch->ntokens++] = copy;
	return 0;
}

static int cmp_tokens(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Lists the published batches; a batch without its end sidecar was not
 * published by us and is left out. */
static int load_batches(struct chain *ch)
{
	DIR *d = opendir(ch->dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char token[TOKEN_SIZE], *cursor, *end;
		unsigned epoch;

		if (n <= 6 || n - 6 >= sizeof(token) ||
		    strcmp(de->d_name + n - 6, ".jsonl"))
			continue;
		memcpy(token, de->d_name, n - 6);
		token[n - 6] = '\0';
		if (token_decode(token, &epoch, &cursor))
			continue;
		free(cursor);
		if (epoch != 1)
			continue;
		end = end_path(ch, token, 0);
		if (end && access(end, F_OK) == 0)
			rc = add_token(ch, token);
		else
			lf_warn("%s/%s has no end record; not listing it", ch->dir,
				de->d_name);
		free(end);
	}
	closedir(d);
	if (ch->ntokens > 1) /* qsort(NULL, 0) is undefined */
		qsort(ch->tokens, ch->ntokens, sizeof(*ch->tokens), cmp_tokens);
	return rc;
}

/* The head is the saved one, or the end of the last batch if a crash came
 * between publishing that batch and saving the head. */
static int load_head(struct chain *ch)
{
	char *path = path_join(ch->dir, "_head", ""), *last, *end = NULL;
	int rc;

	if (!path)
		return -ENOMEM;
	rc = load_offset(path, &ch->head);
	free(path);
	if (rc && rc != -ENOENT)
		lf_warn("%s/_head is unreadable; rebuilding it", ch->dir);
	if (ch->ntokens == 0)
		return 0;
	last = end_path(ch, ch->tokens[ch->ntokens - 1], 0);
	if (!last)
		return -ENOMEM;
	rc = load_offset(last, &end);
	free(last);
	if (rc)
		return rc;
	if (offset_after(end, ch->head)) {
		free(ch->head);
		ch->head = end;
	} else {
		free(end);
	}
	return 0;
}

static int count_delivered(struct chain *ch)
{
	ch->delivered = 0;
	if (ch->opts->num_rows <= 0)
		return 0;
	for (size_t i = 0; i < ch->ntokens; i++) {
		char *p = path_join(ch->dir, ch->tokens[i], ".jsonl");

		if (!p)
			return -ENOMEM;
		ch->delivered += count_lines(p);
		free(p);
	}
	return 0;
}

static int make_dirs(struct chain *ch)
{
	const char *subs[] = { "", "/_end", "/_adhoc" };

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s%s", ch->dir, subs[i]);
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
	}
	return 0;
}

int chain_open(struct chain *ch, struct cache *cache, const char *rel,
	       struct http_client *http, const struct table_info *info,
	       const struct table_opts *opts, int deletes, long refresh,
	       long adhoc_ttl)
{
	int rc;

	memset(ch, 0, sizeof(*ch));
	ch->http = http;
	ch->info = info;
	ch->opts = opts;
	ch->deletes = deletes;
	ch->refresh = refresh;
	ch->adhoc_ttl = adhoc_ttl;
	ch->cache = cache;
	pthread_mutex_init(&ch->lock, NULL);
	pthread_cond_init(&ch->changed, NULL);
	ch->cache_rel = strdup(rel);
	ch->dir = path_join(cache_root(cache), rel, "");
	if (!ch->dir || !ch->cache_rel)
		return -ENOMEM;
	rc = make_dirs(ch);
	if (rc == 0)
		rc = load_batches(ch);
	if (rc == 0)
		rc = load_head(ch);
	if (rc == 0)
		rc = count_delivered(ch);
	if (rc)
		lf_err("cannot open %s: %s", ch->dir, strerror(-rc));
	return rc;
}

void chain_close(struct chain *ch)
{
	struct adhoc *a, *next;

	if (!ch->dir)
		return;
	for (a = ch->adhoc; a; a = next) {
		next = a->next;
		centry_destroy(&a->entry);
		free(a->token);
		free(a->cursor);
		free(a->end_path);
		free(a);
	}
	for (size_t i = 0; i < ch->ntokens; i++)
		free(ch->tokens[i]);
	free(ch->tokens);
	free(ch->head);
	free(ch->dir);
	free(ch->cache_rel);
	pthread_mutex_destroy(&ch->lock);
	pthread_cond_destroy(&ch->changed);
	memset(ch, 0, sizeof(*ch));
}

/* ----------------------------------------------------------- refresh --- */

/* Reads one batch from head into a temporary file; on success *tmp names
 * it (or is empty when the batch was thrown away) and *end is the end. */
static int read_one(struct chain *ch, const char *head, int64_t init,
		    char tmp[PATH_MAX], char **end, unsigned long *records)
{
	struct table_opts o = *ch->opts; /* shallow: strings stay borrowed */
	unsigned long before;
	FILE *f;
	int fd, rc;

	if (o.num_rows > 0)
		o.num_rows -= ch->delivered;
	snprintf(tmp, PATH_MAX, "%s/batch.part.XXXXXX", ch->dir);
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return rc;
	}
	/* The refresh's progress counts live, page by page, for status. */
	before = __atomic_load_n(&ch->progress.records, __ATOMIC_RELAXED);
	rc = source_read_batch(ch->http, ch->info, &o, ch->deletes, head, init,
			       f, end, &ch->progress);
	if (fclose(f) && rc == 0)
		rc = -errno;
	*records = __atomic_load_n(&ch->progress.records, __ATOMIC_RELAXED) - before;
	if (rc || !*end || *records == 0) {
		unlink(tmp);
		tmp[0] = '\0';
	}
	return rc;
}

/* Publishes the batch read from head: end sidecar first, then the file. */
static int publish(struct chain *ch, const char *token, const char *tmp,
		   const char *end)
{
	char *sidecar = end_path(ch, token, 0);
	char *final = path_join(ch->dir, token, ".jsonl");
	int rc = -ENOMEM;

	if (sidecar && final) {
		rc = save_offset(sidecar, end);
		if (rc == 0 && rename(tmp, final))
			rc = -errno;
	}
	if (rc)
		lf_err("cannot publish batch %s in %s: %s", token, ch->dir,
		       strerror(-rc));
	free(sidecar);
	free(final);
	return rc;
}

/* Moves the head to end and saves it; under no lock (only the refresher
 * writes the head, readers take the lock). */
static int advance(struct chain *ch, char *end, const char *token,
		   unsigned long records)
{
	char *path = path_join(ch->dir, "_head", "");
	int rc = 0;

	pthread_mutex_lock(&ch->lock);
	if (token)
		rc = add_token(ch, token);
	free(ch->head);
	ch->head = end;
	ch->delivered += (long)records;
	pthread_mutex_unlock(&ch->lock);
	if (rc == 0)
		rc = path ? save_offset(path, end) : -ENOMEM;
	free(path);
	return rc;
}

/* One connector run from the head, capped at init. */
static int run(struct chain *ch, int64_t init)
{
	for (;;) {
		char tmp[PATH_MAX], token[TOKEN_SIZE], end_token[TOKEN_SIZE];
		char *end = NULL;
		unsigned long records = 0;
		int rc;

		if (ch->opts->num_rows > 0 && ch->delivered >= ch->opts->num_rows)
			return 0;
		rc = token_encode(1, ch->head, token, sizeof(token));
		if (rc == 0)
			rc = read_one(ch, ch->head, init, tmp, &end, &records);
		if (rc || !end)
			return rc;
		if (token_encode(1, end, end_token, sizeof(end_token)) ||
		    strcmp(end_token, token) <= 0) {
			lf_err("%s: the offset did not move forward from %s; "
			       "stopping this refresh", ch->dir, token);
			if (tmp[0])
				unlink(tmp);
			free(end);
			return -EIO;
		}
		if (tmp[0] && (rc = publish(ch, token, tmp, end))) {
			unlink(tmp);
			free(end);
			return rc;
		}
		rc = advance(ch, end, tmp[0] ? token : NULL, records);
		if (rc)
			return rc;
	}
}

int chain_refresh(struct chain *ch)
{
	int64_t now = isotime_now_us();
	struct activity act;
	int rc = 0;

	pthread_mutex_lock(&ch->lock);
	ch->listings++;
	while (ch->busy)
		pthread_cond_wait(&ch->changed, &ch->lock);
	if (ch->refreshed_at &&
	    now - ch->refreshed_at < (int64_t)ch->refresh * 1000000) {
		pthread_mutex_unlock(&ch->lock);
		return 0;
	}
	ch->busy = 1;
	ch->refreshes++;
	ch->progress.pages = 0;
	ch->progress.records = 0;
	pthread_mutex_unlock(&ch->lock);

	if (ch->status)
		status_begin(ch->status, &act, ch->label,
			     ch->deletes ? "deletes" : "changes", &ch->progress);
	rc = run(ch, now);
	if (ch->status)
		status_end(ch->status, &act);

	pthread_mutex_lock(&ch->lock);
	ch->busy = 0;
	if (rc == 0)
		ch->refreshed_at = now;
	pthread_cond_broadcast(&ch->changed);
	pthread_mutex_unlock(&ch->lock);
	return rc;
}

/* ------------------------------------------------------------ reading --- */

int chain_tokens(struct chain *ch, char ***out)
{
	char **list;
	int rc = 0;

	pthread_mutex_lock(&ch->lock);
	list = calloc(ch->ntokens + 1, sizeof(*list));
	for (size_t i = 0; list && i < ch->ntokens; i++) {
		if (!(list[i] = strdup(ch->tokens[i])))
			rc = -ENOMEM;
	}
	pthread_mutex_unlock(&ch->lock);
	if (!list)
		return -ENOMEM;
	if (rc) {
		source_names_free(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* {"offset": <offset JSON>, "token": "<token>"} and a newline. */
static int offset_line(const char *cursor, struct buf *out)
{
	char token[TOKEN_SIZE];
	int rc = token_encode(1, cursor, token, sizeof(token));

	if (rc == 0)
		rc = buf_puts(out, "{\"offset\": ");
	if (rc == 0)
		rc = offset_json(cursor, out);
	if (rc == 0)
		rc = buf_printf(out, ", \"token\": \"%s\"}\n", token);
	return rc;
}

int chain_head_json(struct chain *ch, struct buf *out)
{
	int rc;

	pthread_mutex_lock(&ch->lock);
	rc = offset_line(ch->head, out);
	pthread_mutex_unlock(&ch->lock);
	return rc;
}

static int published(struct chain *ch, const char *token)
{
	const char *key = token;

	/* bsearch(NULL, 0) is undefined */
	return ch->ntokens && bsearch(&key, ch->tokens, ch->ntokens,
				      sizeof(*ch->tokens), cmp_tokens);
}

/* Produces an ad hoc batch: one read from its offset, capped now. */
static int produce_adhoc(void *arg, FILE *out, int64_t version, char **meta)
{
	struct adhoc *a = arg;
	struct chain *ch = a->ch;
	struct read_progress progress = { 0, 0 };
	struct activity act;
	char *end = NULL;
	int rc;

	(void)version, (void)meta;
	if (ch->status)
		status_begin(ch->status, &act, ch->label, a->token, &progress);
	rc = source_read_batch(ch->http, ch->info, ch->opts, ch->deletes,
			       a->cursor, isotime_now_us(), out, &end, &progress);
	if (ch->status)
		status_end(ch->status, &act);
	if (rc == 0)
		rc = save_offset(a->end_path, end ? end : a->cursor);
	free(end);
	return rc;
}

static struct adhoc *adhoc_new(struct chain *ch, const char *token, char *cursor)
{
	struct adhoc *a = calloc(1, sizeof(*a));
	char rel[PATH_MAX], name[TOKEN_SIZE + 8];

	if (!a)
		return NULL;
	a->ch = ch;
	a->cursor = cursor;
	a->token = strdup(token);
	a->end_path = end_path(ch, token, 1);
	snprintf(rel, sizeof(rel), "%s/_adhoc", ch->cache_rel);
	snprintf(name, sizeof(name), "%s.jsonl", token);
	if (!a->token || !a->end_path ||
	    centry_init(&a->entry, ch->cache, rel, name, ch->adhoc_ttl, NULL,
			produce_adhoc, a)) {
		free(a->token);
		free(a->end_path);
		free(a);
		return NULL;
	}
	return a;
}

/* Finds or makes the ad hoc entry of a token; -ENOENT if not a token. */
static int adhoc_get(struct chain *ch, const char *token, struct adhoc **out)
{
	struct adhoc *a;
	unsigned epoch;
	char *cursor;

	for (a = ch->adhoc; a; a = a->next) {
		if (strcmp(a->token, token) == 0) {
			*out = a;
			return 0;
		}
	}
	if (token_decode(token, &epoch, &cursor))
		return -ENOENT;
	if (epoch != 1) {
		free(cursor);
		return -ENOENT;
	}
	a = adhoc_new(ch, token, cursor);
	if (!a) {
		free(cursor);
		return -ENOMEM;
	}
	a->next = ch->adhoc;
	ch->adhoc = a;
	*out = a;
	return 0;
}

int chain_batch(struct chain *ch, const char *token, char **path,
		int *is_published)
{
	struct adhoc *a = NULL;
	struct stat st;
	unsigned gen;
	int rc;

	pthread_mutex_lock(&ch->lock);
	*is_published = published(ch, token);
	rc = *is_published ? 0 : adhoc_get(ch, token, &a);
	pthread_mutex_unlock(&ch->lock);
	if (rc)
		return rc;
	if (*is_published) {
		*path = path_join(ch->dir, token, ".jsonl");
		return *path ? 0 : -ENOMEM;
	}
	rc = centry_ensure(&a->entry, &st, &gen);
	if (rc)
		return rc;
	*path = strdup(a->entry.path);
	return *path ? 0 : -ENOMEM;
}

int chain_batch_end_json(struct chain *ch, const char *token, struct buf *out)
{
	char *path = NULL, *sidecar, *end = NULL;
	int is_published, rc;

	rc = chain_batch(ch, token, &path, &is_published);
	free(path);
	if (rc)
		return rc;
	sidecar = end_path(ch, token, !is_published);
	if (!sidecar)
		return -ENOMEM;
	rc = load_offset(sidecar, &end);
	free(sidecar);
	if (rc == 0)
		rc = offset_line(end, out);
	free(end);
	return rc;
}
