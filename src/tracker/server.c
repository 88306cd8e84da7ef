/* SPDX-License-Identifier: MIT */
/*
 * server: the tracker API on the shared HTTP layer. See server.h.
 *
 * This file owns what makes the HTTP layer (common/httpd.c) the tracker:
 * bearer-token auth and its 401, the {"message": ...} shape of the
 * layer's own errors, Retry-After on injected 429s, and the db and link
 * settings behind the routes (api.c).
 */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "data.h"
#include "db.h"

#define ORIGIN_MAX 300 /* "http://[address]:port" */

struct tracker_server {
	struct tracker_config cfg;
	struct api api;
	struct db *db;
	struct httpd *http;
	char fallback[ORIGIN_MAX]; /* the origin when Host will not do */
};

void tracker_config_defaults(struct tracker_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->scale = 1;
}

/* ------------------------------------------------------------- auth ---- */

/* Compares in time that depends only on the length of given. */
static int same_token(const char *given, const char *token)
{
	size_t n = strlen(given), m = strlen(token);
	unsigned char diff = n != m;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ token[i % m]);
	return diff == 0;
}

/* Whether the request carries "Authorization: Bearer <the token>". */
static int has_token(const struct tracker_server *srv,
		     const struct httpd_request *req)
{
	const char *h = httpd_request_header(req, "Authorization");

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	while (*h == ' ')
		h++;
	return same_token(h, srv->cfg.token);
}

static int authorize(void *ctx, const struct httpd_request *req,
		     struct httpd_answer *ans)
{
	if (has_token(ctx, req))
		return 0;
	ans->status = 401;
	api_error(&ans->body, "Bad credentials");
	httpd_answer_header(ans, "WWW-Authenticate",
			    "Bearer realm=\"tracker\"");
	return -EACCES;
}

static int handle(void *ctx, const struct httpd_request *req,
		  struct httpd_answer *ans)
{
	struct tracker_server *srv = ctx;

	return api_handle(&srv->api, req, ans);
}

/* ---------------------------------------------------------- lifecycle --- */

/* The origin of links when a request has no usable Host header. */
static void set_fallback(struct tracker_server *srv, const char *bind,
			 uint16_t port)
{
	int v6 = strchr(bind, ':') != NULL;

	snprintf(srv->fallback, sizeof(srv->fallback), "http://%s%s%s:%u",
		 v6 ? "[" : "", bind, v6 ? "]" : "", (unsigned)port);
}

int tracker_server_start(const struct httpd_config *http,
			 const struct tracker_config *cfg,
			 struct tracker_server **out, char *err, size_t errlen)
{
	struct httpd_app app = {
	    .authorize = authorize,
	    .handle = handle,
	    .error_body = api_error,
	    .content_type = "application/json; charset=utf-8",
	    .fault_retry_after = 1,
	};
	struct tracker_server *srv = calloc(1, sizeof(*srv));
	struct data data;
	int rc = -ENOMEM;

	if (!srv)
		goto fail;
	srv->cfg = *cfg;
	data_init(&data, http->seed, cfg->scale, (int64_t)time(NULL));
	if (db_new(&data, &srv->db))
		goto fail;
	srv->api = (struct api){srv->db, cfg->public_url, cfg->link_origin,
				cfg->garbage_page, srv->fallback};
	set_fallback(srv, http->bind ? http->bind : "127.0.0.1", http->port);
	app.ctx = srv;
	rc = httpd_start(http, &app, &srv->http, err, errlen);
	if (rc)
		goto out;
	if (http->port == 0) /* before the port is announced */
		set_fallback(srv, http->bind ? http->bind : "127.0.0.1",
			     httpd_port(srv->http));
	*out = srv;
	return 0;
fail:
	snprintf(err, errlen, "out of memory");
out:
	tracker_server_stop(srv);
	return rc;
}

struct httpd *tracker_server_http(struct tracker_server *srv)
{
	return srv->http;
}

void tracker_server_stop(struct tracker_server *srv)
{
	if (!srv)
		return;
	httpd_stop(srv->http);
	db_free(srv->db);
	free(srv);
}
