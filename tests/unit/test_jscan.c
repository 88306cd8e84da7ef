/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the JSON scanner: what it accepts and refuses (and where
 * and why), how it decodes strings, compacts values and finds them by
 * walking, by name and by JSON pointer, with and without its index.
 */
#include "jscan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Checks text (len bytes, or strlen) in doc; returns jscan_check()'s rc. */
static int check_text(struct jscan_doc *doc, const char *text, size_t len)
{
	return jscan_check(doc, text, len ? len : strlen(text));
}

static void test_accepts(void)
{
	static const char *texts[] = {
	    "{}",
	    "[]",
	    "\"\"",
	    "0",
	    "-0",
	    "1",
	    "-1",
	    "0.5",
	    "-0.0",
	    "10.25e-3",
	    "1E+2",
	    "1e2",
	    "123456789012345678901234567890.5e-999",
	    "-99999999999999999999",
	    "true",
	    "false",
	    "null",
	    " \t\r\n[ 1 , \"a\" , { } , [ ] , null ] \n",
	    "{\"a\":{\"b\":[1,{\"c\":\"d\"}]},\"a\":2}",
	    "[\"\\u0000\"]",
	    "[\"\\ud800\"]",
	    "[\"\\udc00x\"]",
	    "[\"\\uD83D\\uDE00\"]",
	    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
	    "[\"\x7f\"]",
	    "[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]",
	};
	struct jscan_doc doc;
	size_t i;

	jscan_doc_init(&doc);
	for (i = 0; i < N(texts); i++) {
		if (check_text(&doc, texts[i], 0))
			fprintf(stderr, "refused %s: %s\n", texts[i],
				doc.error);
		CHECK(check_text(&doc, texts[i], 0) == 0);
		CHECK_STR(doc.error, "");
		CHECK(doc.root.len > 0 && doc.root.doc == &doc);
	}
	jscan_doc_free(&doc);
}

/* Each text is refused, at the offset given, with the reason given. */
static void test_refuses(void)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		size_t offset;
		const char *reason;
	} cases[] = {
	    {"", 0, 0, "unexpected end"},
	    {"   ", 0, 3, "unexpected end"},
	    {"[1,2", 0, 4, "unexpected end"},
	    {"[1,]", 0, 3, "']' where a value"},
	    {"{\"a\":1,}", 0, 7, "'}' where a member name"},
	    {"{a:1}", 0, 1, "'a' where a member name"},
	    {"{\"a\" 1}", 0, 5, "'1' where ':'"},
	    {"[1 2]", 0, 3, "where ',' or ']'"},
	    {"['a']", 0, 1, "where a value"},
	    {"[01]", 0, 2, "'1' where ',' or ']'"},
	    {"[-01]", 0, 3, "'1' where ',' or ']'"},
	    {"[1.]", 0, 3, "']' where a digit"},
	    {"[1.e5]", 0, 3, "'e' where a digit"},
	    {"[.5]", 0, 1, "where a value"},
	    {"[+1]", 0, 1, "where a value"},
	    {"[1e]", 0, 3, "where a digit"},
	    {"[1e+]", 0, 4, "where a digit"},
	    {"[-]", 0, 2, "where a digit"},
	    {"-", 0, 1, "unexpected end"},
	    {"[NaN]", 0, 1, "where a value"},
	    {"[Infinity]", 0, 1, "where a value"},
	    {"[-Infinity]", 0, 2, "where a digit"},
	    {"[tru]", 0, 4, "where true"},
	    {"[True]", 0, 1, "where a value"},
	    {"[nul", 0, 4, "unexpected end"},
	    {"[1] x", 0, 4, "trailing text"},
	    {"[1][2]", 0, 3, "trailing text"},
	    {"1 2", 0, 2, "trailing text"},
	    {"[1]\0", 4, 3, "trailing text"},
	    {"\0[1]", 4, 0, "byte 0x00 where a value"},
	    {"[1,\0 2]", 7, 3, "byte 0x00 where a value"},
	    {"[\"a\0b\"]", 7, 3, "control character in a string"},
	    {"[\"a\tb\"]", 0, 3, "control character in a string"},
	    {"[\"a\nb\"]", 0, 3, "control character in a string"},
	    {"[\"\x1f\"]", 0, 2, "control character in a string"},
	    {"[\"abc", 0, 5, "unexpected end"},
	    {"[\"abc\\", 0, 6, "unexpected end"},
	    {"[\"\\x\"]", 0, 2, "invalid escape"},
	    {"[\"\\'\"]", 0, 2, "invalid escape"},
	    {"[\"\\u12\"]", 0, 2, "invalid \\u escape"},
	    {"[\"\\u12g4\"]", 0, 2, "invalid \\u escape"},
	    {"[\"\\u12", 0, 6, "unexpected end"},
	    {"[\"\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xc0\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xc1\xbf\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xc3\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xe0\x80\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xed\xa0\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xf0\x80\x80\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xf4\x90\x80\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xf5\x80\x80\x80\"]", 0, 2, "invalid UTF-8"},
	    {"[\"\xff\"]", 0, 2, "invalid UTF-8"},
	    {"[\"ab\xe2\x82\"]", 0, 4, "invalid UTF-8"},
	    {"\xef\xbb\xbf[1]", 0, 0, "byte 0xef where a value"},
	    {"/*c*/[1]", 0, 0, "'/' where a value"},
	    {"[1]//", 0, 3, "trailing text"},
	    {"\f[1]", 0, 0, "byte 0x0c where a value"},
	    {"[1\v]", 0, 2, "byte 0x0b where ',' or ']'"},
	};
	struct jscan_doc doc;
	size_t i;

	jscan_doc_init(&doc);
	for (i = 0; i < N(cases); i++) {
		CHECK(check_text(&doc, cases[i].text, cases[i].len) == -EINVAL);
		if (doc.error_offset != cases[i].offset ||
		    !strstr(doc.error, cases[i].reason))
			fprintf(stderr,
				"case %zu: %zu \"%s\", want %zu \"%s\"\n", i,
				doc.error_offset, doc.error, cases[i].offset,
				cases[i].reason);
		CHECK(doc.error_offset == cases[i].offset);
		CHECK(strstr(doc.error, cases[i].reason) != NULL);
		CHECK(doc.root.len == 0);
	}
	jscan_doc_free(&doc);
}

