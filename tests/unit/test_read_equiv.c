/* SPDX-License-Identifier: MIT */
/*
 * Parallel page fetching changes nothing a read returns: every table's
 * snapshot and every chain of batches (changes, deletes, metrics windows,
 * with caps, limits and filters) read from the real simulated server,
 * answering one call in five with a 429/500/503, is byte for byte the same
 * with parallel=8 and parallel=3 as with parallel=1, end offsets included.
 * The record counts include exact multiples of the page size (users 15,
 * products 20, orders 40, events min(limit, 50), metrics 100), where the
 * batch bound leaves no page to spare.
 */
#include "source.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "common/isotime.h"
#include "example/server.h"

#define MAX_BATCHES 2000

enum kind { SNAPSHOT, CHANGES, DELETES };

struct tcase {
	const char *table;
	enum kind kind;
	long max_records; /* 0: default */
	long num_rows;
	long limit;
	long window;
	const char *category, *user_id, *status;
};

static const struct tcase cases[] = {
    {"products", SNAPSHOT, 0, 0, 0, 0, NULL, NULL, NULL},
    {"products", SNAPSHOT, 0, 0, 0, 0, "books", NULL, NULL},
    {"products", SNAPSHOT, 0, 25, 0, 0, NULL, NULL, NULL},
    {"events", SNAPSHOT, 0, 0, 0, 0, NULL, NULL, NULL},
    {"users", SNAPSHOT, 0, 0, 0, 0, NULL, NULL, NULL},
    {"orders", SNAPSHOT, 0, 0, 0, 0, NULL, NULL, NULL},
    {"orders", SNAPSHOT, 0, 0, 0, 0, NULL, "user_0003", "shipped"},
    {"metrics", SNAPSHOT, 0, 0, 0, 0, NULL, NULL, NULL},
    {"metrics", SNAPSHOT, 0, 100, 0, 1800, NULL, NULL, NULL},
    {"events", CHANGES, 0, 0, 0, 0, NULL, NULL, NULL},
    {"events", CHANGES, 0, 0, 30, 0, NULL, NULL, NULL},
    {"events", CHANGES, 7, 0, 0, 0, NULL, NULL, NULL},
    {"users", CHANGES, 0, 0, 0, 0, NULL, NULL, NULL},
    {"users", CHANGES, 7, 10, 0, 0, NULL, NULL, NULL},
    {"orders", CHANGES, 0, 0, 0, 0, NULL, NULL, NULL},
    {"orders", CHANGES, 45, 0, 0, 0, NULL, NULL, NULL},
    {"orders", CHANGES, 7, 0, 0, 0, NULL, "user_0001", NULL},
    {"orders", DELETES, 0, 0, 0, 0, NULL, NULL, NULL},
    {"orders", DELETES, 30, 0, 0, 0, NULL, NULL, NULL},
    {"metrics", CHANGES, 0, 0, 0, 0, NULL, NULL, NULL},
    {"metrics", CHANGES, 50, 0, 0, 1800, NULL, NULL, NULL},
    {"metrics", CHANGES, 0, 70, 0, 0, NULL, NULL, NULL},
    {"products", SNAPSHOT, 0, 40, 0, 0, NULL, NULL, NULL},
    {"products", SNAPSHOT, 0, 41, 0, 0, NULL, NULL, NULL},
    {"metrics", SNAPSHOT, 0, 200, 0, 1800, NULL, NULL, NULL},
    {"users", CHANGES, 30, 0, 0, 0, NULL, NULL, NULL},
    {"users", CHANGES, 15, 31, 0, 0, NULL, NULL, NULL},
    {"orders", CHANGES, 80, 0, 0, 0, NULL, NULL, NULL},
    {"orders", CHANGES, 81, 0, 0, 0, NULL, NULL, NULL},
    {"orders", DELETES, 40, 0, 0, 0, NULL, NULL, NULL},
    {"events", CHANGES, 60, 0, 30, 0, NULL, NULL, NULL},
    {"events", CHANGES, 100, 0, 0, 0, NULL, NULL, NULL},
    {"metrics", CHANGES, 200, 0, 0, 0, NULL, NULL, NULL},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct http_client *client(const char *url, int parallel)
{
	struct http_config cfg;
	struct http_client *c = NULL;

	http_config_defaults(&cfg);
	cfg.base_url = url;
	cfg.username = "u";
	cfg.password = "p";
	cfg.attempts = 12; /* one in five calls fails: never give up here */
	cfg.backoff_ms = 1;
	cfg.parallel = parallel;
	CHECK(http_client_new(&cfg, &c) == 0);
	return c;
}

static void opts(const struct tcase *tc, struct table_opts *o)
{
	table_opts_defaults(o);
	if (tc->max_records)
		o->max_records_per_batch = tc->max_records;
	o->num_rows = tc->num_rows;
	if (tc->limit)
		o->limit = tc->limit;
	if (tc->window)
		o->window_seconds = tc->window;
	o->category = tc->category ? strdup(tc->category) : NULL;
	o->user_id = tc->user_id ? strdup(tc->user_id) : NULL;
	o->status = tc->status ? strdup(tc->status) : NULL;
}

/* A snapshot, or a chain of batches to convergence, as one transcript. */
static int transcript(struct http_client *c, const struct tcase *tc,
		      int64_t init, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);
	struct table_info *t = NULL;
	struct table_opts o;
	char *cursor = NULL, *end = NULL;
	int i, rc;

	opts(tc, &o);
	rc = source_describe(c, tc->table, &t);
	if (!rc && tc->kind == SNAPSHOT)
		rc = source_snapshot(c, t, &o, init, f, NULL);
	for (i = 0; !rc && tc->kind != SNAPSHOT && i < MAX_BATCHES; i++) {
		rc = source_read_batch(c, t, &o, tc->kind == DELETES, cursor,
				       init, f, &end, NULL);
		fprintf(f, "-- batch %d ends at %s\n", i, end ? end : "(same)");
		if (!end)
			break;
		free(cursor);
		cursor = end;
	}
	CHECK(i < MAX_BATCHES);
	free(cursor);
	table_info_free(t);
	table_opts_free(&o);
	fclose(f);
	return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *data)
{
	(void)p, (void)data;
	return size * n;
}

