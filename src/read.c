/* SPDX-License-Identifier: MIT */
/*
 * read: the connector's reads over the HTTP client. See source.h. It owns
 * the one paging loop (pages fetched in parallel by short-lived worker
 * threads, written strictly in order by the caller) and everything built on
 * it: snapshots, and the incremental batches with their cursors, caps
 * (init_ts, max_records_per_batch, num_rows) and metrics windows. It writes
 * records to a stream and never touches FUSE, the cache, file names or
 * offset tokens.
 */
#include "source.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/isotime.h"
#include "log.h"
#include "page.h"
#include "wait.h"

#define US_PER_SEC 1000000LL

/* ------------------------------------------------------------- paging --- */

/* One paged read in progress: where records go and when to stop. */
struct reader {
	struct http_client *c;
	const struct table_info *t;
	struct page_keys keys;
	FILE *out;
	struct read_progress *progress; /* may be NULL */
	const int *cancel;		/* the caller's flag, or NULL */
	const char *cap;     /* drop and stop at records with cursor > cap */
	const char *stop_at; /* stop after a page whose last cursor >= this */
	long max_records;    /* stop paging once this many written; 0: none */
	long max_write;	     /* never write more than this; 0: none */
	long written;
	char *last_cursor; /* cursor of the last record written; owned */
	int drained;	   /* the last fetch_pages() reached the end */
};

static void reader_init(struct reader *r, struct http_client *c,
			const struct table_info *t, FILE *out,
			struct read_progress *progress)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->t = t;
	r->keys.cursor_field = t->cursor_field;
	r->keys.primary_keys = t->primary_keys;
	r->keys.nprimary_keys = t->nprimary_keys;
	r->out = out;
	r->progress = progress;
	r->cancel = progress ? progress->cancel : NULL;
}

/* Whether the caller raised its cancel flag (a waiter's callback). */
static int flag_raised(void *flag)
{
	return flag && __atomic_load_n((const int *)flag, __ATOMIC_ACQUIRE);
}

static int reader_cancelled(const struct reader *r)
{
	return flag_raised((void *)(uintptr_t)r->cancel);
}