/* Builds depth nested arrays, or objects {"a":...} around a 1. */
static char *nested(int depth, int objects)
{
	char *s = malloc((size_t)depth * 6 + 2), *p = s;
	int i;

	for (i = 0; i < depth; i++)
		p += sprintf(p, "%s", objects ? "{\"a\":" : "[");
	if (objects)
		*p++ = '1';
	for (i = 0; i < depth; i++)
		*p++ = objects ? '}' : ']';
	*p = '\0';
	return s;
}

/* Values nest JSCAN_DEPTH_MAX deep, counting the root as 1, no deeper. */
static void test_depth(void)
{
	struct jscan_doc doc;
	char *s;

	jscan_doc_init(&doc);
	s = nested(JSCAN_DEPTH_MAX, 0); /* the innermost array is empty */
	CHECK(check_text(&doc, s, 0) == 0);
	free(s);
	s = nested(JSCAN_DEPTH_MAX + 1, 0);
	CHECK(check_text(&doc, s, 0) == -EINVAL);
	CHECK(strstr(doc.error, "nested too deep") != NULL);
	CHECK(doc.error_offset == JSCAN_DEPTH_MAX);
	free(s);
	s = nested(JSCAN_DEPTH_MAX - 1, 1); /* the 1 is 32 deep */
	CHECK(check_text(&doc, s, 0) == 0);
	free(s);
	s = nested(JSCAN_DEPTH_MAX, 1);
	CHECK(check_text(&doc, s, 0) == -EINVAL);
	free(s);
	s = nested(100000, 0); /* refused without recursing that deep */
	CHECK(check_text(&doc, s, 0) == -EINVAL);
	free(s);
	jscan_doc_free(&doc);
}

