/* SPDX-License-Identifier: MIT */
/*
 * httpd: the HTTP layer the simulated servers share, over libmicrohttpd.
 *
 * lakeflowfs-example-server and lakeflowfs-tracker-server are each a
 * struct httpd_app (auth, routes, the API's error shape) on top of this
 * module, which owns what is not the API's: the listening daemon and its
 * threads, request bodies and their cap, the stages every request passes
 * in order (added latency, the --max-inflight refusal, the app's auth
 * check, injected faults, the body cap, the app's answer), content coding,
 * the bandwidth limit, the per-request log line and the counters. It
 * knows no path and no record. The caller owns the config's strings and
 * the app's context and keeps them alive until httpd_stop.
 */
#ifndef LF_HTTPD_H
#define LF_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define HTTPD_PARAMS_MAX  32 /* query parameters; more: too_many_params */
#define HTTPD_HEADERS_MAX 4  /* headers an app adds to one answer */
#define HTTPD_BODY_MAX	  (1024 * 1024)	      /* request bodies above: 413 */
#define HTTPD_COUNT_MAX	  1000000000000000ULL /* httpd_count's limit */

struct httpd_config {
	const char *bind;	/* address to listen on; NULL: 127.0.0.1 */
	uint16_t port;		/* 0: any free port */
	double error_rate;	/* share of authorized calls: 429/500/503 */
	unsigned latency_ms;	/* slept before every answer */
	uint64_t seed;		/* seeds the fault stream */
	unsigned max_inflight;	/* requests handled at once; 0: no limit */
	unsigned retry_after_s; /* Retry-After of 429s */
	int gzip;		/* compress for clients that accept it */
	uint64_t bandwidth;	/* bytes/s of all answer bodies; 0: no limit */
	int quiet;		/* log only the server's own failures */
};

struct httpd_param {
	const char *key;
	const char *value; /* NULL for a bare "?key" */
};

/* A complete request, as the app sees it; valid during the call only. */
struct httpd_request {
	const char *method;
	const char *path; /* decoded, without the query string */
	struct httpd_param params[HTTPD_PARAMS_MAX];
	unsigned nparams; /* in the order of the query string */
	int too_many_params;
	const char *body; /* not NUL-terminated; NULL when empty */
	size_t body_len;
	void *conn; /* the connection, for httpd_request_header; or NULL */
};

/* What the app answers. The layer sets it up and frees it. */
struct httpd_answer {
	unsigned status;
	struct buf body;
	const char *content_type; /* static; NULL: the app's default */
	unsigned nheaders;
	const char *header_name[HTTPD_HEADERS_MAX]; /* static strings */
	char *header_value[HTTPD_HEADERS_MAX];	    /* owned */
};

struct httpd_app {
	void *ctx;
	/*
	 * Checks the request's credentials: 0 to let it through, or -EACCES
	 * after filling ans (status, body, headers) with the refusal.
	 */
	int (*authorize)(void *ctx, const struct httpd_request *req,
			 struct httpd_answer *ans);
	/* Answers an authorized request; -errno: the layer answers 500. */
	int (*handle)(void *ctx, const struct httpd_request *req,
		      struct httpd_answer *ans);
	/* Appends the API's error body for msg to out. */
	int (*error_body)(struct buf *out, const char *msg);
	const char *content_type; /* of every answer unless the app says */
	int fault_retry_after;	  /* injected 429s carry Retry-After too */
};

/* Counters since the start; read while serving, they may lag a little. */
struct httpd_stats {
	uint64_t answered;    /* answers queued, of every status */
	uint64_t refused;     /* 429s for being over --max-inflight */
	uint64_t injected;    /* injected faults */
	uint64_t in_flight;   /* requests being handled now */
	uint64_t body_bytes;  /* answer bodies as the app wrote them */
	uint64_t coded_bytes; /* the same after content coding */
};

struct httpd;

/* Fills cfg with the defaults both servers share. */
void httpd_config_defaults(struct httpd_config *cfg);
/*
 * Starts serving app with cfg. Returns 0 and sets *out, or -errno with a
 * one-line reason in err (errlen bytes).
 */
int httpd_start(const struct httpd_config *cfg, const struct httpd_app *app,
		struct httpd **out, char *err, size_t errlen);
/* The port actually bound (useful when cfg->port was 0). */
uint16_t httpd_port(const struct httpd *h);
void httpd_stats(struct httpd *h, struct httpd_stats *out);
/*
 * Stops accepting connections and waits up to 4 s for the requests in
 * flight to be answered; the counters are then final.
 */
void httpd_quiesce(struct httpd *h);
/* Quiesces if not done yet, stops every thread, frees all. */
void httpd_stop(struct httpd *h);

/*
 * The value of request header name (case-insensitive), or NULL; always
 * NULL for a request without a connection (unit tests build those).
 */
const char *httpd_request_header(const struct httpd_request *req,
				 const char *name);
/*
 * Parses a page number, size or id from a path or query: decimal digits
 * only, from 1 to HTTPD_COUNT_MAX. 0 and *v set, or -EINVAL (s NULL too).
 */
int httpd_count(const char *s, uint64_t *v);
/* Adds header name (a static string): value is copied. 0 or -errno. */
int httpd_answer_header(struct httpd_answer *ans, const char *name,
			const char *value);

#endif