static void progress_add(unsigned long *counter, unsigned long n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* Appends key=value (value URL-encoded) to a query string. */
static int query_add(struct buf *q, const char *key, const char *value)
{
	int rc = 0;

	if (!value)
		return 0;
	if (q->len)
		rc = buf_putc(q, '&');
	if (!rc)
		rc = buf_printf(q, "%s=", key);
	if (!rc)
		rc = http_escape(value, q);
	return rc;
}

static int query_add_long(struct buf *q, const char *key, long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", value);
	return query_add(q, key, num);
}

/* What a read's failure returns: -ENOMEM, -ECANCELED, or -EIO. */
static int read_errno(int rc)
{
	return rc == -ENOMEM || rc == -ECANCELED ? rc : rc ? -EIO : 0;
}

/* ------------------------------------------------------ parallel pages --- */

/*
 * A paged read fetches pages ahead of the one it writes, in worker threads
 * that each check their page and cut it into record lines. The calling thread
 * takes the pages strictly in order and alone decides, page by page, what
 * is written and when to stop, exactly as a one-at-a-time loop would; what
 * was fetched past the stop is discarded, and what is still in flight is
 * cancelled. At most n = http_parallel() pages are held at any time,
 * fetched or in flight.
 *
 * How far ahead a worker may go is kept as small as the answers so far
 * allow, since every page fetched past the stop is a wasted API call:
 *   - slow start: until page `first` is back, only it is fetched; once the
 *     first k pages are known to be followed by more (back, non-empty,
 *     next_page the one after), pages up to index max(2k, k + 2) may be.
 *     The window past what is known thus grows by one per page that comes
 *     back (1, 2, 2, 3, 4 ... n), doubling every round trip, and a read of
 *     L >= 3 pages never asks for more than 2L - 2 of them;
 *   - an end: nothing past a page after which the writer surely stops (the
 *     last page, a failed one, one that crosses the cap or stop_at);
 *   - a batch bound: when the read stops at a record count, whole pages of
 *     page_size records (a page followed by more is full) reach it after
 *     ceil(need / page_size) pages, and none past that is ever needed.
 * The page the writer waits for may always be fetched, whatever the rest.
 */

/* One fetched page, as a worker hands it to the writer. Owns everything. */
struct fetched {
	long page; /* 0: the slot is empty */
	int rc;	   /* 0, or -errno: the GET or the page failed */
	struct buf path;
	struct buf why; /* when rc is set: the line to log, URL and reason */
	struct page pg; /* the records' JSON lines and cursors */
};

struct pager {
	struct reader *r;
	const char *base;
	const char *query;
	pthread_mutex_t lock;
	pthread_cond_t filled; /* a worker put a page in its slot */
	pthread_cond_t room;   /* a worker may take a page now, or stop */
	struct fetched *slots; /* page p waits in slots[p % n] */
	int n;		       /* pages fetched or in flight at most */
	long first;	       /* the first page of this run */
	long next_fetch;       /* the next page a worker takes */
	long next_write;       /* the page the writer waits for */
	long known;	       /* first..known-1 are followed by more */
	long end;	       /* no page past this one is needed */
	long need;	       /* records still to write at most; 0: any */
	long page_size;	       /* records on a full page; 0: not known */
	long bound;	       /* the last page need can reach */
	int stop;	       /* the writer is done: workers leave */
	int cancel;	       /* the same, for http_get_cancel() */
};

static void fetched_free(struct fetched *f)
{
	buf_free(&f->path);
	buf_free(&f->why);
	page_free(&f->pg);
	memset(f, 0, sizeof(*f));
}

/* Fetches one page and cuts it into record lines in f (a worker's part);
 * its GET gives up once *cancel is raised. */
static void fetch_one(struct pager *p, long page, const int *cancel,
		      struct fetched *f)
{
	struct reader *r = p->r;
	struct buf body;
	int rc;

	memset(f, 0, sizeof(*f));
	f->page = page;
	buf_init(&f->path, 0);
	buf_init(&f->why, 0);
	buf_init(&body, 0);
	rc = buf_printf(&f->path, "%s?%s%spage=%ld", p->base, p->query,
			*p->query ? "&" : "", page);
	if (!rc)
		rc = http_get_cancel(r->c, f->path.data, &body, NULL, cancel,
				     &f->why);
	if (rc)
		goto out;
	rc = page_parse(body.data, body.len, &r->keys, &f->pg);
	if (rc == -EINVAL)
		(void)buf_printf(&f->why, "GET %s%s: %s", http_log_base(r->c),
				 f->path.data, f->pg.error);
out:
	buf_free(&body);
	f->rc = rc == -ENOMEM || rc == -ECANCELED ? rc : rc ? -EIO : 0;
}

/* Whether a read that reaches f's page surely goes on to the next one. */
static int fetched_more(const struct fetched *f)
{
	return !f->rc && f->pg.nrecords && f->pg.next_page == f->page + 1;
}

/*
 * Whether the writer surely stops at f's page, if it gets there at all:
 * its records cross the cap, or its last one reaches stop_at. Reads only
 * what stays fixed during a read, so a worker may ask.
 */
static int fetched_ends(const struct reader *r, const struct fetched *f)
{
	const char *last;

	if (!fetched_more(f))
		return 1;
	if (!r->keys.cursor_field || (!r->cap && !r->stop_at))
		return 0;
	last = page_record_cursor(&f->pg, f->pg.nrecords - 1);
	return last && ((r->cap && strcmp(last, r->cap) > 0) ||
			(r->stop_at && strcmp(last, r->stop_at) >= 0));
}

/* The highest page a worker may take now (see above). Under lock. */
static long pager_limit(const struct pager *p)
{
	long k = p->known - p->first;
	long lim = p->first - 1 + (!k ? 1 : k < 2 ? k + 2 : 2 * k);

	if (lim > p->next_write + p->n - 1)
		lim = p->next_write + p->n - 1;
	if (lim > p->end)
		lim = p->end;
	if (p->page_size && lim > p->bound)
		lim = p->bound;
	return lim > p->next_write ? lim : p->next_write;
}

/* Moves known past the pages back in their slots that are followed by more. */
static void pager_known(struct pager *p)
{
	const struct fetched *f = &p->slots[p->known % p->n];

	while (f->page == p->known && fetched_more(f)) {
		p->known++;
		f = &p->slots[p->known % p->n];
	}
}

/* What the page a worker just put in its slot tells of the pages after. */
static void pager_learn(struct pager *p, const struct fetched *f)
{
	if (fetched_ends(p->r, f) && f->page < p->end)
		p->end = f->page;
	if (p->need && fetched_more(f) && (long)f->pg.nrecords > p->page_size) {
		p->page_size = (long)f->pg.nrecords;
		p->bound =
		    p->first - 1 + (p->need + p->page_size - 1) / p->page_size;
	}
	pager_known(p);
}

/* A worker: takes the next page while the window has room, until stop. */
static void *pager_worker(void *arg)
{
	struct pager *p = arg;
	struct fetched f;
	long page;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next_fetch > pager_limit(p))
			pthread_cond_wait(&p->room, &p->lock);
		if (p->stop)
			break;
		page = p->next_fetch++;
		pthread_mutex_unlock(&p->lock);
		fetch_one(p, page, &p->cancel, &f);
		pthread_mutex_lock(&p->lock);
		if (p->stop) {
			fetched_free(&f);
			break;
		}
		p->slots[page % p->n] = f;
		pager_learn(p, &p->slots[page % p->n]);
		pthread_cond_signal(&p->filled);
		pthread_cond_broadcast(&p->room);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The writer's wait for the next page in order; f then owns it. Gives
 * up with -ECANCELED when the caller raises its cancel flag. */
static int pager_take(struct pager *p, long page, struct fetched *f)
{
	struct fetched *slot = &p->slots[page % p->n];
	struct waiter w = {flag_raised, (void *)(uintptr_t)p->r->cancel};
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	while (slot->page != page && rc == 0)
		rc = wait_slice(&p->filled, &p->lock, &w);
	if (rc == 0) {
		*f = *slot;
		memset(slot, 0, sizeof(*slot));
	}
	pthread_mutex_unlock(&p->lock);
	return rc ? -ECANCELED : 0;
}

/* The writer goes on to page: the window moves, more pages may go. */
static void pager_advance(struct pager *p, long page)
{
	pthread_mutex_lock(&p->lock);
	p->next_write = page;
	if (p->known < page) {
		p->known = page;
		pager_known(p);
	}
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->lock);
}

