/* SPDX-License-Identifier: MIT */
/*
 * chain: a changes/ or deletes/ directory kept on disk. See chain.h.
 *
 * Layout under cache_root/chains/<object>/<kind>/:
 *   _chain.json           the state (chainstate.h)
 *   <token>.jsonl         a published batch
 *   _end/<token>          the record of the step read from <token>, written
 *                         before its batch is renamed into place
 *   _adhoc/<token>.jsonl  batches read on demand (adhoc.h), never listed
 */
#include "chain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/isotime.h"
#include "log.h"
#include "tableopts.h"
#include "token.h"

#define US_PER_SEC 1000000LL
#define US_PER_MS  1000LL

static char *path_join(const char *dir, const char *name, const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", dir, name, suffix) < 0)
		return NULL;
	return p;
}

/* {"offset": <offset JSON>, "token": "<token>", "epoch": N} and a newline. */
static int offset_line(unsigned epoch, const char *cursor, struct buf *out)
{
	char token[TOKEN_SIZE];
	int rc = token_encode(epoch, cursor, token, sizeof(token));

	if (rc == 0)
		rc = buf_puts(out, "{\"offset\": ");
	if (rc == 0)
		rc = offset_json(cursor, out);
	if (rc == 0)
		rc = buf_printf(out, ", \"token\": \"%s\", \"epoch\": %u}\n",
				token, epoch);
	return rc;
}

/* The token of cursor in the chain's epoch, for messages ("?" if none). */
static const char *token_of(const struct chain *ch, const char *cursor,
			    char out[TOKEN_SIZE])
{
	if (token_encode(ch->st.epoch, cursor, out, TOKEN_SIZE))
		strcpy(out, "?");
	return out;
}

/* Saves the state; under the lock, so that saves never cross. */
static int save_state(struct chain *ch)
{
	int rc = chainstate_save(ch->dir, &ch->st);

	if (rc)
		lf_err("%s: cannot save %s/" CHAINSTATE_FILE ": %s", ch->label,
		       ch->dir, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------- the listing --- */

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

/* The time a file was last modified, microseconds; 0 if it has none. */
static int64_t mtime_us(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return (int64_t)st.st_mtim.tv_sec * US_PER_SEC +
	       st.st_mtim.tv_nsec / 1000;
}

/* Lists the batch of token at path; the chain's time is its newest. */
static int listed(struct chain *ch, const char *token, const char *path)
{
	int64_t t = mtime_us(path);

	if (t > ch->batch_us)
		ch->batch_us = t;
	return add_token(ch, token);
}

/* Whether name is a batch file's: "<token>.jsonl"; its token in token. */
static int batch_name(const char *name, char token[TOKEN_SIZE])
{
	size_t n = strlen(name);

	if (n <= 6 || n - 6 >= TOKEN_SIZE || strcmp(name + n - 6, ".jsonl"))
		return 0;
	memcpy(token, name, n - 6);
	token[n - 6] = '\0';
	return 1;
}

/* Whether token names an offset of an epoch other than the chain's. */
static int other_epoch(const struct chain *ch, const char *token)
{
	unsigned epoch;
	char *cursor;

	if (token_decode(token, &epoch, &cursor))
		return 0;
	free(cursor);
	return epoch != ch->st.epoch;
}

/* Lists one batch file: removes it when it is of another epoch, lists it
 * when it has its step record. Counts the removed ones in *gone. */
static int load_batch(struct chain *ch, const char *name, long *gone)
{
	char token[TOKEN_SIZE], *path, *end, *cursor;
	unsigned epoch;
	int rc = 0;

	if (!batch_name(name, token) || token_decode(token, &epoch, &cursor))
		return 0;
	free(cursor);
	path = path_join(ch->dir, token, ".jsonl");
	end = path_join(ch->dir, "_end/", token);
	if (!path || !end)
		rc = -ENOMEM;
	else if (epoch != ch->st.epoch)
		*gone += unlink(path) == 0;
	else if (access(end, F_OK) == 0)
		rc = listed(ch, token, path);
	else
		lf_warn("%s has no step record; not listing it", path);
	free(path);
	free(end);
	return rc;
}

/* Lists the published batches of the epoch, removing those of others. */
static int load_batches(struct chain *ch)
{
	DIR *d = opendir(ch->dir);
	struct dirent *de;
	long gone = 0;
	int rc = 0;

	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d)))
		rc = load_batch(ch, de->d_name, &gone);
	closedir(d);
	if (gone)
		lf_info("%s: removed %ld batches of an earlier epoch",
			ch->label, gone);
	if (ch->ntokens > 1) /* qsort(NULL, 0) is undefined */
		qsort(ch->tokens, ch->ntokens, sizeof(*ch->tokens), cmp_tokens);
	return rc;
}

