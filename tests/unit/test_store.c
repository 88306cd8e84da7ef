/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the example server's store and seed, without HTTP: seed
 * shapes, order, since/until bounds, page boundaries, upserts, deletes and
 * tombstones, scaled tables, and a randomized check of the page merge
 * against a brute-force model.
 */
#include "example/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "common/isotime.h"
#include "common/rng.h"
#include "example/seed.h"

#define START_US 1795000000000000LL /* a fixed start time: 2026-11-18 */

static struct store *make_store(double null_rate, unsigned scale)
{
	struct store *st = NULL;
	struct seed s;

	seed_init(&s, 42, null_rate, scale, START_US);
	CHECK(store_new(&s, &st) == 0);
	return st;
}

/* Fetches a page as a json-c array (caller puts it); sets *more. */
static json_object *page(struct store *st, int t, struct store_query *q,
			 int *more)
{
	struct buf b;
	json_object *arr;

	buf_init(&b, 0);
	buf_putc(&b, '[');
	CHECK(store_page(st, t, q, &b, more) == 0);
	buf_putc(&b, ']');
	arr = json_tokener_parse(b.data);
	CHECK(arr && json_object_is_type(arr, json_type_array));
	buf_free(&b);
	return arr;
}

static const char *field(json_object *arr, size_t i, const char *name)
{
	json_object *v = NULL;

	json_object_object_get_ex(json_object_array_get_idx(arr, i), name, &v);
	return v ? json_object_get_string(v) : NULL;
}

/* Posts a record given as JSON text; returns the stored record. */
static json_object *upsert(struct store *st, int t, const char *text)
{
	json_object *obj = json_tokener_parse(text), *rec;
	char err[128] = "";
	struct buf b;

	buf_init(&b, 0);
	CHECK(store_upsert(st, t, obj, &b, err, sizeof(err)) == 0);
	rec = json_tokener_parse(b.data ? b.data : "null");
	json_object_put(obj);
	buf_free(&b);
	return rec;
}

static const char *get(json_object *rec, const char *name)
{
	json_object *v = NULL;

	json_object_object_get_ex(rec, name, &v);
	return v ? json_object_get_string(v) : NULL;
}

/* ------------------------------------------------------------ seed --- */

static void test_seed_shapes(void)
{
	struct seed s;
	char pk[SEED_PK_MAX], ts[ISOTIME_SIZE];
	uint64_t i;
	struct buf b;

	seed_init(&s, 1, 0, 1, START_US);
	CHECK(s.rows[TBL_PRODUCTS] == 53 && s.rows[TBL_EVENTS] == 101);
	CHECK(s.rows[TBL_USERS] == 37 && s.rows[TBL_ORDERS] == 103);
	CHECK(s.rows[TBL_METRICS] == 253);
	seed_pk(&s, TBL_PRODUCTS, 7, pk);
	CHECK_STR(pk, "prod_0007");
	seed_pk(&s, TBL_EVENTS, 10, pk);
	CHECK_STR(pk, "00000000-0000-0000-0000-00000000000a");
	CHECK(seed_pk_parse(&s, TBL_EVENTS, pk, &i) == 0 && i == 10);
	CHECK(seed_pk_parse(&s, TBL_ORDERS, "order_0102", &i) == 0 && i == 102);
	CHECK(seed_pk_parse(&s, TBL_ORDERS, "order_0103", &i) == -ENOENT);
	CHECK(seed_pk_parse(&s, TBL_ORDERS, "order_102", &i) == -ENOENT);
	CHECK(seed_pk_parse(&s, TBL_ORDERS, "order_01a2", &i) == -ENOENT);
	CHECK(seed_cursor_us(&s, TBL_ORDERS, 5) ==
	      START_US - 3600000000LL + 5000000);
	CHECK(seed_cursor_us(&s, TBL_USERS, 2) ==
	      START_US - 3600000000LL + 120000000);

	buf_init(&b, 0);
	CHECK(seed_row_json(&s, TBL_ORDERS, 4, &b) == 0);
	isotime_format(seed_cursor_us(&s, TBL_ORDERS, 4), ts);
	{
		char want[256];

		snprintf(
		    want, sizeof(want),
		    "{\"order_id\":\"order_0004\",\"user_id\":\"user_0004\","
		    "\"amount\":63.2,\"status\":\"shipped\",\"updated_at\":\"%"
		    "s\"}",
		    ts);
		CHECK_STR(b.data, want);
	}
	buf_reset(&b);
	CHECK(seed_row_json(&s, TBL_METRICS, 3, &b) == 0);
	CHECK(strstr(b.data, "\"value\":{\"count\":3,\"label\":\"critical\","
			     "\"measure\":3.3000000000000003}") != NULL);
	buf_reset(&b);
	CHECK(seed_row_json(&s, TBL_PRODUCTS, 2, &b) == 0);
	CHECK_STR(b.data,
		  "{\"product_id\":\"prod_0002\",\"name\":\"Product 2\","
		  "\"price\":13.0,\"category\":\"clothing\"}");
	buf_free(&b);
}

