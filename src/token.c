/* SPDX-License-Identifier: MIT */
/*
 * token: the offset token codec and the offset JSON. See token.h for the
 * encoding. Pure functions: no I/O, no state, nothing of FUSE or HTTP.
 */
#include "token.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/isotime.h"
#include "common/jsondoc.h"

/* Shapes: 'd' is any ASCII digit, every other character stands for itself. */
#define TS_SHAPE	 "dddd-dd-ddTdd:dd:dd.dddddd+00:00"
#define DATE_SHAPE	 "dddd-dd-dd"
#define TS_TOKEN_SHAPE	 "ddddddddTdddddd.ddddddZ"
#define DATE_TOKEN_SHAPE "dddddddd"

static int has_shape(const char *s, const char *shape)
{
	for (; *shape; s++, shape++) {
		if (*shape == 'd' ? !isdigit((unsigned char)*s) : *s != *shape)
			return 0;
	}
	return *s == '\0';
}

/*
 * Whether s is a canonical API timestamp: the exact shape and a real
 * instant, i.e. formatting what it parses to gives s back (which refuses
 * month 13, February 30, hour 24, second 60 and the like).
 */
static int is_timestamp(const char *s)
{
	char back[ISOTIME_SIZE];
	int64_t us;

	if (!has_shape(s, TS_SHAPE) || isotime_parse(s, &us))
		return 0;
	isotime_format(us, back);
	return strcmp(back, s) == 0;
}

/* Whether s is a real date in the exact shape YYYY-MM-DD. */
static int is_date(const char *s)
{
	char back[ISOTIME_SIZE];
	int64_t us;

	if (!has_shape(s, DATE_SHAPE) || isotime_parse(s, &us))
		return 0;
	isotime_format_date(us, back);
	return strcmp(back, s) == 0;
}

/* Copies s without its '-' and ':' separators, then appends suffix. */
static void squeeze(const char *s, size_t n, const char *suffix, char *out)
{
	size_t i, j = 0;

	for (i = 0; i < n; i++)
		if (s[i] != '-' && s[i] != ':')
			out[j++] = s[i];
	strcpy(out + j, suffix);
}

static int encode_hex(const char *cursor, char *out, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = strlen(cursor), i;

	if (1 + 2 * n > TOKEN_BODY_MAX || 1 + 2 * n >= len)
		return -ENAMETOOLONG;
	out[0] = 'x';
	for (i = 0; i < n; i++) {
		out[1 + 2 * i] = digits[(unsigned char)cursor[i] >> 4];
		out[2 + 2 * i] = digits[(unsigned char)cursor[i] & 0xf];
	}
	out[1 + 2 * n] = '\0';
	return 0;
}

/* The body: the offset's own token, as in epoch 1. */
static int encode_body(const char *cursor, char *out, size_t len)
{
	/* The readable forms: sizeof(shape) counts the terminator. */
	if (!cursor) {
		if (len < sizeof(TOKEN_START))
			return -ENAMETOOLONG;
		strcpy(out, TOKEN_START);
		return 0;
	}
	if (!*cursor)
		return -EINVAL;
	if (is_timestamp(cursor)) {
		if (len < sizeof(TS_TOKEN_SHAPE))
			return -ENAMETOOLONG;
		/* Drop the "+00:00": the token says Z for the same UTC. */
		squeeze(cursor, strlen(DATE_SHAPE "Tdd:dd:dd.dddddd"), "Z",
			out);
		return 0;
	}
	if (is_date(cursor)) {
		if (len < sizeof(DATE_TOKEN_SHAPE))
			return -ENAMETOOLONG;
		squeeze(cursor, strlen(cursor), "", out);
		return 0;
	}
	return encode_hex(cursor, out, len);
}

int token_encode(unsigned epoch, const char *cursor, char *out, size_t len)
{
	if (epoch < 1 || epoch > TOKEN_EPOCH_MAX)
		return -EINVAL;
	if (epoch == 1)
		return encode_body(cursor, out, len);
	if (len <= TOKEN_EPOCH_LEN)
		return -ENAMETOOLONG;
	snprintf(out, len, "y%06u-", epoch);
	return encode_body(cursor, out + TOKEN_EPOCH_LEN,
			   len - TOKEN_EPOCH_LEN);
}