/* The records r may still write before a record count stops it; 0: none. */
static long reader_need(const struct reader *r)
{
	long need = 0;

	if (r->max_records)
		need = r->max_records - r->written;
	if (r->max_write && (!need || r->max_write - r->written < need))
		need = r->max_write - r->written;
	return need;
}

/* Starts the workers for pages first, first + 1, ...; returns how many. */
static int pager_start(struct pager *p, struct reader *r, const char *base,
		       const char *query, long first, pthread_t *th)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->base = base;
	p->query = query;
	p->n = http_parallel(r->c);
	p->first = p->next_fetch = p->next_write = p->known = first;
	p->end = LONG_MAX;
	p->need = reader_need(r);
	p->slots = calloc((size_t)p->n, sizeof(*p->slots));
	if (!p->slots)
		return 0;
	pthread_mutex_init(&p->lock, NULL);
	wait_cond_init(&p->filled);
	pthread_cond_init(&p->room, NULL);
	for (i = 0; i < p->n; i++)
		if (pthread_create(&th[i], NULL, pager_worker, p))
			break;
	return i;
}

/* Stops and joins the workers, cancelling their GETs; frees what is left. */
static void pager_stop(struct pager *p, pthread_t *th, int nth)
{
	int i;

	if (!p->slots)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	__atomic_store_n(&p->cancel, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < p->n; i++)
		fetched_free(&p->slots[i]);
	free(p->slots);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->room);
}

