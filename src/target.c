/* SPDX-License-Identifier: MIT */
/*
 * target: an object's destination table files, kept up to date with its
 * chains. See target.h.
 */
#include "target.h"

#include "wait.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/isotime.h"
#include "log.h"
#include "token.h"

#define VIEW_FILE "view.sqlite"

static const char *const stream_name[2] = {"changes", "deletes"};

/* ------------------------------------------------------------- files --- */

/* Makes file from the view as it is now with write, saying at debug level
 * how it went. */
static int produce_view(struct target *t, const char *file,
			int (*write)(struct view *, FILE *), FILE *out,
			int64_t version)
{
	int64_t started = isotime_now_us();
	int rc = write(t->view, out);

	if (rc)
		lf_debug("cache: %s/%s: making it failed: %s", t->object, file,
			 strerror(-rc));
	else
		lf_debug("cache: %s/%s: made for version %lld in %lld ms",
			 t->object, file, (long long)version,
			 (long long)(isotime_now_us() - started) / 1000);
	return rc;
}

static int produce_current(void *arg, FILE *out, int64_t version, char **meta)
{
	(void)meta;
	return produce_view(arg, "current.jsonl", view_write_current, out,
			    version);
}

static int produce_history(void *arg, FILE *out, int64_t version, char **meta)
{
	(void)meta;
	return produce_view(arg, "history.jsonl", view_write_history, out,
			    version);
}

/* Whether a tombstone of deletes/ carries the column: the connector's
 * keys and cursor are set in it, every other column is null. */
static int in_tombstone(const struct table_info *t, const char *name)
{
	if (t->cursor_field && !strcmp(t->cursor_field, name))
		return 1;
	for (size_t i = 0; i < t->nprimary_keys; i++) {
		if (!strcmp(t->primary_keys[i], name))
			return 1;
	}
	return 0;
}

/* Says at mount what deletes/ cannot do under this definition. */
static void warn_deletes(const struct target *t, const struct view_def *def)
{
	if (!t->deletes)
		return;
	if (!in_tombstone(def->table, def->sequence_by))
		lf_warn("%s: sequence_by '%s' is not the cursor field: the "
			"tombstones of deletes/ carry no '%s', so no delete "
			"applies to current.jsonl",
			t->object, def->sequence_by, def->sequence_by);
	for (size_t i = 0; i < def->nkeys; i++) {
		if (!in_tombstone(def->table, def->keys[i]))
			lf_warn(
			    "%s: primary key '%s' is not the connector's: "
			    "the tombstones of deletes/ carry it as null, so "
			    "a delete applies to the key null",
			    t->object, def->keys[i]);
	}
}

/* Opens the view's database in the chains' directory of the object. */
static int open_view(struct target *t, struct cache *cache,
		     const struct view_def *def, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rebuilt = 0, rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/chains/%s/" VIEW_FILE,
			     cache_root(cache), t->object) >= sizeof(path)) {
		snprintf(err, errlen, "%s: the cache path is too long",
			 t->object);
		return -ENAMETOOLONG;
	}
	rc = view_open(path, def, &t->view, &rebuilt, err, errlen);
	if (rc == 0 && rebuilt)
		lf_info("%s: the destination table was built by other keys, "
			"sequence or SCD type: building it again",
			t->object);
	return rc;
}

/* Removes the history.jsonl an earlier SCD type 2 definition left. */
static void drop_history(const struct target *t, struct cache *cache)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/chains/%s/history.jsonl",
		 cache_root(cache), t->object);
	if (unlink(path) == 0)
		lf_info(
		    "%s: removed the history.jsonl of SCD type 2, which the "
		    "spec no longer sets",
		    t->object);
}

