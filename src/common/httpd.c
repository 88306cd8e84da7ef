/* SPDX-License-Identifier: MIT */
/*
 * httpd: the simulated servers' HTTP layer over libmicrohttpd. See httpd.h.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/gzip.h"
#include "common/pacer.h"
#include "common/rng.h"

#define FAULT_STREAM   0xfa17ULL /* separates fault draws from seed data */
#define DRAIN_MS       4000	 /* how long stop waits for requests */
#define DRAIN_TICK_MS  10
#define CONN_TIMEOUT_S 60U /* idle connections are closed after this */

struct httpd {
	struct httpd_config cfg;
	struct httpd_app app;
	struct MHD_Daemon *mhd;
	uint16_t port;
	int quiesced; /* no longer accepting */
	int paced;    /* pacer is set up (cfg.bandwidth > 0) */
	struct pacer pacer;
	atomic_uint_fast64_t calls;    /* counter behind the fault stream */
	atomic_int in_flight;	       /* requests begun and not completed */
	atomic_uint_fast64_t handling; /* of those, admitted ones */
	atomic_uint_fast64_t answered, refused, injected;
	atomic_uint_fast64_t body_bytes, coded_bytes;
};

/* An answer body on its way out through the pacer. */
struct paced_body {
	struct httpd *h;
	char *data;
	size_t len;
};

/* Per-request state, from the first callback to the completion one. */
struct request {
	struct buf body;
	int too_big;
	int admitted; /* counted in handling: not over --max-inflight */
};

void httpd_config_defaults(struct httpd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind = "127.0.0.1";
	cfg->error_rate = 0.03;
	cfg->retry_after_s = 1;
}

/* ---------------------------------------------------- faults, latency --- */

/* The injected status for this call, or 0 to answer normally. */
static unsigned fault_status(struct httpd *h)
{
	static const unsigned codes[] = {429, 500, 503};
	uint64_t n, x;

	if (h->cfg.error_rate <= 0)
		return 0;
	n = atomic_fetch_add(&h->calls, 1);
	x = rng_hash(h->cfg.seed, FAULT_STREAM, n, 0);
	if (rng_unit(x) >= h->cfg.error_rate)
		return 0;
	return codes[rng_hash(h->cfg.seed, FAULT_STREAM, n, 1) % 3];
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

/* Counts the request in unless --max-inflight are being handled already. */
static void admit(struct httpd *h, struct request *rq)
{
	uint64_t before = atomic_fetch_add(&h->handling, 1);

	if (h->cfg.max_inflight && before >= h->cfg.max_inflight) {
		atomic_fetch_sub(&h->handling, 1);
		return;
	}
	rq->admitted = 1;
}

/* ------------------------------------------------------------ answers --- */

const char *httpd_request_header(const struct httpd_request *req,
				 const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int httpd_count(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > HTTPD_COUNT_MAX)
			return -EINVAL;
	}
	if (x < 1)
		return -EINVAL;
	*v = x;
	return 0;
}

int httpd_answer_header(struct httpd_answer *ans, const char *name,
			const char *value)
{
	char *copy;

	if (ans->nheaders == HTTPD_HEADERS_MAX)
		return -E2BIG;
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	ans->header_name[ans->nheaders] = name;
	ans->header_value[ans->nheaders++] = copy;
	return 0;
}

static void answer_free(struct httpd_answer *ans)
{
	buf_free(&ans->body);
	for (unsigned i = 0; i < ans->nheaders; i++)
		free(ans->header_value[i]);
	ans->nheaders = 0;
}

/* Replaces ans with status and the API's error body for msg. */
static void answer_error(struct httpd *h, struct httpd_answer *ans,
			 unsigned status, const char *msg)
{
	answer_free(ans);
	ans->status = status;
	ans->content_type = NULL;
	h->app.error_body(&ans->body, msg);
}

/* A 429 that tells the client when to come back. */
static void answer_busy(struct httpd *h, struct httpd_answer *ans,
			const char *msg)
{
	char secs[24];

	answer_error(h, ans, 429, msg);
	snprintf(secs, sizeof(secs), "%u", h->cfg.retry_after_s);
	httpd_answer_header(ans, MHD_HTTP_HEADER_RETRY_AFTER, secs);
}

/* Compresses ans's body when the layer and the client both want it. */
static const char *encode(struct httpd *h, struct MHD_Connection *conn,
			  struct httpd_answer *ans)
{
	enum gzip_coding c;
	struct buf coded;

