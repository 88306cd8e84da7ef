/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for parallel page fetching in read.c against a scripted
 * loopback listener that answers many connections at once: pages come back
 * out of order, one page is refused with a 503 before it succeeds, pages
 * past next_page null still answer with records. The output must be every
 * page in order, nothing past the end, and the window of pages in flight
 * must stay bounded. The listener counts the requests: a read starts with
 * one page in flight and widens as pages come back (a one-page read makes
 * one request), a batch bounded by a record count asks for no page it
 * cannot need, and a long read still gets PARALLEL pages in flight.
 */
#include "source.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "check.h"
#include "loopback.h"

#define NPAGE	 3  /* records per page */
#define LAST	 4  /* the page that says next_page null, by default */
#define LONG	 48 /* the last page of a long read */
#define MAXPAGE	 64
#define MAXCONN	 256
#define PARALLEL 8

/* How long the listener takes to answer page p. */
enum pace {
	EARLY_SLOW, /* pages up to LAST the slower the earlier, 30 ms steps */
	LATE_SLOW,  /* pages the slower the later, 30 ms steps */
	EVEN,	    /* every page 20 ms */
};

/* What the listener does; the counters are under lock. */
struct listener {
	int fd;
	int last; /* the page that says next_page null */
	enum pace pace;
	int fail_page;	/* answers 500 for this page, always; 0: none */
	int retry_page; /* answers 503 for this page's first try */
	pthread_mutex_t lock;
	int tries[MAXPAGE]; /* requests seen per page */
	int requests;	    /* requests seen in all */
	int max_page;	    /* the highest page requested */
	int busy;	    /* requests being answered now */
	int max_busy;	    /* the most ever answered at once */
	pthread_t conn[MAXCONN];
	int nconn;
};

struct conn {
	struct listener *l;
	int fd;
};

/* The body of page p: NPAGE records, cursors rising with the page. */
static void page_body(int p, int last, char *out, size_t size)
{
	size_t len = 0;
	int i;

	len += (size_t)snprintf(out + len, size - len, "{\"records\":[");
	for (i = 0; i < NPAGE; i++)
		len += (size_t)snprintf(
		    out + len, size - len,
		    "%s{\"id\":\"%s%02d_%d\",\"ts\":\"2020-01-01T00:%02d:%02d."
		    "000000+00:00\",\"n\":%d.50}",
		    i ? "," : "", p > last ? "past" : "rec", p, i, p, i, p);
	if (p == last)
		snprintf(out + len, size - len, "],\"next_page\":null}");
	else
		snprintf(out + len, size - len, "],\"next_page\":%d}", p + 1);
}

static useconds_t pace_us(const struct listener *l, int p)
{
	switch (l->pace) {
	case EARLY_SLOW:
		return (useconds_t)(p <= LAST ? (LAST + 1 - p) * 30000 : 1000);
	case LATE_SLOW:
		return (useconds_t)p * 30000;
	default:
		return 20000;
	}
}

/* Answers one request, as slowly as the pace says. */
static void *serve_conn(void *arg)
{
	struct conn *cn = arg;
	struct listener *l = cn->l;
	char req[2048], body[1024], head[256];
	const char *q;
	size_t len = 0;
	ssize_t got;
	int p = 0, status = 200, try;

	req[0] = '\0';
	while (len < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		got = read(cn->fd, req + len, sizeof(req) - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
		req[len] = '\0';
	}
	q = strstr(req, "page=");
	if (q)
		p = atoi(q + 5);
	if (p < 1 || p >= MAXPAGE) { /* a cancelled request never came */
		close(cn->fd);
		free(cn);
		return NULL;
	}
	pthread_mutex_lock(&l->lock);
	try = ++l->tries[p];
	l->requests++;
	if (p > l->max_page)
		l->max_page = p;
	if (++l->busy > l->max_busy)
		l->max_busy = l->busy;
	pthread_mutex_unlock(&l->lock);
	usleep(pace_us(l, p));
	if (p == l->fail_page || (p == l->retry_page && try == 1)) {
		status = p == l->fail_page ? 500 : 503;
		snprintf(body, sizeof(body), "{\"error\":\"page %d down\"}", p);
	} else {
		page_body(p, l->last, body, sizeof(body));
	}
	pthread_mutex_lock(&l->lock); /* done before the client hears */
	l->busy--;
	pthread_mutex_unlock(&l->lock);
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 status, strlen(body));
	/* the client may have cancelled and gone: errors do not matter */
	if (send(cn->fd, head, strlen(head), MSG_NOSIGNAL) > 0)
		(void)!send(cn->fd, body, strlen(body), MSG_NOSIGNAL);
	close(cn->fd);
	free(cn);
	return NULL;
}

static void *accept_loop(void *arg)
{
	struct listener *l = arg;
	struct conn *cn;
	int fd;

	while ((fd = accept(l->fd, NULL, NULL)) >= 0) {
		cn = malloc(sizeof(*cn));
		if (!cn || l->nconn == MAXCONN) {
			free(cn);
			close(fd);
			continue;
		}
		cn->l = l;
		cn->fd = fd;
		pthread_create(&l->conn[l->nconn++], NULL, serve_conn, cn);
	}
	return NULL;
}

