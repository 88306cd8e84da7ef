/* SPDX-License-Identifier: MIT */
/*
 * http: GET requests to the source over libcurl. See http.h. It owns the
 * curl handles (a small pool, so connections stay alive between calls),
 * retries and their backoff, the body cap and the counters. It does not
 * interpret bodies beyond pulling an error message out for the log.
 */
#include "http.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "log.h"

#define HTTP_POOL_MAX	    64	  /* idle handles kept for reuse */
#define HTTP_BACKOFF_MAX_MS 30000 /* no single wait is longer */
#define HTTP_REASON_MAX	    200	  /* bytes of a server message in the log */
#define HTTP_CANCEL_POLL_MS 10	  /* how often a backoff wait looks at cancel */

/* Reports a GET's final failure: to the log, or into *why when given. */
#define http_fail(why, ...)                                                    \
	do {                                                                   \
		if (why) {                                                     \
			buf_reset(why);                                        \
			(void)buf_printf(why, __VA_ARGS__);                    \
		} else {                                                       \
			lf_err(__VA_ARGS__);                                   \
		}                                                              \
	} while (0)

/* One easy handle and its error text; pooled with its connections. */
struct http_handle {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

struct http_client {
	struct http_config cfg; /* strings point at the copies below */
	char *base_url;
	char *log_base; /* base_url without any user:password@ */
	char *username;
	char *password;
	struct curl_slist *headers;
	pthread_mutex_t lock; /* guards pool, npool, rng and stats */
	struct http_handle *pool[HTTP_POOL_MAX];
	size_t npool;
	uint64_t rng;
	struct http_stats stats;
};

/* Where a transfer writes: the caller's buffer and the client's cap. */
struct http_sink {
	struct buf *body;
	size_t max;
	int too_big;	   /* 1: over the cap; 2: out of memory */
	const int *cancel; /* may be NULL */
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_global_rc;

static void http_global_init(void)
{
	http_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int http_init_curl(void)
{
	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK) {
		lf_err("curl_global_init: %s",
		       curl_easy_strerror(http_global_rc));
		return -EIO;
	}
	return 0;
}

void http_config_defaults(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 10000;
	cfg->timeout_ms = 60000;
	cfg->attempts = 5;
	cfg->backoff_ms = 200;
	cfg->max_response = (size_t)64 << 20;
	cfg->parallel = 8;
}

/* Copies base_url with any "user:password@" left out, for the log. */
static char *strip_userinfo(const char *url)
{
	const char *host = strstr(url, "://");
	const char *at, *slash;
	struct buf b;

	host = host ? host + 3 : url;
	slash = strchr(host, '/');
	at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
	if (!at)
		return strdup(url);
	buf_init(&b, 0);
	if (buf_append(&b, url, (size_t)(host - url)) || buf_puts(&b, at + 1)) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void http_client_seed(struct http_client *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->rng = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
		 (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 0x9e3779b97f4a7c15ULL;
}

int http_client_new(const struct http_config *cfg, struct http_client **out)
{
	struct http_client *c;
	int rc;

	*out = NULL;
	if (!cfg->base_url || cfg->attempts < 1 || cfg->parallel < 1 ||
	    cfg->parallel > HTTP_PARALLEL_MAX)
		return -EINVAL;
	rc = http_init_curl();
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cfg = *cfg;
	c->base_url = strdup(cfg->base_url);
	c->log_base = strip_userinfo(cfg->base_url);
	c->username = strdup(cfg->username ? cfg->username : "");
	c->password = strdup(cfg->password ? cfg->password : "");
	c->headers = curl_slist_append(NULL, "Accept: application/json");
	if (!c->base_url || !c->log_base || !c->username || !c->password ||
	    !c->headers || pthread_mutex_init(&c->lock, NULL)) {
		curl_slist_free_all(c->headers);
		free(c->base_url);
		free(c->log_base);
		free(c->username);
		free(c->password);
		free(c);
		return -ENOMEM;
	}
	c->cfg.base_url = c->base_url;
	c->cfg.username = c->username;
	c->cfg.password = c->password;
	http_client_seed(c);
	*out = c;
	return 0;
}

static void http_handle_free(struct http_handle *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void http_client_free(struct http_client *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->npool; i++)
		http_handle_free(c->pool[i]);
	pthread_mutex_destroy(&c->lock);
	curl_slist_free_all(c->headers);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->base_url);
	free(c->log_base);
	free(c->username);
	free(c->password);
	free(c);
}

/* Sets the options that never change for the life of a handle. */
static int http_handle_setup(struct http_client *c, struct http_handle *h)
{
	CURL *e = h->curl;
	CURLcode rc = CURLE_OK;

#define SETOPT(opt, val)                                                       \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(e, (opt), (val));                \
	} while (0)
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_ERRORBUFFER, h->errbuf);
	SETOPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	SETOPT(CURLOPT_USERNAME, c->username);
	SETOPT(CURLOPT_PASSWORD, c->password);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, c->cfg.connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_HTTPHEADER, c->headers);
	SETOPT(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(CURLOPT_SSL_VERIFYPEER, c->cfg.insecure ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, c->cfg.insecure ? 0L : 2L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
#endif
#undef SETOPT
	if (rc != CURLE_OK) {
		lf_err("curl_easy_setopt: %s", curl_easy_strerror(rc));
		return -EIO;
	}
	return 0;
}

/* Takes an idle handle from the pool, or makes a new one. */
static int http_handle_get(struct http_client *c, struct http_handle **out)
{
	struct http_handle *h = NULL;
	int rc;

	pthread_mutex_lock(&c->lock);
	if (c->npool)
		h = c->pool[--c->npool];
	pthread_mutex_unlock(&c->lock);
	if (h)
		goto out;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(h);
		return -ENOMEM;
	}
	rc = http_handle_setup(c, h);
	if (rc) {
		http_handle_free(h);
		return rc;
	}
out:
	*out = h;
	return 0;
}

/* Returns a handle to the pool; its open connection stays cached. */
static void http_handle_put(struct http_client *c, struct http_handle *h)
{
	pthread_mutex_lock(&c->lock);
	if (c->npool < HTTP_POOL_MAX) {
		c->pool[c->npool++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	http_handle_free(h);
}

static int http_cancelled(const int *cancel)
{
	return cancel && __atomic_load_n(cancel, __ATOMIC_ACQUIRE);
}

static size_t http_write(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct http_sink *sink = data;
	size_t n = size * nmemb;

	if (http_cancelled(sink->cancel))
		return 0;
	if (sink->max && n > sink->max - sink->body->len) {
		sink->too_big = 1;
		return 0;
	}
	switch (buf_append(sink->body, ptr, n)) {
	case 0:
		return n;
	case -E2BIG:
		sink->too_big = 1;
		return 0;
	default:
		sink->too_big = 2;
		return 0;
	}
}

/* The next pseudo-random number for jitter (xorshift64, under the lock). */
static uint64_t http_random(struct http_client *c)
{
	uint64_t x;

	pthread_mutex_lock(&c->lock);
	x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	pthread_mutex_unlock(&c->lock);
	return x;
}

/* Aborts a transfer whose GET was cancelled (curl calls this often). */
static int http_xferinfo(void *data, curl_off_t dltotal, curl_off_t dlnow,
			 curl_off_t ultotal, curl_off_t ulnow)
{
	const struct http_sink *sink = data;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return http_cancelled(sink->cancel);
}

/* Sleeps ms, in slices short enough to notice a cancel soon. */
static void http_sleep(long ms, const int *cancel)
{
	struct timespec ts;

	while (ms > 0 && !http_cancelled(cancel)) {
		long slice = cancel && ms > HTTP_CANCEL_POLL_MS
				 ? HTTP_CANCEL_POLL_MS
				 : ms;
		ts.tv_sec = slice / 1000;
		ts.tv_nsec = (slice % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		ms -= slice;
	}
}

/* Waits before retry number n (1-based): backoff doubled, plus 0..50%. */
static void http_backoff(struct http_client *c, int n, const int *cancel)
{
	long ms = c->cfg.backoff_ms;
	int i;

	for (i = 1; i < n && ms < HTTP_BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > HTTP_BACKOFF_MAX_MS)
		ms = HTTP_BACKOFF_MAX_MS;
	if (ms <= 0)
		return;
	ms += (long)(http_random(c) % (uint64_t)(ms / 2 + 1));
	http_sleep(ms, cancel);
}

/* Counts a failed attempt under its status (0: a transport error). */
static void http_count_status(struct http_stats *st, long status)
{
	size_t i;

	for (i = 0; i < st->nstatus; i++) {
		if (st->by_status[i].status == status)
			break;
	}
	if (i == st->nstatus) {
		if (st->nstatus == HTTP_STATUS_SLOTS)
			return; /* more kinds of failure than slots: rare, uncounted */
		st->by_status[st->nstatus++].status = status;
	}
	st->by_status[i].count++;
}

/* Counts one attempt: failed (status >= 400 or transport), or cancelled
 * because its answer was no longer needed, which is no failure. */
static void http_count(struct http_client *c, int retry, int failed,
		       int cancelled, long status, size_t bytes)
{
	pthread_mutex_lock(&c->lock);
	c->stats.calls++;
	if (retry)
		c->stats.retries++;
	if (cancelled) {
		c->stats.cancelled++;
	} else if (failed) {
		c->stats.errors++;
		http_count_status(&c->stats, status);
	}
	c->stats.bytes += bytes;
	pthread_mutex_unlock(&c->lock);
}

void http_get_stats(struct http_client *c, struct http_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

static int http_status_retriable(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	       status == 503 || status == 504;
}

static int http_curl_retriable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return 1;
	default:
		return 0;
	}
}

static int http_status_errno(long status)
{
	switch (status) {
	case 400:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	default:
		return -EIO;
	}
}

static int http_curl_errno(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/* Logs the final failure of a GET once: the server's message if any. */
static void http_log_status(struct http_client *c, const char *path,
			    long status, const struct buf *body,
			    struct buf *why)
{
	struct json_object *root = NULL, *msg = NULL;
	const char *text = NULL;

	if (body->len)
		root = json_tokener_parse(body->data);
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "error", &msg) &&
	    json_object_is_type(msg, json_type_string))
		text = json_object_get_string(msg);
	if (text)
		http_fail(why, "GET %s%s: HTTP %ld: %.*s", c->log_base, path,
			  status, HTTP_REASON_MAX, text);
	else
		http_fail(why, "GET %s%s: HTTP %ld", c->log_base, path, status);
	json_object_put(root);
}

/* One attempt. Returns the curl code and sets *status (0 if none). */
static CURLcode http_perform(struct http_handle *h, const char *url,
			     struct http_sink *sink, long *status)
{
	CURLcode cc;

	*status = 0;
	h->errbuf[0] = '\0';
	sink->too_big = 0;
	buf_reset(sink->body);
	cc = curl_easy_setopt(h->curl, CURLOPT_URL, url);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION,
				      http_write);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, sink);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS,
				      sink->cancel ? 0L : 1L);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION,
				      http_xferinfo);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, sink);
	if (cc == CURLE_OK)
		cc = curl_easy_perform(h->curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
	return cc;
}

