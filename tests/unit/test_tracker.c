/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the tracker server without sockets: the db's orders
 * (created or updated, either direction, ties by id ascending), filters,
 * since (inclusive) and pages, writes that move records, and the routes'
 * statuses, Link headers and fault options.
 */
#include "tracker/api.h"
#include "tracker/db.h"
#include "tracker/link.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "request.h"
#include "common/isotime.h"

#define NOW 1795814775 /* 2026-11-27T21:26:15Z */

static struct db *db;

/* ------------------------------------------------------------ helpers --- */

static json_object *parse(const struct buf *b)
{
	json_object *o = json_tokener_parse(b->data ? b->data : "");

	CHECK(o != NULL);
	return o;
}

static const char *str(json_object *rec, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(rec, key, &v);
	return v ? json_object_get_string(v) : NULL;
}

static int64_t num(json_object *rec, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(rec, key, &v);
	return v ? json_object_get_int64(v) : -1;
}

typedef int (*list_fn)(struct db *, const struct db_query *, struct buf *,
		       uint64_t *);

/* Every record of q's list, page by page, into one array; sets *total. */
static json_object *all_pages(list_fn fn, struct db_query q, uint64_t *total)
{
	json_object *all = json_object_new_array();
	struct buf b;

	buf_init(&b, 0);
	for (q.page = 1;; q.page++) {
		json_object *page;
		size_t n;

		buf_reset(&b);
		CHECK(fn(db, &q, &b, total) == 0);
		page = parse(&b);
		n = json_object_array_length(page);
		for (size_t i = 0; i < n; i++)
			json_object_array_add(
			    all, json_object_get(
				     json_object_array_get_idx(page, i)));
		json_object_put(page);
		if (n < q.per_page)
			break;
	}
	buf_free(&b);
	return all;
}

/* Whether a precedes b in q's documented order. */
static int before(json_object *a, json_object *b, const struct db_query *q)
{
	const char *key = q->sort == DB_UPDATED ? "updated_at" : "created_at";
	int c = strcmp(str(a, key), str(b, key));

	if (c)
		return q->desc ? c > 0 : c < 0;
	return num(a, "id") < num(b, "id");
}

/* Checks order, filters and counts of one listing of n records. */
static void check_list(json_object *all, const struct db_query *q,
		       uint64_t total, uint64_t expect)
{
	size_t n = json_object_array_length(all);
	char since[ISOTIME_SIZE];

	CHECK(n == total);
	CHECK(n == expect);
	if (q->has_since)
		isotime_format_s(q->since_us / 1000000, since);
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(all, i);
		const char *state = str(r, "state");

		if (i > 0)
			CHECK(before(json_object_array_get_idx(all, i - 1), r,
				     q));
		if (state && q->state != DB_ALL)
			CHECK(strcmp(state,
				     q->state == DB_OPEN ? "open" : "closed") ==
			      0);
		if (q->has_since)
			CHECK(strcmp(str(r, "updated_at"), since) >= 0);
	}
}

