/* SPDX-License-Identifier: MIT */
/*
 * db: the tracker's tables in memory. See db.h.
 */
#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

/* What every row of a table is sorted and filtered on. */
struct key {
	int64_t created_s, updated_s;
	int64_t closed_s; /* -1: open (comments: always) */
};

/* A table's rows in id order, and the same rows by (updated_s, row). */
struct table {
	struct key *keys;
	uint32_t *by_updated;
	size_t n, alloc;
};

struct issue {
	char *title; /* NULL: the seeded title */
	char *body;  /* with body_set: the written body, NULL for null */
	int body_set;
};

struct comment {
	char *body;	/* NULL: the seeded body */
	uint32_t issue; /* the row of its issue */
};

struct db {
	pthread_rwlock_t lock;
	struct data data;
	struct table it, ct; /* issues, comments */
	struct issue *issues;
	struct comment *comments;
	int64_t last_s; /* the latest timestamp a write gave */
};

/* ------------------------------------------------------------ tables --- */

static int cmp_updated(const void *a, const void *b, void *ctx)
{
	const struct key *keys = ctx;
	uint32_t ra = *(const uint32_t *)a, rb = *(const uint32_t *)b;

	if (keys[ra].updated_s != keys[rb].updated_s)
		return keys[ra].updated_s < keys[rb].updated_s ? -1 : 1;
	return ra < rb ? -1 : ra > rb;
}

/* Where (updated_s, row) is or would go in t->by_updated. */
static size_t updated_pos(const struct table *t, int64_t updated_s,
			  uint32_t row)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t r = t->by_updated[mid];
		int64_t u = t->keys[r].updated_s;

		if (u < updated_s || (u == updated_s && r < row))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Grows t (and the parallel array *extra of esize bytes) for one row. */
static int table_reserve(struct table *t, void **extra, size_t esize)
{
	size_t alloc = t->alloc ? t->alloc * 2 : 64;
	void *k, *b, *e;

	if (t->n < t->alloc)
		return 0;
	if (t->n >= DB_ROWS_MAX)
		return -ENOSPC;
	k = realloc(t->keys, alloc * sizeof(*t->keys));
	if (k)
		t->keys = k;
	b = k ? realloc(t->by_updated, alloc * sizeof(*t->by_updated)) : NULL;
	if (b)
		t->by_updated = b;
	e = b ? realloc(*extra, alloc * esize) : NULL;
	if (!e)
		return -ENOMEM;
	*extra = e;
	memset((char *)e + t->n * esize, 0, (alloc - t->n) * esize);
	t->alloc = alloc;
	return 0;
}

/* Adds row t->n with key k (room reserved), sorted in by_updated. */
static void table_append(struct table *t, const struct key *k)
{
	uint32_t row = (uint32_t)t->n;
	size_t pos;

	t->keys[row] = *k;
	pos = updated_pos(t, k->updated_s, row);
	memmove(t->by_updated + pos + 1, t->by_updated + pos,
		(t->n - pos) * sizeof(*t->by_updated));
	t->by_updated[pos] = row;
	t->n++;
}

/* Sets row's updated_s and moves it to its new place in by_updated. */
static void table_touch(struct table *t, uint32_t row, int64_t updated_s)
{
	size_t from = updated_pos(t, t->keys[row].updated_s, row), to;

	memmove(t->by_updated + from, t->by_updated + from + 1,
		(t->n - from - 1) * sizeof(*t->by_updated));
	t->n--;
	t->keys[row].updated_s = updated_s;
	to = updated_pos(t, updated_s, row);
	memmove(t->by_updated + to + 1, t->by_updated + to,
		(t->n - to) * sizeof(*t->by_updated));
	t->by_updated[to] = row;
	t->n++;
}

/* Sorts by_updated once every seeded key is in. */
static void table_sort(struct table *t)
{
	for (size_t r = 0; r < t->n; r++)
		t->by_updated[r] = (uint32_t)r;
	qsort_r(t->by_updated, t->n, sizeof(*t->by_updated), cmp_updated,
		t->keys);
}

/* ------------------------------------------------------------- setup --- */

