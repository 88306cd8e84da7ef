/* SPDX-License-Identifier: MIT */
/*
 * server: the example API on the shared HTTP layer. See server.h.
 *
 * This file owns what makes the HTTP layer (common/httpd.c) the Example
 * source: Basic auth and its 401, the {"error": ...} shape of the layer's
 * own errors, and the store behind the routes. What a route answers is
 * routes.c's business, the rows are store.c's.
 */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/isotime.h"
#include "routes.h"
#include "seed.h"
#include "store.h"

#define AUTH_MAX 1024 /* decoded credentials above: 401 */

struct example_server {
	struct store *store;
	struct httpd *http;
};

void example_config_defaults(struct example_config *cfg)
{
	struct httpd_config http;
	struct example_data data;

	httpd_config_defaults(&http);
	example_data_defaults(&data);
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind = http.bind;
	cfg->port = http.port;
	cfg->error_rate = http.error_rate;
	cfg->null_rate = data.null_rate;
	cfg->latency_ms = http.latency_ms;
	cfg->scale = data.scale;
	cfg->seed = http.seed;
	cfg->quiet = http.quiet;
}

void example_data_defaults(struct example_data *data)
{
	data->null_rate = 0.2;
	data->scale = 1;
}

/* ------------------------------------------------------------- auth ---- */

static int b64_value(char c)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(digits, c) : NULL;

	return p ? (int)(p - digits) : -1;
}

/* Decodes base64 text s into out (NUL-terminated). 0 or -EINVAL. */
static int b64_decode(const char *s, char *out, size_t outlen)
{
	unsigned acc = 0, bits = 0;
	size_t n = 0;
	int v;

	for (; *s && *s != '='; s++) {
		v = b64_value(*s);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= outlen)
				return -EINVAL;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	while (*s == '=')
		s++;
	if (*s)
		return -EINVAL;
	out[n] = '\0';
	return strlen(out) == n ? 0 : -EINVAL;
}

/* Whether the request carries Basic credentials, both parts non-empty. */
static int has_credentials(const struct httpd_request *req)
{
	const char *h = httpd_request_header(req, "Authorization");
	char cred[AUTH_MAX];
	char *colon;

	if (!h || strncasecmp(h, "Basic ", 6) != 0)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	if (b64_decode(h, cred, sizeof(cred)))
		return 0;
	colon = strchr(cred, ':');
	return colon && colon != cred && colon[1] != '\0';
}

static int authorize(void *ctx, const struct httpd_request *req,
		     struct httpd_answer *ans)
{
	if (has_credentials(req))
		return 0;
	ans->status = 401;
	routes_error(&ans->body, "missing or empty credentials");
	httpd_answer_header(ans, "WWW-Authenticate", "Basic realm=\"example\"");
	return -EACCES;
}

/* ---------------------------------------------------------- answering --- */

static int handle(void *ctx, const struct httpd_request *req,
		  struct httpd_answer *ans)
{
	struct example_server *srv = ctx;

	return routes_handle(srv->store, req, &ans->status, &ans->body);
}

/* ---------------------------------------------------------- lifecycle --- */

int example_server_start_http(const struct httpd_config *http,
			      const struct example_data *data,
			      struct example_server **out, char *err,
			      size_t errlen)
{
	struct httpd_app app = {
	    .authorize = authorize,
	    .handle = handle,
	    .error_body = routes_error,
	    .content_type = "application/json",
	};
	struct example_server *srv;
	struct seed seed;
	int rc;

	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	app.ctx = srv;
	seed_init(&seed, http->seed, data->null_rate, data->scale,
		  isotime_now_us());
	rc = store_new(&seed, &srv->store);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = httpd_start(http, &app, &srv->http, err, errlen);
	if (rc)
		goto fail;
	*out = srv;
	return 0;
fail:
	store_free(srv->store);
	free(srv);
	return rc;
}

int example_server_start(const struct example_config *cfg,
			 struct example_server **out, char *err, size_t errlen)
{
	struct example_data data = {cfg->null_rate, cfg->scale};
	struct httpd_config http;

	httpd_config_defaults(&http);
	http.bind = cfg->bind;
	http.port = cfg->port;
	http.error_rate = cfg->error_rate;
	http.latency_ms = cfg->latency_ms;
	http.seed = cfg->seed;
	http.quiet = cfg->quiet;
	return example_server_start_http(&http, &data, out, err, errlen);
}

uint16_t example_server_port(const struct example_server *srv)
{
	return httpd_port(srv->http);
}

struct httpd *example_server_http(struct example_server *srv)
{
	return srv->http;
}

void example_server_stop(struct example_server *srv)
{
	if (!srv)
		return;
	httpd_stop(srv->http);
	store_free(srv->store);
	free(srv);
}
