/* SPDX-License-Identifier: MIT */
/*
 * fuzz_token: the properties token.h promises, over arbitrary strings. The
 * input is two strings split at its first NUL: each is tried as a token
 * and as a cursor, and the pair for order.
 *   decode(t) ok   => encode(decode(t)) == t
 *   encode(c) ok   => the token is short, of [A-Za-z0-9._-], sorts after
 *                     "0", and decode(encode(c)) == c
 *   offset_parse(offset_json(c)) == c
 *   byte order of two tokens of one kind == byte order of their cursors
 */
#include "token.h"

#include <errno.h>

#include "fuzz.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void as_token(const char *t)
{
	char *cursor = NULL, again[TOKEN_SIZE];

	if (token_decode(t, &cursor))
		return;
	FUZZ_ASSERT(token_encode(cursor, again, sizeof(again)) == 0);
	FUZZ_ASSERT(strcmp(again, t) == 0);
	free(cursor);
}

static void as_offset(const char *c)
{
	struct buf json;
	char *back = NULL;

	buf_init(&json, 0);
	if (offset_json(*c ? c : NULL, &json) == 0 && json.data) {
		FUZZ_ASSERT(offset_parse(json.data, &back) == 0);
		FUZZ_ASSERT(*c ? back && strcmp(back, c) == 0 : back == NULL);
	}
	free(back);
	buf_free(&json);
}

/* Encodes c into tok; returns 0 when it has a token, and checks that. */
static int as_cursor(const char *c, char tok[TOKEN_SIZE])
{
	char *back = NULL;
	int rc = token_encode(c, tok, TOKEN_SIZE);

	if (!*c) {
		FUZZ_ASSERT(rc == -EINVAL);
		return -1;
	}
	if (rc) {
		FUZZ_ASSERT(rc == -ENAMETOOLONG);
		return -1;
	}
	FUZZ_ASSERT(strlen(tok) <= TOKEN_MAX);
	FUZZ_ASSERT(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789._-") == strlen(tok));
	FUZZ_ASSERT(strcmp(TOKEN_START, tok) < 0);
	FUZZ_ASSERT(token_decode(tok, &back) == 0);
	FUZZ_ASSERT(back && strcmp(back, c) == 0);
	free(back);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = fuzz_cstring(data, size), *b;
	char ta[TOKEN_SIZE], tb[TOKEN_SIZE];
	size_t na;

	if (!a)
		return 0;
	na = strlen(a);
	b = na < size ? a + na + 1 : a + na; /* "" when there is no NUL */
	as_token(a);
	as_token(b);
	as_offset(a);
	if (as_cursor(a, ta) == 0 && as_cursor(b, tb) == 0 &&
	    (ta[0] == 'x') == (tb[0] == 'x'))
		FUZZ_ASSERT(sign(strcmp(ta, tb)) == sign(strcmp(a, b)));
	free(a);
	return 0;
}