static int seed_issues(struct db *db)
{
	struct data_issue di;
	struct key k;
	int rc;

	for (uint64_t i = 0; i < db->data.issues; i++) {
		rc = table_reserve(&db->it, (void **)&db->issues,
				   sizeof(*db->issues));
		if (rc)
			return rc;
		data_issue(&db->data, i, &di);
		k = (struct key){di.created_s, di.updated_s, di.closed_s};
		db->it.keys[db->it.n++] = k;
	}
	table_sort(&db->it);
	return 0;
}

static int seed_comments(struct db *db)
{
	struct data_comment dc;
	int rc;

	for (uint64_t j = 0; j < db->data.comments; j++) {
		rc = table_reserve(&db->ct, (void **)&db->comments,
				   sizeof(*db->comments));
		if (rc)
			return rc;
		data_comment(&db->data, j, &dc);
		db->ct.keys[db->ct.n] =
		    (struct key){dc.created_s, dc.updated_s, -1};
		db->comments[db->ct.n++].issue = (uint32_t)dc.issue;
	}
	table_sort(&db->ct);
	return 0;
}

/* The latest updated_s of t (which is never before its created_s). */
static int64_t latest(const struct table *t)
{
	return t->n ? t->keys[t->by_updated[t->n - 1]].updated_s : 0;
}

int db_new(const struct data *d, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));

	if (!db)
		return -ENOMEM;
	db->data = *d;
	pthread_rwlock_init(&db->lock, NULL);
	if (seed_issues(db) || seed_comments(db)) {
		db_free(db);
		return -ENOMEM;
	}
	/* Writes come after every seeded timestamp, whatever the clock says. */
	db->last_s = latest(&db->it);
	if (latest(&db->ct) > db->last_s)
		db->last_s = latest(&db->ct);
	*out = db;
	return 0;
}

static void table_free(struct table *t)
{
	free(t->keys);
	free(t->by_updated);
}

void db_free(struct db *db)
{
	if (!db)
		return;
	for (size_t r = 0; r < db->it.n; r++) {
		free(db->issues[r].title);
		free(db->issues[r].body);
	}
	for (size_t r = 0; r < db->ct.n; r++)
		free(db->comments[r].body);
	table_free(&db->it);
	table_free(&db->ct);
	free(db->issues);
	free(db->comments);
	pthread_rwlock_destroy(&db->lock);
	free(db);
}

/* ------------------------------------------------------------ render --- */

static int put_issue(const struct db *db, uint32_t row, struct buf *out)
{
	const struct issue *is = &db->issues[row];
	const struct key *k = &db->it.keys[row];
	char title[DATA_TEXT_MAX], body[DATA_TEXT_MAX];
	struct render_issue v = {
	    .id = DATA_ISSUE_ID0 + DATA_ISSUE_STEP * (int64_t)row,
	    .number = (uint64_t)row + 1,
	    .title = is->title,
	    .body = is->body,
	    .user = &data_users[DATA_TOKEN_USER],
	    .created_s = k->created_s,
	    .updated_s = k->updated_s,
	    .closed_s = k->closed_s,
	};
	struct data_issue di;

	if (row < db->data.issues) {
		data_issue(&db->data, row, &di);
		v.user = &data_users[di.user];
		if (di.milestone >= 0)
			v.milestone = &data_milestones[di.milestone];
		if (!is->title) {
			data_issue_title(&db->data, row, title);
			v.title = title;
		}
		if (!is->body_set && !di.body_null) {
			data_issue_body(&db->data, row, body);
			v.body = body;
		}
	}
	return render_issue(&v, out);
}

static int put_comment(const struct db *db, uint32_t row, struct buf *out)
{
	const struct comment *c = &db->comments[row];
	const struct key *k = &db->ct.keys[row];
	char body[DATA_TEXT_MAX];
	struct render_comment v = {
	    .id = DATA_COMMENT_ID0 + DATA_COMMENT_STEP * (int64_t)row,
	    .issue_number = (uint64_t)c->issue + 1,
	    .user = &data_users[DATA_TOKEN_USER],
	    .body = c->body,
	    .created_s = k->created_s,
	    .updated_s = k->updated_s,
	};
	struct data_comment dc;

	if (row < db->data.comments) {
		data_comment(&db->data, row, &dc);
		v.user = &data_users[dc.user];
		if (!c->body) {
			data_comment_body(&db->data, row, body);
			v.body = body;
		}
	}
	return render_comment(&v, out);
}