/* ------------------------------------------------------------ decode --- */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "x<hex>": only what encode_hex() writes, for a cursor it would hex. */
static int decode_hex(const char *hex, char **cursor)
{
	size_t n = strlen(hex), i;
	char *s;

	if (n == 0 || n % 2 || 1 + n > TOKEN_BODY_MAX)
		return -EINVAL;
	s = malloc(n / 2 + 1);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	if (is_timestamp(s) || is_date(s))
		goto bad; /* encode gives these their readable token */
	*cursor = s;
	return 0;
bad:
	free(s);
	return -EINVAL;
}

/* "YYYYMMDDTHHMMSS.ffffffZ" back to "YYYY-MM-DDTHH:MM:SS.ffffff+00:00". */
static int decode_timestamp(const char *t, char **cursor)
{
	char s[ISOTIME_SIZE];

	snprintf(s, sizeof(s), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.%.6s+00:00", t,
		 t + 4, t + 6, t + 9, t + 11, t + 13, t + 16);
	if (!is_timestamp(s))
		return -EINVAL;
	*cursor = strdup(s);
	return *cursor ? 0 : -ENOMEM;
}

static int decode_date(const char *t, char **cursor)
{
	char s[ISOTIME_SIZE];

	snprintf(s, sizeof(s), "%.4s-%.2s-%.2s", t, t + 4, t + 6);
	if (!is_date(s))
		return -EINVAL;
	*cursor = strdup(s);
	return *cursor ? 0 : -ENOMEM;
}

static int decode_body(const char *token, char **cursor)
{
	if (!strcmp(token, TOKEN_START))
		return 0;
	if (token[0] == 'x')
		return decode_hex(token + 1, cursor);
	if (has_shape(token, TS_TOKEN_SHAPE))
		return decode_timestamp(token, cursor);
	if (has_shape(token, DATE_TOKEN_SHAPE))
		return decode_date(token, cursor);
	return -EINVAL;
}

/* "y" + six digits + "-": an epoch from 2 on (epoch 1 has no prefix). */
static int decode_epoch(const char *token, unsigned *epoch)
{
	unsigned e = 0;

	if (token[0] != 'y' || token[TOKEN_EPOCH_LEN - 1] != '-')
		return -EINVAL;
	for (int i = 1; i < TOKEN_EPOCH_LEN - 1; i++) {
		if (!isdigit((unsigned char)token[i]))
			return -EINVAL;
		e = e * 10 + (unsigned)(token[i] - '0');
	}
	if (e < 2)
		return -EINVAL;
	*epoch = e;
	return 0;
}

int token_decode(const char *token, unsigned *epoch, char **cursor)
{
	*cursor = NULL;
	*epoch = 1;
	if (!token)
		return -EINVAL;
	if (token[0] == 'y') {
		if (strnlen(token, TOKEN_EPOCH_LEN) < TOKEN_EPOCH_LEN ||
		    decode_epoch(token, epoch))
			return -EINVAL;
		token += TOKEN_EPOCH_LEN;
	}
	return decode_body(token, cursor);
}

/* ------------------------------------------------------------ offsets --- */

int offset_json(const char *cursor, struct buf *out)
{
	struct json_object *s;
	int rc;

	if (!cursor)
		return buf_puts(out, "null");
	s = json_object_new_string(cursor);
	if (!s)
		return -ENOMEM;
	rc = buf_printf(
	    out, "{\"cursor\": %s}",
	    json_object_to_json_string_ext(
		s, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(s);
	return rc;
}

int json_parse_strict(const char *json, struct json_object **obj)
{
	return jsondoc_parse(json, strlen(json), obj, NULL);
}

int offset_from_json(struct json_object *obj, char **cursor)
{
	struct json_object *v;

	*cursor = NULL;
	if (!obj)
		return 0; /* null: the start */
	if (json_object_is_type(obj, json_type_object) &&
	    json_object_object_length(obj) == 1 &&
	    json_object_object_get_ex(obj, "cursor", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    strlen(json_object_get_string(v)) ==
		(size_t)json_object_get_string_len(v)) {
		*cursor = strdup(json_object_get_string(v));
		return *cursor ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

int offset_parse(const char *json, char **cursor)
{
	struct json_object *obj = NULL;
	int rc;

	*cursor = NULL;
	rc = json_parse_strict(json, &obj);
	if (rc == 0)
		rc = offset_from_json(obj, cursor);
	json_object_put(obj);
	return rc;
}
