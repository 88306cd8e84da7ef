/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the tracker server without sockets: the db's orders
 * (created or updated, either direction, ties by id ascending), filters,
 * since (inclusive) and pages, and writes that move records.
 */
#include "tracker/db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
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

int main(void)
{
	struct data d;

	data_init(&d, 42, 1, NOW);
	CHECK(db_new(&d, &db) == 0);
	test_orders();
	test_ties();
	test_since();
	test_pages();
	test_writes();
	db_free(db);
	return check_result();
}
