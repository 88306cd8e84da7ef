/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the offset token codec: the documented forms, round
 * trips both ways, epochs, order preservation, strictness, and the offset
 * JSON.
 */
#include "token.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/isotime.h"

/* Encodes in epoch, checks the token, decodes and checks both come back. */
static void round_trip_in(unsigned epoch, const char *cursor, const char *want)
{
	char tok[TOKEN_SIZE], *back = NULL;
	unsigned e = 0;

	CHECK(token_encode(epoch, cursor, tok, sizeof(tok)) == 0);
	CHECK_STR(tok, want);
	CHECK(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789._-") == strlen(tok));
	CHECK(token_decode(tok, &e, &back) == 0);
	CHECK(e == epoch);
	if (cursor)
		CHECK_STR(back, cursor);
	else
		CHECK(back == NULL);
	free(back);
}

static void round_trip(const char *cursor, const char *want)
{
	round_trip_in(1, cursor, want);
}

static void test_forms(void)
{
	round_trip(NULL, "0");
	round_trip("2026-11-21T21:26:15.123456+00:00",
		   "20261121T212615.123456Z");
	round_trip("2024-02-29T00:00:00.000000+00:00",
		   "20240229T000000.000000Z");
	round_trip("1970-01-01T00:00:00.000000+00:00",
		   "19700101T000000.000000Z");
	round_trip("9999-12-31T23:59:59.999999+00:00",
		   "99991231T235959.999999Z");
	round_trip("2026-11-21", "20261121");
	round_trip("2024-02-29", "20240229");
	round_trip("abc", "x616263");
	round_trip("0", "x30");
	/* Not canonical: other offsets, Z, no fraction, impossible dates. */
	round_trip("2026-11-21T21:26:15.123456Z",
		   "x323032362d31312d32315432313a32363a31352e3132333435365a");
	round_trip("2026-11-21T21:26:15+00:00",
		   "x323032362d31312d32315432313a32363a31352b30303a3030");
	round_trip("2026-13-01", "x323032362d31332d3031");
	round_trip("2025-02-29", "x323032352d30322d3239");
	round_trip("2026-11-21T24:00:00.000000+00:00",
		   "x323032362d31312d32315432343a30303a30302e3030303030302b30"
		   "303a3030");
	round_trip("\xc3\xa9/:\x01", "xc3a92f3a01");
}

/* Epoch 1 keeps the names of version 1; later epochs are prefixed. */
static void test_epochs(void)
{
	char tok[TOKEN_SIZE], big[96];

	round_trip_in(2, NULL, "y000002-0");
	round_trip_in(2, "2026-11-21T21:26:15.123456+00:00",
		      "y000002-20261121T212615.123456Z");
	round_trip_in(17, "2026-11-21", "y000017-20261121");
	round_trip_in(3, "abc", "y000003-x616263");
	round_trip_in(TOKEN_EPOCH_MAX, NULL, "y999999-0");
	CHECK(token_encode(0, NULL, tok, sizeof(tok)) == -EINVAL);
	CHECK(token_encode(TOKEN_EPOCH_MAX + 1, NULL, tok, sizeof(tok)) ==
	      -EINVAL);
	/* The body is as long in any epoch. */
	memset(big, 'a', 95);
	big[95] = '\0';
	CHECK(token_encode(2, big, tok, sizeof(tok)) == 0);
	CHECK(strlen(tok) == TOKEN_EPOCH_LEN + 1 + 2 * 95);
	CHECK(token_encode(2, "a", tok, 9) == -ENAMETOOLONG);
	CHECK(token_encode(2, "a", tok, 8) == -ENAMETOOLONG);
	CHECK(token_encode(2, NULL, tok, 10) == 0);
}

static void test_encode_limits(void)
{
	char big[101], tok[TOKEN_SIZE], small[8];

	memset(big, 'a', 99);
	big[99] = '\0';
	CHECK(token_encode(1, big, tok, sizeof(tok)) == 0);
	CHECK(strlen(tok) == TOKEN_BODY_MAX - 1);
	CHECK(token_encode(TOKEN_EPOCH_MAX, big, tok, sizeof(tok)) == 0);
	CHECK(strlen(tok) == TOKEN_MAX - 1);
	big[99] = 'a';
	big[100] = '\0';
	CHECK(token_encode(1, big, tok, sizeof(tok)) == -ENAMETOOLONG);
	CHECK(token_encode(2, big, tok, sizeof(tok)) == -ENAMETOOLONG);
	CHECK(token_encode(1, "", tok, sizeof(tok)) == -EINVAL);
	CHECK(token_encode(1, "2026-11-21T21:26:15.123456+00:00", small,
			   sizeof(small)) == -ENAMETOOLONG);
	CHECK(token_encode(1, "abcd", small, sizeof(small)) == -ENAMETOOLONG);
	CHECK(token_encode(1, "abc", small, sizeof(small)) == 0);
}

/* Every token here must be refused, and decode must leave NULL behind. */
static void test_strict(void)
{
	static const char *const bad[] = {
	    "",
	    "00",
	    "1",
	    "x",
	    "x6",
	    "x616",
	    "x6G",
	    "X616263",
	    "x61626Z",
	    "x4142434A",
	    "x00",
	    "x6100",
	    "x",
	    "20261321T212615.123456Z",
	    "20261121T252615.123456Z",
	    "20261121T212660.123456Z",
	    "20250229T000000.000000Z",
	    "20261121t212615.123456Z",
	    "20261121T212615.123456",
	    "20261121T212615.12345Z",
	    "20261121T212615123456Z",
	    "20261121T212615.123456Z ",
	    "2026112",
	    "202611211",
	    "20261301",
	    "20260230",
	    "2026-11-21",
	    "x323032362d31312d3231", /* the date's readable token is canonical
				      */
	    "x323032362d31312d32315432313a32363a31352e3132333435362b30303a3030",
	    "/etc",
	    "a",
	    "-1",
	    ".",
	    "..",
	    "0.jsonl",
	    "y",
	    "y000002",
	    "y000002-",
	    "y000001-0",
	    "y000000-0",
	    "y00002-0",
	    "y0000002-0",
	    "y000002_0",
	    "y00000a-0",
	    "Y000002-0",
	    "y000002-00",
	    "y000002-y000002-0",
	    "y000002-2026-11-21",
	    "y-0",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *c = (char *)1;
		unsigned e;
		int rc = token_decode(bad[i], &e, &c);

		if (rc != -EINVAL)
			fprintf(stderr, "accepted token \"%s\"\n", bad[i]);
		CHECK(rc == -EINVAL);
		CHECK(c == NULL);
	}
}

/* encode(decode(t)) == t for accepted tokens built by hand. */
static void test_decode_encode(void)
{
	static const char *const good[] = {
	    "0",	   "20000229T123456.000001Z",
	    "19991231",	   "x7a",
	    "xff",	   "x2020",
	    "x32303236",   "xc3a9",
	    "y000002-0",   "y123456-20000229T123456.000001Z",
	    "y000010-x7a", "y999999-19991231",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char tok[TOKEN_SIZE], *c = NULL;
		unsigned e = 0;

		CHECK(token_decode(good[i], &e, &c) == 0);
		CHECK(token_encode(e, c, tok, sizeof(tok)) == 0);
		CHECK_STR(tok, good[i]);
		free(c);
	}
}

/* A small deterministic generator, so failures repeat. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define NORDER 500

/* Sorting (epoch, cursor) pairs and sorting their tokens give the same
 * sequence: epochs in order, and cursors in order within an epoch. */
static void check_order(char **cursors, size_t n)
{
	char **tokens = calloc(n, sizeof(*tokens));
	unsigned *epochs = calloc(n, sizeof(*epochs));
	size_t i;

	qsort(cursors, n, sizeof(*cursors), cmp_str);
	for (i = 0; i < n; i++) {
		/* Three epochs, each taking a third of the sorted cursors. */
		epochs[i] = i < n / 3 ? 1 : i < 2 * n / 3 ? 2 : 31;
		tokens[i] = malloc(TOKEN_SIZE);
		CHECK(token_encode(epochs[i], cursors[i], tokens[i],
				   TOKEN_SIZE) == 0);
	}
	/* Shuffle, sort the tokens alone, then decode them in order. */
	for (i = n - 1; i > 0; i--) {
		size_t j = rng() % (i + 1);
		char *t = tokens[i];

		tokens[i] = tokens[j];
		tokens[j] = t;
	}
	qsort(tokens, n, sizeof(*tokens), cmp_str);
	for (i = 0; i < n; i++) {
		char *c = NULL;
		unsigned e = 0;

		CHECK(token_decode(tokens[i], &e, &c) == 0);
		CHECK_STR(c, cursors[i]);
		CHECK(e == epochs[i]);
		CHECK(strcmp(TOKEN_START, tokens[i]) < 0);
		free(c);
		free(tokens[i]);
	}
	free(tokens);
	free(epochs);
}

static void test_order(void)
{
	char *cursors[NORDER];
	size_t i;

	/* Timestamps and dates together, from year 1 to 9999. */
	for (i = 0; i < NORDER; i++) {
		int64_t us = (int64_t)(rng() % 315537897600000000ULL) -
			     62135596800000000LL;

		cursors[i] = malloc(ISOTIME_SIZE);
		if (i % 5 == 0)
			isotime_format_date(us, cursors[i]);
		else
			isotime_format(us, cursors[i]);
		if (i % 7 == 0 && i > 0) /* equal neighbours */
			strcpy(cursors[i], cursors[i - 1]);
	}
	check_order(cursors, NORDER);
	for (i = 0; i < NORDER; i++)
		free(cursors[i]);
	/* Arbitrary byte strings, including prefixes of one another. */
	for (i = 0; i < NORDER; i++) {
		size_t len = 1 + rng() % 12, k;

		cursors[i] = malloc(len + 1);
		for (k = 0; k < len; k++)
			cursors[i][k] = (char)(1 + rng() % 255);
		cursors[i][len] = '\0';
		if (i % 9 == 0 && i > 0 && strlen(cursors[i - 1]) > 1)
			cursors[i][0] = cursors[i - 1][0];
	}
	check_order(cursors, NORDER);
	for (i = 0; i < NORDER; i++)
		free(cursors[i]);
}

static void test_offset_json(void)
{
	struct buf b;
	char *c = (char *)1;

	buf_init(&b, 0);
	CHECK(offset_json(NULL, &b) == 0);
	CHECK_STR(b.data, "null");
	buf_reset(&b);
	CHECK(offset_json("2026-11-21T21:26:15.123456+00:00", &b) == 0);
	CHECK_STR(b.data, "{\"cursor\": \"2026-11-21T21:26:15.123456+00:00\"}");
	buf_reset(&b);
	CHECK(offset_json("a\"b\\c/d\n", &b) == 0);
	CHECK_STR(b.data, "{\"cursor\": \"a\\\"b\\\\c/d\\n\"}");
	CHECK(offset_parse(b.data, &c) == 0);
	CHECK_STR(c, "a\"b\\c/d\n");
	free(c);
	buf_free(&b);

	CHECK(offset_parse("null", &c) == 0 && c == NULL);
	CHECK(offset_parse(" null\n", &c) == 0 && c == NULL);
	CHECK(offset_parse("{\"cursor\":\"x\"}\n", &c) == 0);
	CHECK_STR(c, "x");
	free(c);
	CHECK(offset_parse("", &c) == -EINVAL && c == NULL);
	CHECK(offset_parse("nul", &c) == -EINVAL);
	CHECK(offset_parse("{}", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": \"\"}", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": 5}", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": null}", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": \"a\", \"b\": 1}", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": \"a\"} x", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": \"a\\u0000b\"}", &c) == -EINVAL);
	CHECK(offset_parse("[\"a\"]", &c) == -EINVAL);
	CHECK(offset_parse("{\"cursor\": \"a\",}", &c) == -EINVAL);
	CHECK(offset_parse("\"a\"", &c) == -EINVAL);
	CHECK(c == NULL);
}

int main(void)
{
	test_forms();
	test_epochs();
	test_encode_limits();
	test_strict();
	test_decode_encode();
	test_order();
	test_offset_json();
	return check_result();
}
