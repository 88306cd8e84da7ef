/* SPDX-License-Identifier: MIT */
/* Unit tests for the records-page parser: what it accepts and refuses. */
#include "page.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static char *pk_ids[] = {"id"};
static const struct page_keys keys = {"updated_at", pk_ids, 1};

static int parse(const char *body, struct page *pg)
{
	return page_parse(body, body ? strlen(body) : 0, &keys, pg);
}

/* Record i's line as a string (in a static buffer). */
static const char *record_json(const struct page *pg, size_t i)
{
	static char line[1024];
	size_t len;
	const char *p = page_record_json(pg, i, &len);

	snprintf(line, sizeof(line), "%.*s", (int)len, p);
	return p[len] == '\n' ? line : "(no newline)";
}

/* Each body must be refused with an error mentioning the reason. */
static void test_rejects(void)
{
	static const struct {
		const char *body;
		const char *reason;
	} cases[] = {
	    {"", "empty body"},
	    {"{\"records\": [", "invalid JSON"},
	    {"{\"records\": [], \"next_page\": null} x", "invalid JSON"},
	    {"not json", "invalid JSON"},
	    {"[1,2]", "not a JSON object"},
	    {"{\"next_page\": null}", "records missing"},
	    {"{\"records\": {}, \"next_page\": null}", "not an array"},
	    {"{\"records\": []}", "next_page missing"},
	    {"{\"records\": [], \"next_page\": \"2\"}", "not an integer"},
	    {"{\"records\": [], \"next_page\": 2.0}", "not an integer"},
	    {"{\"records\": [], \"next_page\": 1}", "out of range"},
	    {"{\"records\": [], \"next_page\": -3}", "out of range"},
	    {"{\"records\": [1], \"next_page\": null}",
	     "record 0 is not an object"},
	    {"{\"records\": [{\"id\":\"a\",\"updated_at\":\"t\"},{\"id\":"
	     "\"b\"}], \"next_page\": null}",
	     "record 1 has no updated_at"},
	    {"{\"records\": [{\"updated_at\":\"t\"}], \"next_page\": null}",
	     "record 0 has no id"},
	    {"{\"records\": [{\"id\":7,\"updated_at\":\"t\"}], "
	     "\"next_page\": null}",
	     "id is not a string"},
	    {"{\"records\": [{\"id\":\"a\",\"updated_at\":null}], "
	     "\"next_page\": null}",
	     "record 0 has no updated_at"},
	};
	struct page pg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(parse(cases[i].body, &pg) == -EINVAL);
		CHECK(pg.nrecords == 0 && pg.lines.data == NULL);
		if (!strstr(pg.error, cases[i].reason))
			fprintf(stderr, "case %zu: error \"%s\", want \"%s\"\n",
				i, pg.error, cases[i].reason);
		CHECK(strstr(pg.error, cases[i].reason) != NULL);
	}
	CHECK(page_parse(NULL, 0, &keys, &pg) == -EINVAL);
}

static void test_accepts(void)
{
	const char *body =
	    " {\"records\": [{\"id\": \"a/1\", \"updated_at\": \"t1\", "
	    "\"x\": null}, {\"id\": \"b\", \"updated_at\": \"t2\"}], "
	    "\"next_page\": 2}\r\n";
	struct page pg;

	CHECK(parse(body, &pg) == 0);
	CHECK(pg.nrecords == 2);
	CHECK(pg.next_page == 2);
	CHECK_STR(pg.error, "");
	CHECK_STR(pg.lines.data,
		  "{\"id\":\"a/1\",\"updated_at\":\"t1\",\"x\":null}\n"
		  "{\"id\":\"b\",\"updated_at\":\"t2\"}\n");
	CHECK(page_lines_size(&pg, 0) == 0);
	CHECK(page_lines_size(&pg, 1) == 40);
	CHECK(page_lines_size(&pg, 2) == pg.lines.len);
	CHECK_STR(page_record_cursor(&pg, 0), "t1");
	CHECK_STR(page_record_cursor(&pg, 1), "t2");
	CHECK_STR(page_record_key(&pg, 0, 0), "a/1");
	CHECK_STR(page_record_key(&pg, 1, 0), "b");
	page_free(&pg);
	CHECK(pg.nrecords == 0 && pg.lines.data == NULL);

	CHECK(parse("{\"records\":[],\"next_page\":null}", &pg) == 0);
	CHECK(pg.nrecords == 0);
	CHECK(pg.next_page == 0);
	page_free(&pg);

	/* No keys: only the shape is checked. */
	body = "{\"records\":[{}],\"next_page\":null}";
	CHECK(page_parse(body, strlen(body), NULL, &pg) == 0);
	CHECK(page_record_cursor(&pg, 0) == NULL);
	CHECK_STR(pg.lines.data, "{}\n");
	page_free(&pg);
}