/* Removes the files of sub (a directory of the chain) that match: step
 * records of another epoch, or every on-demand file. */
static void sweep(struct chain *ch, const char *sub, int all)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", ch->dir, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (!all && !other_epoch(ch, de->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", ch->dir, sub,
			 de->d_name);
		unlink(path);
	}
	closedir(d);
}

/* Whether the batch file of token is there. */
static int batch_exists(const struct chain *ch, const char *token)
{
	char *path = path_join(ch->dir, token, ".jsonl");
	int there = path && access(path, F_OK) == 0;

	free(path);
	return there;
}

/*
 * Takes one step recorded after the head, as a crash between recording it
 * and saving the state leaves it. Returns 1 when it moved the head.
 */
static int follow_step(struct chain *ch, int count)
{
	char token[TOKEN_SIZE], end_token[TOKEN_SIZE], *path;
	struct chain_step step;
	int there;

	if (token_encode(ch->st.epoch, ch->st.head, token, sizeof(token)) ||
	    chainstate_load_step(ch->dir, token, &step))
		return 0;
	there = batch_exists(ch, token);
	/* Recorded, but its batch was never renamed into place. */
	if ((step.records != 0 && !there) ||
	    token_encode(ch->st.epoch, step.end, end_token,
			 sizeof(end_token)) ||
	    strcmp(end_token, token) <= 0) {
		free(step.end);
		return 0;
	}
	if (there && count) {
		path = path_join(ch->dir, token, ".jsonl");
		ch->st.published += step.records >= 0 ? step.records
				    : path	      ? count_lines(path)
						      : 0;
		free(path);
	}
	free(ch->st.head);
	ch->st.head = step.end;
	ch->st.moved_us = isotime_now_us();
	return 1;
}

/* Moves the head past the steps recorded after it; *dirty when it did. */
static void repair_head(struct chain *ch, int count, int *dirty)
{
	long moved = 0;

	while (follow_step(ch, count))
		moved++;
	if (moved)
		lf_info(
		    "%s: the head moves on past %ld steps recorded after it "
		    "was saved",
		    ch->label, moved);
	*dirty |= moved > 0;
}

/* Counts every record published (a chain of version 1 kept no count). */
static int count_published(struct chain *ch)
{
	ch->st.published = 0;
	for (size_t i = 0; i < ch->ntokens; i++) {
		char *p = path_join(ch->dir, ch->tokens[i], ".jsonl");

		if (!p)
			return -ENOMEM;
		ch->st.published += count_lines(p);
		free(p);
	}
	return 0;
}

/* ------------------------------------------------------------ opening --- */

/* The options in effect, as the state records them. */
static struct json_object *options_now(const struct chain *ch)
{
	struct json_object *o = json_object_new_object();

	option_values_json(o, ch->cfg.info->name, ch->cfg.info->ingestion,
			   ch->cfg.opts);
	return o;
}

/* A new epoch: the head back at the start, nothing published, no cap. */
static int new_epoch(struct chain *ch)
{
	if (ch->st.epoch >= TOKEN_EPOCH_MAX) {
		lf_err("%s: epoch %u is the last one there can be", ch->label,
		       ch->st.epoch);
		return -EOVERFLOW;
	}
	ch->st.epoch++;
	free(ch->st.head);
	ch->st.head = NULL;
	ch->st.moved_us = isotime_now_us();
	ch->st.published = 0;
	ch->st.cap_us = 0;
	lf_info("%s: full refresh: epoch %u starts from the beginning; the "
		"batches of epoch %u are removed",
		ch->label, ch->st.epoch, ch->st.epoch - 1);
	lf_debug("%s: epoch %u started", ch->label, ch->st.epoch);
	return 0;
}

