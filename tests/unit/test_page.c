/* SPDX-License-Identifier: MIT */
/* Unit tests for the records-page parser: what it accepts and refuses. */
#include "page.h"

#include <errno.h>
#include <string.h>

#include "check.h"

static char *pk_ids[] = {"id"};
static const struct page_keys keys = {"updated_at", pk_ids, 1};

static int parse(const char *body, struct page *pg)
{
	return page_parse(body, body ? strlen(body) : 0, &keys, pg);
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
		CHECK(pg.root == NULL);
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
	CHECK_STR(page_record_json(&pg, 0),
		  "{\"id\":\"a/1\",\"updated_at\":\"t1\",\"x\":null}");
	CHECK_STR(page_record_string(&pg, 1, "updated_at"), "t2");
	CHECK(page_record_string(&pg, 0, "x") == NULL);
	CHECK(page_record_string(&pg, 0, "missing") == NULL);
	page_free(&pg);
	CHECK(pg.root == NULL);

	CHECK(parse("{\"records\":[],\"next_page\":null}", &pg) == 0);
	CHECK(pg.nrecords == 0);
	CHECK(pg.next_page == 0);
	page_free(&pg);

	/* No keys: only the shape is checked. */
	body = "{\"records\":[{}],\"next_page\":null}";
	CHECK(page_parse(body, strlen(body), NULL, &pg) == 0);
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
		CHECK_STR(page_record_json(&pg, 0), want);
		page_free(&pg);
	}
}

/* Strings keep unicode and slashes, and escape what JSON requires. */
static void test_string_escapes(void)
{
	const char *body = "{\"records\":[{\"id\":\"\\u00e9/\\\"q\\\"\\n\","
			   "\"updated_at\":\"t\"}],\"next_page\":null}";
	struct page pg;

	CHECK(parse(body, &pg) == 0);
	CHECK_STR(page_record_json(&pg, 0),
		  "{\"id\":\"\xc3\xa9/\\\"q\\\"\\n\",\"updated_at\":\"t\"}");
	CHECK_STR(page_record_string(&pg, 0, "id"), "\xc3\xa9/\"q\"\n");
	page_free(&pg);
}

int main(void)
{
	test_rejects();
	test_accepts();
	test_number_round_trip();
	test_string_escapes();
	return check_result();
}
