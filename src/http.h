/* SPDX-License-Identifier: MIT */
/*
 * http: the client side of the source's REST API, over libcurl.
 *
 * One http_client per mount, safe to use from many threads at once (FUSE
 * calls in parallel). It reuses connections, sends Basic auth, applies the
 * connect and total timeouts, retries 429/500/503 and transport errors with
 * exponential backoff and jitter, never retries 400/404, verifies TLS, and
 * caps the size of a response body. Every failure is logged once with the
 * URL (never the password) and the reason.
 */
#ifndef LF_HTTP_H
#define LF_HTTP_H

#include <stddef.h>

#include "common/buf.h"

struct http_config {
	const char *base_url;   /* "http://127.0.0.1:8080", no trailing slash */
	const char *username;   /* copied */
	const char *password;   /* copied; never logged */
	long connect_timeout_ms; /* per attempt */
	long timeout_ms;        /* total per attempt */
	int attempts;           /* tries in all, >= 1 (default 5) */
	long backoff_ms;        /* first retry delay, doubled each time (default 200) */
	size_t max_response;    /* body cap in bytes (default 64 MiB) */
	int insecure;           /* 1: skip TLS verification */
	int parallel;           /* pages in flight per read, 1..HTTP_PARALLEL_MAX (default 8) */
};

#define HTTP_PARALLEL_MAX 64

struct http_client;

/* Fills cfg with defaults; base_url, username and password stay NULL. */
void http_config_defaults(struct http_config *cfg);

/* Returns 0 and sets *out, or -errno. Copies every string in cfg. */
int http_client_new(const struct http_config *cfg, struct http_client **out);
void http_client_free(struct http_client *c);

/*
 * GETs base_url + path (path starts with '/', carries its query string,
 * already URL-encoded). On a 2xx answer fills body and returns 0. Otherwise
 * returns -ENOENT (404), -EACCES (401/403), -EINVAL (400), -E2BIG (body
 * over the cap), -ETIMEDOUT, -ECONNREFUSED, or -EIO (anything else, after
 * retries). *status gets the last HTTP status (0 for transport errors) if
 * status is not NULL.
 */
int http_get(struct http_client *c, const char *path, struct buf *body,
	     long *status);

/*
 * http_get() for a GET whose answer may turn out not to be needed (a page
 * fetched ahead). It gives up as soon as *cancel (read atomically, set by
 * another thread) is non-zero: before an attempt, during a backoff wait and
 * during a transfer, and then returns -ECANCELED and reports nothing. When
 * why is not NULL, a final failure is not logged but put in why as the
 * one line http_get() would log (URL and reason), for the caller to log if
 * the answer mattered. cancel and why may be NULL.
 */
int http_get_cancel(struct http_client *c, const char *path, struct buf *body,
		    long *status, const int *cancel, struct buf *why);

/*
 * base_url as failures are logged (any "user:password@" left out), for a
 * caller that logs a failure of its own about an answer (a page that does
 * not parse): "GET " + http_log_base() + path names the URL as http_get()
 * does.
 */
const char *http_log_base(const struct http_client *c);

/* cfg.parallel of the client: how many pages a read may fetch at once. */
int http_parallel(const struct http_client *c);

/* URL-encodes s for a query string into out (appends). */
int http_escape(const char *s, struct buf *out);

/* Counters since the client was made, for _status.json and tests. */
#define HTTP_STATUS_SLOTS 16

struct http_stats {
	unsigned long calls;    /* HTTP attempts sent */
	unsigned long retries;  /* attempts that were retries */
	unsigned long errors;   /* failed attempts (status >= 400 or transport) */
	/* attempts cut short because their answer was no longer needed */
	unsigned long cancelled;
	unsigned long long bytes; /* body bytes received */
	/* failed attempts by HTTP status; status 0 counts transport errors */
	struct {
		long status;
		unsigned long count;
	} by_status[HTTP_STATUS_SLOTS];
	size_t nstatus;
};
void http_get_stats(struct http_client *c, struct http_stats *out);

#endif
