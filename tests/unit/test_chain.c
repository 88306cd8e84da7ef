/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the chain, no FUSE: against the simulated Example source
 * run in-process on a loopback port (answering one call in ten with a
 * 429/500/503), a chain goes on after an option change; num_rows counts
 * what an epoch published across reopenings; a full refresh starts a new
 * epoch with new names and refuses the old ones; every step is recorded,
 * also an empty metrics window, and _next converges; a crash's leftovers
 * are repaired; concurrent listings run one refresh; on-demand batches are
 * bounded; and a chain of version 1 is adopted. Against a slow source, a
 * listing that gives up (an interrupt, simulated through its waiter's
 * callback) leaves the others waiting for the refresh it shared, and the
 * last one to leave cancels the refresh, which keeps the batches it
 * published; the next listing goes on from there, every record once.
 */
#include "chain.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "common/isotime.h"
#include "example/server.h"
#include "token.h"

#define NTHREADS 8

static struct http_client *http;
static struct cache *cache;
static char url[64], root[64];

/* ------------------------------------------------------------ helpers --- */

static size_t discard(char *p, size_t size, size_t n, void *data)
{
	(void)p, (void)data;
	return size * n;
}

/* Upserts an order (retrying the injected errors). */
static void post_order(const char *id, const char *status)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: "
						       "application/json");
	char u[128], body[256];
	long st = 0;

	snprintf(u, sizeof(u), "%s/tables/orders/records", url);
	snprintf(body, sizeof(body),
		 "{\"order_id\":\"%s\",\"user_id\":\"user_0003\",\"amount\":"
		 "1.5,\"status\":\"%s\",\"updated_at\":null}",
		 id, status);
	curl_easy_setopt(e, CURLOPT_URL, u);
	curl_easy_setopt(e, CURLOPT_USERPWD, "u:p");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	do {
		CHECK(curl_easy_perform(e) == CURLE_OK);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &st);
	} while (st >= 429);
	CHECK(st == 200);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
}

static struct table_info *describe(const char *table)
{
	struct table_info *t = NULL;

	CHECK(source_describe(http, table, &t) == 0);
	return t;
}

/* Opens the chain of object over info and o, refreshing at every
 * listing. */
static int open_chain(struct chain *ch, const struct table_info *info,
		      const struct table_opts *o, const char *object,
		      int full_refresh)
{
	struct chain_config cfg = {
	    .http = http,
	    .info = info,
	    .opts = o,
	    .object = object,
	    .refresh = 0,
	    .adhoc_ttl = 3600,
	    .full_refresh = full_refresh,
	};

	return chain_open(ch, cache, &cfg);
}

/* The token the JSON of a head or an end names (a malloc'd copy). */
static char *token_in(const char *json)
{
	const char *p = strstr(json, "\"token\": \"");
	const char *q = p ? strchr(p + 10, '"') : NULL;

	return q ? strndup(p + 10, (size_t)(q - p - 10)) : NULL;
}

/* _next.<token> as chain_batch_end_json() says it: its token. */
static char *next_of(struct chain *ch, const char *token)
{
	struct buf b;
	char *t = NULL;

	buf_init(&b, 0);
	if (chain_batch_end_json(ch, token, NULL, &b) == 0)
		t = token_in(b.data);
	buf_free(&b);
	return t;
}

static char *head_of(struct chain *ch)
{
	struct buf b;
	char *t = NULL;

	buf_init(&b, 0);
	CHECK(chain_head_json(ch, &b) == 0);
	t = token_in(b.data ? b.data : "");
	buf_free(&b);
	return t;
}

static int count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), s = strlen(suffix);

		n += l > s && !strcmp(de->d_name + l - s, suffix);
	}
	closedir(d);
	return n;
}

/* ---------------------------------------------------------- options --- */

/* An option change keeps the chain: the next refresh goes on from the
 * head, with the new sizes and filters, and the state says they changed. */