/* A chain with no state: new (epoch 1), or adopted from version 1. */
static int first_state(struct chain *ch, int adopted)
{
	memset(&ch->st, 0, sizeof(ch->st));
	ch->st.epoch = 1;
	ch->st.moved_us = isotime_now_us();
	if (ch->cfg.full_refresh)
		lf_info("%s: full refresh: the chain is new, it starts at "
			"epoch 1",
			ch->label);
	return adopted ? chainstate_load_v1_head(ch->dir, &ch->st.head) : 0;
}

/*
 * Loads the state, or makes the first one; starts a new epoch or notes an
 * option change. Sets *dirty when the state must be saved.
 */
static int load_state(struct chain *ch, int adopted, int *dirty)
{
	struct json_object *now = options_now(ch);
	int rc = chainstate_load(ch->dir, &ch->st);

	*dirty = 1;
	if (rc == -ENOENT) {
		rc = first_state(ch, adopted);
	} else if (rc) {
		lf_err("%s: %s/" CHAINSTATE_FILE " is damaged or of another "
		       "version; move %s away to start this chain over",
		       ch->label, ch->dir, ch->dir);
	} else if (ch->cfg.full_refresh) {
		rc = new_epoch(ch);
	} else {
		*dirty =
		    !ch->st.options ||
		    chainstate_log_changes(ch->label, ch->cfg.object, &ch->st,
					   now, ch->cfg.opts->num_rows);
	}
	json_object_put(ch->st.options);
	ch->st.options = now;
	return rc;
}

/* mkdir that accepts what is there. */
static int make_dir(const char *path)
{
	return mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
}

/* Makes cache_root/chains/<object>/<kind> (adopting a version 1 chain)
 * with its _end and _adhoc. */
static int make_dirs(struct chain *ch, const char *root, const char *kind,
		     int *adopted)
{
	char p[PATH_MAX];
	int rc;

	snprintf(p, sizeof(p), "%s/chains", root);
	rc = make_dir(p);
	snprintf(p, sizeof(p), "%s/chains/%s", root, ch->cfg.object);
	if (rc == 0)
		rc = make_dir(p);
	if (rc == 0)
		rc = chainstate_adopt_v1(root, ch->cfg.object, kind, ch->dir,
					 adopted);
	if (rc == 0)
		rc = make_dir(ch->dir);
	snprintf(p, sizeof(p), "%s/_end", ch->dir);
	if (rc == 0)
		rc = make_dir(p);
	snprintf(p, sizeof(p), "%s/_adhoc", ch->dir);
	if (rc == 0)
		rc = make_dir(p);
	return rc;
}

static int produce_adhoc(void *arg, FILE *out, int64_t cap, char **meta);

/* Everything chain_open() does once the directory is there. */
static int open_state(struct chain *ch, struct cache *cache, int adopted)
{
	char rel[PATH_MAX];
	int dirty = 0, rc;

	/* Saved before anything of an earlier epoch or of version 1 goes, so
	 * that a crash in between never brings an old epoch back. */
	rc = load_state(ch, adopted, &dirty);
	if (rc == 0 && dirty)
		rc = save_state(ch);
	if (rc == 0 && adopted)
		rc = chainstate_drop_v1_head(ch->dir);
	if (rc)
		return rc;
	sweep(ch, "_end", 0);
	sweep(ch, "_adhoc", 1); /* their caps and ends are not known */
	rc = load_batches(ch);
	if (rc == 0 && adopted)
		rc = count_published(ch);
	dirty = adopted;
	if (rc == 0)
		repair_head(ch, !adopted, &dirty);
	snprintf(rel, sizeof(rel), "chains/%s/%s/_adhoc", ch->cfg.object,
		 ch->cfg.deletes ? "deletes" : "changes");
	if (rc == 0)
		rc = adhoc_table_init(&ch->adhoc, cache, rel, ch->cfg.adhoc_ttl,
				      ADHOC_MAX, produce_adhoc, ch);
	if (rc == 0 && dirty)
		rc = save_state(ch);
	return rc;
}

