/* SPDX-License-Identifier: MIT */
/* Unit tests for the one strict whole-document JSON parse helper. */
#include "common/jsondoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

/* Parses a C string; returns the rc and puts what it got. */
static int parse(const char *text, struct jsondoc_error *err)
{
	json_object *obj = NULL;
	int rc = jsondoc_parse(text, strlen(text), &obj, err);

	json_object_put(obj);
	return rc;
}

static void test_documents_of_every_type(void)
{
	static const char *const good[] = {
	    "{}",      "[]",   "\"s\"", "0",
	    "-12.5e3", "true", "false", " \t\r\n{\"a\": [1, 2]} \n",
	    "123\n",   "null",
	};
	json_object *obj = NULL;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(parse(good[i], NULL) == 0);
	/* A bare number ends at the end of the text. */
	CHECK(jsondoc_parse("42", 2, &obj, NULL) == 0);
	CHECK(json_object_get_int(obj) == 42);
	json_object_put(obj);
	/* The text need not be NUL-terminated. */
	CHECK(jsondoc_parse("[1]xyz", 3, &obj, NULL) == 0);
	CHECK(json_object_array_length(obj) == 1);
	json_object_put(obj);
	CHECK(jsondoc_parse("null", 4, &obj, NULL) == 0 && obj == NULL);
}

static void test_refusals_say_where(void)
{
	struct jsondoc_error err;
	char text[64];

	CHECK(parse("", &err) == -EINVAL && err.what);
	CHECK(parse("{", &err) == -EINVAL && err.what);
	CHECK(parse("{} x", &err) == -EINVAL && err.what);
	CHECK(err.offset == 3);
	CHECK(parse("{} \n", &err) == 0);
	CHECK(parse("{\"a\": 1,}", &err) == -EINVAL); /* strict */
	CHECK(parse("[1,]", &err) == -EINVAL);
	CHECK(parse("{\"a\": 1 /* c */}", &err) == -EINVAL);
	CHECK(parse("[1] [2]", &err) == -EINVAL);
	CHECK(parse("1 2", &err) == -EINVAL);
	CHECK(parse("{}\v", &err) == -EINVAL); /* JSON whitespace only */
	CHECK(jsondoc_parse("{}\0 ", 4, &(json_object *){NULL}, &err) ==
	      -EINVAL);
	CHECK_STR(err.what, "NUL byte");
	CHECK(err.offset == 2);
	jsondoc_error_text(&err, text, sizeof(text));
	CHECK_STR(text, "NUL byte at byte 2");
	CHECK(parse("[", NULL) == -EINVAL); /* err may be NULL */
}

static void test_load(void)
{
	char path[] = "/tmp/test_jsondoc.XXXXXX";
	struct jsondoc_error err;
	json_object *obj = NULL;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\"k\": \"v\"}\n", f);
	fclose(f);
	CHECK(jsondoc_load(path, 1024, &obj, &err) == 0);
	CHECK(json_object_is_type(obj, json_type_object));
	json_object_put(obj);
	CHECK(jsondoc_load(path, 5, &obj, &err) == -EFBIG && obj == NULL);
	unlink(path);
	CHECK(jsondoc_load(path, 1024, &obj, &err) == -ENOENT);
	CHECK(err.what == NULL);
}

int main(void)
{
	test_documents_of_every_type();
	test_refusals_say_where();
	test_load();
	return check_result();
}