static void test_options(const struct table_info *orders)
{
	struct chain_state st = {0};
	struct json_object *v = NULL;
	struct table_opts o;
	struct chain ch;
	char *head, *again, dir[256];

	table_opts_defaults(&o);
	CHECK(open_chain(&ch, orders, &o, "orders", 0) == 0);
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens == 1 && !strcmp(ch.tokens[0], "0"));
	CHECK(ch.st.published == 103 && ch.st.epoch == 1);
	head = head_of(&ch);
	chain_close(&ch);

	post_order("order_9001", "pending");
	o.max_records_per_batch = 1000;
	o.status = strdup("pending");
	CHECK(open_chain(&ch, orders, &o, "orders", 0) == 0);
	again = head_of(&ch);
	CHECK(ch.ntokens == 1 && ch.st.epoch == 1);
	CHECK(head && again && !strcmp(head, again));
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens == 2 && head && !strcmp(ch.tokens[1], head));
	CHECK(ch.st.published == 104);
	snprintf(dir, sizeof(dir), "%s", ch.dir);
	chain_close(&ch);
	CHECK(chainstate_load(dir, &st) == 0);
	CHECK(st.options &&
	      json_object_object_get_ex(st.options, "status", &v));
	CHECK_STR(json_object_get_string(v), "pending");
	chainstate_free(&st);
	free(head);
	free(again);
	table_opts_free(&o);
}

/* num_rows is a budget of the epoch, kept across reopenings: lowered
 * below what was published it stops the chain; raised, it goes on. */
static void test_num_rows(const struct table_info *users)
{
	static const struct {
		long num_rows, published;
		size_t batches;
	} steps[] = {{10, 10, 1}, {5, 10, 1}, {20, 20, 2}, {0, 37, 3}};
	struct table_opts o;
	struct chain ch;

	table_opts_defaults(&o);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		o.num_rows = steps[i].num_rows;
		CHECK(open_chain(&ch, users, &o, "users_rows", 0) == 0);
		CHECK(chain_refresh(&ch, NULL) == 0);
		CHECK(chain_refresh(&ch, NULL) == 0);
		CHECK(ch.st.published == steps[i].published);
		CHECK(ch.ntokens == steps[i].batches);
		chain_close(&ch);
	}
	table_opts_free(&o);
}

/* ----------------------------------------------------------- epochs --- */

/* A full refresh: a new epoch from the start, the old batches gone, their
 * tokens refused, new names that sort after them. */
static void test_full_refresh(const struct table_info *orders)
{
	struct table_opts o;
	struct chain ch;
	struct stat st;
	char *head;

	table_opts_defaults(&o);
	CHECK(open_chain(&ch, orders, &o, "orders", 1) == 0);
	CHECK(ch.st.epoch == 2 && ch.ntokens == 0 && !ch.st.head);
	CHECK(ch.st.published == 0 && ch.st.cap_us == 0);
	head = head_of(&ch);
	CHECK_STR(head, "y000002-0");
	free(head);
	CHECK(count_files(ch.dir, ".jsonl") == 0);
	CHECK(chain_batch_stat(&ch, "0", NULL, &st) == -ENOENT);
	CHECK(chain_batch_stat(&ch, "y000003-0", NULL, &st) == -ENOENT);
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens == 1 && !strcmp(ch.tokens[0], "y000002-0"));
	CHECK(strcmp(ch.tokens[0], "x") > 0);
	CHECK(ch.st.published == 104);
	chain_close(&ch);
	/* Only the mount that asks starts over. */
	CHECK(open_chain(&ch, orders, &o, "orders", 0) == 0);
	CHECK(ch.st.epoch == 2 && ch.ntokens == 1);
	chain_close(&ch);
	table_opts_free(&o);
}

/* ------------------------------------------------------------ steps --- */

/* Follows _next from token to a token whose _next is itself, at most max
 * steps; returns it (malloc'd), or NULL. */
static char *converge(struct chain *ch, const char *token, int max)
{
	char *tok = strdup(token), *nxt;

	for (int i = 0; tok && i < max; i++) {
		nxt = next_of(ch, tok);
		if (!nxt || !strcmp(nxt, tok)) {
			free(nxt);
			return tok;
		}
		CHECK(strcmp(nxt, tok) > 0);
		free(tok);
		tok = nxt;
	}
	free(tok);
	return NULL;
}

/* Metrics in 20 s windows, most of them empty: every step is recorded, so
 * _next from 0 rejoins the chain through empty steps that read as empty
 * files; and from any token _next converges on the head. */