static const char *const statuses[] = {"pending", "shipped", "delivered"};

static void test_seed_nulls(void)
{
	struct seed s;
	struct buf b;
	unsigned nulls = 0, fields = 0;

	buf_init(&b, 0);
	seed_init(&s, 9, 1.0, 1, START_US);
	CHECK(seed_row_json(&s, TBL_USERS, 3, &b) == 0);
	CHECK(strstr(b.data, "\"user_id\":\"user_0003\",\"email\":null,"
			     "\"display_name\":null,\"status\":null,"
			     "\"updated_at\":\"") == b.data + 1);
	/* About null_rate of the statuses are null, the same ones each time. */
	seed_init(&s, 9, 0.2, 100, START_US);
	for (uint64_t i = 0; i < s.rows[TBL_ORDERS]; i++, fields++)
		nulls +=
		    !seed_str_equals(&s, TBL_ORDERS, i, 3, statuses[i % 3]);
	CHECK(fields == 10300 && nulls > 1850 && nulls < 2270);
	CHECK(seed_str_equals(&s, TBL_ORDERS, 0, 0, "order_00000"));
	CHECK(rng_hash(1, 2, 3, 4) == rng_hash(1, 2, 3, 4));
	CHECK(rng_hash(1, 2, 3, 4) != rng_hash(2, 2, 3, 4));
	buf_free(&b);
}

static void test_seed_widths(void)
{
	struct seed s;
	char pk[SEED_PK_MAX];

	seed_init(&s, 1, 0, 100, START_US); /* 5300 products: 4 digits */
	seed_pk(&s, TBL_PRODUCTS, 5299, pk);
	CHECK_STR(pk, "prod_5299");
	seed_init(&s, 1, 0, 1000, START_US); /* 103000 orders: 6 digits */
	seed_pk(&s, TBL_ORDERS, 7, pk);
	CHECK_STR(pk, "order_000007");
	seed_pk(&s, TBL_ORDERS, 102999, pk);
	CHECK_STR(pk, "order_102999");
	/* Row i at scale N has the timestamp of row i / N at scale 1. */
	CHECK(seed_cursor_us(&s, TBL_ORDERS, 3000) == s.base_us + 3000000);
	CHECK(seed_cursor_us(&s, TBL_ORDERS, 1) == s.base_us + 1000);
	CHECK(seed_cursor_us(&s, TBL_USERS, 1) == s.base_us + 60000);
}

/* ----------------------------------------------------------- pages --- */

static void test_pages(void)
{
	struct store *st = make_store(0, 1);
	struct store_query q = {.page = 1, .size = 40};
	json_object *a;
	int more;

	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 40 && more);
	CHECK_STR(field(a, 0, "order_id"), "order_0000");
	json_object_put(a);
	q.page = 3;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 23 && !more);
	CHECK_STR(field(a, 22, "order_id"), "order_0102");
	json_object_put(a);
	q.page = 4;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 0 && !more);
	json_object_put(a);
	q.page = UINT64_MAX / 2;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 0 && !more);
	json_object_put(a);
	/* Exactly full last page: no next page. */
	q.page = 1;
	q.size = 103;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 103 && !more);
	json_object_put(a);
	store_free(st);
}