	if (!h->cfg.gzip || ans->body.len == 0)
		return NULL;
	c = gzip_negotiate(MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	if (c == GZIP_IDENTITY)
		return NULL;
	buf_init(&coded, 0);
	if (gzip_encode(c, ans->body.data, ans->body.len, &coded)) {
		buf_free(&coded);
		return NULL; /* out of memory: send it plain */
	}
	buf_free(&ans->body);
	ans->body = coded;
	return gzip_name(c);
}

static ssize_t paced_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct paced_body *pb = cls;
	size_t n = pb->len - (size_t)pos;

	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > max)
		n = max;
	pacer_wait(&pb->h->pacer, n);
	memcpy(out, pb->data + pos, n);
	return (ssize_t)n;
}

static void paced_free(void *cls)
{
	struct paced_body *pb = cls;

	free(pb->data);
	free(pb);
}

/* A response that owns data: sent at once, or through the pacer. */
static struct MHD_Response *make_response(struct httpd *h, char *data,
					  size_t len)
{
	struct MHD_Response *resp = NULL;
	struct paced_body *pb;

	if (!h->paced) {
		resp = MHD_create_response_from_buffer(len, data,
						       MHD_RESPMEM_MUST_FREE);
	} else if ((pb = malloc(sizeof(*pb)))) {
		*pb = (struct paced_body){h, data, len};
		resp = MHD_create_response_from_callback(
		    len, pacer_chunk(&h->pacer), paced_read, pb, paced_free);
		if (!resp)
			free(pb);
	}
	if (!resp)
		free(data);
	return resp;
}

static void add_headers(struct httpd *h, struct MHD_Response *resp,
			const struct httpd_answer *ans, const char *coding)
{
	const char *type =
	    ans->content_type ? ans->content_type : h->app.content_type;

	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	for (unsigned i = 0; i < ans->nheaders; i++)
		MHD_add_response_header(resp, ans->header_name[i],
					ans->header_value[i]);
	if (h->cfg.gzip)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
					MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (coding)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING,
					coding);
}

/* Queues ans on conn; consumes ans's body storage. */
static enum MHD_Result respond(struct httpd *h, struct MHD_Connection *conn,
			       struct httpd_answer *ans)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *coding;
	size_t raw = ans->body.len, len;
	char *data;

	coding = encode(h, conn, ans);
	len = ans->body.len;
	data = buf_steal(&ans->body);
	if (!data)
		return MHD_NO;
	resp = make_response(h, data, len);
	if (!resp)
		return MHD_NO;
	add_headers(h, resp, ans, coding);
	atomic_fetch_add(&h->answered, 1);
	atomic_fetch_add(&h->body_bytes, raw);
	atomic_fetch_add(&h->coded_bytes, len);
	ret = MHD_queue_response(conn, ans->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ------------------------------------------------------------ stages --- */

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct httpd_request *req = cls;

	if (req->nparams == HTTPD_PARAMS_MAX) {
		req->too_many_params = 1;
		return MHD_NO;
	}
	req->params[req->nparams].key = key;
	req->params[req->nparams].value = value;
	req->nparams++;
	return MHD_YES;
}

static void request_init(struct httpd_request *req, struct MHD_Connection *conn,
			 const char *url, const char *method,
			 const struct request *rq)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = url;
	req->body = rq->body.data;
	req->body_len = rq->body.len;
	req->conn = conn;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param,
				  req);
}

/* Runs the stages after the auth check; returns whether a fault was drawn. */
static int serve(struct httpd *h, const struct httpd_request *req,
		 const struct request *rq, struct httpd_answer *ans)
{
	unsigned fault = fault_status(h);

	if (fault == 429 && h->app.fault_retry_after)
		answer_busy(h, ans, fault_message(fault));
	else if (fault)
		answer_error(h, ans, fault, fault_message(fault));
	else if (rq->too_big)
		answer_error(h, ans, 413, "request body too large");
	else if (h->app.handle(h->app.ctx, req, ans))
		answer_error(h, ans, 500, "internal error");
	if (fault)
		atomic_fetch_add(&h->injected, 1);
	return fault != 0;
}

static enum MHD_Result answer(struct httpd *h, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      struct request *rq)
{
	struct httpd_answer ans;
	struct httpd_request req;
	enum MHD_Result ret;
	int injected = 0;

	memset(&ans, 0, sizeof(ans));
	buf_init(&ans.body, 0);
	delay(h->cfg.latency_ms);
	request_init(&req, conn, url, method, rq);
	if (!rq->admitted) {
		answer_busy(h, &ans, "too many requests in flight");
		atomic_fetch_add(&h->refused, 1);
	} else if (h->app.authorize(h->app.ctx, &req, &ans)) {
		if (ans.status == 0)
			answer_error(h, &ans, 500, "internal error");
	} else {
		injected = serve(h, &req, rq, &ans);
	}
	/* Quiet (embedded) servers still report their own failures. */
	if (!h->cfg.quiet || (ans.status == 500 && !injected))
		fprintf(stderr, "%s %s %u\n", method, url, ans.status);
	ret = respond(h, conn, &ans);
	answer_free(&ans);
	return ret;
}