int target_open(struct target *t, struct cache *cache, const char *object,
		const struct view_def *def, struct chain *changes,
		struct chain *deletes, struct status *status, char *err,
		size_t errlen)
{
	char rel[PATH_MAX];
	int rc;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	wait_cond_init(&t->changed);
	t->changes = changes;
	t->deletes = deletes;
	t->status = status;
	t->scd2 = def->scd2;
	t->version = 1;
	if (!(t->object = strdup(object)))
		return -ENOMEM;
	rc = open_view(t, cache, def, err, errlen);
	snprintf(rel, sizeof(rel), "chains/%s", object);
	if (rc == 0)
		rc = centry_init(&t->current, cache, rel, "current.jsonl", -1,
				 NULL, produce_current, t);
	if (rc == 0 && t->scd2)
		rc = centry_init(&t->history, cache, rel, "history.jsonl", -1,
				 NULL, produce_history, t);
	if (rc)
		return rc;
	if (!t->scd2)
		drop_history(t, cache);
	/* Versioned: never adopts a file an earlier run left. */
	centry_want(&t->current, t->version);
	if (t->scd2)
		centry_want(&t->history, t->version);
	warn_deletes(t, def);
	return 0;
}

void target_close(struct target *t)
{
	if (!t->object)
		return; /* never opened */
	view_close(t->view);
	centry_destroy(&t->current);
	centry_destroy(&t->history);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->changed);
	free(t->object);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------ update --- */

/* One stream being brought up to date: its chain and published batches. */
struct stream {
	enum view_stream s;
	struct chain *chain;
	char epoch[16]; /* "" for a stream the object does not have */
	char **tokens;	/* published, ascending: stream order */
	size_t ntokens;
	long from; /* the first batch not applied */
};

/* Applies the published batch named token of one stream. */
static int apply_one(struct target *t, struct stream *s, const char *token,
		     struct view_stats *st)
{
	struct chain_batch b;
	FILE *f = NULL;
	int fd = -1, rc;

	rc = chain_batch_open(s->chain, token, NULL, &b);
	if (rc)
		return rc;
	if (b.fd < 0) { /* a listed batch has a file */
		rc = -EIO;
	} else if ((fd = dup(b.fd)) < 0 || !(f = fdopen(fd, "r"))) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
	} else {
		rc = view_apply(t->view, s->s, s->epoch, token, f, st);
		fclose(f);
	}
	chain_batch_close(s->chain, &b);
	if (rc)
		lf_err("%s: cannot apply %s/%s.jsonl to the destination table: "
		       "%s",
		       t->object, stream_name[s->s], token, strerror(-rc));
	return rc;
}

/* Applies the stream's batches from s->from on; *changed when one was.
 * Gives up between two batches (-EINTR) once w does: what was applied
 * stays applied, and the next update goes on from there. */
static int apply_stream(struct target *t, struct stream *s,
			const struct waiter *w, int *changed)
{
	int64_t started = isotime_now_us();
	struct view_stats st;
	long batches = 0, rows = 0, skipped = 0;
	int rc = 0;

	for (size_t i = (size_t)s->from; rc == 0 && i < s->ntokens; i++) {
		if (waiter_gave_up(w)) {
			rc = -EINTR;
			break;
		}
		rc = apply_one(t, s, s->tokens[i], &st);
		if (rc || st.already)
			continue;
		*changed = 1;
		batches++;
		rows += st.rows;
		skipped += st.skipped;
		__atomic_add_fetch(&t->progress.pages, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&t->progress.records, (unsigned long)st.rows,
				   __ATOMIC_RELAXED);
	}
	if (batches)
		lf_debug("%s: applied %ld batches of %s/ (%ld records) to the "
			 "destination table in %lld ms",
			 t->object, batches, stream_name[s->s], rows,
			 (long long)(isotime_now_us() - started) / 1000);
	if (skipped)
		lf_info("%s: %ld records of %s/ have no valid sequence_by "
			"value: skipped",
			t->object, skipped, stream_name[s->s]);
	return rc;
}

/*
 * Finds where the stream's application stands: s->from. Returns 1 when
 * the view's record does not match the chain (a batch it applied is not
 * the chain's), 0, or -errno.
 */