/* Deletes orders so that deleted_records has several pages. */
static void delete_orders(const char *url, int n)
{
	CURL *e = curl_easy_init();
	char u[256];
	long st = 0;
	int i;

	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(e, CURLOPT_USERPWD, "u:p");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	for (i = 0; i < n; i++) {
		snprintf(u, sizeof(u), "%s/tables/orders/records/order_%04d",
			 url, i * 3);
		curl_easy_setopt(e, CURLOPT_URL, u);
		do {
			CHECK(curl_easy_perform(e) == CURLE_OK);
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &st);
		} while (st >= 429);
		CHECK(st == 200);
	}
	curl_easy_cleanup(e);
}

int main(void)
{
	struct example_config ec;
	struct example_server *srv = NULL;
	struct http_client *one, *few, *many;
	char url[64], err[256];
	int64_t init;
	size_t i;

	example_config_defaults(&ec);
	ec.error_rate = 0.2;
	ec.seed = 1;
	ec.scale = 3;
	ec.quiet = 1;
	CHECK(example_server_start(&ec, &srv, err, sizeof(err)) == 0);
	if (!srv)
		return check_result();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u",
		 example_server_port(srv));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	delete_orders(url, 90);
	init = isotime_now_us();
	one = client(url, 1);
	few = client(url, 3);
	many = client(url, 8);
	for (i = 0; i < NCASES; i++) {
		char *a = NULL, *b = NULL, *c = NULL;
		size_t alen = 0, blen = 0, clen = 0;
		int ra = transcript(one, &cases[i], init, &a, &alen);
		int rb = transcript(many, &cases[i], init, &b, &blen);
		int rc = transcript(few, &cases[i], init, &c, &clen);

		CHECK(ra == 0 && rb == 0 && rc == 0);
		CHECK(alen > 0 && alen == blen && !memcmp(a, b, alen));
		CHECK(alen == clen && !memcmp(a, c, alen));
		if (alen != blen || memcmp(a, b, alen) || alen != clen ||
		    memcmp(a, c, alen))
			fprintf(stderr,
				"case %zu (%s): %zu vs %zu, %zu bytes\n", i,
				cases[i].table, alen, blen, clen);
		free(a);
		free(b);
		free(c);
	}
	http_client_free(one);
	http_client_free(few);
	http_client_free(many);
	example_server_stop(srv);
	curl_global_cleanup();
	return check_result();
}