int chain_open(struct chain *ch, struct cache *cache,
	       const struct chain_config *cfg)
{
	const char *kind = cfg->deletes ? "deletes" : "changes";
	const char *root = cache_root(cache);
	int adopted = 0, rc = -ENOMEM;

	memset(ch, 0, sizeof(*ch));
	ch->cfg = *cfg;
	pthread_mutex_init(&ch->lock, NULL);
	wait_cond_init(&ch->changed);
	/* The refresh's read stops when cancel is raised; status shows who
	 * waits for it. */
	ch->progress.cancel = &ch->cancel;
	ch->progress.waiters = &ch->waiters;
	ch->cfg.object = strdup(cfg->object);
	if (!ch->cfg.object ||
	    asprintf(&ch->label, "%s/%s", cfg->object, kind) < 0 ||
	    asprintf(&ch->dir, "%s/chains/%s/%s", root, cfg->object, kind) <
		0) {
		ch->label = ch->dir = NULL;
		return -ENOMEM;
	}
	rc = make_dirs(ch, root, kind, &adopted);
	if (rc == 0)
		rc = open_state(ch, cache, adopted);
	if (rc)
		lf_err("%s: cannot open the chain in %s: %s", ch->label,
		       ch->dir, strerror(-rc));
	return rc;
}

void chain_close(struct chain *ch)
{
	if (!ch->cfg.object)
		return; /* never opened */
	pthread_mutex_lock(&ch->lock);
	if (ch->busy)
		__atomic_store_n(&ch->cancel, 1, __ATOMIC_RELEASE);
	while (ch->busy)
		pthread_cond_wait(&ch->changed, &ch->lock);
	pthread_mutex_unlock(&ch->lock);
	if (ch->adhoc.rel)
		adhoc_table_free(&ch->adhoc);
	for (size_t i = 0; i < ch->ntokens; i++)
		free(ch->tokens[i]);
	free(ch->tokens);
	chainstate_free(&ch->st);
	free(ch->dir);
	free(ch->label);
	free((char *)ch->cfg.object);
	pthread_mutex_destroy(&ch->lock);
	pthread_cond_destroy(&ch->changed);
	memset(ch, 0, sizeof(*ch));
}

/* ----------------------------------------------------------- refresh --- */

/* Reads one batch from head into a temporary file; on success *tmp names
 * it (or is empty when it held no records) and *end is the end. */
static int read_one(struct chain *ch, const char *head, int64_t init,
		    char tmp[PATH_MAX], char **end, unsigned long *records)
{
	struct table_opts o = *ch->cfg.opts; /* shallow: strings borrowed */
	unsigned long before;
	FILE *f;
	int fd, rc;

	if (o.num_rows > 0)
		o.num_rows -= ch->st.published;
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
	rc = source_read_batch(ch->cfg.http, ch->cfg.info, &o, ch->cfg.deletes,
			       head, init, f, end, &ch->progress);
	if (fclose(f) && rc == 0)
		rc = -errno;
	*records =
	    __atomic_load_n(&ch->progress.records, __ATOMIC_RELAXED) - before;
	if (rc || !*end || *records == 0) {
		unlink(tmp);
		tmp[0] = '\0';
	}
	return rc;
}

/*
 * The time of the batch published next: now, to the millisecond (what
 * Hadoop's file listings keep), but always a millisecond past the last
 * batch's, so that times ascend in stream order even when two batches are
 * published within one tick. Only the refresher asks.
 */
static int64_t next_batch_time(const struct chain *ch)
{
	int64_t now = isotime_now_us() / US_PER_MS * US_PER_MS;
	int64_t after = (ch->batch_us / US_PER_MS + 1) * US_PER_MS;

	return now > after ? now : after;
}

/* Gives the file at path the modification time us. */
static int set_mtime(const char *path, int64_t us)
{
	struct timespec t[2];

	t[0].tv_sec = t[1].tv_sec = (time_t)(us / US_PER_SEC);
	t[0].tv_nsec = t[1].tv_nsec = (long)(us % US_PER_SEC) * 1000;
	return utimensat(AT_FDCWD, path, t, 0) ? -errno : 0;
}