/* Numbers come out as the server wrote them. */
static void test_number_round_trip(void)
{
	static const char *nums[] = {"56.6",
				     "1e300",
				     "10.0",
				     "0.1",
				     "-0.0",
				     "3",
				     "-42",
				     "1.5E-7",
				     "9007199254740993",
				     "123456789.123456789"};
	char body[256], want[128];
	struct page pg;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		snprintf(body, sizeof(body),
			 "{\"records\":[{\"id\":\"a\",\"updated_at\":\"t\","
			 "\"v\":%s}],\"next_page\":null}",
			 nums[i]);
		snprintf(want, sizeof(want),
			 "{\"id\":\"a\",\"updated_at\":\"t\",\"v\":%s}",
			 nums[i]);
		CHECK(parse(body, &pg) == 0);
		CHECK_STR(record_json(&pg, 0), want);
		page_free(&pg);
	}
}

/* Strings keep the server's bytes, escapes included; keys are decoded. */
static void test_string_escapes(void)
{
	const char *body = "{\"records\":[{\"id\":\"\\u00e9/\\\"q\\\"\\n\","
			   "\"updated_at\":\"t\"}],\"next_page\":null}";
	struct page pg;

	CHECK(parse(body, &pg) == 0);
	CHECK_STR(record_json(&pg, 0),
		  "{\"id\":\"\\u00e9/\\\"q\\\"\\n\",\"updated_at\":\"t\"}");
	CHECK_STR(page_record_key(&pg, 0, 0), "\xc3\xa9/\"q\"\n");
	page_free(&pg);
}

/* "records" and "next_page" in any order, with other members around. */
static void test_member_order(void)
{
	static const char *bodies[] = {
	    "{\"next_page\":3,\"records\":[{\"id\":\"a\",\"updated_at\":\"t\"}]"
	    "}",
	    "{\"total\":{\"records\":[]},\"next_page\":3,\"x\":[1,{}],"
	    "\"records\":[{\"id\":\"a\",\"updated_at\":\"t\"}],\"y\":null}",
	    /* A member named by escapes is the same member. */
	    "{\"rec\\u006frds\":[{\"id\":\"a\",\"updated\\u005fat\":\"t\"}],"
	    "\"next\\/page\":1,\"next_page\":3}",
	};
	struct page pg;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		CHECK(parse(bodies[i], &pg) == 0);
		CHECK(pg.nrecords == 1);
		CHECK(pg.next_page == 3);
		CHECK_STR(page_record_cursor(&pg, 0), "t");
		page_free(&pg);
	}
	CHECK_STR(pg.error, "");
}

/* next_page: null or an integer of at least 2, nothing else. */
static void test_next_page(void)
{
	static const struct {
		const char *value;
		long want; /* -1: refused */
	} cases[] = {
	    {"null", 0},  {"2", 2},
	    {"40", 40},	  {"2147483648", 2147483648L},
	    {"1", -1},	  {"0", -1},
	    {"-0", -1},	  {"-3", -1},
	    {"2.0", -1},  {"2e0", -1},
	    {"2E+0", -1}, {"\"2\"", -1},
	    {"true", -1}, {"[2]", -1},
	    {"{}", -1},	  {"99999999999999999999999", -1},
	};
	char body[128];
	struct page pg;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body),
			 "{\"records\":[],\"next_page\":%s}", cases[i].value);
		rc = parse(body, &pg);
		if (cases[i].want < 0) {
			CHECK(rc == -EINVAL);
			CHECK(strstr(pg.error, "next_page") != NULL);
		} else {
			CHECK(rc == 0);
			CHECK(pg.next_page == cases[i].want);
			page_free(&pg);
		}
	}
	CHECK(parse("{\"records\":[],\"next_page\":2,\"next_page\":null}",
		    &pg) == 0);
	CHECK(pg.next_page == 0); /* the last of a duplicate wins */
	page_free(&pg);
}

