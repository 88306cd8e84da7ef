/* SPDX-License-Identifier: MIT */
/*
 * api: the tracker's routes, from a request to a status, headers and a
 * JSON body shaped like GitHub's REST API for one repository, acme/widgets.
 *
 * It validates paths, query parameters and bodies, calls the db, links
 * pages (link.c) and plays the fault options that concern answers
 * (--garbage-page, --link-origin). Auth, injected errors, latency and
 * everything else about sockets are server.c's and common/httpd.c's, so
 * this runs without HTTP in the unit tests.
 */
#ifndef LF_TRACKER_API_H
#define LF_TRACKER_API_H

#include <stdint.h>

#include "common/httpd.h"
#include "db.h"

#define API_REPO	 "/repos/acme/widgets"
#define API_PER_PAGE	 30    /* default page size */
#define API_PER_PAGE_MAX 100   /* larger per_page values are cut to this */
#define API_TITLE_MAX	 256   /* bytes of an issue title */
#define API_BODY_MAX	 65536 /* bytes of an issue or comment body */

struct api {
	struct db *db;
	const char *public_url;	 /* origin of links; NULL: from Host */
	const char *link_origin; /* origin of rel="next" links; NULL: same */
	uint64_t garbage_page;	 /* this page of every list is not JSON */
	const char *fallback;	 /* origin when Host is missing or unsafe */
};

/*
 * Answers req into ans (status, body, headers). Returns 0, or -errno when
 * the answer could not be written (the caller answers 500).
 */
int api_handle(const struct api *api, const struct httpd_request *req,
	       struct httpd_answer *ans);
/* Appends {"message": msg}, the API's error shape, to out. */
int api_error(struct buf *out, const char *msg);

#endif