/* Records the step read from token, then publishes its batch (if it read
 * records) with the time at: a crash in between leaves a record the
 * repair skips. */
static int record_step(struct chain *ch, const char *token, const char *tmp,
		       const char *end, unsigned long records, int64_t at)
{
	char *final = path_join(ch->dir, token, ".jsonl");
	int rc = final ? 0 : -ENOMEM;

	if (rc == 0 && tmp[0])
		rc = set_mtime(tmp, at);
	if (rc == 0)
		rc = chainstate_save_step(ch->dir, token, end, (long)records);
	if (rc == 0 && tmp[0] && rename(tmp, final))
		rc = -errno;
	if (rc)
		lf_err("%s: cannot record the step from %s in %s: %s",
		       ch->label, token, ch->dir, strerror(-rc));
	else if (tmp[0])
		lf_debug("%s: published %s.jsonl (%lu records)", ch->label,
			 token, records);
	free(final);
	return rc;
}

/* Moves the head to end (taking it) and saves the state; a batch of
 * records published at time at is listed. Only the refresher writes the
 * head; readers take the lock. */
static int advance(struct chain *ch, char *end, const char *token,
		   unsigned long records, int64_t at)
{
	char moved[TOKEN_SIZE];
	int rc = 0;

	pthread_mutex_lock(&ch->lock);
	if (records) {
		rc = add_token(ch, token);
		ch->batch_us = at;
	}
	free(ch->st.head);
	ch->st.head = end;
	ch->st.moved_us = isotime_now_us();
	ch->st.published += (long)records;
	if (rc == 0)
		rc = save_state(ch);
	pthread_mutex_unlock(&ch->lock);
	lf_debug("%s: head moved to %s", ch->label, token_of(ch, end, moved));
	return rc;
}

/* Whether the num_rows budget of the epoch is spent. */
static int budget_spent(const struct chain *ch)
{
	long num_rows = ch->cfg.opts->num_rows;

	return num_rows > 0 && ch->st.published >= num_rows;
}

/* One step of a run from the head, capped at init; *done when the offset
 * stopped moving (or the budget is spent). */
static int step(struct chain *ch, int64_t init, int *done)
{
	char tmp[PATH_MAX], token[TOKEN_SIZE], end_token[TOKEN_SIZE];
	char *end = NULL;
	unsigned long records = 0;
	int64_t at = 0;
	int rc;

	*done = budget_spent(ch);
	if (*done) {
		lf_debug("%s: the num_rows budget is spent (%ld records)",
			 ch->label, ch->st.published);
		return 0;
	}
	rc = token_encode(ch->st.epoch, ch->st.head, token, sizeof(token));
	if (rc == 0)
		rc = read_one(ch, ch->st.head, init, tmp, &end, &records);
	*done = rc == 0 && !end;
	if (rc || !end)
		return rc;
	if (token_encode(ch->st.epoch, end, end_token, sizeof(end_token)) ||
	    strcmp(end_token, token) <= 0) {
		lf_err("%s: the offset did not move forward from %s; stopping "
		       "this refresh",
		       ch->label, token);
		rc = -EIO;
	}
	if (rc == 0) {
		lf_debug("%s: step %s: %lu records, ends at %s", ch->label,
			 token, records, end_token);
		at = next_batch_time(ch);
		rc = record_step(ch, token, tmp, end, records, at);
	}
	if (rc) {
		if (tmp[0])
			unlink(tmp);
		free(end);
		return rc;
	}
	return advance(ch, end, token, records, at);
}

/* Whether the refresh running was asked to stop. */
static int refresh_cancelled(struct chain *ch)
{
	return __atomic_load_n(&ch->cancel, __ATOMIC_ACQUIRE);
}

/* One refresh: its chain and its cap, for the thread that runs it. */
struct refresh_job {
	struct chain *ch;
	int64_t cap;
};

/*
 * A refresh's thread: one connector run from the head, capped at its
 * start, step by step (the head moves with each step), until the offset
 * stops moving or the refresh is cancelled before a step.
 */