/* Key fields: present, strings, decoded; the last of a duplicate wins. */
static void test_key_fields(void)
{
	static char *pks[] = {"order_id", "user_id"};
	static const struct page_keys two = {"updated_at", pks, 2};
	static const struct {
		const char *record;
		const char *reason; /* NULL: accepted */
	} cases[] = {
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":\"t\"}",
	     NULL},
	    {"{\"order_id\":\"o\",\"updated_at\":\"t\"}", "has no user_id"},
	    {"{\"order_id\":\"o\",\"user_id\":null,\"updated_at\":\"t\"}",
	     "has no user_id"},
	    {"{\"order_id\":1,\"user_id\":\"u\",\"updated_at\":\"t\"}",
	     "order_id is not a string"},
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":[\"t\"]}",
	     "updated_at is not a string"},
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":{}}",
	     "updated_at is not a string"},
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":true}",
	     "updated_at is not a string"},
	    /* Nested members do not count. */
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"x\":{\"updated_at\":"
	     "\"t\"}}",
	     "has no updated_at"},
	    /* The last of a duplicate is the one a consumer sees. */
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":\"t\","
	     "\"updated_at\":null}",
	     "has no updated_at"},
	    {"{\"order_id\":\"o\",\"user_id\":\"u\",\"updated_at\":5,"
	     "\"updated_at\":\"t\"}",
	     NULL},
	    {"\"o\"", "record 0 is not an object"},
	    {"[]", "record 0 is not an object"},
	    {"null", "record 0 is not an object"},
	};
	char body[256];
	struct page pg;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body),
			 "{\"records\":[%s],\"next_page\":null}",
			 cases[i].record);
		rc = page_parse(body, strlen(body), &two, &pg);
		if (!cases[i].reason) {
			CHECK(rc == 0);
			CHECK_STR(page_record_cursor(&pg, 0), "t");
			CHECK_STR(page_record_key(&pg, 0, 0), "o");
			CHECK_STR(page_record_key(&pg, 0, 1), "u");
			page_free(&pg);
			continue;
		}
		CHECK(rc == -EINVAL);
		if (!strstr(pg.error, cases[i].reason))
			fprintf(stderr, "case %zu: error \"%s\", want \"%s\"\n",
				i, pg.error, cases[i].reason);
		CHECK(strstr(pg.error, cases[i].reason) != NULL);
	}
	/* Escapes in a cursor are decoded; the record keeps them. */
	snprintf(body, sizeof(body),
		 "{\"records\":[{\"order_id\":\"\\ud83d\\ude00\\u00e9\","
		 "\"user_id\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"updated_at\":"
		 "\"2026-01-01T00:00:00.000000\\u002b00:00\"}],"
		 "\"next_page\":null}");
	CHECK(page_parse(body, strlen(body), &two, &pg) == 0);
	CHECK_STR(page_record_key(&pg, 0, 0), "\xf0\x9f\x98\x80\xc3\xa9");
	CHECK_STR(page_record_key(&pg, 0, 1), "\"\\/\b\f\n\r\t");
	CHECK_STR(page_record_cursor(&pg, 0),
		  "2026-01-01T00:00:00.000000+00:00");
	CHECK(strstr(pg.lines.data, "\\u002b00:00") != NULL);
	page_free(&pg);
}

/* A cursor that is also the key: both read, even from a long value. */
static void test_cursor_is_key(void)
{
	static char *pks[] = {"id"};
	static const struct page_keys same = {"id", pks, 1};
	char body[4200], id[4000];
	struct page pg;

	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(body, sizeof(body),
		 "{\"records\":[{\"id\":\"%s\"}],\"next_page\":null}", id);
	CHECK(page_parse(body, strlen(body), &same, &pg) == 0);
	CHECK_STR(page_record_cursor(&pg, 0), id);
	CHECK_STR(page_record_key(&pg, 0, 0), id);
	page_free(&pg);
}

/* Pretty pages become compact lines; strings keep their spaces. */
static void test_pretty(void)
{
	const char *body =
	    "\r\n{\n  \"records\" :\t[\n    {\n      \"id\" : \"a b\" ,\n"
	    "      \"updated_at\": \"t\",\n      \"v\": [ 1 , { \"k\" : "
	    "null } , -2.5e+3 ],\n      \"s\": \" x\\n \"\n    } , "
	    "{\"id\":\"b\","
	    "\"updated_at\":\"u\"}\n  ],\n  \"next_page\" : null\n}\n\n";
	struct page pg;

	CHECK(parse(body, &pg) == 0);
	CHECK(pg.nrecords == 2);
	CHECK_STR(pg.lines.data,
		  "{\"id\":\"a b\",\"updated_at\":\"t\",\"v\":[1,{\"k\":null},"
		  "-2.5e+3],\"s\":\" x\\n \"}\n"
		  "{\"id\":\"b\",\"updated_at\":\"u\"}\n");
	page_free(&pg);
}