/* Refuses a body whose announced length is over the cap before reading it. */
static int announced_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl && strtoull(cl, NULL, 10) > HTTPD_BODY_MAX;
}

/* The first callback of a request: its state, admission, the body cap. */
static enum MHD_Result begin(struct httpd *h, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     void **req_cls)
{
	struct request *rq = calloc(1, sizeof(*rq));
	struct httpd_answer ans;
	enum MHD_Result ret;

	if (!rq)
		return MHD_NO;
	buf_init(&rq->body, HTTPD_BODY_MAX);
	*req_cls = rq;
	atomic_fetch_add(&h->in_flight, 1);
	admit(h, rq);
	if (!announced_too_big(conn))
		return MHD_YES;
	rq->too_big = 1;
	memset(&ans, 0, sizeof(ans));
	answer_error(h, &ans, 413, "request body too large");
	if (!h->cfg.quiet)
		fprintf(stderr, "%s %s 413\n", method, url);
	ret = respond(h, conn, &ans);
	answer_free(&ans);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct httpd *h = cls;
	struct request *rq = *req_cls;

	if (!rq)
		return begin(h, conn, url, method, req_cls);
	if (*upload_data_size) {
		/* A refused request's body is read and dropped. */
		if (rq->admitted && !rq->too_big &&
		    buf_append(&rq->body, upload_data, *upload_data_size))
			rq->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(h, conn, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct request *rq = *req_cls;

	if (!rq)
		return;
	if (rq->admitted)
		atomic_fetch_sub(&h->handling, 1);
	atomic_fetch_sub(&h->in_flight, 1);
	buf_free(&rq->body);
	free(rq);
	*req_cls = NULL;
}

/* ---------------------------------------------------------- lifecycle --- */

/* Resolves cfg's address and port into ss. 0 or -EINVAL. */
static int resolve(const struct httpd_config *cfg, struct sockaddr_storage *ss,
		   char *err, size_t errlen)
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

static int start_daemon(struct httpd *h, char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;

	if (resolve(&h->cfg, &ss, err, errlen))
		return -EINVAL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!h->cfg.quiet)
		flags |= MHD_USE_ERROR_LOG;
	h->mhd = MHD_start_daemon(
	    flags, h->cfg.port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
	    h, MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, MHD_OPTION_END);
	if (!h->mhd) {
		snprintf(err, errlen,
			 "cannot listen on bind address %s port %u",
			 h->cfg.bind, (unsigned)h->cfg.port);
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : h->cfg.port;
	return 0;
}

int httpd_start(const struct httpd_config *cfg, const struct httpd_app *app,
		struct httpd **out, char *err, size_t errlen)
{
	struct httpd *h = calloc(1, sizeof(*h));
	int rc;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->cfg = *cfg;
	h->app = *app;
	if (!h->cfg.bind)
		h->cfg.bind = "127.0.0.1";
	if (cfg->bandwidth) {
		rc = pacer_init(&h->pacer, cfg->bandwidth);
		if (rc) {
			snprintf(err, errlen, "bandwidth: %s", strerror(-rc));
			free(h);
			return rc;
		}
		h->paced = 1;
	}
	rc = start_daemon(h, err, errlen);
	if (rc) {
		httpd_stop(h);
		return rc;
	}
	*out = h;
	return 0;
}

uint16_t httpd_port(const struct httpd *h)
{
	return h->port;
}

void httpd_stats(struct httpd *h, struct httpd_stats *out)
{
	out->answered = atomic_load(&h->answered);
	out->refused = atomic_load(&h->refused);
	out->injected = atomic_load(&h->injected);
	out->in_flight = atomic_load(&h->handling);
	out->body_bytes = atomic_load(&h->body_bytes);
	out->coded_bytes = atomic_load(&h->coded_bytes);
}

void httpd_quiesce(struct httpd *h)
{
	struct timespec tick = {0, DRAIN_TICK_MS * 1000000L};
	MHD_socket fd;

	if (h->quiesced || !h->mhd)
		return;
	h->quiesced = 1;
	fd = MHD_quiesce_daemon(h->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int ms = 0; ms < DRAIN_MS && atomic_load(&h->in_flight) > 0;
	     ms += DRAIN_TICK_MS)
		nanosleep(&tick, NULL);
}

void httpd_stop(struct httpd *h)
{
	if (!h)
		return;
	if (h->mhd) {
		httpd_quiesce(h);
		MHD_stop_daemon(h->mhd);
	}
	if (h->paced)
		pacer_destroy(&h->pacer);
	free(h);
}