static void *refresh_main(void *arg)
{
	struct refresh_job *job = arg;
	struct chain *ch = job->ch;
	int64_t cap = job->cap;
	struct activity act;
	int rc = 0, done = 0;

	free(job);
	if (ch->cfg.status)
		status_begin(ch->cfg.status, &act, ch->cfg.object,
			     ch->cfg.deletes ? "deletes" : "changes",
			     &ch->progress);
	while (rc == 0 && !done)
		rc = refresh_cancelled(ch) ? -ECANCELED : step(ch, cap, &done);
	if (ch->cfg.status)
		status_end(ch->cfg.status, &act);
	if (rc == -ECANCELED)
		lf_debug("%s: refresh cancelled: nobody waits for it any "
			 "more; the batches it published stay",
			 ch->label);

	pthread_mutex_lock(&ch->lock);
	ch->busy = 0;
	ch->ended++;
	ch->last_rc = rc;
	if (save_state(ch) == 0 && rc == 0)
		ch->refreshed_at = cap;
	pthread_cond_broadcast(&ch->changed);
	pthread_mutex_unlock(&ch->lock);
	return NULL;
}

/* Starts a refresh capped at now, under lock. */
static int refresh_start(struct chain *ch, int64_t now)
{
	struct refresh_job *job = malloc(sizeof(*job));
	char cap[ISOTIME_SIZE];
	int rc;

	if (!job)
		return -ENOMEM;
	job->ch = ch;
	job->cap = now;
	ch->busy = 1;
	__atomic_store_n(&ch->cancel, 0, __ATOMIC_RELEASE);
	ch->refreshes++;
	__atomic_store_n(&ch->progress.pages, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->progress.records, 0, __ATOMIC_RELAXED);
	ch->st.cap_us = now; /* on-demand reads are capped here from now on */
	isotime_format(now, cap);
	lf_debug("%s: refresh runs, capped at %s", ch->label, cap);
	rc = wait_spawn(refresh_main, job, ch->label);
	if (rc) {
		ch->busy = 0;
		free(job);
	}
	return rc;
}

/*
 * Waits, under lock, for the refresh running to end and returns its
 * result; -EINTR when w gave up first. The last listing to leave cancels
 * it, unless the chain finishes refreshes.
 */
static int refresh_wait(struct chain *ch, const struct waiter *w)
{
	int rc = wait_fetch(&ch->changed, &ch->lock, w, &ch->ended,
			    &ch->waiters, &ch->cancel, ch->cfg.finish_fetches);

	if (rc == 0)
		return ch->last_rc;
	if (ch->waiters == 0 && ch->cfg.finish_fetches)
		lf_debug("%s: nobody waits for the refresh any more; finishing "
			 "it (finish_fetches)",
			 ch->label);
	return rc;
}