/* How many records of all have updated_at >= since / in state. */
static uint64_t count(json_object *all, const char *since, const char *state)
{
	uint64_t n = 0;

	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *r = json_object_array_get_idx(all, i);

		if (since && strcmp(str(r, "updated_at"), since) < 0)
			continue;
		if (state && strcmp(str(r, "state"), state) != 0)
			continue;
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------- db --- */

static void test_orders(void)
{
	struct db_query q = {DB_ALL, DB_CREATED, 0, 0, 0, 1, 100};
	json_object *every, *all;
	uint64_t total, open;

	every = all_pages(db_issues, q, &total);
	CHECK(total == DATA_ISSUES);
	check_list(every, &q, total, DATA_ISSUES);
	/* Created order is number order. */
	for (size_t i = 0; i < DATA_ISSUES; i++)
		CHECK(num(json_object_array_get_idx(every, i), "number") ==
		      (int64_t)i + 1);
	open = count(every, NULL, "open");
	CHECK(open > DATA_ISSUES / 2 && open < DATA_ISSUES);
	for (int sort = DB_CREATED; sort <= DB_UPDATED; sort++)
		for (int desc = 0; desc <= 1; desc++)
			for (int st = DB_OPEN; st <= DB_ALL; st++) {
				q = (struct db_query){st, sort, desc, 0,
						      0,  1,	7};
				all = all_pages(db_issues, q, &total);
				check_list(all, &q, total,
					   st == DB_ALL ? DATA_ISSUES
					   : st == DB_OPEN
					       ? open
					       : DATA_ISSUES - open);
				json_object_put(all);
			}
	json_object_put(every);
}

/* Ties: many records share a second, some across a page of 30. */
static void test_ties(void)
{
	struct db_query q = {DB_ALL, DB_UPDATED, 0, 0, 0, 1, 100};
	json_object *all;
	uint64_t total;
	int ties = 0, straddle = 0;

	all = all_pages(db_comments, q, &total);
	for (size_t i = 1; i < total; i++) {
		const char *a =
		    str(json_object_array_get_idx(all, i - 1), "updated_at");
		const char *b =
		    str(json_object_array_get_idx(all, i), "updated_at");

		if (strcmp(a, b) == 0) {
			ties++;
			straddle += i % 30 == 0;
		}
	}
	CHECK(ties > (int)total / 3);
	CHECK(straddle > 3);
	json_object_put(all);
}

static void test_since(void)
{
	struct db_query q = {DB_ALL, DB_UPDATED, 0, 0, 0, 1, 100};
	json_object *every, *all, *mid;
	char since[ISOTIME_SIZE];
	uint64_t total;

	every = all_pages(db_comments, q, &total);
	mid = json_object_array_get_idx(every, total / 2);
	snprintf(since, sizeof(since), "%s", str(mid, "updated_at"));
	q.has_since = 1;
	CHECK(isotime_parse(since, &q.since_us) == 0);
	all = all_pages(db_comments, q, &total);
	check_list(all, &q, total, count(every, since, NULL));
	/* Inclusive: the record at since itself is in. */
	CHECK(strcmp(str(json_object_array_get_idx(all, 0), "updated_at"),
		     since) == 0);
	json_object_put(all);
	/* A microsecond later: that second is out. */
	q.since_us += 1;
	all = all_pages(db_comments, q, &total);
	CHECK(strcmp(str(json_object_array_get_idx(all, 0), "updated_at"),
		     since) > 0);
	json_object_put(all);
	json_object_put(every);
}

static void test_pages(void)
{
	struct db_query q = {DB_ALL, DB_CREATED, 0, 0, 0, 4, 100};
	uint64_t total = 0;
	struct buf b;

	buf_init(&b, 0);
	CHECK(db_issues(db, &q, &b, &total) == 0);
	CHECK_STR(b.data, "[]");
	CHECK(total == DATA_ISSUES);
	buf_reset(&b);
	q.page = 1000000000000000ULL;
	CHECK(db_issues(db, &q, &b, &total) == 0);
	CHECK_STR(b.data, "[]");
	buf_reset(&b);
	CHECK(db_labels(db, 2, 10, &b, &total) == 0);
	CHECK(total == DATA_LABELS);
	{
		json_object *l = parse(&b);

		CHECK(json_object_array_length(l) == 2);
		CHECK_STR(str(json_object_array_get_idx(l, 0), "name"), "ui");
		json_object_put(l);
	}
	buf_free(&b);
}

/* The last record of a listing. */
static json_object *last_of(list_fn fn, struct db_query q, uint64_t *total)
{
	json_object *all = all_pages(fn, q, total);
	json_object *r = json_object_get(
	    json_object_array_get_idx(all, json_object_array_length(all) - 1));

	json_object_put(all);
	return r;
}

static void test_writes(void)
{
	struct db_query upd = {DB_ALL, DB_UPDATED, 0, 0, 0, 1, 100};
	struct db_query crt = {DB_ALL, DB_CREATED, 0, 0, 0, 1, 100};
	struct db_edit e = {
	    .title = "New \"one\"", .set_body = 1, .body = NULL};
	json_object *rec, *last;
	uint64_t total;
	struct buf b;

	buf_init(&b, 0);
	CHECK(db_issue_create(db, &e, &b) == 0);
	rec = parse(&b);
	CHECK(num(rec, "number") == DATA_ISSUES + 1);
	CHECK_STR(str(rec, "title"), "New \"one\"");
	CHECK(str(rec, "body") == NULL);
	CHECK_STR(str(rec, "created_at"), str(rec, "updated_at"));
	CHECK_STR(str(rec, "state"), "open");
	last = last_of(db_issues, crt, &total);
	CHECK(total == DATA_ISSUES + 1 && num(last, "id") == num(rec, "id"));
	json_object_put(last);
	json_object_put(rec);

	/* Editing issue 1 moves it to the end of the updated order. */
	buf_reset(&b);
	e = (struct db_edit){.set_state = 1, .closed = 1};
	CHECK(db_issue_edit(db, 1, &e, &b) == 0);
	rec = parse(&b);
	CHECK_STR(str(rec, "state"), "closed");
	CHECK_STR(str(rec, "closed_at"), str(rec, "updated_at"));
	CHECK(str(rec, "title") != NULL);
	last = last_of(db_issues, upd, &total);
	/* Ties by id: issue 1 comes before the new issue of the same second. */
	CHECK(num(last, "number") == 1 ||
	      strcmp(str(last, "updated_at"), str(rec, "updated_at")) == 0);
	json_object_put(last);
	json_object_put(rec);
	buf_reset(&b);
	e = (struct db_edit){
	    .set_state = 1, .closed = 0, .set_body = 1, .body = "reopened"};
	CHECK(db_issue_edit(db, 1, &e, &b) == 0);
	rec = parse(&b);
	CHECK_STR(str(rec, "state"), "open");
	CHECK(str(rec, "closed_at") == NULL);
	CHECK_STR(str(rec, "body"), "reopened");
	json_object_put(rec);

	/* A comment moves its issue too. */
	buf_reset(&b);
	CHECK(db_comment_create(db, 5, "hello", &b) == 0);
	rec = parse(&b);
	CHECK(num(rec, "issue_number") == 5);
	{
		json_object *user = NULL;

		json_object_object_get_ex(rec, "user", &user);
		CHECK_STR(str(user, "login"), "acme-bot");
		CHECK(num(user, "id") == 1000);
	}
	last = last_of(db_issues, upd, &total);
	CHECK(strcmp(str(last, "updated_at"), str(rec, "created_at")) == 0);
	json_object_put(last);
	buf_reset(&b);
	CHECK(db_comment_edit(db, num(rec, "id"), "edited", &b) == 0);
	json_object_put(rec);
	rec = parse(&b);
	CHECK_STR(str(rec, "body"), "edited");
	json_object_put(rec);
	buf_reset(&b);
	CHECK(db_comment_edit(db, DATA_COMMENT_ID0, "first", &b) == 0);
	last = last_of(db_comments, upd, &total);
	CHECK(total == DATA_COMMENTS + 1);
	json_object_put(last);

	/* Unknown numbers and ids. */
	CHECK(db_issue_edit(db, 0, &e, &b) == -ENOENT);
	CHECK(db_issue_edit(db, DATA_ISSUES + 2, &e, &b) == -ENOENT);
	CHECK(db_comment_create(db, 99999, "x", &b) == -ENOENT);
	CHECK(db_comment_edit(db, DATA_COMMENT_ID0 + 1, "x", &b) == -ENOENT);
	CHECK(db_comment_edit(db, DATA_COMMENT_ID0 - 2, "x", &b) == -ENOENT);
	CHECK(db_comment_edit(db, DATA_COMMENT_ID0 + 2 * (DATA_COMMENTS + 1),
			      "x", &b) == -ENOENT);
	buf_free(&b);
}

/* -------------------------------------------------------------- link --- */

static void test_link(void)
{
	struct httpd_param params[] = {{"state", "all"},
				       {"page", "2"},
				       {"since", "2026-01-01T00:00:00+01:00"},
				       {"flag", NULL}};
	struct link_page lp = {"http://h:1", NULL, "/p", params, 4};
	struct buf b;

	buf_init(&b, 0);
	CHECK(link_header(&lp, 1, 1, &b) == 0);
	CHECK(b.len == 0);
	CHECK(link_header(&lp, 1, 3, &b) == 0);
	CHECK_STR(b.data,
		  "<http://h:1/p?state=all&since=2026-01-01T00%3A00%3A00%2B01%"
		  "3A00&flag&page=2>; rel=\"next\", "
		  "<http://h:1/p?state=all&since=2026-01-01T00%3A00%3A00%2B01%"
		  "3A00&flag&page=3>; rel=\"last\"");
	buf_reset(&b);
	lp.nparams = 1;
	lp.next_origin = "http://other:2";
	CHECK(link_header(&lp, 2, 3, &b) == 0);
	CHECK_STR(b.data, "<http://h:1/p?state=all&page=1>; rel=\"prev\", "
			  "<http://other:2/p?state=all&page=3>; rel=\"next\", "
			  "<http://h:1/p?state=all&page=3>; rel=\"last\", "
			  "<http://h:1/p?state=all&page=1>; rel=\"first\"");
	buf_reset(&b);
	lp.nparams = 0;
	CHECK(link_header(&lp, 3, 3, &b) == 0);
	CHECK_STR(b.data, "<http://h:1/p?page=2>; rel=\"prev\", "
			  "<http://h:1/p?page=1>; rel=\"first\"");
	buf_free(&b);
	CHECK(link_host_ok("127.0.0.1:8080"));
	CHECK(link_host_ok("[::1]:80"));
	CHECK(!link_host_ok(""));
	CHECK(!link_host_ok("a b"));
	CHECK(!link_host_ok("a>b"));
	CHECK(link_origin_ok("http://x"));
	CHECK(link_origin_ok("https://x.example:8443/"));
	CHECK(!link_origin_ok("ftp://x"));
	CHECK(!link_origin_ok("http://"));
	CHECK(!link_origin_ok("http://x y"));
	CHECK(!link_origin_ok("http://x>"));
}

/* --------------------------------------------------------------- api --- */

static struct api api;

/* Runs METHOD PATH with "k=v" parameters and a body; the status. */
static unsigned call(struct httpd_answer *ans, const char *method,
		     const char *path, const char *body, unsigned nparams, ...)
{
	static char keys[HTTPD_PARAMS_MAX][64];
	struct httpd_request req;
	va_list ap;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	va_start(ap, nparams);
	for (unsigned i = 0; i < nparams; i++) {
		const char *kv = va_arg(ap, const char *),
			   *eq = strchr(kv, '=');

		snprintf(keys[i], sizeof(keys[i]), "%.*s",
			 (int)(eq ? (size_t)(eq - kv) : strlen(kv)), kv);
		req.params[i].key = keys[i];
		req.params[i].value = eq ? eq + 1 : NULL;
	}
	va_end(ap);
	req.nparams = nparams;
	for (unsigned i = 0; i < ans->nheaders; i++)
		free(ans->header_value[i]);
	ans->nheaders = 0;
	ans->status = 0;
	buf_reset(&ans->body);
	CHECK(api_handle(&api, &req, ans) == 0);
	return ans->status;
}

static const char *link_of(const struct httpd_answer *ans)
{
	for (unsigned i = 0; i < ans->nheaders; i++)
		if (strcmp(ans->header_name[i], "Link") == 0)
			return ans->header_value[i];
	return "";
}

static int message_is(const struct httpd_answer *ans, const char *prefix)
{
	json_object *o = parse(&ans->body);
	const char *m = o ? str(o, "message") : NULL;
	int ok = m && strncmp(m, prefix, strlen(prefix)) == 0 &&
		 json_object_object_length(o) == 1;

	json_object_put(o);
	return ok;
}

#define ISSUES API_REPO "/issues"

static void test_api(void)
{
	struct httpd_answer ans;

	memset(&ans, 0, sizeof(ans));
	api = (struct api){db, NULL, NULL, 0, "http://fallback:9"};
	CHECK(call(&ans, "GET", ISSUES, NULL, 0) == 200);
	CHECK(strstr(link_of(&ans), "<http://fallback:9" ISSUES
				    "?page=2>; rel=\"next\"") != NULL);
	CHECK(call(&ans, "GET", ISSUES, NULL, 2, "per_page=1000", "x=1") ==
	      200);
	CHECK(strstr(link_of(&ans), "per_page=1000&x=1&page=2>") != NULL);
	{
		json_object *a = parse(&ans.body);

		CHECK(json_object_array_length(a) == API_PER_PAGE_MAX);
		json_object_put(a);
	}
	CHECK(call(&ans, "GET", ISSUES "/comments", NULL, 1, "sort=updated") ==
	      200);
	CHECK(call(&ans, "GET", API_REPO "/labels", NULL, 1, "since=bad") ==
	      200);
	CHECK(*link_of(&ans) == '\0');
	/* Bad values: 422 with a message. */
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "page=0") == 422);
	CHECK(message_is(&ans, "Validation Failed"));
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "per_page=x") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "per_page=0") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "state=shut") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "sort=comments") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "direction=up") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "since=yesterday") == 422);
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "state") == 422);
	CHECK(call(&ans, "GET", ISSUES "/comments", NULL, 1, "state=bad") ==
	      200);
	/* Routes and methods. */
	CHECK(call(&ans, "GET", API_REPO, NULL, 0) == 404);
	CHECK(message_is(&ans, "Not Found"));
	CHECK(call(&ans, "DELETE", ISSUES, NULL, 0) == 404);
	CHECK(call(&ans, "GET", ISSUES "/1", NULL, 0) == 404);
	CHECK(call(&ans, "GET", "/repos/acme/other/issues", NULL, 0) == 404);
	CHECK(call(&ans, "PATCH", ISSUES "/0", "{}", 0) == 404);
	CHECK(call(&ans, "PATCH", ISSUES "/99999", "{}", 0) == 404);
	CHECK(call(&ans, "PATCH", ISSUES "/1x", "{}", 0) == 404);
	/* Bodies. */
	CHECK(call(&ans, "POST", ISSUES, "{", 0) == 400);
	CHECK(message_is(&ans, "Problems parsing JSON"));
	CHECK(call(&ans, "POST", ISSUES, "[]", 0) == 422);
	CHECK(call(&ans, "POST", ISSUES, "{\"body\":\"b\"}", 0) == 422);
	CHECK(call(&ans, "POST", ISSUES, "{\"title\":\"\"}", 0) == 422);
	CHECK(call(&ans, "POST", ISSUES, "{\"title\":7}", 0) == 422);
	CHECK(call(&ans, "POST", ISSUES, "{\"title\":\"a\\u0000b\"}", 0) ==
	      422);
	CHECK(call(&ans, "POST", ISSUES, "{\"title\":\"t\",\"body\":3}", 0) ==
	      422);
	CHECK(call(&ans, "POST", ISSUES, "{\"title\":\"t\",\"x\":[1]}", 0) ==
	      201);
	CHECK(call(&ans, "PATCH", ISSUES "/2", "{\"state\":\"gone\"}", 0) ==
	      422);
	CHECK(call(&ans, "PATCH", ISSUES "/2", "{\"state\":null}", 0) == 422);
	CHECK(call(&ans, "PATCH", ISSUES "/2", "{\"title\":null}", 0) == 422);
	CHECK(call(&ans, "PATCH", ISSUES "/2", "{\"state\":\"closed\"}", 0) ==
	      200);
	CHECK(call(&ans, "POST", ISSUES "/2/comments", "{\"body\":\"\"}", 0) ==
	      422);
	CHECK(call(&ans, "POST", ISSUES "/2/comments", "{\"body\":\"c\"}", 0) ==
	      201);
	CHECK(call(&ans, "PATCH", ISSUES "/comments/5000000000", "{}", 0) ==
	      422);
	CHECK(call(&ans, "PATCH", ISSUES "/comments/5000000000",
		   "{\"body\":\"d\"}", 0) == 200);
	CHECK(call(&ans, "PATCH", ISSUES "/comments/5000000001",
		   "{\"body\":\"d\"}", 0) == 404);
	/* Faults: a garbage page, next links elsewhere. */
	api.garbage_page = 2;
	CHECK(call(&ans, "GET", ISSUES, NULL, 1, "page=2") == 200);
	CHECK(json_tokener_parse(ans.body.data) == NULL);
	CHECK(strstr(link_of(&ans), "page=3>; rel=\"next\"") != NULL);
	api.link_origin = "http://evil:1";
	api.public_url = "https://public.example";
	CHECK(call(&ans, "GET", ISSUES, NULL, 0) == 200);
	CHECK(strstr(link_of(&ans),
		     "<http://evil:1" ISSUES "?page=2>; rel=\"next\"") != NULL);
	CHECK(strstr(link_of(&ans),
		     "<https://public.example" ISSUES "?page=") != NULL);
	for (unsigned i = 0; i < ans.nheaders; i++)
		free(ans.header_value[i]);
	buf_free(&ans.body);
}

int main(void)
{
	struct data d;

	data_init(&d, 42, 1, NOW);
	CHECK(db_new(&d, &db) == 0);
	test_orders();
	test_ties();
	test_since();
	test_pages();
	test_link();
	test_writes();
	test_api();
	db_free(db);
	return check_result();
}
