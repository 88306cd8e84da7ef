/* SPDX-License-Identifier: MIT */
/*
 * request: the struct httpd_request a simulated server's routes take,
 * built from a method, a path, a body and "key=value" strings, for unit
 * tests that call routes without sockets.
 */
#ifndef LF_TEST_REQUEST_H
#define LF_TEST_REQUEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/httpd.h"

#define REQUEST_KEY_MAX 64

/*
 * Fills req with nparams parameters from ap, each "key=value" or a bare
 * "key" (value NULL). The keys live in static storage until the next call.
 */
static inline void request_fill(struct httpd_request *req, const char *method,
				const char *path, const char *body,
				unsigned nparams, va_list ap)
{
	static char keys[HTTPD_PARAMS_MAX][REQUEST_KEY_MAX];

	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = path;
	req->body = body;
	req->body_len = body ? strlen(body) : 0;
	for (unsigned i = 0; i < nparams && i < HTTPD_PARAMS_MAX; i++) {
		const char *kv = va_arg(ap, const char *),
			   *eq = strchr(kv, '=');

		snprintf(keys[i], sizeof(keys[i]), "%.*s",
			 (int)(eq ? (size_t)(eq - kv) : strlen(kv)), kv);
		req->params[i].key = keys[i];
		req->params[i].value = eq ? eq + 1 : NULL;
		req->nparams++;
	}
}

#endif
