/* SPDX-License-Identifier: MIT */
/*
 * tracker server: a simulated issue tracker shaped like GitHub's REST API,
 * one repository (acme/widgets), served over HTTP.
 *
 * This is the server as a library, so that lakeflowfs-tracker-server is a
 * thin main() around it and tests can start one. The server owns its
 * tables and threads; the caller owns the config strings (the token too)
 * and keeps them alive until tracker_server_stop.
 */
#ifndef LF_TRACKER_SERVER_H
#define LF_TRACKER_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "common/httpd.h"

struct tracker_config {
	unsigned scale;		 /* N times the seeded rows; 1 */
	const char *token;	 /* the one bearer token accepted; required */
	const char *public_url;	 /* origin of Link URLs; NULL: from Host */
	const char *link_origin; /* origin of rel="next" links; NULL: same */
	uint64_t garbage_page;	 /* page that answers non-JSON; 0: none */
};

struct tracker_server;

void tracker_config_defaults(struct tracker_config *cfg);
/*
 * Seeds the tables and starts serving. Returns 0 and sets *out, or -errno
 * with a one-line reason in err (errlen bytes).
 */
int tracker_server_start(const struct httpd_config *http,
			 const struct tracker_config *cfg,
			 struct tracker_server **out, char *err, size_t errlen);
/* Its HTTP layer, for the port and the counters. */
struct httpd *tracker_server_http(struct tracker_server *srv);
/* Stops serving, waits for requests in flight, frees everything. */
void tracker_server_stop(struct tracker_server *srv);

#endif
