/* SPDX-License-Identifier: MIT */
/*
 * routes: the API's seven routes, from a parsed request to a status and a
 * JSON body. It validates paths, parameters and bodies as the API page
 * says and calls the store; it knows nothing of sockets, auth, faults or
 * latency (server.c, common/httpd.c), so it can be tested without HTTP.
 */
#ifndef LF_EXAMPLE_ROUTES_H
#define LF_EXAMPLE_ROUTES_H

#include <stddef.h>

#include "common/buf.h"
#include "common/httpd.h"
#include "store.h"

/*
 * Answers req: sets *status and appends the JSON body to out. Returns 0,
 * or -errno when out could not be written (the caller answers 500).
 */
int routes_handle(struct store *st, const struct httpd_request *req,
		  unsigned *status, struct buf *out);
/* Appends {"error": msg} to out. */
int routes_error(struct buf *out, const char *msg);

#endif
