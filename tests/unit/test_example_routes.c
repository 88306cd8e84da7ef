/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the example server's routes, without sockets: statuses
 * and bodies of every route for good and bad paths, parameters and bodies.
 */
#include "example/routes.h"

#include <stdarg.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "request.h"
#include "common/isotime.h"

static struct store *st;

/* Runs METHOD PATH with "k=v" parameters; returns the status. */
static unsigned call(struct buf *out, const char *method, const char *path,
		     const char *body, unsigned nparams, ...)
{
	struct httpd_request req;
	unsigned status = 0;
	va_list ap;

	va_start(ap, nparams);
	request_fill(&req, method, path, body, nparams, ap);
	va_end(ap);
	buf_reset(out);
	CHECK(routes_handle(st, &req, &status, out) == 0);
	return status;
}

/* Whether out parses as a JSON object with member key. */
static int has(struct buf *out, const char *key)
{
	json_object *o = json_tokener_parse(out->data), *v;
	int ok = o && json_object_is_type(o, json_type_object) &&
		 json_object_object_get_ex(o, key, &v);

	json_object_put(o);
	return ok;
}

static size_t records(struct buf *out)
{
	json_object *o = json_tokener_parse(out->data), *v = NULL;
	size_t n = 0;

	if (json_object_object_get_ex(o, "records", &v))
		n = json_object_array_length(v);
	json_object_put(o);
	return n;
}

static void test_listing_schema_metadata(struct buf *b)
{
	CHECK(call(b, "GET", "/tables", NULL, 0) == 200);
	CHECK_STR(
	    b->data,
	    "{\"tables\":[\"products\",\"events\",\"users\",\"orders\"]}");
	CHECK(call(b, "GET", "/tables/metrics/schema", NULL, 0) == 404);
	CHECK(has(b, "error"));
	CHECK(call(b, "GET", "/tables/metrics/metadata", NULL, 0) == 404);
	CHECK(call(b, "GET", "/tables/nope/schema", NULL, 0) == 404);
	CHECK(call(b, "GET", "/tables/events/metadata", NULL, 0) == 200);
	CHECK_STR(b->data, "{\"metadata\":{\"cursor_field\":\"created_at\"}}");
	CHECK(call(b, "GET", "/tables/products/metadata", NULL, 0) == 200);
	CHECK_STR(b->data,
		  "{\"metadata\":{\"primary_keys\":[\"product_id\"]}}");
	CHECK(call(b, "GET", "/tables/orders/metadata", NULL, 0) == 200);
	CHECK_STR(b->data, "{\"metadata\":{\"primary_keys\":[\"order_id\"],"
			   "\"cursor_field\":\"updated_at\"}}");
	CHECK(call(b, "GET", "/tables/products/schema", NULL, 0) == 200);
	CHECK(strstr(b->data, "{\"name\":\"price\",\"type\":\"double\","
			      "\"nullable\":true}") != NULL);
	CHECK(call(b, "POST", "/tables", NULL, 0) == 404);
	CHECK(call(b, "GET", "/tables/", NULL, 0) == 404);
	CHECK(call(b, "GET", "/nope", NULL, 0) == 404);
	CHECK(call(b, "GET", "/tables/orders/records/", NULL, 0) == 404);
	CHECK(call(b, "PUT", "/tables/orders/records", NULL, 0) == 404);
}

static void test_params(struct buf *b)
{
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page=0") ==
	      400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page=1.5") ==
	      400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page=") ==
	      400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page") == 400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page=-1") ==
	      400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1,
		   "page=99999999999999999999999") == 400);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "limit=5") ==
	      400);
	CHECK(call(b, "GET", "/tables/users/records", NULL, 1, "until=x") ==
	      400);
	CHECK(call(b, "GET", "/tables/products/records", NULL, 1, "since=x") ==
	      400);
	CHECK(call(b, "GET", "/tables/events/records", NULL, 1, "limit=0") ==
	      400);
	CHECK(call(b, "GET", "/tables/events/records", NULL, 1, "limit=x") ==
	      400);
	CHECK(call(b, "GET", "/tables/events/records", NULL, 1, "limit=7") ==
	      200);
	CHECK(records(b) == 7);
	CHECK(strstr(b->data, "\"next_page\":2}") != NULL);
	CHECK(call(b, "GET", "/tables/events/records", NULL, 1, "limit=500") ==
	      200);
	CHECK(records(b) == 50);
	CHECK(call(b, "GET", "/tables/orders/records", NULL, 1, "page=3") ==
	      200);
	CHECK(records(b) == 23);
	CHECK(strstr(b->data, "\"next_page\":null}") != NULL);
	CHECK(call(b, "GET", "/tables/products/records", NULL, 1,
		   "category=books") == 200);
	CHECK(records(b) == 18);
	CHECK(call(b, "GET", "/tables/metrics/records", NULL, 2,
		   "since=", "until=") == 200);
	CHECK(records(b) == 0);
	CHECK(call(b, "GET", "/tables/users/deleted_records", NULL, 0) == 400);
	CHECK(call(b, "GET", "/tables/orders/deleted_records", NULL, 1,
		   "status=x") == 400);
	CHECK(call(b, "GET", "/tables/orders/deleted_records", NULL, 2,
		   "since=", "page=1") == 200);
	CHECK_STR(b->data, "{\"records\":[],\"next_page\":null}");
}

static void test_writes(struct buf *b)
{
	CHECK(call(b, "POST", "/tables/products/records",
		   "{\"product_id\":\"p1\",\"price\":2}", 0) == 201);
	CHECK(strstr(b->data, "{\"record\":{\"product_id\":\"p1\"") == b->data);
	CHECK(call(b, "POST", "/tables/users/records",
		   " {\"user_id\":\"u1\"}\n", 0) == 200);
	CHECK(has(b, "record"));
	CHECK(call(b, "POST", "/tables/users/records", "{\"user_id\":\"u1\"} x",
		   0) == 400);
	CHECK(call(b, "POST", "/tables/users/records", "", 0) == 400);
	CHECK(call(b, "POST", "/tables/users/records", "[]", 0) == 400);
	CHECK(call(b, "POST", "/tables/users/records", "{\"bad\":1}", 0) ==
	      400);
	CHECK(call(b, "POST", "/tables/nope/records", "{}", 0) == 404);
	CHECK(call(b, "DELETE", "/tables/users/records/user_0001", NULL, 0) ==
	      400);
	CHECK(call(b, "DELETE", "/tables/nope/records/x", NULL, 0) == 404);
	CHECK(call(b, "DELETE", "/tables/orders/records/zzz", NULL, 0) == 404);
	CHECK(call(b, "DELETE", "/tables/orders/records/order_0001", NULL, 0) ==
	      200);
	CHECK(strstr(b->data,
		     "\"user_id\":null,\"amount\":null,\"status\":null") !=
	      NULL);
	CHECK(call(b, "GET", "/tables/orders/deleted_records", NULL, 0) == 200);
	CHECK(records(b) == 1);
}

int main(void)
{
	struct seed s;
	struct buf b;

	seed_init(&s, 42, 0, 1, isotime_now_us());
	CHECK(store_new(&s, &st) == 0);
	buf_init(&b, 0);
	test_listing_schema_metadata(&b);
	test_params(&b);
	test_writes(&b);
	buf_free(&b);
	store_free(st);
	return check_result();
}
