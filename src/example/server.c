/* SPDX-License-Identifier: MIT */
/*
 * server: the example API over HTTP with libmicrohttpd. See server.h.
 *
 * This file owns the socket side: the daemon and its threads, request
 * bodies and their size cap, Basic auth, injected faults, added latency,
 * the per-request log line and the JSON responses. What a route answers is
 * routes.c's business, the rows are store.c's.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/buf.h"
#include "common/isotime.h"
#include "rng.h"
#include "routes.h"
#include "seed.h"
#include "store.h"

#define BODY_MAX     (1024 * 1024) /* POST bodies above: 413 */
#define AUTH_MAX     1024	   /* decoded credentials above: 401 */
#define FAULT_STREAM 0xfa17ULL	   /* separates fault draws from seed nulls */
#define DRAIN_MS     4000	   /* how long stop waits for requests */

struct example_server {
	struct example_config cfg;
	struct store *store;
	struct MHD_Daemon *mhd;
	uint16_t port;
	atomic_uint_fast64_t calls; /* counter behind the fault stream */
	atomic_int in_flight;	    /* requests begun and not completed */
};

/* Per-request state, from the first callback to the completion one. */
struct request {
	struct buf body;
	int too_big;
};

void example_config_defaults(struct example_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind = "127.0.0.1";
	cfg->port = 0;
	cfg->error_rate = 0.03;
	cfg->null_rate = 0.2;
	cfg->latency_ms = 0;
	cfg->scale = 1;
	cfg->seed = 0;
	cfg->quiet = 0;
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
static int authorized(struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
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

/* ---------------------------------------------------- faults, latency --- */

/* The injected status for this call, or 0 to answer normally. */
static unsigned fault_status(struct example_server *srv)
{
	static const unsigned codes[] = {429, 500, 503};
	uint64_t n, h;

	if (srv->cfg.error_rate <= 0)
		return 0;
	n = atomic_fetch_add(&srv->calls, 1);
	h = rng_hash(srv->cfg.seed, FAULT_STREAM, n, 0);
	if (rng_unit(h) >= srv->cfg.error_rate)
		return 0;
	return codes[rng_hash(srv->cfg.seed, FAULT_STREAM, n, 1) % 3];
}

static const char *fault_message(unsigned status)
{
	switch (status) {
	case 429:
		return "too many requests (injected)";
	case 500:
		return "internal server error (injected)";
	default:
		return "service unavailable (injected)";
	}
}

static void delay(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (ms && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---------------------------------------------------------- answering --- */

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct route_req *req = cls;

	if (req->nparams == ROUTES_MAX_PARAMS) {
		req->too_many_params = 1;
		return MHD_NO;
	}
	req->params[req->nparams].key = key;
	req->params[req->nparams].value = value;
	req->nparams++;
	return MHD_YES;
}

/* Sends out as the JSON body with status; consumes out's storage. */
static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status,
			       struct buf *out)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = out->len;
	char *data = buf_steal(out);

	if (!data)
		return MHD_NO;
	resp =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	if (status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"example\"");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Runs the route for a complete request and writes its body to out. */
static unsigned route(struct example_server *srv, struct MHD_Connection *conn,
		      const char *url, const char *method, struct request *rq,
		      struct buf *out)
{
	struct route_req req;
	unsigned status = 500;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.body = rq->body.data;
	req.body_len = rq->body.len;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param,
				  &req);
	if (routes_handle(srv->store, &req, &status, out)) {
		buf_reset(out);
		status = 500;
		routes_error(out, "internal error");
	}
	return status;
}

static enum MHD_Result answer(struct example_server *srv,
			      struct MHD_Connection *conn, const char *url,
			      const char *method, struct request *rq)
{
	struct buf out;
	unsigned status, injected = 0;
	enum MHD_Result ret;

	buf_init(&out, 0);
	delay(srv->cfg.latency_ms);
	if (!authorized(conn)) {
		status = 401;
		routes_error(&out, "missing or empty credentials");
	} else if ((status = injected = fault_status(srv))) {
		routes_error(&out, fault_message(status));
	} else if (rq->too_big) {
		status = 413;
		routes_error(&out, "request body too large");
	} else {
		status = route(srv, conn, url, method, rq, &out);
	}
	/* Quiet (embedded) servers still report their own failures. */
	if (!srv->cfg.quiet || (status == 500 && !injected))
		fprintf(stderr, "%s %s %u\n", method, url, status);
	ret = respond(conn, status, &out);
	buf_free(&out);
	return ret;
}

/* Refuses a body whose announced length is over the cap before reading it. */
static int announced_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl && strtoull(cl, NULL, 10) > BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct example_server *srv = cls;
	struct request *rq = *req_cls;
	struct buf out;

	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		buf_init(&rq->body, BODY_MAX);
		*req_cls = rq;
		atomic_fetch_add(&srv->in_flight, 1);
		if (!announced_too_big(conn))
			return MHD_YES;
		rq->too_big = 1;
		buf_init(&out, 0);
		routes_error(&out, "request body too large");
		if (!srv->cfg.quiet)
			fprintf(stderr, "%s %s 413\n", method, url);
		return respond(conn, 413, &out);
	}
	if (*upload_data_size) {
		if (!rq->too_big &&
		    buf_append(&rq->body, upload_data, *upload_data_size))
			rq->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(srv, conn, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct example_server *srv = cls;
	struct request *rq = *req_cls;

	if (!rq)
		return;
	atomic_fetch_sub(&srv->in_flight, 1);
	buf_free(&rq->body);
	free(rq);
	*req_cls = NULL;
}

/* ---------------------------------------------------------- lifecycle --- */

/* Resolves cfg's address and port into ss. 0 or -EINVAL. */
static int resolve(const struct example_config *cfg,
		   struct sockaddr_storage *ss, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(cfg->bind, NULL, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "bind address %s: %s", cfg->bind,
			 gai_strerror(rc));
		return -EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(cfg->port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(cfg->port);
	return 0;
}

static int start_daemon(struct example_server *srv, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;

	if (resolve(&srv->cfg, &ss, err, errlen))
		return -EINVAL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!srv->cfg.quiet)
		flags |= MHD_USE_ERROR_LOG;
	srv->mhd = MHD_start_daemon(
	    flags, srv->cfg.port, NULL, NULL, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_CONNECTION_TIMEOUT, 60U, MHD_OPTION_END);
	if (!srv->mhd) {
		snprintf(err, errlen,
			 "cannot listen on bind address %s port %u",
			 srv->cfg.bind, (unsigned)srv->cfg.port);
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : srv->cfg.port;
	return 0;
}

int example_server_start(const struct example_config *cfg,
			 struct example_server **out, char *err, size_t errlen)
{
	struct example_server *srv;
	struct seed seed;
	int rc;

	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	srv->cfg = *cfg;
	if (!srv->cfg.bind)
		srv->cfg.bind = "127.0.0.1";
	atomic_init(&srv->calls, 0);
	atomic_init(&srv->in_flight, 0);
	seed_init(&seed, cfg->seed, cfg->null_rate, cfg->scale,
		  isotime_now_us());
	rc = store_new(&seed, &srv->store);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = start_daemon(srv, err, errlen);
	if (rc)
		goto fail;
	*out = srv;
	return 0;
fail:
	store_free(srv->store);
	free(srv);
	return rc;
}

uint16_t example_server_port(const struct example_server *srv)
{
	return srv->port;
}

/* Stops accepting, then gives the requests in flight time to be answered. */
static void drain(struct example_server *srv)
{
	struct timespec tick = {0, 10 * 1000000};
	MHD_socket fd = MHD_quiesce_daemon(srv->mhd);

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int ms = 0; ms < DRAIN_MS && atomic_load(&srv->in_flight) > 0;
	     ms += 10)
		nanosleep(&tick, NULL);
}

void example_server_stop(struct example_server *srv)
{
	if (!srv)
		return;
	if (srv->mhd) {
		drain(srv);
		MHD_stop_daemon(srv->mhd);
	}
	store_free(srv->store);
	free(srv);
}