static int64_t http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The debug line of one attempt: what came back, how much, how fast. */
static void http_log_attempt(const struct http_client *c,
			     const struct http_handle *h, const char *path,
			     CURLcode cc, long status, int cancelled,
			     size_t bytes, int64_t ms, int n)
{
	if (!log_debug_enabled())
		return;
	if (cancelled)
		lf_debug(
		    "GET %s%s: cancelled, %zu bytes, %lld ms, attempt %d/%d",
		    c->log_base, path, bytes, (long long)ms, n,
		    c->cfg.attempts);
	else if (cc != CURLE_OK)
		lf_debug("GET %s%s: %s, %lld ms, attempt %d/%d", c->log_base,
			 path,
			 h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc),
			 (long long)ms, n, c->cfg.attempts);
	else
		lf_debug(
		    "GET %s%s: HTTP %ld, %zu bytes, %lld ms, attempt %d/%d",
		    c->log_base, path, status, bytes, (long long)ms, n,
		    c->cfg.attempts);
}

/* Runs up to cfg.attempts tries of one GET; logs the final failure. */
static int http_attempts(struct http_client *c, struct http_handle *h,
			 const char *url, const char *path, struct buf *body,
			 long *status, const int *cancel, struct buf *why)
{
	struct http_sink sink = {body, c->cfg.max_response, 0, cancel};
	CURLcode cc = CURLE_OK;
	int n;

	for (n = 0; n < c->cfg.attempts; n++) {
		if (n)
			http_backoff(c, n, cancel);
		if (http_cancelled(cancel))
			return -ECANCELED;
		int64_t start = http_now_ms();
		int stopped;

		cc = http_perform(h, url, &sink, status);
		/* A transfer cut short because nobody needs it any more. */
		stopped = cc != CURLE_OK && http_cancelled(cancel);
		http_count(c, n > 0,
			   cc != CURLE_OK || *status < 200 || *status >= 300,
			   stopped, cc != CURLE_OK ? 0 : *status, body->len);
		http_log_attempt(c, h, path, cc, *status, stopped, body->len,
				 http_now_ms() - start, n + 1);
		if (http_cancelled(cancel))
			return -ECANCELED;
		if (sink.too_big == 2) {
			http_fail(why, "GET %s%s: out of memory", c->log_base,
				  path);
			return -ENOMEM;
		}
		if (sink.too_big) {
			http_fail(why,
				  "GET %s%s: response larger than %zu bytes",
				  c->log_base, path, sink.max);
			return -E2BIG;
		}
		if (cc == CURLE_OK && *status >= 200 && *status < 300)
			return 0;
		int retry = cc == CURLE_OK ? http_status_retriable(*status)
					   : http_curl_retriable(cc);
		if (!retry)
			break;
	}
	if (cc != CURLE_OK) {
		http_fail(why, "GET %s%s: %s", c->log_base, path,
			  h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
		return http_curl_errno(cc);
	}
	http_log_status(c, path, *status, body, why);
	return http_status_errno(*status);
}

int http_get(struct http_client *c, const char *path, struct buf *body,
	     long *status)
{
	return http_get_cancel(c, path, body, status, NULL, NULL);
}

int http_get_cancel(struct http_client *c, const char *path, struct buf *body,
		    long *status, const int *cancel, struct buf *why)
{
	struct http_handle *h = NULL;
	struct buf url;
	long st = 0;
	int rc;

	buf_init(&url, 0);
	rc = buf_puts(&url, c->base_url);
	if (!rc)
		rc = buf_puts(&url, path);
	if (rc)
		goto out;
	rc = http_handle_get(c, &h);
	if (rc)
		goto out;
	rc = http_attempts(c, h, url.data, path, body, &st, cancel, why);
	http_handle_put(c, h);
out:
	if (status)
		*status = st;
	buf_free(&url);
	return rc;
}

const char *http_log_base(const struct http_client *c)
{
	return c->log_base;
}

int http_parallel(const struct http_client *c)
{
	return c->cfg.parallel;
}

int http_escape(const char *s, struct buf *out)
{
	CURL *tmp = NULL;
	char *esc;
	int rc;

#if LIBCURL_VERSION_NUM < 0x075200
	rc = http_init_curl();
	if (rc)
		return rc;
	tmp = curl_easy_init();
	if (!tmp)
		return -ENOMEM;
#endif
	esc = curl_easy_escape(tmp, s, 0);
	rc = esc ? buf_puts(out, esc) : -ENOMEM;
	curl_free(esc);
	if (tmp)
		curl_easy_cleanup(tmp);
	return rc;
}