static void test_steps(const struct table_info *metrics)
{
	char cursor[ISOTIME_SIZE], token[TOKEN_SIZE], *tok, *head, *fixed;
	size_t listed = 0, empty = 0;
	struct table_opts o;
	struct chain ch;
	struct stat st;

	table_opts_defaults(&o);
	o.window_seconds = 20;
	CHECK(open_chain(&ch, metrics, &o, "metrics", 0) == 0);
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens >= 2);
	head = head_of(&ch);
	tok = strdup("0");
	for (int i = 0; tok && head && strcmp(tok, head) && i < 100000; i++) {
		char *nxt;

		if (listed < ch.ntokens && !strcmp(tok, ch.tokens[listed])) {
			listed++;
		} else {
			CHECK(chain_batch_stat(&ch, tok, NULL, &st) == 0);
			CHECK(st.st_size == 0);
			empty++;
		}
		nxt = next_of(&ch, tok);
		CHECK(nxt && strcmp(nxt, tok) > 0);
		free(tok);
		tok = nxt;
	}
	CHECK(listed == ch.ntokens && empty > 10);
	CHECK(ch.adhoc.count == 0); /* nothing was read on demand */
	free(tok);

	/* From between two windows, a minute and a half before the cap. */
	isotime_format(ch.st.cap_us - 90 * 1000000LL + 123, cursor);
	CHECK(token_encode(1, cursor, token, sizeof(token)) == 0);
	fixed = converge(&ch, token, 100);
	CHECK(fixed && head && !strcmp(fixed, head));
	CHECK(ch.adhoc.count >= 4);
	free(fixed);
	free(head);
	chain_close(&ch);
	table_opts_free(&o);
}

/* ------------------------------------------------------------ crashes --- */

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	CHECK(f && fputs("partial", f) >= 0 && fclose(f) == 0);
}

/*
 * What a crash leaves: batches published after the state was last saved
 * (the head moves past them, their records counted), a step recorded
 * whose batch never made it into place (not followed), and partial files
 * (swept when the cache is opened).
 */
static void test_crash_repair(const struct table_info *users)
{
	struct chain_state st = {0};
	struct chain_step step = {0};
	char dir[256], part[300], *head, *again;
	struct table_opts o;
	struct chain ch;

	table_opts_defaults(&o);
	o.max_records_per_batch = 10; /* whole pages of 15 */
	CHECK(open_chain(&ch, users, &o, "users_crash", 0) == 0);
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens == 3 && ch.st.published == 37);
	head = head_of(&ch);
	snprintf(dir, sizeof(dir), "%s", ch.dir);
	CHECK(chainstate_load_step(dir, ch.tokens[0], &step) == 0);
	chain_close(&ch);

	/* The state as it was saved after the first batch only. */
	CHECK(chainstate_load(dir, &st) == 0);
	free(st.head);
	st.head = step.end;
	st.published = 15;
	CHECK(chainstate_save(dir, &st) == 0);
	CHECK(open_chain(&ch, users, &o, "users_crash", 0) == 0);
	again = head_of(&ch);
	CHECK(head && again && !strcmp(head, again));
	CHECK(ch.ntokens == 3 && ch.st.published == 37);
	free(again);

	/* A step recorded from the head, whose batch never got in place. */
	CHECK(chainstate_save_step(dir, head, "9999-12-31", 5) == 0);
	chain_close(&ch);
	CHECK(open_chain(&ch, users, &o, "users_crash", 0) == 0);
	again = head_of(&ch);
	CHECK(head && again && !strcmp(head, again));
	free(again);
	again = next_of(&ch, head); /* read on demand: the chain is drained */
	CHECK(head && again && !strcmp(head, again));
	free(again);
	chain_close(&ch);

	/* Partial files go when the cache opens. */
	snprintf(part, sizeof(part), "%s/batch.part.AbC123", dir);
	touch(part);
	cache_close(cache, 0);
	CHECK(cache_open(root, "src", &cache) == 0);
	CHECK(access(part, F_OK) == -1);
	chainstate_free(&st);
	free(head);
	table_opts_free(&o);
}

/* --------------------------------------------------- concurrent use --- */

struct lister {
	struct chain *ch;
	int rc;
};

static void *list(void *arg)
{
	struct lister *l = arg;

	l->rc = chain_refresh(l->ch, NULL);
	return NULL;
}