/* -------------------------------------------------------------- lists --- */

static int matches(const struct key *k, const struct db_query *q)
{
	if (q->state == DB_OPEN && k->closed_s >= 0)
		return 0;
	if (q->state == DB_CLOSED && k->closed_s < 0)
		return 0;
	return !q->has_since || k->updated_s * 1000000 >= q->since_us;
}

static void reverse(uint32_t *a, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint32_t x = a[i];

		a[i] = a[n - 1 - i];
		a[n - 1 - i] = x;
	}
}

static int64_t sort_key(const struct table *t, enum db_sort s, uint32_t row)
{
	return s == DB_UPDATED ? t->keys[row].updated_s
			       : t->keys[row].created_s;
}

/* Turns ascending m[] descending by the sort key, ties still by id asc. */
static void descend(const struct table *t, enum db_sort s, uint32_t *m,
		    size_t n)
{
	size_t i = 0, j;

	reverse(m, n);
	while (i < n) {
		for (j = i + 1;
		     j < n && sort_key(t, s, m[j]) == sort_key(t, s, m[i]); j++)
			;
		reverse(m + i, j - i);
		i = j;
	}
}

/* The rows that match q, in q's order, into m (t->n entries); how many. */
static size_t select_rows(const struct table *t, const struct db_query *q,
			  uint32_t *m)
{
	size_t n = 0;

	for (size_t k = 0; k < t->n; k++) {
		uint32_t r =
		    q->sort == DB_UPDATED ? t->by_updated[k] : (uint32_t)k;

		if (matches(&t->keys[r], q))
			m[n++] = r;
	}
	if (q->desc)
		descend(t, q->sort, m, n);
	return n;
}

typedef int (*put_fn)(const struct db *db, uint32_t row, struct buf *out);

/* The index of page's first record of n, or n when it is past the end. */
static uint64_t page_start(uint64_t page, unsigned per_page, uint64_t n)
{
	return page - 1 > n / per_page ? n : (page - 1) * per_page;
}

static int list(struct db *db, const struct table *t, const struct db_query *q,
		put_fn put, struct buf *out, uint64_t *total)
{
	uint32_t *m;
	size_t n, from, i;
	int rc = 0;

	pthread_rwlock_rdlock(&db->lock);
	m = malloc((t->n ? t->n : 1) * sizeof(*m));
	if (!m) {
		rc = -ENOMEM;
		goto out;
	}
	n = select_rows(t, q, m);
	*total = n;
	from = page_start(q->page, q->per_page, n);
	rc = buf_putc(out, '[');
	for (i = from; rc == 0 && i < n && i < from + q->per_page; i++) {
		if (i > from)
			rc = buf_putc(out, ',');
		if (rc == 0)
			rc = put(db, m[i], out);
	}
	if (rc == 0)
		rc = buf_putc(out, ']');
out:
	pthread_rwlock_unlock(&db->lock);
	free(m);
	return rc;
}

int db_issues(struct db *db, const struct db_query *q, struct buf *out,
	      uint64_t *total)
{
	return list(db, &db->it, q, put_issue, out, total);
}

int db_comments(struct db *db, const struct db_query *q, struct buf *out,
		uint64_t *total)
{
	struct db_query all = *q;

	all.state = DB_ALL;
	return list(db, &db->ct, &all, put_comment, out, total);
}

int db_labels(struct db *db, uint64_t page, unsigned per_page, struct buf *out,
	      uint64_t *total)
{
	uint64_t n = db->data.labels, from;
	char name[DATA_TEXT_MAX];
	const char *color, *desc;
	int rc = buf_putc(out, '[');

	*total = n;
	from = page_start(page, per_page, n);
	for (uint64_t i = from; rc == 0 && i < n && i < from + per_page; i++) {
		data_label(i, name, &color, &desc);
		if (i > from)
			rc = buf_putc(out, ',');
		if (rc == 0)
			rc = render_label(name, color, desc, out);
	}
	return rc ? rc : buf_putc(out, ']');
}