/* A table like users: cursor ts, key id. */
static void table(struct table_info *t, int cursor)
{
	static char *pk[] = {"id"};

	memset(t, 0, sizeof(*t));
	t->name = "users";
	t->primary_keys = pk;
	t->nprimary_keys = 1;
	t->cursor_field = cursor ? "ts" : NULL;
	t->ingestion = cursor ? INGEST_CDC : INGEST_SNAPSHOT;
}

struct run {
	struct listener l;
	pthread_t acceptor;
	struct http_client *c;
	char *out;
	size_t outlen;
	FILE *f;
};

static void run_start_paced(struct run *r, int last, enum pace pace,
			    int fail_page, int retry_page)
{
	struct http_config cfg;
	char url[64];
	int port = 0;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->l.lock, NULL);
	r->l.last = last;
	r->l.pace = pace;
	r->l.fail_page = fail_page;
	r->l.retry_page = retry_page;
	r->l.fd = listen_loopback(&port, 64);
	CHECK(r->l.fd >= 0);
	pthread_create(&r->acceptor, NULL, accept_loop, &r->l);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	http_config_defaults(&cfg);
	cfg.base_url = url;
	cfg.username = "u";
	cfg.password = "p";
	cfg.attempts = 3;
	cfg.backoff_ms = 1;
	cfg.timeout_ms = 5000;
	cfg.parallel = PARALLEL;
	CHECK(http_client_new(&cfg, &r->c) == 0);
	r->f = open_memstream(&r->out, &r->outlen);
}

static void run_start(struct run *r, int fail_page, int retry_page)
{
	run_start_paced(r, LAST, EARLY_SLOW, fail_page, retry_page);
}

static void run_stop(struct run *r)
{
	int i;

	fclose(r->f);
	http_client_free(r->c);
	shutdown(r->l.fd, SHUT_RDWR);
	close(r->l.fd);
	pthread_join(r->acceptor, NULL);
	for (i = 0; i < r->l.nconn; i++)
		pthread_join(r->l.conn[i], NULL);
	pthread_mutex_destroy(&r->l.lock);
	free(r->out);
}

/* The expected lines of pages 1..last, records 0..n-1 of the last page. */
static void expected(int last, int n, struct buf *b)
{
	int p, i;

	for (p = 1; p <= last; p++)
		for (i = 0; i < (p == last ? n : NPAGE); i++)
			buf_printf(
			    b,
			    "{\"id\":\"rec%02d_%d\",\"ts\":\"2020-01-01T00:"
			    "%02d:%02d.000000+00:00\",\"n\":%d.50}\n",
			    p, i, p, i, p);
}