/* N listings at once run one refresh; the others wait for it. */
static void test_single_flight(const struct table_info *users)
{
	struct chain_config cfg = {
	    .http = http,
	    .info = users,
	    .object = "users_flight",
	    .refresh = 3600,
	    .adhoc_ttl = 3600,
	};
	struct lister l[NTHREADS];
	pthread_t th[NTHREADS];
	unsigned long listings, refreshes;
	struct table_opts o;
	struct chain ch;

	table_opts_defaults(&o);
	cfg.opts = &o;
	CHECK(chain_open(&ch, cache, &cfg) == 0);
	for (int i = 0; i < NTHREADS; i++) {
		l[i].ch = &ch;
		CHECK(pthread_create(&th[i], NULL, list, &l[i]) == 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK(l[i].rc == 0);
	}
	chain_counts(&ch, &listings, &refreshes);
	CHECK(listings == NTHREADS && refreshes == 1);
	CHECK(ch.ntokens == 1 && ch.st.published == 37);
	chain_close(&ch);
	table_opts_free(&o);
}

/* ------------------------------------------------ interrupted refresh --- */

/* A listing whose waiter gives up once its flag is raised. */
struct giver {
	struct chain *ch;
	int give_up; /* atomic */
	int rc;
	pthread_t th;
};

static int gave_up(void *arg)
{
	return __atomic_load_n((int *)arg, __ATOMIC_SEQ_CST);
}

static void *list_giving_up(void *arg)
{
	struct giver *g = arg;
	struct waiter w = {gave_up, &g->give_up};

	g->rc = chain_refresh(g->ch, &w);
	return NULL;
}

static void giver_start(struct giver *g, struct chain *ch)
{
	memset(g, 0, sizeof(*g));
	g->ch = ch;
	CHECK(pthread_create(&g->th, NULL, list_giving_up, g) == 0);
}

/* Waits (a bounded while) until the chain published n batches and counts
 * w waiters. */
static int chain_reaches(struct chain *ch, size_t n, unsigned w)
{
	for (int i = 0; i < 30000; i++) {
		int ok;

		pthread_mutex_lock(&ch->lock);
		ok = ch->ntokens >= n && ch->waiters == w;
		pthread_mutex_unlock(&ch->lock);
		if (ok)
			return 1;
		usleep(1000);
	}
	return 0;
}

static int chain_idle(struct chain *ch)
{
	int busy = 1;

	for (int i = 0; i < 30000 && busy; i++) {
		pthread_mutex_lock(&ch->lock);
		busy = ch->busy;
		pthread_mutex_unlock(&ch->lock);
		if (busy)
			usleep(1000);
	}
	return !busy;
}

/* The records of every published batch, one line each, in order. */
static long lines_published(struct chain *ch, char **first_dup)
{
	char path[600], line[4096], **seen = NULL;
	long n = 0;

	*first_dup = NULL;
	for (size_t i = 0; i < ch->ntokens; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.jsonl", ch->dir,
			 ch->tokens[i]);
		f = fopen(path, "r");
		CHECK(f != NULL);
		while (f && fgets(line, sizeof(line), f)) {
			for (long j = 0; j < n && !*first_dup; j++)
				if (!strcmp(seen[j], line))
					*first_dup = strdup(line);
			seen = realloc(seen, (size_t)(n + 1) * sizeof(*seen));
			seen[n++] = strdup(line);
		}
		if (f)
			fclose(f);
	}
	for (long j = 0; j < n; j++)
		free(seen[j]);
	free(seen);
	return n;
}

/*
 * Against a source that answers in 40 ms: two listings share a refresh of
 * 370 users in batches of one page; one gives up and leaves at once while the
 * other gets the whole refresh. Then a lone listing gives up mid-refresh: the
 * refresh stops, keeping its batches, and the next listing goes on from
 * its head, every record once.
 */