/* Garbage anywhere fails the page with the offset and the reason. */
static void test_garbage(void)
{
	static const struct {
		const char *body;
		size_t len; /* 0: strlen */
		const char *reason;
	} cases[] = {
	    {"{\"records\":[],\"next_page\":null}\0", 32,
	     "invalid JSON at offset 31: trailing text"},
	    {"{\"records\":[],\"next_page\":null}}", 0,
	     "invalid JSON at offset 31: trailing text"},
	    {"{\"records\":[\"a\0b\"],\"next_page\":null}", 36,
	     "at offset 14: control character in a string"},
	    {"{\"records\":[],\"next_page\":null,}", 0, "at offset 31: '}'"},
	    {"{\"records\":[\"\xe9\"],\"next_page\":null}", 0,
	     "at offset 13: invalid UTF-8"},
	    {"{\"records\":[NaN],\"next_page\":null}", 0, "at offset 12:"},
	    {"{\"records\":[01],\"next_page\":null}", 0, "at offset 13:"},
	    {"\xef\xbb\xbf{\"records\":[],\"next_page\":null}", 0,
	     "at offset 0:"},
	    {"{\"records\":[],\"next_page\":null", 0, "unexpected end"},
	};
	struct page pg;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len ? cases[i].len : strlen(cases[i].body);
		CHECK(page_parse(cases[i].body, len, &keys, &pg) == -EINVAL);
		if (!strstr(pg.error, cases[i].reason))
			fprintf(stderr, "case %zu: error \"%s\", want \"%s\"\n",
				i, pg.error, cases[i].reason);
		CHECK(strstr(pg.error, cases[i].reason) != NULL);
	}
}

/* Every cut of a valid page short of its end is refused. */
static void test_truncated(void)
{
	const char *body =
	    "{\"records\":[{\"id\":\"a\\u00e9\",\"updated_at\":\"t\",\"n\":"
	    "-12.5e3,\"b\":[true,false,null]}],\"next_page\":2}";
	struct page pg;
	size_t len;

	for (len = 0; len < strlen(body); len++) {
		CHECK(page_parse(body, len, &keys, &pg) == -EINVAL);
		CHECK(pg.error[0] != '\0');
	}
	CHECK(page_parse(body, len, &keys, &pg) == 0);
	page_free(&pg);
}

/* A page of many records: lines, cursors and keys stay in step. */
static void test_many(void)
{
	struct buf body;
	struct page pg;
	char want[64];
	size_t i, n = 1000, len;
	const char *line;

	buf_init(&body, 0);
	CHECK(buf_puts(&body, "{\"records\":[") == 0);
	for (i = 0; i < n; i++)
		CHECK(buf_printf(&body,
				 "%s{\"id\":\"k%zu\",\"updated_at\":\"c%zu\","
				 "\"nested\":{\"a\":[%zu]}}",
				 i ? "," : "", i, i, i) == 0);
	CHECK(buf_puts(&body, "],\"next_page\":7}") == 0);
	CHECK(page_parse(body.data, body.len, &keys, &pg) == 0);
	CHECK(pg.nrecords == n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "c%zu", i);
		CHECK_STR(page_record_cursor(&pg, i), want);
		snprintf(want, sizeof(want), "k%zu", i);
		CHECK_STR(page_record_key(&pg, i, 0), want);
		line = page_record_json(&pg, i, &len);
		snprintf(want, sizeof(want), "{\"id\":\"k%zu\",", i);
		CHECK(len > strlen(want) && !memcmp(line, want, strlen(want)));
	}
	CHECK(page_lines_size(&pg, n) == pg.lines.len);
	page_free(&pg);
	buf_free(&body);
}

int main(void)
{
	test_rejects();
	test_accepts();
	test_number_round_trip();
	test_string_escapes();
	test_member_order();
	test_next_page();
	test_key_fields();
	test_cursor_is_key();
	test_pretty();
	test_garbage();
	test_truncated();
	test_many();
	return check_result();
}