/* ------------------------------------------------------------- paging --- */

/* Writes the records of one page, honouring the cap and the write limit. */
static int reader_write_page(struct reader *r, struct fetched *f, int *stop)
{
	const char *cursor = NULL, *last = NULL;
	size_t i, bytes;

	for (i = 0; i < f->pg.nrecords; i++) {
		if (r->max_write && r->written + (long)i >= r->max_write) {
			*stop = 1;
			break;
		}
		cursor = page_record_cursor(&f->pg, i);
		if (r->cap && cursor && strcmp(cursor, r->cap) > 0) {
			*stop = 1;
			break;
		}
		last = cursor;
	}
	bytes = page_lines_size(&f->pg, i);
	if (bytes && fwrite(f->pg.lines.data, 1, bytes, r->out) != bytes) {
		lf_err("%s: writing records: %s", r->t->name, strerror(errno));
		return -EIO;
	}
	r->written += (long)i;
	if (r->progress)
		progress_add(&r->progress->records, (unsigned long)i);
	if (last) {
		free(r->last_cursor);
		r->last_cursor = strdup(last);
		if (!r->last_cursor)
			return -ENOMEM;
	}
	return 0;
}

/* After a page was written: whether to stop, and whether we drained. */
static int reader_page_done(struct reader *r, struct page *pg)
{
	const char *last = NULL;

	if (!pg->nrecords || !pg->next_page) {
		r->drained = 1;
		return 1;
	}
	if (r->stop_at)
		last = page_record_cursor(pg, pg->nrecords - 1);
	if (last && strcmp(last, r->stop_at) >= 0)
		return 1;
	if (r->max_records && r->written >= r->max_records)
		return 1;
	return r->max_write && r->written >= r->max_write;
}

/* Writes the page the writer took; sets *next to 0 when the read is over. */
static int reader_use_page(struct reader *r, struct fetched *f, long *next)
{
	int rc, stop = 0;

	*next = 0;
	if (f->rc) {
		if (f->why.len)
			lf_err("%s", f->why.data);
		else
			lf_err("GET %s%s: %s", http_log_base(r->c), f->path.data,
			       strerror(-f->rc));
		return f->rc;
	}
	if (r->progress)
		progress_add(&r->progress->pages, 1);
	rc = reader_write_page(r, f, &stop);
	if (!rc && !stop)
		stop = reader_page_done(r, &f->pg);
	*next = stop ? 0 : f->pg.next_page;
	if (!rc && *next && *next <= f->page) {
		lf_err("GET %s%s: next_page %ld does not advance",
		       http_log_base(r->c), f->path.data, *next);
		rc = -EIO;
	}
	return rc;
}

/*
 * Reads pages first, first + 1, ... in order, fetched ahead, to
 * the end or a stop of r. Sets *next to 0 when the read is over, or to the
 * page to go on from when a page's next_page was not simply the one after.
 */
