/* SPDX-License-Identifier: MIT */
/*
 * fuzz_token: the properties token.h promises, over arbitrary strings. The
 * input is two strings split at its first NUL: each is tried as a token
 * and as a cursor, and the pair for order. The first byte also picks the
 * epochs the cursors are encoded in.
 *   decode(t) ok   => encode(decode(t)) == t
 *   encode(e, c) ok => the token is short, of [A-Za-z0-9._-], sorts after
 *                     "0", and decode(encode(e, c)) == (e, c)
 *   offset_parse(offset_json(c)) == c
 *   byte order of two tokens of one kind in one epoch == byte order of
 *   their cursors; tokens of a later epoch sort after
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
	unsigned epoch;

	if (token_decode(t, &epoch, &cursor))
		return;
	FUZZ_ASSERT(token_encode(epoch, cursor, again, sizeof(again)) == 0);
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

/* Encodes c in epoch into tok; returns 0 when it has a token, and checks
 * that. */
static int as_cursor(unsigned epoch, const char *c, char tok[TOKEN_SIZE])
{
	char *back = NULL;
	unsigned e = 0;
	int rc = token_encode(epoch, c, tok, TOKEN_SIZE);

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
	FUZZ_ASSERT(token_decode(tok, &e, &back) == 0);
	FUZZ_ASSERT(e == epoch);
	FUZZ_ASSERT(back && strcmp(back, c) == 0);
	free(back);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = fuzz_cstring(data, size), *b;
	char ta[TOKEN_SIZE], tb[TOKEN_SIZE];
	unsigned ea, eb;
	size_t na;

	if (!a)
		return 0;
	/* Epochs 1 to 3: the same, or the second one later. */
	ea = size ? 1 + data[0] % 3 : 1;
	eb = size ? ea + (data[0] / 3) % 2 : 1;
	na = strlen(a);
	b = na < size ? a + na + 1 : a + na; /* "" when there is no NUL */
	as_token(a);
	as_token(b);
	as_offset(a);
	if (as_cursor(ea, a, ta) == 0 && as_cursor(eb, b, tb) == 0) {
		const char *ba = ta + (ea > 1 ? TOKEN_EPOCH_LEN : 0);
		const char *bb = tb + (eb > 1 ? TOKEN_EPOCH_LEN : 0);

		if (ea < eb)
			FUZZ_ASSERT(strcmp(ta, tb) < 0);
		else if ((ba[0] == 'x') == (bb[0] == 'x'))
			FUZZ_ASSERT(sign(strcmp(ta, tb)) == sign(strcmp(a, b)));
	}
	free(a);
	return 0;
}
