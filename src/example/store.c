/* SPDX-License-Identifier: MIT */
/*
 * store: ordered pages over virtual seeded rows and written rows.
 * See store.h for the design.
 *
 * The order of a table is (cursor, primary key), or the primary key alone
 * where there is no cursor. A table's rows are the merge of two sorted
 * sequences: A, the live seeded rows (index order is table order, and the
 * Fenwick tree maps a live rank to its index), and B, the override rows.
 * Page k is found by binary search for how many of the first k rows come
 * from A, then both sequences are walked for one page.
 */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/isotime.h"
#include "record.h"

struct rowvec {
	struct row **v;
	size_t n, alloc;
};

struct tstate {
	struct rowvec by_key;  /* overrides in table order */
	struct rowvec by_pk;   /* the same rows by primary key */
	struct rowvec deleted; /* tombstones, in cursor order */
	uint32_t *fw;	       /* removed seeded rows; NULL until one is */
	uint64_t fw_n;	       /* seeded rows */
	uint64_t fw_top;       /* highest power of two <= fw_n */
};

struct store {
	pthread_rwlock_t lock;
	struct seed seed;
	int64_t last_us; /* last cursor issued, to keep them unique */
	struct tstate tab[TBL_COUNT];
};

/* ------------------------------------------------------------ rowvec --- */

static int rowvec_reserve(struct rowvec *rv, size_t extra)
{
	size_t want = rv->n + extra, alloc = rv->alloc ? rv->alloc : 16;
	struct row **v;

	if (want <= rv->alloc)
		return 0;
	while (alloc < want)
		alloc *= 2;
	v = realloc(rv->v, alloc * sizeof(*v));
	if (!v)
		return -ENOMEM;
	rv->v = v;
	rv->alloc = alloc;
	return 0;
}

/* Inserts at pos; room must have been reserved. */
static void rowvec_insert(struct rowvec *rv, size_t pos, struct row *row)
{
	memmove(rv->v + pos + 1, rv->v + pos, (rv->n - pos) * sizeof(*rv->v));
	rv->v[pos] = row;
	rv->n++;
}

static void rowvec_remove(struct rowvec *rv, size_t pos)
{
	memmove(rv->v + pos, rv->v + pos + 1,
		(rv->n - pos - 1) * sizeof(*rv->v));
	rv->n--;
}

/* ----------------------------------------------------------- Fenwick --- */

/* Seeded rows removed among indices [0, x). */
static uint64_t removed_before(const struct tstate *ts, uint64_t x)
{
	uint64_t sum = 0;

	if (!ts->fw)
		return 0;
	for (; x > 0; x &= x - 1)
		sum += ts->fw[x];
	return sum;
}

static int seed_removed(const struct tstate *ts, uint64_t i)
{
	return removed_before(ts, i + 1) != removed_before(ts, i);
}

/* Marks seeded row i removed; the tree is allocated on first use. */
static int seed_remove(struct tstate *ts, uint64_t i)
{
	if (!ts->fw) {
		ts->fw = calloc(ts->fw_n + 1, sizeof(*ts->fw));
		if (!ts->fw)
			return -ENOMEM;
	}
	for (uint64_t j = i + 1; j <= ts->fw_n; j += j & (~j + 1))
		ts->fw[j]++;
	return 0;
}

/* The index of the live seeded row of the given 0-based rank. */
static uint64_t live_select(const struct tstate *ts, uint64_t rank)
{
	uint64_t pos = 0, live;

	if (!ts->fw)
		return rank;
	for (uint64_t step = ts->fw_top; step; step >>= 1) {
		if (pos + step > ts->fw_n)
			continue;
		live = step - ts->fw[pos + step];
		if (live <= rank) {
			pos += step;
			rank -= live;
		}
	}
	return pos;
}

static uint64_t live_before(const struct tstate *ts, uint64_t x)
{
	return x - removed_before(ts, x);
}

/* ---------------------------------------------------------- ordering --- */

static int has_cursor(int t)
{
	return seed_tables[t].cursor_col >= 0;
}