static int pager_run(struct reader *r, const char *base, const char *query,
		     long first, long *next)
{
	pthread_t th[HTTP_PARALLEL_MAX];
	struct pager p;
	struct fetched f;
	long page = first;
	int nth, rc = 0;

	*next = 0;
	nth = pager_start(&p, r, base, query, first, th);
	if (!nth) {
		lf_err("%s: cannot start page fetches", r->t->name);
		rc = -EIO;
	}
	while (!rc) {
		/* The caller's cancel is looked at before each page. */
		rc =
		    reader_cancelled(r) ? -ECANCELED : pager_take(&p, page, &f);
		if (rc)
			break;
		rc = reader_use_page(r, &f, next);
		fetched_free(&f);
		if (rc || *next != page + 1)
			break;
		pager_advance(&p, ++page);
	}
	pager_stop(&p, th, nth);
	return rc;
}

/*
 * Reads base?query&page=1, 2, ... following next_page until the end or a
 * stop condition of r. The one paging loop behind every read.
 */
static int fetch_pages(struct reader *r, const char *base, const char *query)
{
	long page = 1, next = 0;
	int rc = 0;

	r->drained = 0;
	while (page && !rc) {
		rc = pager_run(r, base, query, page, &next);
		page = next;
	}
	return rc;
}

/* The cursor of the table's oldest record (page 1, no filter), or NULL. */
static int oldest_cursor(struct reader *r, const char *base, char **out)
{
	struct page pg;
	struct buf body;
	const char *s;
	int rc;

	*out = NULL;
	buf_init(&body, 0);
	rc = http_get_cancel(r->c, base, &body, NULL, r->cancel, NULL);
	if (rc) {
		rc = rc == -ECANCELED ? rc : -EIO;
		goto out;
	}
	rc = page_parse(body.data, body.len, &r->keys, &pg);
	if (rc) {
		lf_err("GET %s%s: %s", http_log_base(r->c), base, pg.error);
		rc = -EIO;
		goto out;
	}
	if (r->progress)
		progress_add(&r->progress->pages, 1);
	s = pg.nrecords ? page_record_cursor(&pg, 0) : NULL;
	if (s && !(*out = strdup(s)))
		rc = -ENOMEM;
	page_free(&pg);
out:
	buf_free(&body);
	return rc;
}

static int parse_cursor_time(const struct reader *r, const char *s, int64_t *us)
{
	if (isotime_parse(s, us) == 0)
		return 0;
	lf_err("%s: cursor %s is not a timestamp", r->t->name, s);
	return -EIO;
}

/* The first window's start: the oldest record's cursor minus 1 us. */
static int first_window_start(struct reader *r, const char *base,
			      int64_t *start_us, int *empty)
{
	char *oldest = NULL;
	int rc;

	*empty = 0;
	rc = oldest_cursor(r, base, &oldest);
	if (!rc && !oldest)
		*empty = 1;
	if (!rc && oldest) {
		rc = parse_cursor_time(r, oldest, start_us);
		*start_us -= 1;
	}
	free(oldest);
	return rc;
}

/* Reads the window (since, until] to its end (or r's limits). */
static int read_window(struct reader *r, const char *base, const char *since,
		       int64_t until_us)
{
	char until[ISOTIME_SIZE];
	struct buf q;
	int rc;

	isotime_format(until_us, until);
	buf_init(&q, 0);
	rc = query_add(&q, "since", since);
	if (!rc)
		rc = query_add(&q, "until", until);
	if (!rc)
		rc = fetch_pages(r, base, q.data);
	buf_free(&q);
	return rc;
}

static int64_t window_us(const struct table_opts *o)
{
	long s = o->window_seconds > 0 ? o->window_seconds : 3600;

	return (int64_t)s * US_PER_SEC;
}

/* Snapshot of a windowed table: consecutive windows up to init_us. */
static int snapshot_windows(struct reader *r, const struct table_opts *o,
			    const char *base, int64_t init_us)
{
	char since[ISOTIME_SIZE];
	int64_t start;
	int rc, empty;

	rc = first_window_start(r, base, &start, &empty);
	if (rc || empty)
		return rc;
	while (start < init_us) {
		int64_t end = start + window_us(o) < init_us
				  ? start + window_us(o)
				  : init_us;
		isotime_format(start, since);
		rc = read_window(r, base, since, end);
		if (rc || (r->max_write && r->written >= r->max_write))
			break;
		start = end;
	}
	return rc;
}