static int stream_progress(struct target *t, struct stream *s)
{
	char last[TOKEN_SIZE];
	long n;
	int rc = view_progress(t->view, s->s, &n, last, sizeof(last));

	s->from = 0;
	if (rc)
		return rc;
	if ((size_t)n > s->ntokens ||
	    (n > 0 && strcmp(s->tokens[n - 1], last))) {
		lf_warn("%s: the destination table applied %ld batches of %s/, "
			"the last %s, which the chain does not list so: "
			"building it again",
			t->object, n, stream_name[s->s], last);
		return 1;
	}
	s->from = n;
	return 0;
}

/* Loads the published tokens and the epoch of a stream (s zeroed). */
static int stream_load(struct stream *s, enum view_stream which,
		       struct chain *ch)
{
	s->s = which;
	s->chain = ch;
	if (!ch)
		return 0;
	snprintf(s->epoch, sizeof(s->epoch), "%u", chain_epoch(ch));
	if (chain_tokens(ch, &s->tokens))
		return -ENOMEM;
	while (s->tokens[s->ntokens])
		s->ntokens++;
	return 0;
}

/* Follows the chains' epochs and finds where each stream stands; empties
 * the view when it does not match the chains. */
static int position(struct target *t, struct stream s[2], int *changed)
{
	int reset = 0, rc, mismatch = 0;

	rc = view_sync(t->view, s[0].epoch, s[1].epoch, &reset);
	for (int i = 0; rc == 0 && i < 2; i++) {
		rc = stream_progress(t, &s[i]);
		mismatch |= rc == 1;
		rc = rc == 1 ? 0 : rc;
	}
	if (rc == 0 && mismatch) {
		rc = view_reset(t->view);
		s[0].from = s[1].from = 0;
	}
	if (reset)
		lf_info("%s: the chains started a new epoch: the destination "
			"table is built again",
			t->object);
	*changed = reset || mismatch;
	return rc;
}

/* Applies what the chains published since the last update, showing it
 * in _status.json while it runs. */
static int catch_up(struct target *t, const struct waiter *w, int *changed)
{
	struct stream s[2];
	struct activity act;
	long pending = 0;
	int rc;

	memset(s, 0, sizeof(s));
	rc = stream_load(&s[0], VIEW_CHANGES, t->changes);
	if (rc == 0)
		rc = stream_load(&s[1], VIEW_DELETES, t->deletes);
	if (rc == 0)
		rc = position(t, s, changed);
	for (int i = 0; rc == 0 && i < 2; i++)
		pending += (long)s[i].ntokens - s[i].from;
	if (rc == 0 && pending > 0) {
		if (t->status)
			status_begin(t->status, &act, t->object,
				     "current.jsonl", &t->progress);
		for (int i = 0; rc == 0 && i < 2; i++)
			rc = apply_stream(t, &s[i], w, changed);
		if (t->status)
			status_end(t->status, &act);
	}
	for (int i = 0; i < 2; i++)
		source_names_free(s[i].tokens);
	return rc;
}

/* Refreshes the chains as a listing of changes/ and deletes/ does. */
static int refresh(struct target *t, const struct waiter *w)
{
	int rc = chain_refresh(t->changes, w);

	if (rc == 0 && t->deletes)
		rc = chain_refresh(t->deletes, w);
	if (rc && rc != -EINTR)
		lf_err("%s: refresh failed: %s", t->object, strerror(-rc));
	return rc;
}

int target_update(struct target *t, const struct waiter *w)
{
	int changed = 0, rc = refresh(t, w);

	if (rc)
		return rc;
	pthread_mutex_lock(&t->lock);
	while (t->busy && rc == 0)
		rc = wait_slice(&t->changed, &t->lock, w);
	if (rc) {
		pthread_mutex_unlock(&t->lock);
		return rc;
	}
	t->busy = 1;
	t->progress.pages = 0;
	t->progress.records = 0;
	pthread_mutex_unlock(&t->lock);
	rc = catch_up(t, w, &changed);
	pthread_mutex_lock(&t->lock);
	t->busy = 0;
	/* Also after a failure: what was applied before it stays applied. */
	if (changed) {
		t->version++;
		centry_want(&t->current, t->version);
		if (t->scd2)
			centry_want(&t->history, t->version);
	}
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
	return rc;
}