/* Compares seeded row i with stored row r in table order. */
static int cmp_seed_row(const struct store *st, int t, uint64_t i,
			const struct row *r)
{
	char pk[SEED_PK_MAX];
	int64_t c;

	if (has_cursor(t)) {
		c = seed_cursor_us(&st->seed, t, i);
		if (c != r->cursor_us)
			return c < r->cursor_us ? -1 : 1;
	}
	seed_pk(&st->seed, t, i, pk);
	return strcmp(pk, r->pk);
}

static int cmp_rows(int t, const struct row *a, const struct row *b)
{
	if (has_cursor(t) && a->cursor_us != b->cursor_us)
		return a->cursor_us < b->cursor_us ? -1 : 1;
	return strcmp(a->pk, b->pk);
}

/* First seeded index whose cursor text sorts after bound. */
static uint64_t seed_after(const struct store *st, int t, const char *bound)
{
	uint64_t lo = 0, hi = st->seed.rows[t], mid;
	char tmp[ISOTIME_SIZE];

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		isotime_format(seed_cursor_us(&st->seed, t, mid), tmp);
		if (strcmp(tmp, bound) > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* First row of rv (in cursor order) whose cursor text sorts after bound. */
static size_t rows_after(const struct rowvec *rv, const char *bound)
{
	size_t lo = 0, hi = rv->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(rv->v[mid]->cursor, bound) > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Where row goes in by_key: after every row that sorts before it. */
static size_t key_pos(const struct rowvec *rv, int t, const struct row *row)
{
	size_t lo = 0, hi = rv->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_rows(t, rv->v[mid], row) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First position in by_pk whose key is >= pk. */
static size_t pk_pos(const struct rowvec *rv, const char *pk)
{
	size_t lo = 0, hi = rv->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(rv->v[mid]->pk, pk) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------- pages --- */

/* The rows of one query: live seeded ranks [r0, r0 + a), overrides b. */
struct seq {
	const struct store *st;
	const struct tstate *ts;
	int t;
	uint64_t r0, a;
	struct row *const *b;
	uint64_t nb;
};

static uint64_t seq_index(const struct seq *q, uint64_t j)
{
	return live_select(q->ts, q->r0 + j);
}

/* Whether A(j) sorts before B(m). */
static int seq_a_first(const struct seq *q, uint64_t j, uint64_t m)
{
	return cmp_seed_row(q->st, q->t, seq_index(q, j), q->b[m]) < 0;
}

/* How many of the first k rows of the merge come from A. */
static uint64_t seq_split(const struct seq *q, uint64_t k)
{
	uint64_t lo = k > q->nb ? k - q->nb : 0;
	uint64_t hi = k < q->a ? k : q->a, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seq_a_first(q, mid, k - mid - 1))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sets up q for table t restricted to (since, until]. */
static void seq_init(struct seq *q, const struct store *st, int t,
		     const struct store_query *sq)
{
	const struct tstate *ts = &st->tab[t];
	uint64_t lo = 0, hi = st->seed.rows[t];
	size_t olo = 0, ohi = ts->by_key.n;

	if (has_cursor(t) && sq->since) {
		lo = seed_after(st, t, sq->since);
		olo = rows_after(&ts->by_key, sq->since);
	}
	if (has_cursor(t) && sq->until) {
		hi = seed_after(st, t, sq->until);
		ohi = rows_after(&ts->by_key, sq->until);
	}
	if (hi < lo)
		hi = lo;
	if (ohi < olo)
		ohi = olo;
	q->st = st;
	q->ts = ts;
	q->t = t;
	q->r0 = live_before(ts, lo);
	q->a = live_before(ts, hi) - q->r0;
	q->b = ts->by_key.v + olo;
	q->nb = ohi - olo;
}

/* Walks the merge one row at a time from (ia, ib). */
struct walk {
	uint64_t ia, ib;
	int first; /* nothing emitted yet */
};

/* Takes the next row (a seeded index, or a stored row); 0 at the end. */
static int walk_next(const struct seq *q, struct walk *w, uint64_t *idx,
		     const struct row **row)
{
	int take_a;

	if (w->ia >= q->a && w->ib >= q->nb)
		return 0;
	take_a =
	    w->ib >= q->nb || (w->ia < q->a && seq_a_first(q, w->ia, w->ib));
	if (take_a) {
		*idx = seq_index(q, w->ia++);
		*row = NULL;
	} else {
		*row = q->b[w->ib++];
	}
	return 1;
}

static int emit(const struct seq *q, struct walk *w, uint64_t idx,
		const struct row *row, struct buf *out)
{
	int rc = w->first ? 0 : buf_putc(out, ',');

	w->first = 0;
	if (rc)
		return rc;
	if (row)
		return buf_puts(out, row->json);
	return seed_row_json(&q->st->seed, q->t, idx, out);
}

static int matches(const struct seq *q, const struct store_query *sq,
		   uint64_t idx, const struct row *row)
{
	for (unsigned f = 0; f < sq->nfilters; f++) {
		int col = sq->filter_col[f];

		if (row && (!row->strs[col] ||
			    strcmp(row->strs[col], sq->filter_val[f]) != 0))
			return 0;
		if (!row && !seed_str_equals(&q->st->seed, q->t, idx, col,
					     sq->filter_val[f]))
			return 0;
	}
	return 1;
}

/* The offset of page sq->page, or UINT64_MAX when past total. */
static uint64_t page_offset(const struct store_query *sq, uint64_t total)
{
	uint64_t before = sq->page ? sq->page - 1 : 0;

	if (before > total / sq->size)
		return UINT64_MAX;
	return before * sq->size;
}

/* An unfiltered page: jump straight to its first row. */
static int page_direct(const struct seq *q, const struct store_query *sq,
		       struct buf *out, int *more)
{
	uint64_t total = q->a + q->nb, k = page_offset(sq, total), idx = 0;
	struct walk w = {0, 0, 1};
	const struct row *row;
	unsigned n = 0;
	int rc = 0;

	*more = 0;
	if (k >= total)
		return 0;
	w.ia = seq_split(q, k);
	w.ib = k - w.ia;
	while (rc == 0 && n < sq->size && walk_next(q, &w, &idx, &row)) {
		rc = emit(q, &w, idx, row, out);
		n++;
	}
	*more = k + n < total;
	return rc;
}

/* A filtered page: count matches from the start of the range. */
static int page_scan(const struct seq *q, const struct store_query *sq,
		     struct buf *out, int *more)
{
	uint64_t skip = page_offset(sq, q->a + q->nb), idx = 0, seen = 0;
	struct walk w = {0, 0, 1};
	const struct row *row;
	int rc = 0;

	*more = 0;
	if (skip == UINT64_MAX)
		return 0;
	while (rc == 0 && walk_next(q, &w, &idx, &row)) {
		if (!matches(q, sq, idx, row))
			continue;
		if (seen >= skip + sq->size) {
			*more = 1;
			break;
		}
		if (seen++ >= skip)
			rc = emit(q, &w, idx, row, out);
	}
	return rc;
}

/* A page of orders' tombstones. */
static int page_deleted(const struct tstate *ts, const struct store_query *sq,
			struct buf *out, int *more)
{
	size_t lo = sq->since ? rows_after(&ts->deleted, sq->since) : 0;
	uint64_t total = ts->deleted.n - lo, k = page_offset(sq, total);
	int rc = 0;

	*more = 0;
	if (k >= total)
		return 0;
	for (uint64_t j = k; rc == 0 && j < total && j < k + sq->size; j++) {
		if (j > k)
			rc = buf_putc(out, ',');
		if (rc == 0)
			rc = buf_puts(out, ts->deleted.v[lo + j]->json);
	}
	*more = k + sq->size < total;
	return rc;
}

int store_page(struct store *st, int t, const struct store_query *sq,
	       struct buf *out, int *more)
{
	struct seq q;
	int rc;

	if (sq->size == 0)
		return -EINVAL;
	pthread_rwlock_rdlock(&st->lock);
	if (sq->deleted) {
		rc = page_deleted(&st->tab[t], sq, out, more);
		goto out;
	}
	seq_init(&q, st, t, sq);
	if (sq->nfilters)
		rc = page_scan(&q, sq, out, more);
	else
		rc = page_direct(&q, sq, out, more);
out:
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

/* ------------------------------------------------------------ writes --- */

/* A cursor later than every one issued before, even within a microsecond. */
static int64_t next_now(struct store *st)
{
	int64_t now = isotime_now_us();

	if (now <= st->last_us)
		now = st->last_us + 1;
	st->last_us = now;
	return now;
}

/* Removes the live row with key pk, stored or seeded. -ENOENT if none. */
static int take_out(struct store *st, int t, const char *pk)
{
	struct tstate *ts = &st->tab[t];
	size_t pos = pk_pos(&ts->by_pk, pk), kpos;
	struct row *row;
	uint64_t i;

	if (pos < ts->by_pk.n && strcmp(ts->by_pk.v[pos]->pk, pk) == 0) {
		row = ts->by_pk.v[pos];
		rowvec_remove(&ts->by_pk, pos);
		kpos = key_pos(&ts->by_key, t, row);
		rowvec_remove(&ts->by_key, kpos);
		row_free(row);
		return 0;
	}
	if (seed_pk_parse(&st->seed, t, pk, &i) || seed_removed(ts, i))
		return -ENOENT;
	return seed_remove(ts, i);
}

/* Files row in both orders; room must have been reserved. */
static void put_row(struct store *st, int t, struct row *row)
{
	struct tstate *ts = &st->tab[t];

	rowvec_insert(&ts->by_pk, pk_pos(&ts->by_pk, row->pk), row);
	rowvec_insert(&ts->by_key, key_pos(&ts->by_key, t, row), row);
}

int store_upsert(struct store *st, int t, json_object *obj, struct buf *out,
		 char *err, size_t errlen)
{
	struct tstate *ts = &st->tab[t];
	struct row *row = NULL;
	int rc;

	pthread_rwlock_wrlock(&st->lock);
	rc = rowvec_reserve(&ts->by_pk, 1);
	if (rc == 0)
		rc = rowvec_reserve(&ts->by_key, 1);
	if (rc == 0)
		rc = record_build(t, obj, next_now(st), &row, err, errlen);
	if (rc)
		goto out;
	rc = take_out(st, t, row->pk);
	if (rc && rc != -ENOENT)
		goto out;
	put_row(st, t, row);
	rc = buf_puts(out, row->json); /* the store owns row from here */
	row = NULL;
out:
	row_free(row);
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

int store_delete(struct store *st, int t, const char *pk, struct buf *out)
{
	struct tstate *ts = &st->tab[t];
	struct row *tomb = NULL;
	int rc;

	pthread_rwlock_wrlock(&st->lock);
	rc = rowvec_reserve(&ts->deleted, 1);
	if (rc == 0)
		rc = record_tombstone(t, pk, next_now(st), &tomb);
	if (rc == 0)
		rc = take_out(st, t, pk);
	if (rc)
		goto out;
	rowvec_insert(&ts->deleted, ts->deleted.n, tomb);
	rc = buf_puts(out, tomb->json);
	tomb = NULL;
out:
	row_free(tomb);
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

/* ------------------------------------------------------------ set up --- */

/* A lock that lets a writer in even while readers keep arriving. */
static int lock_init(pthread_rwlock_t *lock)
{
	pthread_rwlockattr_t attr;
	int rc;

	if (pthread_rwlockattr_init(&attr))
		return -ENOMEM;
#ifdef PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP /* glibc */
	pthread_rwlockattr_setkind_np(
	    &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	rc = pthread_rwlock_init(lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return rc ? -rc : 0;
}

int store_new(const struct seed *s, struct store **out)
{
	struct store *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	if (lock_init(&st->lock)) {
		free(st);
		return -ENOMEM;
	}
	st->seed = *s;
	for (int t = 0; t < TBL_COUNT; t++) {
		struct tstate *ts = &st->tab[t];

		ts->fw_n = s->rows[t];
		ts->fw_top = 1;
		while (ts->fw_top * 2 <= ts->fw_n)
			ts->fw_top *= 2;
	}
	*out = st;
	return 0;
}

static void rowvec_free(struct rowvec *rv, int rows_too)
{
	for (size_t i = 0; rows_too && i < rv->n; i++)
		row_free(rv->v[i]);
	free(rv->v);
}

void store_free(struct store *st)
{
	if (!st)
		return;
	for (int t = 0; t < TBL_COUNT; t++) {
		rowvec_free(&st->tab[t].by_key, 0);
		rowvec_free(&st->tab[t].by_pk, 1);
		rowvec_free(&st->tab[t].deleted, 1);
		free(st->tab[t].fw);
	}
	pthread_rwlock_destroy(&st->lock);
	free(st);
}

const struct seed *store_seed(const struct store *st)
{
	return &st->seed;
}