/* The filters and limits a table's records reads carry (not windows). */
static int base_query(const struct table_info *t, const struct table_opts *o,
		      struct buf *q)
{
	int rc = 0;

	if (!strcmp(t->name, "products"))
		rc = query_add(q, "category", o->category);
	if (!strcmp(t->name, "orders")) {
		rc = query_add(q, "user_id", o->user_id);
		if (!rc)
			rc = query_add(q, "status", o->status);
	}
	if (!rc && t->ingestion == INGEST_APPEND)
		rc = query_add_long(q, "limit", o->limit);
	return rc;
}

int source_snapshot(struct http_client *c, const struct table_info *t,
		    const struct table_opts *o, int64_t init_us, FILE *out,
		    struct read_progress *progress)
{
	struct reader r;
	struct buf base, q;
	int rc;

	reader_init(&r, c, t, out, progress);
	r.max_write = o->num_rows > 0 ? o->num_rows : 0;
	buf_init(&base, 0);
	buf_init(&q, 0);
	rc = source_table_path(&base, t->name, "/records");
	if (rc)
		goto out;
	if (source_is_windowed(t)) {
		rc = snapshot_windows(&r, o, base.data, init_us);
		goto out;
	}
	rc = base_query(t, o, &q);
	if (!rc)
		rc = fetch_pages(&r, base.data, q.data ? q.data : "");
out:
	free(r.last_cursor);
	buf_free(&base);
	buf_free(&q);
	return read_errno(rc);
}

/* --------------------------------------------------------------- sample --- */

int source_sample(struct http_client *c, const struct table_info *t,
		  const struct table_opts *o, int64_t init_us, FILE *out,
		  struct read_progress *progress)
{
	char init_ts[ISOTIME_SIZE];
	struct reader r;
	struct pager p;
	struct fetched f;
	struct buf base, q;
	long next;
	int rc;

	reader_init(&r, c, t, out, progress);
	r.max_write = o->num_rows > 0 ? o->num_rows : 0;
	buf_init(&base, 0);
	buf_init(&q, 0);
	rc = source_table_path(&base, t->name, "/records");
	/* A windowed table's page 1 is its oldest records, with no window:
	 * drop what lies past the moment of the read, as a snapshot would. */
	if (!rc && source_is_windowed(t)) {
		isotime_format(init_us, init_ts);
		r.cap = init_ts;
	} else if (!rc) {
		rc = base_query(t, o, &q);
	}
	if (rc)
		goto out;
	memset(&p, 0, sizeof(p));
	p.r = &r;
	p.base = base.data;
	p.query = q.data ? q.data : "";
	fetch_one(&p, 1, r.cancel, &f);
	rc = f.rc == -ECANCELED ? f.rc : reader_use_page(&r, &f, &next);
	fetched_free(&f);
out:
	free(r.last_cursor);
	buf_free(&base);
	buf_free(&q);
	return read_errno(rc);
}

/* -------------------------------------------------------------- batches --- */

/* Where a window read starts: the offset, start_timestamp, or the oldest. */
static int window_start(struct reader *r, const struct table_opts *o,
			const char *base, const char *start_cursor,
			char since[ISOTIME_SIZE], int64_t *start_us, int *empty)
{
	int rc;

	*empty = 0;
	if (start_cursor) {
		if (strlen(start_cursor) >= ISOTIME_SIZE) {
			lf_err("%s: cursor %s is not a timestamp", r->t->name,
			       start_cursor);
			return -EIO;
		}
		strcpy(since, start_cursor);
		return parse_cursor_time(r, start_cursor, start_us);
	}
	if (o->start_timestamp) {
		rc = parse_cursor_time(r, o->start_timestamp, start_us);
	} else {
		rc = first_window_start(r, base, start_us, empty);
	}
	if (!rc && !*empty)
		isotime_format(*start_us, since);
	return rc;
}