/* ------------------------------------------------------------- writes --- */

/* The timestamp of a write: now, but never before the last one. */
static int64_t tick(struct db *db)
{
	int64_t now = (int64_t)time(NULL);

	if (now < db->last_s)
		now = db->last_s;
	db->last_s = now;
	return now;
}

/* Replaces *slot with a copy of s (NULL stays NULL). 0 or -ENOMEM. */
static int set_text(char **slot, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Applies e's texts to issue row (the caller holds the write lock). */
static int apply_texts(struct db *db, uint32_t row, const struct db_edit *e)
{
	struct issue *is = &db->issues[row];
	int rc = 0;

	if (e->title)
		rc = set_text(&is->title, e->title);
	if (rc == 0 && e->set_body) {
		rc = set_text(&is->body, e->body);
		if (rc == 0)
			is->body_set = 1;
	}
	return rc;
}

int db_issue_create(struct db *db, const struct db_edit *e, struct buf *out)
{
	struct key k;
	uint32_t row;
	int rc;

	pthread_rwlock_wrlock(&db->lock);
	rc = table_reserve(&db->it, (void **)&db->issues, sizeof(*db->issues));
	if (rc)
		goto out;
	row = (uint32_t)db->it.n;
	rc = apply_texts(db, row, e);
	if (rc) {
		set_text(&db->issues[row].title, NULL);
		set_text(&db->issues[row].body, NULL);
		goto out;
	}
	k.created_s = k.updated_s = tick(db);
	k.closed_s = -1;
	table_append(&db->it, &k);
	rc = put_issue(db, row, out);
out:
	pthread_rwlock_unlock(&db->lock);
	return rc;
}

int db_issue_edit(struct db *db, uint64_t number, const struct db_edit *e,
		  struct buf *out)
{
	uint32_t row = (uint32_t)(number - 1);
	struct key *k;
	int64_t now;
	int rc = -ENOENT;

	pthread_rwlock_wrlock(&db->lock);
	if (number < 1 || number > db->it.n)
		goto out;
	rc = apply_texts(db, row, e);
	if (rc)
		goto out;
	now = tick(db);
	k = &db->it.keys[row];
	if (e->set_state && e->closed && k->closed_s < 0)
		k->closed_s = now;
	else if (e->set_state && !e->closed)
		k->closed_s = -1;
	table_touch(&db->it, row, now);
	rc = put_issue(db, row, out);
out:
	pthread_rwlock_unlock(&db->lock);
	return rc;
}

int db_comment_create(struct db *db, uint64_t number, const char *body,
		      struct buf *out)
{
	uint32_t row;
	struct key k;
	int rc = -ENOENT;

	pthread_rwlock_wrlock(&db->lock);
	if (number < 1 || number > db->it.n)
		goto out;
	rc = table_reserve(&db->ct, (void **)&db->comments,
			   sizeof(*db->comments));
	if (rc)
		goto out;
	row = (uint32_t)db->ct.n;
	rc = set_text(&db->comments[row].body, body);
	if (rc)
		goto out;
	db->comments[row].issue = (uint32_t)(number - 1);
	k.created_s = k.updated_s = tick(db);
	k.closed_s = -1;
	table_append(&db->ct, &k);
	table_touch(&db->it, (uint32_t)(number - 1), k.updated_s);
	rc = put_comment(db, row, out);
out:
	pthread_rwlock_unlock(&db->lock);
	return rc;
}

int db_comment_edit(struct db *db, int64_t id, const char *body,
		    struct buf *out)
{
	int64_t off = id - DATA_COMMENT_ID0;
	uint32_t row = (uint32_t)(off / DATA_COMMENT_STEP);
	int rc = -ENOENT;

	pthread_rwlock_wrlock(&db->lock);
	if (off < 0 || off % DATA_COMMENT_STEP ||
	    (uint64_t)off / DATA_COMMENT_STEP >= db->ct.n)
		goto out;
	rc = set_text(&db->comments[row].body, body);
	if (rc)
		goto out;
	table_touch(&db->ct, row, tick(db));
	rc = put_comment(db, row, out);
out:
	pthread_rwlock_unlock(&db->lock);
	return rc;
}