static void test_in_order(void)
{
	struct table_info t;
	struct table_opts o;
	struct read_progress pr = {0};
	struct run r;
	struct buf want;

	table(&t, 0);
	table_opts_defaults(&o);
	buf_init(&want, 0);
	expected(LAST, NPAGE, &want);
	run_start(&r, 0, 2);
	CHECK(source_snapshot(r.c, &t, &o, 0, r.f, &pr) == 0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK(pr.pages == LAST && pr.records == LAST * NPAGE);
	pthread_mutex_lock(&r.l.lock);
	CHECK(r.l.tries[2] == 2); /* the 503, then the page */
	CHECK(r.l.tries[1] == 1 && r.l.tries[3] == 1 && r.l.tries[4] == 1);
	/* never more than PARALLEL pages ahead of the one being written */
	CHECK(r.l.max_page <= LAST + PARALLEL - 1);
	CHECK(r.l.max_page > LAST); /* it did fetch ahead */
	pthread_mutex_unlock(&r.l.lock);
	run_stop(&r);
	buf_free(&want);
	table_opts_free(&o);
}

static void test_failed_page(void)
{
	struct table_info t;
	struct table_opts o;
	struct run r;

	table(&t, 0);
	table_opts_defaults(&o);
	run_start(&r, 3, 2);
	CHECK(source_snapshot(r.c, &t, &o, 0, r.f, NULL) == -EIO);
	pthread_mutex_lock(&r.l.lock);
	CHECK(r.l.tries[3] == 3);
	pthread_mutex_unlock(&r.l.lock);
	fflush(r.f);
	CHECK(!strstr(r.out, "rec04")); /* nothing after the failed page */
	run_stop(&r);
	/* a failure past next_page null does not matter */
	run_start(&r, LAST + 1, 0);
	CHECK(source_snapshot(r.c, &t, &o, 0, r.f, NULL) == 0);
	fflush(r.f);
	CHECK(!strstr(r.out, "past"));
	run_stop(&r);
	table_opts_free(&o);
}

/* Batches stop where a one-page-at-a-time read stops, whatever was fetched. */
static void test_batch_stops(void)
{
	struct table_info t;
	struct table_opts o;
	struct buf want;
	struct run r;
	char *end = NULL;
	int64_t init = 4102444800000000LL; /* 2100 */

	table(&t, 1);
	table_opts_defaults(&o);
	buf_init(&want, 0);
	o.max_records_per_batch = 4; /* reached inside page 2: page 2 ends it */
	expected(2, NPAGE, &want);
	run_start(&r, 0, 1);
	CHECK(source_read_batch(r.c, &t, &o, 0, NULL, init, r.f, &end, NULL) ==
	      0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK_STR(end, "2020-01-01T00:02:02.000000+00:00");
	CHECK(r.l.max_page == 2); /* 4 records are 2 pages of 3 */
	free(end);
	end = NULL;
	run_stop(&r);

	o.num_rows = 5; /* a hard cap: cuts page 2 after its second record */
	buf_reset(&want);
	expected(2, 2, &want);
	run_start(&r, 0, 0);
	CHECK(source_read_batch(r.c, &t, &o, 0, NULL, init, r.f, &end, NULL) ==
	      0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK_STR(end, "2020-01-01T00:02:01.000000+00:00");
	CHECK(r.l.max_page == 2);
	free(end);
	end = NULL;
	run_stop(&r);

	/* init_ts inside page 3: the cap cuts there */
	o.num_rows = 0;
	o.max_records_per_batch = 100;
	buf_reset(&want);
	expected(3, 1, &want);
	run_start(&r, 0, 3);
	CHECK(source_read_batch(r.c, &t, &o, 0, NULL,
				1577836800000000LL + 180000000LL, r.f, &end,
				NULL) == 0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK_STR(end, "2020-01-01T00:03:00.000000+00:00");
	CHECK(r.l.max_page <= 4); /* nothing past page 3 once it is back */
	free(end);
	run_stop(&r);
	buf_free(&want);
	table_opts_free(&o);
}

/* Reads a snapshot of pages 1..last at pace; checks it; *requests made. */
static void snapshot_of(int last, enum pace pace, int *requests, int *busy)
{
	struct table_info t;
	struct table_opts o;
	struct buf want;
	struct run r;

	table(&t, 0);
	table_opts_defaults(&o);
	buf_init(&want, 0);
	expected(last, NPAGE, &want);
	run_start_paced(&r, last, pace, 0, 0);
	CHECK(source_snapshot(r.c, &t, &o, 0, r.f, NULL) == 0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	*requests = r.l.requests;
	*busy = r.l.max_busy;
	run_stop(&r);
	buf_free(&want);
	table_opts_free(&o);
}

/* Slow start: a short read asks for hardly more pages than it has. */
static void test_short_reads(void)
{
	enum pace pace;
	int n, busy;

	for (pace = EARLY_SLOW; pace <= EVEN; pace++) {
		snapshot_of(1, pace, &n, &busy);
		CHECK(n == 1);
		snapshot_of(2, pace, &n, &busy);
		CHECK(n <= 3);
		snapshot_of(3, pace, &n, &busy);
		CHECK(n <= 3 + 1);
	}
}

/* A long read still gets PARALLEL pages in flight, and no more. */
static void test_long_read(void)
{
	int n, busy;

	snapshot_of(LONG, EVEN, &n, &busy);
	/* Under valgrind the client is too slow to keep them all busy. */
	CHECK(RUNNING_ON_VALGRIND ? busy <= PARALLEL : busy == PARALLEL);
	CHECK(n >= LONG && n <= LONG + PARALLEL - 1);
}

/* A read that stops at a record count asks for no page past the last. */
static void test_batch_bound(void)
{
	struct table_info t;
	struct table_opts o;
	struct buf want;
	struct run r;
	char *end = NULL;

	table(&t, 1);
	table_opts_defaults(&o);
	buf_init(&want, 0);
	o.max_records_per_batch = 2 * NPAGE;
	expected(2, NPAGE, &want);
	run_start_paced(&r, LONG, EVEN, 0, 0);
	CHECK(source_read_batch(r.c, &t, &o, 0, NULL, 4102444800000000LL, r.f,
				&end, NULL) == 0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK_STR(end, "2020-01-01T00:02:02.000000+00:00");
	CHECK(r.l.max_page == 2 && r.l.requests == 2);
	free(end);
	run_stop(&r);

	/* num_rows one record into page 3, on a snapshot */
	table(&t, 0);
	o.num_rows = 2 * NPAGE + 1;
	buf_reset(&want);
	expected(3, 1, &want);
	run_start_paced(&r, LONG, EVEN, 0, 0);
	CHECK(source_snapshot(r.c, &t, &o, 0, r.f, NULL) == 0);
	fflush(r.f);
	CHECK_STR(r.out, want.data);
	CHECK(r.l.max_page == 3 && r.l.requests == 3);
	run_stop(&r);
	buf_free(&want);
	table_opts_free(&o);
}

int main(void)
{
	test_in_order();
	test_failed_page();
	test_batch_stops();
	test_short_reads();
	test_long_read();
	test_batch_bound();
	return check_result();
}