static void test_since_until(void)
{
	struct store *st = make_store(0, 1);
	const struct seed *s = store_seed(st);
	char c10[ISOTIME_SIZE], c20[ISOTIME_SIZE];
	struct store_query q = {.page = 1, .size = 100};
	json_object *a;
	int more;

	isotime_format(seed_cursor_us(s, TBL_METRICS, 10), c10);
	isotime_format(seed_cursor_us(s, TBL_METRICS, 20), c20);
	q.since = c10;
	q.until = c20;
	a = page(st, TBL_METRICS, &q, &more);
	CHECK(json_object_array_length(a) == 10 && !more);
	CHECK_STR(field(a, 0, "metric_id"), "metric_0011");
	CHECK_STR(field(a, 9, "metric_id"), "metric_0020");
	json_object_put(a);
	q.until = c10; /* empty window */
	a = page(st, TBL_METRICS, &q, &more);
	CHECK(json_object_array_length(a) == 0 && !more);
	json_object_put(a);
	q.since = ""; /* every cursor sorts after the empty string */
	q.until = NULL;
	q.size = 1000;
	a = page(st, TBL_METRICS, &q, &more);
	CHECK(json_object_array_length(a) == 253);
	json_object_put(a);
	q.since = "9999"; /* after every cursor */
	a = page(st, TBL_METRICS, &q, &more);
	CHECK(json_object_array_length(a) == 0);
	json_object_put(a);
	store_free(st);
}

static void test_filters(void)
{
	struct store *st = make_store(0, 1);
	struct store_query q = {.page = 1,
				.size = 40,
				.nfilters = 2,
				.filter_col = {1, 3},
				.filter_val = {"user_0001", "shipped"}};
	json_object *a;
	int more;

	/* i % 10 == 1 and i % 3 == 1: i = 1, 31, 61, 91. */
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 4 && !more);
	CHECK_STR(field(a, 3, "order_id"), "order_0091");
	json_object_put(a);
	q.nfilters = 1;
	q.filter_col[0] = 3;
	q.filter_val[0] = "pending";
	q.size = 10;
	q.page = 3; /* pending: i = 0, 3, ..., 102: 35 rows */
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 10 && more);
	CHECK_STR(field(a, 0, "order_id"), "order_0060");
	json_object_put(a);
	q.page = 4;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 5 && !more);
	json_object_put(a);
	store_free(st);
}

/* ---------------------------------------------------------- writes --- */

static void test_upsert_moves_to_end(void)
{
	struct store *st = make_store(0, 1);
	struct store_query q = {.page = 1, .size = 200};
	json_object *rec, *a, *b;
	int more;

	rec = upsert(st, TBL_ORDERS,
		     "{\"order_id\":\"order_0005\",\"amount\":7,"
		     "\"updated_at\":\"1999-01-01\"}");
	CHECK(get(rec, "status") == NULL); /* missing columns: null */
	CHECK_STR(get(rec, "amount"), "7.0");
	CHECK(strcmp(get(rec, "updated_at"), "2000") > 0); /* set to now */
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 103);
	CHECK_STR(field(a, 102, "order_id"), "order_0005");
	CHECK_STR(field(a, 5, "order_id"), "order_0006");
	/* Two upserts in a row get strictly increasing cursors. */
	b = upsert(st, TBL_ORDERS, "{\"order_id\":\"order_0006\"}");
	CHECK(strcmp(get(b, "updated_at"), get(rec, "updated_at")) > 0);
	json_object_put(b);
	b = upsert(st, TBL_ORDERS, "{\"order_id\":\"zz\"}");
	json_object_put(b);
	q.since = get(rec, "updated_at");
	json_object_put(a);
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 2);
	CHECK_STR(field(a, 0, "order_id"), "order_0006");
	CHECK_STR(field(a, 1, "order_id"), "zz");
	json_object_put(a);
	json_object_put(rec);
	store_free(st);
}

static void test_products_insert(void)
{
	struct store *st = make_store(0, 1);
	struct store_query q = {.page = 1, .size = 100};
	json_object *rec, *a;
	int more;

	rec = upsert(st, TBL_PRODUCTS,
		     "{\"product_id\":\"prod_0003\",\"name\":\"X\"}");
	json_object_put(rec);
	rec = upsert(st, TBL_PRODUCTS, "{\"product_id\":\"a\",\"price\":1.25}");
	json_object_put(rec);
	a = page(st, TBL_PRODUCTS, &q, &more);
	CHECK(json_object_array_length(a) == 54);
	CHECK_STR(field(a, 0, "product_id"), "a");
	CHECK_STR(field(a, 4, "product_id"), "prod_0003");
	CHECK_STR(field(a, 4, "name"), "X");
	json_object_put(a);
	store_free(st);
}

