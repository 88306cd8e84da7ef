/* SPDX-License-Identifier: MIT */
/*
 * gzip: HTTP content coding for the simulated servers, with zlib.
 *
 * Chooses a coding from a request's Accept-Encoding and compresses a whole
 * answer body in one go. It knows nothing of sockets or headers beyond the
 * one it parses; httpd.c decides when to use it.
 */
#ifndef LF_GZIP_H
#define LF_GZIP_H

#include <stddef.h>

#include "common/buf.h"

enum gzip_coding {
	GZIP_IDENTITY, /* send the body as it is */
	GZIP_GZIP,     /* "gzip": RFC 1952 */
	GZIP_DEFLATE,  /* "deflate": the zlib format of RFC 1950 */
};

/*
 * The coding to answer a request whose Accept-Encoding is value (NULL when
 * absent): gzip or deflate, whichever has the higher q-value above zero
 * (gzip on a tie, "*" standing for both, "x-gzip" for gzip), else identity.
 */
enum gzip_coding gzip_negotiate(const char *value);
/* The Content-Encoding name of c; NULL for identity. */
const char *gzip_name(enum gzip_coding c);
/*
 * Appends len bytes of in, compressed with c (not identity), to out.
 * Returns 0, -ENOMEM, or -E2BIG when out's cap is passed.
 */
int gzip_encode(enum gzip_coding c, const void *in, size_t len,
		struct buf *out);

#endif