int chain_refresh(struct chain *ch, const struct waiter *w)
{
	int64_t now = isotime_now_us();
	int mine = 0, rc = 0;

	pthread_mutex_lock(&ch->lock);
	ch->listings++;
	for (;;) {
		if (ch->busy) {
			rc = refresh_wait(ch, w);
			if (rc == -EINTR || mine)
				break;
			continue; /* someone else's: look again */
		}
		if (ch->refreshed_at &&
		    now - ch->refreshed_at <
			(int64_t)ch->cfg.refresh * US_PER_SEC) {
			lf_debug(
			    "%s: refresh skipped: the last one ran %lld ms "
			    "ago",
			    ch->label,
			    (long long)(now - ch->refreshed_at) / 1000);
			break;
		}
		rc = refresh_start(ch, now);
		if (rc)
			break;
		mine = 1;
	}
	pthread_mutex_unlock(&ch->lock);
	return rc == -ECANCELED ? -EIO : rc;
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

int chain_head_json(struct chain *ch, struct buf *out)
{
	int rc;

	pthread_mutex_lock(&ch->lock);
	rc = offset_line(ch->st.epoch, ch->st.head, out);
	pthread_mutex_unlock(&ch->lock);
	return rc;
}

void chain_times(struct chain *ch, int64_t *head_us, int64_t *batch_us)
{
	pthread_mutex_lock(&ch->lock);
	*head_us = ch->st.moved_us;
	*batch_us = ch->batch_us;
	pthread_mutex_unlock(&ch->lock);
}

unsigned chain_epoch(struct chain *ch)
{
	unsigned epoch;

	pthread_mutex_lock(&ch->lock);
	epoch = ch->st.epoch;
	pthread_mutex_unlock(&ch->lock);
	return epoch;
}

void chain_counts(struct chain *ch, unsigned long *listings,
		  unsigned long *refreshes)
{
	pthread_mutex_lock(&ch->lock);
	*listings = ch->listings;
	*refreshes = ch->refreshes;
	pthread_mutex_unlock(&ch->lock);
}

/* ------------------------------------------------------------ batches --- */

/* What a token names: a recorded step (with its batch file, or none), or a
 * batch read on demand (referenced until put_batch()). */
struct found {
	int recorded;		/* a recorded step */
	struct chain_step step; /* its record */
	char *path;		/* its batch file; NULL: it read nothing */
	struct adhoc *adhoc;	/* not a step: the on-demand entry */
};

static void put_batch(struct chain *ch, struct found *f)
{
	free(f->step.end);
	free(f->path);
	if (f->adhoc) {
		pthread_mutex_lock(&ch->lock);
		adhoc_release(&ch->adhoc, f->adhoc, isotime_now_us());
		pthread_mutex_unlock(&ch->lock);
	}
	memset(f, 0, sizeof(*f));
}

/*
 * The cap of on-demand reads: the last refresh's, or for a chain never
 * refreshed, now (kept, so that it converges across remounts). Under lock.
 */
static int64_t adhoc_cap(struct chain *ch)
{
	char cap[ISOTIME_SIZE];

	if (!ch->st.cap_us) {
		ch->st.cap_us = isotime_now_us();
		save_state(ch);
		isotime_format(ch->st.cap_us, cap);
		lf_debug(
		    "%s: never refreshed: on-demand reads are capped at %s",
		    ch->label, cap);
	}
	return ch->st.cap_us;
}

/* Finds the on-demand entry of token and makes it want the cap. */
static int get_adhoc(struct chain *ch, const char *token, const char *cursor,
		     struct found *f)
{
	int64_t cap;
	int rc;

	pthread_mutex_lock(&ch->lock);
	cap = adhoc_cap(ch);
	rc = adhoc_acquire(&ch->adhoc, token, cursor, isotime_now_us(),
			   &f->adhoc);
	pthread_mutex_unlock(&ch->lock);
	if (rc == 0)
		centry_want(&f->adhoc->entry, cap);
	return rc;
}

/*
 * Finds what token names in the chain: -ENOENT for a name that is not a
 * token of the chain's epoch (a token of another epoch names a chain a
 * full refresh removed: never answered with this one's data).
 */
static int get_batch(struct chain *ch, const char *token, struct found *f)
{
	unsigned epoch;
	char *cursor;
	int rc;

	memset(f, 0, sizeof(*f));
	if (token_decode(token, &epoch, &cursor))
		return -ENOENT;
	if (epoch != ch->st.epoch) {
		lf_debug("%s: %s is a token of epoch %u, not of epoch %u",
			 ch->label, token, epoch, ch->st.epoch);
		free(cursor);
		return -ENOENT;
	}
	rc = chainstate_load_step(ch->dir, token, &f->step);
	if (rc == 0 && batch_exists(ch, token)) {
		f->path = path_join(ch->dir, token, ".jsonl");
		rc = f->path ? 0 : -ENOMEM;
	} else if (rc == 0 && f->step.records != 0) {
		/* Its batch never made it into place: not a step taken. */
		free(f->step.end);
		f->step.end = NULL;
		rc = -ENOENT;
	}
	f->recorded = rc == 0;
	if (rc == -ENOENT)
		rc = get_adhoc(ch, token, cursor, f);
	else if (rc == -EINVAL)
		lf_err("%s: the step record of %s is damaged", ch->label,
		       token);
	free(cursor);
	return rc == -EINVAL ? -EIO : rc;
}

/*
 * Produces an on-demand batch: one connector read from its offset, capped
 * at cap; what _next says of it is kept with this very file.
 */
static int produce_adhoc(void *arg, FILE *out, int64_t cap, char **meta)
{
	struct adhoc *a = arg;
	struct chain *ch = a->owner;
	struct read_progress progress = {0};
	char when[ISOTIME_SIZE];
	struct activity act;
	struct buf line;
	char *end = NULL;
	int rc;

	progress.cancel = &a->entry.cancel;
	progress.waiters = &a->entry.waiters;
	if (ch->cfg.status)
		status_begin(ch->cfg.status, &act, ch->cfg.object, a->token,
			     &progress);
	rc = source_read_batch(ch->cfg.http, ch->cfg.info, ch->cfg.opts,
			       ch->cfg.deletes, a->cursor, cap, out, &end,
			       &progress);
	if (ch->cfg.status)
		status_end(ch->cfg.status, &act);
	buf_init(&line, TOKEN_SIZE * 4);
	if (rc == 0)
		rc = offset_line(ch->st.epoch, end ? end : a->cursor, &line);
	if (rc == 0) {
		isotime_format(cap, when);
		lf_debug("%s: on-demand %s: fetched %lu records capped at %s, "
			 "ends at %s",
			 ch->label, a->token, progress.records, when,
			 line.data);
		*meta = buf_steal(&line);
	}
	buf_free(&line);
	free(end);
	return rc;
}

/* The stat of a step that read nothing: an empty file, as old as its
 * record. */
static int empty_stat(const struct chain *ch, const char *token,
		      struct stat *st)
{
	char *rec = path_join(ch->dir, "_end/", token);
	int rc = rec && stat(rec, st) == 0 ? 0 : -EIO;

	free(rec);
	st->st_size = 0;
	st->st_blocks = 0;
	return rc;
}

int chain_batch_stat(struct chain *ch, const char *token,
		     const struct waiter *w, struct stat *st)
{
	struct found f;
	unsigned gen;
	int rc = get_batch(ch, token, &f);

	if (rc == 0 && f.path)
		rc = stat(f.path, st) ? -errno : 0;
	else if (rc == 0 && f.recorded)
		rc = empty_stat(ch, token, st);
	else if (rc == 0)
		rc = centry_ensure(&f.adhoc->entry, w, st, &gen);
	if (rc == 0 && f.adhoc)
		lf_debug("%s: on-demand %s served (fetch %u)", ch->label, token,
			 gen);
	put_batch(ch, &f);
	return rc;
}

int chain_batch_open(struct chain *ch, const char *token,
		     const struct waiter *w, struct chain_batch *b)
{
	struct found f;
	int keep, rc = get_batch(ch, token, &f);

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->published = rc == 0 && f.recorded;
	if (rc == 0 && f.path) {
		b->fd = open(f.path, O_RDONLY | O_CLOEXEC);
		rc = b->fd < 0 ? -errno : 0;
	} else if (rc == 0 && !f.recorded) {
		/* Counted open: never evicted nor fetched again under it. */
		rc = centry_open(&f.adhoc->entry, w, &b->fd, &keep);
		if (rc == 0) {
			b->adhoc = f.adhoc;
			f.adhoc = NULL;
		}
	}
	put_batch(ch, &f);
	return rc;
}

void chain_batch_close(struct chain *ch, struct chain_batch *b)
{
	if (b->fd >= 0)
		close(b->fd);
	if (b->adhoc) {
		centry_close(&b->adhoc->entry);
		pthread_mutex_lock(&ch->lock);
		adhoc_release(&ch->adhoc, b->adhoc, isotime_now_us());
		pthread_mutex_unlock(&ch->lock);
	}
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

int chain_batch_end_json(struct chain *ch, const char *token,
			 const struct waiter *w, struct buf *out)
{
	struct found f;
	struct stat st;
	char *meta = NULL;
	unsigned gen;
	int rc = get_batch(ch, token, &f);

	if (rc == 0 && f.recorded)
		rc = offset_line(ch->st.epoch, f.step.end, out);
	else if (rc == 0)
		rc = centry_ensure_meta(&f.adhoc->entry, w, &st, &gen, &meta);
	if (rc == 0 && !f.recorded)
		rc = meta ? buf_puts(out, meta) : -EIO;
	free(meta);
	put_batch(ch, &f);
	return rc;
}