static void test_bad_bodies(void)
{
	struct store *st = make_store(0, 1);
	static const char *const bad[] = {
	    "[1]",
	    "{}",
	    "{\"order_id\":\"\"}",
	    "{\"order_id\":5}",
	    "{\"order_id\":\"x\",\"nope\":1}",
	    "{\"order_id\":\"x\",\"amount\":\"1\"}",
	    "{\"order_id\":null}",
	};
	char err[128];
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *obj = json_tokener_parse(bad[i]);

		err[0] = '\0';
		CHECK(store_upsert(st, TBL_ORDERS, obj, &b, err, sizeof(err)) ==
		      -EINVAL);
		CHECK(err[0] != '\0');
		json_object_put(obj);
	}
	{
		json_object *obj = json_tokener_parse(
		    "{\"metric_id\":\"m\",\"value\":{\"count\":1.5}}");

		CHECK(store_upsert(st, TBL_METRICS, obj, &b, err,
				   sizeof(err)) == -EINVAL);
		json_object_put(obj);
	}
	buf_free(&b);
	store_free(st);
}

static void test_delete(void)
{
	struct store *st = make_store(0, 1);
	struct store_query q = {.page = 1, .size = 200}, dq = q;
	json_object *a, *rec;
	struct buf b;
	int more;

	buf_init(&b, 0);
	CHECK(store_delete(st, TBL_ORDERS, "order_0007", &b) == 0);
	rec = json_tokener_parse(b.data);
	CHECK_STR(get(rec, "order_id"), "order_0007");
	CHECK(get(rec, "user_id") == NULL);
	CHECK(get(rec, "amount") == NULL);
	CHECK(get(rec, "status") == NULL);
	CHECK(get(rec, "updated_at") != NULL);
	json_object_put(rec);
	buf_reset(&b);
	CHECK(store_delete(st, TBL_ORDERS, "order_0007", &b) == -ENOENT);
	CHECK(store_delete(st, TBL_ORDERS, "order_9999", &b) == -ENOENT);
	rec = upsert(st, TBL_ORDERS, "{\"order_id\":\"new\"}");
	json_object_put(rec);
	CHECK(store_delete(st, TBL_ORDERS, "new", &b) == 0);
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 102);
	CHECK_STR(field(a, 7, "order_id"), "order_0008");
	json_object_put(a);
	dq.deleted = 1;
	a = page(st, TBL_ORDERS, &dq, &more);
	CHECK(json_object_array_length(a) == 2 && !more);
	CHECK_STR(field(a, 0, "order_id"), "order_0007");
	CHECK_STR(field(a, 1, "order_id"), "new");
	dq.since = field(a, 0, "updated_at");
	{
		json_object *d = page(st, TBL_ORDERS, &dq, &more);

		CHECK(json_object_array_length(d) == 1);
		json_object_put(d);
	}
	json_object_put(a);
	buf_free(&b);
	store_free(st);
}

/* ------------------------------------------------------ model check --- */

struct model_row {
	char pk[SEED_PK_MAX];
	char cursor[ISOTIME_SIZE];
};

static int model_cmp(const void *a, const void *b)
{
	const struct model_row *x = a, *y = b;
	int c = strcmp(x->cursor, y->cursor);

	return c ? c : strcmp(x->pk, y->pk);
}

static size_t model_find(struct model_row *m, size_t n, const char *pk)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].pk, pk) == 0)
			return i;
	return n;
}

/* Every page of every size against the sorted model. */
static void model_compare(struct store *st, int t, struct model_row *m,
			  size_t n, const char *pkname, const char *curname)
{
	struct store_query q = {0};
	unsigned sizes[] = {1, 7, 40, 1000};
	int more;

	qsort(m, n, sizeof(*m), model_cmp);
	for (size_t s = 0; s < 4; s++) {
		size_t seen = 0;

		q.size = sizes[s];
		for (q.page = 1;; q.page++) {
			json_object *a = page(st, t, &q, &more);
			size_t len = json_object_array_length(a);

			for (size_t i = 0; i < len && seen + i < n; i++) {
				CHECK_STR(field(a, i, pkname), m[seen + i].pk);
				if (curname)
					CHECK_STR(field(a, i, curname),
						  m[seen + i].cursor);
			}
			seen += len;
			json_object_put(a);
			CHECK(more == (seen < n));
			if (!more || seen > n)
				break;
		}
		CHECK(seen == n);
	}
}

/* Random upserts and deletes on metrics, whose seeded rows run into the
 * future, so written rows land between seeded ones. */
