/* SPDX-License-Identifier: MIT */
/*
 * link: the Link header of a paged answer, and the URLs in it.
 *
 * Pages are linked the way GitHub links them: absolute URLs of the same
 * path and query with another page number, marked rel="prev", "next",
 * "last" and "first". This module builds that text and checks the pieces
 * it is built from (a Host header, an origin given on the command line);
 * which origin to use is api.c's decision.
 */
#ifndef LF_TRACKER_LINK_H
#define LF_TRACKER_LINK_H

#include <stdint.h>

#include "common/buf.h"
#include "common/httpd.h"

#define LINK_HOST_MAX 255 /* bytes of a Host header we put in links */

struct link_page {
	const char *origin;	 /* "http://host:port", no slash at the end */
	const char *next_origin; /* for rel="next"; NULL: origin */
	const char *path;	 /* the list's path, as routed */
	const struct httpd_param *params; /* the request's query, in order */
	unsigned nparams;
};

/*
 * Appends the Link value of page (1-based) of a list of last pages to out:
 * prev and first after page 1, next and last before the last page, in the
 * order prev, next, last, first. Every URL keeps the request's parameters
 * in their order, but for page, which comes last. Nothing when there is no
 * rel. 0 or -errno from the buffer.
 */
int link_header(const struct link_page *lp, uint64_t page, uint64_t last,
		struct buf *out);
/* Appends s percent-encoded: all but A-Z a-z 0-9 - . _ ~ as %XX. */
int link_escape(const char *s, struct buf *out);
/* Whether a Host header value is safe to put in a URL as it is. */
int link_host_ok(const char *host);
/* Whether url is "http://" or "https://" and a host, safe in a header. */
int link_origin_ok(const char *url);

#endif
