/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the simulated servers' content coding: which coding an
 * Accept-Encoding value gets, and that what gzip_encode writes inflates
 * back to its input in both formats.
 */
#include "common/gzip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "check.h"

static void test_negotiate(void)
{
	CHECK(gzip_negotiate(NULL) == GZIP_IDENTITY);
	CHECK(gzip_negotiate("") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("gzip") == GZIP_GZIP);
	CHECK(gzip_negotiate("GZip") == GZIP_GZIP);
	CHECK(gzip_negotiate("x-gzip") == GZIP_GZIP);
	CHECK(gzip_negotiate("deflate") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("deflate, gzip") == GZIP_GZIP);
	CHECK(gzip_negotiate("gzip, deflate, br") == GZIP_GZIP);
	CHECK(gzip_negotiate("br, zstd") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("identity") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("*") == GZIP_GZIP);
	CHECK(gzip_negotiate("*;q=0") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("gzip;q=0") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("gzip;q=0.000") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("gzip;q=0, deflate") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("gzip;q=0, *") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("deflate;q=1, gzip;q=0.5") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("deflate;q=0.5, gzip;q=0.5") == GZIP_GZIP);
	CHECK(gzip_negotiate(" gzip ; q=0.8 , deflate;q=0.9") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("deflate;level=1;q=0.3, gzip;q=0.2") ==
	      GZIP_DEFLATE);
	/* A malformed q-value leaves the element out. */
	CHECK(gzip_negotiate("gzip;q=2") == GZIP_IDENTITY);
	CHECK(gzip_negotiate("gzip;q=0.12345, deflate") == GZIP_DEFLATE);
	CHECK(gzip_negotiate("gzip;q=x") == GZIP_IDENTITY);
	CHECK(gzip_negotiate(",,gzip,,") == GZIP_GZIP);
	CHECK(gzip_negotiate("gzipx") == GZIP_IDENTITY);
	CHECK_STR(gzip_name(GZIP_GZIP), "gzip");
	CHECK_STR(gzip_name(GZIP_DEFLATE), "deflate");
	CHECK(gzip_name(GZIP_IDENTITY) == NULL);
}

/* Inflates in (gzip or zlib format, detected) into out; its length. */
static long inflate_all(const struct buf *in, char *out, size_t outlen)
{
	z_stream zs;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)in->data;
	zs.avail_in = (uInt)in->len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)outlen;
	rc = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	return rc == Z_STREAM_END ? (long)zs.total_out : -1;
}

static void round_trip(enum gzip_coding c, const char *text, size_t len)
{
	char *back = malloc(len + 1);
	struct buf out;

	buf_init(&out, 0);
	CHECK(gzip_encode(c, text, len, &out) == 0);
	CHECK(out.len > 2);
	/* gzip starts 1f 8b; zlib's first byte is 0x78 at the default window */
	if (c == GZIP_GZIP)
		CHECK((unsigned char)out.data[0] == 0x1f &&
		      (unsigned char)out.data[1] == 0x8b);
	else
		CHECK((unsigned char)out.data[0] == 0x78);
	CHECK(inflate_all(&out, back, len + 1) == (long)len);
	CHECK(memcmp(back, text, len) == 0);
	if (len > 1000)
		CHECK(out.len < len / 4);
	buf_free(&out);
	free(back);
}

static void test_encode(void)
{
	struct buf page, small;

	buf_init(&page, 0);
	for (int i = 0; i < 200; i++)
		buf_printf(
		    &page,
		    "%s{\"order_id\":\"order_%04d\",\"status\":\"shipped\"}",
		    i ? "," : "[", i);
	buf_putc(&page, ']');
	round_trip(GZIP_GZIP, page.data, page.len);
	round_trip(GZIP_DEFLATE, page.data, page.len);
	round_trip(GZIP_GZIP, "{}", 2);
	round_trip(GZIP_DEFLATE, "x", 1);
	/* The output buffer's cap holds. */
	buf_init(&small, 8);
	CHECK(gzip_encode(GZIP_GZIP, page.data, page.len, &small) == -E2BIG);
	buf_free(&small);
	buf_free(&page);
}

int main(void)
{
	test_negotiate();
	test_encode();
	return check_result();
}