/* One windowed batch: (start, min(start + window, init)] up to the max. */
static int batch_window(struct reader *r, const struct table_opts *o,
			const char *base, const char *start_cursor,
			int64_t init_us, char **end)
{
	char since[ISOTIME_SIZE];
	int64_t start, stop;
	int rc, empty;

	*end = NULL;
	rc = window_start(r, o, base, start_cursor, since, &start, &empty);
	if (rc || empty || start >= init_us)
		return rc;
	stop = start + window_us(o) < init_us ? start + window_us(o) : init_us;
	rc = read_window(r, base, since, stop);
	if (rc)
		return rc;
	if (r->drained) {
		char until[ISOTIME_SIZE];

		isotime_format(stop, until);
		*end = strdup(until);
	} else if (r->last_cursor) {
		*end = strdup(r->last_cursor);
	} else {
		return 0;
	}
	return *end ? 0 : -ENOMEM;
}

/* One cdc, append or deletes batch: since the start cursor, to the max. */
static int batch_cursor(struct reader *r, const struct table_opts *o,
			const char *base, int deletes, const char *start_cursor,
			char **end)
{
	struct buf q;
	int rc;

	*end = NULL;
	buf_init(&q, 0);
	rc = query_add(&q, "since", start_cursor);
	if (!rc && !deletes)
		rc = base_query(r->t, o, &q);
	if (!rc)
		rc = fetch_pages(r, base, q.data ? q.data : "");
	if (!rc && r->last_cursor) {
		*end = r->last_cursor;
		r->last_cursor = NULL;
	}
	buf_free(&q);
	return rc;
}

static int batch_check(const struct table_info *t, int deletes)
{
	if (t->ingestion == INGEST_SNAPSHOT || !t->cursor_field ||
	    (deletes && t->ingestion != INGEST_CDC_WITH_DELETES)) {
		lf_err("%s: no %s batches for a %s table", t->name,
		       deletes ? "deletes" : "changes",
		       ingestion_name(t->ingestion));
		return -EINVAL;
	}
	return 0;
}

int source_read_batch(struct http_client *c, const struct table_info *t,
		      const struct table_opts *o, int deletes,
		      const char *start_cursor, int64_t init_us, FILE *out,
		      char **end_cursor, struct read_progress *progress)
{
	char init_ts[ISOTIME_SIZE];
	char *end = NULL;
	struct reader r;
	struct buf base;
	int rc;

	*end_cursor = NULL;
	rc = batch_check(t, deletes);
	if (rc)
		return rc;
	isotime_format(init_us, init_ts);
	if (start_cursor && strcmp(start_cursor, init_ts) >= 0)
		return 0;
	reader_init(&r, c, t, out, progress);
	r.cap = init_ts;
	r.max_records =
	    o->max_records_per_batch > 0 ? o->max_records_per_batch : 200;
	r.max_write = o->num_rows > 0 ? o->num_rows : 0; /* hard cap */
	if (t->ingestion == INGEST_APPEND && !deletes)
		r.stop_at = init_ts;
	buf_init(&base, 0);
	rc = source_table_path(&base, t->name,
			       deletes ? "/deleted_records" : "/records");
	if (rc)
		goto out;
	if (source_is_windowed(t) && !deletes)
		rc =
		    batch_window(&r, o, base.data, start_cursor, init_us, &end);
	else
		rc =
		    batch_cursor(&r, o, base.data, deletes, start_cursor, &end);
	if (!rc && end && !(start_cursor && !strcmp(end, start_cursor))) {
		*end_cursor = end;
		end = NULL;
	}
out:
	free(end);
	free(r.last_cursor);
	buf_free(&base);
	return rc == -EINVAL ? rc : read_errno(rc);
}