static void test_interrupted_refresh(void)
{
	struct example_config ec;
	struct example_server *srv = NULL;
	struct http_client *slow = NULL;
	struct http_config hc;
	struct table_info *users = NULL;
	struct chain_config cfg = {.object = "users_slow", .adhoc_ttl = 3600};
	struct giver a, b;
	struct table_opts o;
	struct chain ch;
	char err[256], u[64], *dup;
	size_t whole = 0;

	example_config_defaults(&ec);
	ec.error_rate = 0;
	ec.seed = 1;
	ec.quiet = 1;
	ec.latency_ms = 40;
	ec.scale = 10; /* 370 users: about 25 batches of one page */
	CHECK(example_server_start(&ec, &srv, err, sizeof(err)) == 0);
	if (!srv)
		return;
	snprintf(u, sizeof(u), "http://127.0.0.1:%u", example_server_port(srv));
	http_config_defaults(&hc);
	hc.base_url = u;
	hc.username = "u";
	hc.password = "p";
	CHECK(http_client_new(&hc, &slow) == 0);
	CHECK(source_describe(slow, "users", &users) == 0);
	table_opts_defaults(&o);
	o.max_records_per_batch = 5;
	cfg.http = slow;
	cfg.info = users;
	cfg.opts = &o;

	/* Two listings; one leaves, the other gets the refresh whole. */
	CHECK(chain_open(&ch, cache, &cfg) == 0);
	giver_start(&a, &ch);
	CHECK(chain_reaches(&ch, 0, 1));
	giver_start(&b, &ch);
	CHECK(chain_reaches(&ch, 1, 2));
	__atomic_store_n(&a.give_up, 1, __ATOMIC_SEQ_CST);
	pthread_join(a.th, NULL);
	CHECK(a.rc == -EINTR);
	pthread_join(b.th, NULL);
	CHECK(b.rc == 0 && ch.ntokens > 10 && ch.st.published == 370);
	whole = ch.ntokens;
	chain_close(&ch);

	/* A lone listing leaves mid-refresh: cancelled, batches kept. */
	cfg.object = "users_cut";
	CHECK(chain_open(&ch, cache, &cfg) == 0);
	giver_start(&a, &ch);
	CHECK(chain_reaches(&ch, 2, 1));
	__atomic_store_n(&a.give_up, 1, __ATOMIC_SEQ_CST);
	pthread_join(a.th, NULL);
	CHECK(a.rc == -EINTR);
	CHECK(chain_idle(&ch));
	CHECK(ch.last_rc == -ECANCELED && ch.refreshed_at == 0);
	CHECK(ch.ntokens >= 2 && ch.ntokens < whole);
	CHECK(lines_published(&ch, &dup) == ch.st.published && !dup);
	/* The next listing goes on from the head. */
	CHECK(chain_refresh(&ch, NULL) == 0);
	CHECK(ch.ntokens == whole && ch.st.published == 370);
	CHECK(lines_published(&ch, &dup) == 370);
	CHECK(dup == NULL);
	free(dup);
	chain_close(&ch);

	table_opts_free(&o);
	table_info_free(users);
	http_client_free(slow);
	example_server_stop(srv);
}

/* On-demand batches: at most ADHOC_MAX kept, never one held open; an open
 * one's _next describes the fetch it holds. */
static void test_adhoc(const struct table_info *users)
{
	char token[TOKEN_SIZE], adhoc[300], data[65536], *nxt;
	struct chain_batch b;
	struct table_opts o;
	struct chain ch;
	struct stat st;
	ssize_t n;

	table_opts_defaults(&o);
	CHECK(open_chain(&ch, users, &o, "users_flight", 0) == 0);
	snprintf(adhoc, sizeof(adhoc), "%s/_adhoc", ch.dir);
	/* From "2": every user (their cursors are timestamps, "2..."). */
	CHECK(chain_batch_open(&ch, "x32", NULL, &b) == 0);
	CHECK(b.fd >= 0 && b.adhoc && !b.published);
	n = pread(b.fd, data, sizeof(data) - 1, 0);
	CHECK(n > 0);
	for (int i = 0; i < 2 * ADHOC_MAX; i++) {
		snprintf(token, sizeof(token), "x7a%02x", 0x30 + i);
		CHECK(chain_batch_stat(&ch, token, NULL, &st) == 0);
		CHECK(st.st_size == 0);
	}
	CHECK(ch.adhoc.count <= ADHOC_MAX + 1);
	CHECK(count_files(adhoc, ".jsonl") == (int)ch.adhoc.count);
	CHECK(count_files(adhoc, ".jsonl") >= ADHOC_MAX);
	/* The held one is still there, and its _next is its own last record. */
	if (n > 0) {
		char *last, *c, cursor[64];

		data[n - 1] = '\0';
		last = strrchr(data, '\n');
		c = strstr(last ? last : data, "\"updated_at\":\"");
		CHECK(c != NULL);
		if (c) {
			snprintf(cursor, sizeof(cursor), "%.32s", c + 14);
			CHECK(token_encode(1, cursor, token, sizeof(token)) ==
			      0);
			nxt = next_of(&ch, "x32");
			CHECK_STR(nxt, token);
			free(nxt);
		}
	}
	chain_batch_close(&ch, &b);
	chain_close(&ch);
	CHECK(count_files(adhoc, ".jsonl") == 0);
	table_opts_free(&o);
}