static void test_model(int t, unsigned scale)
{
	struct store *st = make_store(0.2, scale);
	const struct seed *s = store_seed(st);
	const struct table_def *td = &seed_tables[t];
	const char *pkname = td->cols[td->pk_col].name;
	const char *curname =
	    td->cursor_col >= 0 ? td->cols[td->cursor_col].name : NULL;
	size_t n = s->rows[t], cap = n + 400;
	struct model_row *m = calloc(cap, sizeof(*m));
	uint64_t r = 7;

	for (size_t i = 0; i < n; i++) {
		seed_pk(s, t, i, m[i].pk);
		if (curname)
			isotime_format(seed_cursor_us(s, t, i), m[i].cursor);
	}
	for (int step = 0; step < 300; step++) {
		char text[160], pk[SEED_PK_MAX];
		json_object *rec;
		size_t at;

		r = rng_mix(r);
		if (r % 4 == 0)
			snprintf(pk, sizeof(pk), "x%03" PRIu64, (r >> 8) % 50);
		else
			seed_pk(s, t, (r >> 8) % n, pk);
		at = model_find(m, n, pk);
		snprintf(text, sizeof(text), "{\"%s\":\"%s\"}", pkname, pk);
		rec = upsert(st, t, text);
		if (at == n)
			n++;
		snprintf(m[at].pk, sizeof(m[at].pk), "%s", pk);
		if (curname)
			snprintf(m[at].cursor, sizeof(m[at].cursor), "%s",
				 get(rec, curname));
		json_object_put(rec);
		if (step % 50 == 0)
			model_compare(st, t, m, n, pkname, curname);
	}
	model_compare(st, t, m, n, pkname, curname);
	free(m);
	store_free(st);
}

static void test_model_deletes(void)
{
	struct store *st = make_store(0.2, 2);
	const struct seed *s = store_seed(st);
	size_t n = s->rows[TBL_ORDERS];
	struct model_row *m = calloc(n, sizeof(*m));
	struct buf b;
	uint64_t r = 3;

	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		seed_pk(s, TBL_ORDERS, i, m[i].pk);
		isotime_format(seed_cursor_us(s, TBL_ORDERS, i), m[i].cursor);
	}
	for (int step = 0; step < 120; step++) {
		size_t at;

		r = rng_mix(r);
		at = (size_t)(r % n);
		buf_reset(&b);
		CHECK(store_delete(st, TBL_ORDERS, m[at].pk, &b) == 0);
		m[at] = m[--n];
	}
	model_compare(st, TBL_ORDERS, m, n, "order_id", "updated_at");
	buf_free(&b);
	free(m);
	store_free(st);
}

/* At scale, a late page is reached without walking the earlier ones. */
static void test_scale(void)
{
	struct store *st = make_store(0.2, 10000);
	const struct seed *s = store_seed(st);
	struct store_query q = {.page = 1030000 / 40, .size = 40};
	char pk[SEED_PK_MAX];
	json_object *a, *rec;
	int more;

	CHECK(s->rows[TBL_ORDERS] == 1030000);
	a = page(st, TBL_ORDERS, &q, &more); /* the last page, full */
	CHECK(json_object_array_length(a) == 40 && !more);
	seed_pk(s, TBL_ORDERS, (q.page - 1) * 40, pk);
	CHECK_STR(field(a, 0, "order_id"), pk);
	CHECK(strcmp(field(a, 0, "updated_at"), field(a, 39, "updated_at")) <
	      0);
	json_object_put(a);
	rec = upsert(st, TBL_ORDERS, "{\"order_id\":\"order_0000000\"}");
	json_object_put(rec);
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK(json_object_array_length(a) == 40 && !more);
	seed_pk(s, TBL_ORDERS, (q.page - 1) * 40 + 1, pk);
	CHECK_STR(field(a, 0, "order_id"), pk);
	CHECK_STR(field(a, 39, "order_id"), "order_0000000");
	json_object_put(a);
	q.page = 1;
	a = page(st, TBL_ORDERS, &q, &more);
	CHECK_STR(field(a, 0, "order_id"), "order_0000001");
	json_object_put(a);
	store_free(st);
}

int main(void)
{
	test_seed_shapes();
	test_seed_nulls();
	test_seed_widths();
	test_pages();
	test_since_until();
	test_filters();
	test_upsert_moves_to_end();
	test_products_insert();
	test_bad_bodies();
	test_delete();
	test_model(TBL_METRICS, 1);
	test_model(TBL_METRICS, 3);
	test_model(TBL_PRODUCTS, 2);
	test_model(TBL_USERS, 1);
	test_model_deletes();
	test_scale();
	return check_result();
}