/* Whitespace between tokens: noted, and dropped by jscan_compact(). */
static void test_whitespace(void)
{
	static const struct {
		const char *text;
		int compact;
		const char *want;
	} cases[] = {
	    {"{\"a\":[1,\"b c\",{}]}", 1, "{\"a\":[1,\"b c\",{}]}"},
	    {"  {\"a\":1}\r\n", 1, "{\"a\":1}"},
	    {"{ \"a\":1}", 0, "{\"a\":1}"},
	    {"{\"a\" :1}", 0, "{\"a\":1}"},
	    {"{\"a\": 1}", 0, "{\"a\":1}"},
	    {"{\"a\":1 }", 0, "{\"a\":1}"},
	    {"[1 ,2]", 0, "[1,2]"},
	    {"[1, 2]", 0, "[1,2]"},
	    {"\n[\n\t\"  \\\" \\\\\" ,\r\n-1.5e-7\n]\n", 0,
	     "[\"  \\\" \\\\\",-1.5e-7]"},
	    {"[ ]", 0, "[]"},
	    {"\" a \"", 1, "\" a \""},
	};
	struct jscan_doc doc;
	struct buf out;
	size_t i;

	jscan_doc_init(&doc);
	buf_init(&out, 0);
	for (i = 0; i < N(cases); i++) {
		CHECK(check_text(&doc, cases[i].text, 0) == 0);
		CHECK(doc.compact == cases[i].compact);
		buf_reset(&out);
		CHECK(jscan_compact(&doc.root, &out) == 0);
		CHECK_STR(out.data, cases[i].want);
	}
	buf_free(&out);
	jscan_doc_free(&doc);
}

/* The value of the one element of the array text, decoded into out. */
static const char *decode(const char *text, struct buf *out)
{
	struct jscan_doc doc;
	struct jscan_iter it;
	struct jscan_value v;

	jscan_doc_init(&doc);
	buf_reset(out);
	CHECK(check_text(&doc, text, 0) == 0);
	CHECK(jscan_iter_start(&it, &doc.root) == 0);
	CHECK(jscan_next(&it, NULL, &v) == 1);
	CHECK(jscan_type(&v) == JSCAN_STRING);
	CHECK(jscan_string_decode(&v, out) == 0);
	jscan_doc_free(&doc);
	return out->data ? out->data : "";
}