/* -------------------------------------------------------- version 1 --- */

/* mkdir -p of base/rel. */
static void make_dirs(const char *base, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	for (char *q = p + strlen(base) + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		mkdir(p, 0700);
		*q = '/';
	}
	CHECK(mkdir(p, 0700) == 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

/* A chain version 1 kept under its options' directory is moved to its
 * place: the most recently changed one, with its batches and head. */
static void test_v1(const struct table_info *users)
{
	static const char *const off =
	    "{\"cursor\": \"2026-01-01T00:00:00.000000+00:00\"}\n";
	const struct timespec day_ago[2] = {{time(NULL) - 86400, 0},
					    {time(NULL) - 86400, 0}};
	char p[512], *head;
	struct table_opts o;
	struct chain ch;

	table_opts_defaults(&o);
	/* An older one, made a day ago, for other options. */
	make_dirs(root, "src/old-aaaaaaaaaaaa/changes");
	snprintf(p, sizeof(p), "%s/src/old-aaaaaaaaaaaa/changes", root);
	CHECK(utimensat(AT_FDCWD, p, day_ago, 0) == 0);
	make_dirs(root, "src/old-0123456789ab/changes/_end");
	snprintf(p, sizeof(p), "%s/src/old-0123456789ab/changes/0.jsonl", root);
	write_file(p, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
	snprintf(p, sizeof(p), "%s/src/old-0123456789ab/changes/_end/0", root);
	write_file(p, off);
	snprintf(p, sizeof(p), "%s/src/old-0123456789ab/changes/_head", root);
	write_file(p, off);
	CHECK(open_chain(&ch, users, &o, "old", 0) == 0);
	CHECK(ch.ntokens == 1 && !strcmp(ch.tokens[0], "0"));
	CHECK(ch.st.published == 3 && ch.st.epoch == 1);
	head = head_of(&ch);
	CHECK_STR(head, "20260101T000000.000000Z");
	free(head);
	snprintf(p, sizeof(p), "%s/_head", ch.dir);
	CHECK(access(p, F_OK) == -1);
	snprintf(p, sizeof(p), "%s/src/old-aaaaaaaaaaaa/changes", root);
	CHECK(access(p, F_OK) == 0);
	snprintf(p, sizeof(p), "%s/src/old-0123456789ab/changes", root);
	CHECK(access(p, F_OK) == -1);
	chain_close(&ch);
	table_opts_free(&o);
}

/* -------------------------------------------------------------- main --- */

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *f)
{
	(void)st, (void)type, (void)f;
	return remove(path);
}

int main(void)
{
	struct example_config ec;
	struct example_server *srv = NULL;
	struct http_config hc;
	struct table_info *orders, *users, *metrics;
	char err[256];

	example_config_defaults(&ec);
	ec.error_rate = 0.1;
	ec.seed = 1;
	ec.quiet = 1;
	CHECK(example_server_start(&ec, &srv, err, sizeof(err)) == 0);
	if (!srv)
		return check_result();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u",
		 example_server_port(srv));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	http_config_defaults(&hc);
	hc.base_url = url;
	hc.username = "u";
	hc.password = "p";
	hc.attempts = 12;
	hc.backoff_ms = 1;
	hc.parallel = 4;
	CHECK(http_client_new(&hc, &http) == 0);
	snprintf(root, sizeof(root), "/tmp/lakeflowfs-chain.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	CHECK(cache_open(root, "src", &cache) == 0);
	orders = describe("orders");
	users = describe("users");
	metrics = describe("metrics");
	if (orders && users && metrics && cache) {
		test_options(orders);
		test_num_rows(users);
		test_full_refresh(orders);
		test_steps(metrics);
		test_crash_repair(users);
		test_single_flight(users);
		test_adhoc(users);
		test_v1(users);
		test_interrupted_refresh();
	}
	table_info_free(orders);
	table_info_free(users);
	table_info_free(metrics);
	cache_close(cache, 0);
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	http_client_free(http);
	example_server_stop(srv);
	curl_global_cleanup();
	return check_result();
}