static void test_decode(void)
{
	static const struct {
		const char *text;
		const char *want;
		size_t len;
	} cases[] = {
	    {"[\"plain\"]", "plain", 5},
	    {"[\"\"]", "", 0},
	    {"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t", 8},
	    {"[\"caf\\u00e9 \\u00E9\"]", "caf\xc3\xa9 \xc3\xa9", 8},
	    {"[\"\\u0041\\u07ff\\u0800\\uffff\"]",
	     "A\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 9},
	    {"[\"a\\u0000b\"]", "a\0b", 3},
	    {"[\"\\ud83d\\ude00!\"]", "\xf0\x9f\x98\x80!", 5},
	    {"[\"\\udbff\\udfff\"]", "\xf4\x8f\xbf\xbf", 4},
	    /* Lone surrogates become U+FFFD, as json-c made them. */
	    {"[\"\\ud83d\"]", "\xef\xbf\xbd", 3},
	    {"[\"\\ude00\"]", "\xef\xbf\xbd", 3},
	    {"[\"\\ud83dx\"]", "\xef\xbf\xbdx", 4},
	    {"[\"\\ud83d\\u0041\"]",
	     "\xef\xbf\xbd"
	     "A",
	     4},
	    {"[\"\\ud83d\\ud83d\\ude00\"]", "\xef\xbf\xbd\xf0\x9f\x98\x80", 7},
	    {"[\"raw \xe6\x97\xa5 \xf0\x9f\x98\x80\"]",
	     "raw \xe6\x97\xa5 \xf0\x9f\x98\x80", 12},
	};
	struct buf out;
	size_t i;
	const char *got;

	buf_init(&out, 0);
	for (i = 0; i < N(cases); i++) {
		got = decode(cases[i].text, &out);
		if (out.len != cases[i].len ||
		    memcmp(got, cases[i].want, cases[i].len))
			fprintf(stderr, "case %zu: got %zu bytes \"%s\"\n", i,
				out.len, got);
		CHECK(out.len == cases[i].len);
		CHECK(!memcmp(got, cases[i].want, cases[i].len));
	}
	buf_free(&out);
}

/* Names compare decoded: escapes, lengths, prefixes. */
static void test_string_is(void)
{
	static const struct {
		const char *text;
		const char *want;
		size_t len;
		int same;
	} cases[] = {
	    {"[\"id\"]", "id", 2, 1},
	    {"[\"id\"]", "i", 1, 0},
	    {"[\"id\"]", "idx", 3, 0},
	    {"[\"\"]", "", 0, 1},
	    {"[\"\\u0069d\"]", "id", 2, 1},
	    {"[\"i\\u0064\"]", "id", 2, 1},
	    {"[\"i\\u0064\"]", "i\\u0064", 7, 0},
	    {"[\"a\\/b\"]", "a/b", 3, 1},
	    {"[\"a\\\\b\"]", "a\\b", 3, 1},
	    {"[\"a\\\\b\"]", "a\\\\b", 4, 0},
	    {"[\"\\u00e9\"]", "\xc3\xa9", 2, 1},
	    {"[\"\\u00e9x\"]", "\xc3\xa9", 2, 0},
	    {"[\"\\u00e9\"]", "\xc3\xa9x", 3, 0},
	    {"[\"a\\u0000\"]", "a\0", 2, 1},
	    {"[\"a\\u0000\"]", "a", 1, 0},
	    {"[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80", 4, 1},
	};
	struct jscan_doc doc;
	struct jscan_iter it;
	struct jscan_value v;
	size_t i;

	jscan_doc_init(&doc);
	for (i = 0; i < N(cases); i++) {
		CHECK(check_text(&doc, cases[i].text, 0) == 0);
		CHECK(jscan_iter_start(&it, &doc.root) == 0);
		CHECK(jscan_next(&it, NULL, &v) == 1);
		if (jscan_string_is(&v, cases[i].want, cases[i].len) !=
		    cases[i].same)
			fprintf(stderr, "case %zu is wrong\n", i);
		CHECK(jscan_string_is(&v, cases[i].want, cases[i].len) ==
		      cases[i].same);
	}
	/* Not a string: never equal, never decoded. */
	CHECK(check_text(&doc, "[1]", 0) == 0);
	CHECK(jscan_iter_start(&it, &doc.root) == 0);
	CHECK(jscan_next(&it, NULL, &v) == 1);
	CHECK(!jscan_string_is(&v, "1", 1));
	jscan_doc_free(&doc);
}

/* A value's bytes as a string (in a static buffer). */
static const char *text_of(const struct jscan_value *v)
{
	static char s[256];

	snprintf(s, sizeof(s), "%.*s", (int)v->len, v->p);
	return s;
}

/* Walking finds every member and element with its exact span. */
static void walk(const struct jscan_value *root)
{
	static const char *members[] = {"\"a\"", "\"b\"", "\"c\\\"\"", "\"a\""};
	static const char *values[] = {"[ 1 ,\"x]\" ,{\"y\":[]} ]", "-2.5E3",
				       "{}", "null"};
	static const char *elements[] = {"1", "\"x]\"", "{\"y\":[]}"};
	struct jscan_iter it, inner;
	struct jscan_value k, v, e;
	size_t i;

	CHECK(jscan_iter_start(&it, root) == 0);
	for (i = 0; jscan_next(&it, &k, &v); i++) {
		CHECK(i < N(members));
		if (i >= N(members))
			break;
		CHECK_STR(text_of(&k), members[i]);
		CHECK_STR(text_of(&v), values[i]);
	}
	CHECK(i == N(members));
	CHECK(jscan_next(&it, &k, &v) == 0); /* and it stays at the end */
	CHECK(jscan_member(root, "a", 1, &v) == 0);
	CHECK(jscan_type(&v) == JSCAN_NULL); /* the last "a" */
	CHECK(jscan_member(root, "c\"", 2, &v) == 0);
	CHECK(jscan_type(&v) == JSCAN_OBJECT);
	CHECK(jscan_member(root, "z", 1, &v) == -ENOENT);
	CHECK(jscan_iter_start(&it, root) == 0);
	CHECK(jscan_next(&it, &k, &v) == 1);
	CHECK(jscan_iter_start(&inner, &v) == 0);
	for (i = 0; jscan_next(&inner, NULL, &e); i++)
		if (i < N(elements))
			CHECK_STR(text_of(&e), elements[i]);
	CHECK(i == N(elements));
	CHECK(jscan_member(&v, "y", 1, &e) == -ENOENT); /* not an object */
	CHECK(jscan_iter_start(&inner, &k) == -EINVAL); /* k: a string */
}

static void test_walk(void)
{
	const char *text = "{\"a\":[ 1 ,\"x]\" ,{\"y\":[]} ] , \"b\":-2.5E3,"
			   "\"c\\\"\":{},\"a\":null}";
	struct jscan_doc doc;
	struct jscan_value bare;

	jscan_doc_init(&doc);
	CHECK(check_text(&doc, text, 0) == 0);
	walk(&doc.root);
	/* Without the index, by reading: the same answers. */
	bare = doc.root;
	bare.doc = NULL;
	walk(&bare);
	jscan_doc_free(&doc);
}

/* The value a pointer names, as text; "-ENOENT" or "-EINVAL" if none. */
static const char *at(const struct jscan_value *root, const char *pointer)
{
	struct jscan_value v;
	int rc = jscan_pointer(root, pointer, &v);

	if (rc)
		return rc == -ENOENT ? "-ENOENT" : "-EINVAL";
	return text_of(&v);
}

static void test_pointer(void)
{
	const char *text = "{\"data\":{\"items\":[{\"id\":\"1\"},{\"id\":\"2\","
			   "\"fields\":{\"updated\":\"t\"}}]},\"a/b\":1,"
			   "\"m~n\":2,\"\":3,\"e\\u0301\":4,\"7\":5}";
	struct jscan_doc doc;

	jscan_doc_init(&doc);
	CHECK(check_text(&doc, text, 0) == 0);
	CHECK_STR(at(&doc.root, ""), text);
	CHECK_STR(at(&doc.root, "/data/items/0"), "{\"id\":\"1\"}");
	CHECK_STR(at(&doc.root, "/data/items/1/fields/updated"), "\"t\"");
	CHECK_STR(at(&doc.root, "/data/items/2"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/data/items/-"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/data/items/01"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/data/items/x"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/data/missing"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/data/items/0/id/x"), "-ENOENT");
	CHECK_STR(at(&doc.root, "/a~1b"), "1");
	CHECK_STR(at(&doc.root, "/m~0n"), "2");
	CHECK_STR(at(&doc.root, "/"), "3");
	CHECK_STR(at(&doc.root, "/e\xcc\x81"), "4");
	CHECK_STR(at(&doc.root, "/7"), "5"); /* a name, in an object */
	CHECK_STR(at(&doc.root, "data"), "-EINVAL");
	CHECK_STR(at(&doc.root, "/m~2n"), "-EINVAL");
	CHECK_STR(at(&doc.root, "/m~"), "-EINVAL");
	/* A body that is itself an array of records. */
	CHECK(check_text(&doc, " [{\"id\":\"a\"}, {\"id\":\"b\"}] ", 0) == 0);
	CHECK_STR(at(&doc.root, "/1/id"), "\"b\"");
	CHECK_STR(at(&doc.root, "/1"), "{\"id\":\"b\"}");
	CHECK_STR(at(&doc.root, "/2"), "-ENOENT");
	jscan_doc_free(&doc);
}

/* A text with more containers than the index holds walks the same. */
static void test_index_full(void)
{
	struct jscan_doc doc;
	struct jscan_iter it;
	struct jscan_value v, bare, w;
	struct buf text;
	size_t i, n = 5000;

	buf_init(&text, 0);
	CHECK(buf_putc(&text, '[') == 0);
	for (i = 0; i < n; i++)
		CHECK(buf_printf(&text, "%s[{\"k\":[%zu]}]", i ? "," : "", i) ==
		      0);
	CHECK(buf_putc(&text, ']') == 0);
	jscan_doc_init(&doc);
	CHECK(check_text(&doc, text.data, text.len) == 0);
	CHECK(doc.nindex < 3 * n + 1); /* it is full */
	CHECK(jscan_iter_start(&it, &doc.root) == 0);
	bare = doc.root;
	bare.doc = NULL;
	for (i = 0; jscan_next(&it, NULL, &v); i++) {
		char want[64];

		snprintf(want, sizeof(want), "[{\"k\":[%zu]}]", i);
		CHECK_STR(text_of(&v), want);
		snprintf(want, sizeof(want), "/%zu/0/k/0", i);
		CHECK(jscan_pointer(&bare, want, &w) == 0);
		CHECK((size_t)atol(text_of(&w)) == i);
	}
	CHECK(i == n);
	/* The doc can be used again for another text. */
	CHECK(check_text(&doc, "{\"x\":[1]}", 0) == 0);
	CHECK_STR(at(&doc.root, "/x/0"), "1");
	jscan_doc_free(&doc);
	buf_free(&text);
}

/* Every cut of a document short of its end is refused. */
static void test_truncated(void)
{
	const char *text = "{\"a\":[1,-2.5e+3,\"b\\\"\\u00e9\\ud83d\\ude00\","
			   "true,false,null,{}],\"c\":\"\xe6\x97\xa5\"}";
	struct jscan_doc doc;
	size_t len;

	jscan_doc_init(&doc);
	for (len = 0; len < strlen(text); len++)
		CHECK(jscan_check(&doc, text, len) == -EINVAL);
	CHECK(jscan_check(&doc, text, len) == 0);
	jscan_doc_free(&doc);
}

static void test_types(void)
{
	static const struct {
		const char *text;
		enum jscan_type type;
	} cases[] = {
	    {"{}", JSCAN_OBJECT},   {"[]", JSCAN_ARRAY},
	    {"\"\"", JSCAN_STRING}, {"-1", JSCAN_NUMBER},
	    {"0", JSCAN_NUMBER},    {"true", JSCAN_TRUE},
	    {"false", JSCAN_FALSE}, {"null", JSCAN_NULL},
	};
	struct jscan_doc doc;
	struct jscan_value none = {NULL, 0, NULL};
	size_t i;

	jscan_doc_init(&doc);
	for (i = 0; i < N(cases); i++) {
		CHECK(check_text(&doc, cases[i].text, 0) == 0);
		CHECK(jscan_type(&doc.root) == cases[i].type);
	}
	CHECK(jscan_type(&none) == JSCAN_INVALID);
	CHECK_STR(jscan_type_name(JSCAN_STRING), "a string");
	CHECK_STR(jscan_type_name(JSCAN_INVALID), "nothing");
	jscan_doc_free(&doc);
}

/* The root's members found while checking, as jscan_members() finds them. */
static void test_check_members(void)
{
	static const char *const names[] = {"a", "c", "z", "a", "b"};
	static const size_t lens[] = {1, 1, 1, 1, 1};
	const char *text =
	    "{\"a\":1,\"b\":{\"a\":2},\"\\u0061\":3,\"c\":\"x\"}";
	struct jscan_value out[5], again[5];
	struct jscan_doc doc;
	size_t i;

	jscan_doc_init(&doc);
	CHECK(jscan_check_members(&doc, text, strlen(text), names, lens, 5,
				  out) == 0);
	CHECK_STR(text_of(&out[0]), "3"); /* the last "a", escaped */
	CHECK_STR(text_of(&out[1]), "\"x\"");
	CHECK(jscan_type(&out[2]) == JSCAN_INVALID);
	CHECK_STR(text_of(&out[3]), "3");
	CHECK_STR(text_of(&out[4]), "{\"a\":2}");
	CHECK(doc.escapes == 1);
	CHECK(jscan_members(&doc.root, names, lens, 5, again) == 0);
	for (i = 0; i < 5; i++)
		CHECK(out[i].p == again[i].p && out[i].len == again[i].len);
	/* Not an object, or refused: nothing found. */
	CHECK(jscan_check_members(&doc, "[{\"a\":1}]", 9, names, lens, 5,
				  out) == 0);
	for (i = 0; i < 5; i++)
		CHECK(jscan_type(&out[i]) == JSCAN_INVALID);
	CHECK(jscan_check_members(&doc, "{\"a\":1,}", 8, names, lens, 5, out) ==
	      -EINVAL);
	CHECK(jscan_type(&out[0]) == JSCAN_INVALID);
	CHECK(check_text(&doc, "{\"a\":\"b/c\"}", 0) == 0);
	CHECK(doc.escapes == 0);
	jscan_doc_free(&doc);
}

int main(void)
{
	test_accepts();
	test_refuses();
	test_depth();
	test_whitespace();
	test_decode();
	test_string_is();
	test_walk();
	test_pointer();
	test_index_full();
	test_truncated();
	test_types();
	test_check_members();
	return check_result();
}
