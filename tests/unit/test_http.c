/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP client against a scripted loopback listener:
 * retries, statuses that are never retried, the body cap, Basic auth,
 * counters, refused connections, and URL escaping.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "loopback.h"

struct reply {
	int status;
	const char *body;
};

struct script {
	int fd;
	const struct reply *replies;
	size_t n;
	char request[4096]; /* the last request's head */
};

static void serve_one(struct script *s, int fd, const struct reply *r)
{
	char head[256];
	size_t len = 0;
	ssize_t got;

	while (len < sizeof(s->request) - 1) {
		got = read(fd, s->request + len, sizeof(s->request) - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
		s->request[len] = '\0';
		if (strstr(s->request, "\r\n\r\n"))
			break;
	}
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 r->status, strlen(r->body));
	if (write(fd, head, strlen(head)) < 0 ||
	    write(fd, r->body, strlen(r->body)) < 0)
		perror("write");
}

static void *server(void *arg)
{
	struct script *s = arg;
	size_t i;
	int fd;

	for (i = 0; i < s->n; i++) {
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			break;
		serve_one(s, fd, &s->replies[i]);
		close(fd);
	}
	return NULL;
}

static struct http_client *client(int port, size_t max)
{
	struct http_config cfg;
	struct http_client *c = NULL;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	http_config_defaults(&cfg);
	cfg.base_url = url;
	cfg.username = "user";
	cfg.password = "pw";
	cfg.attempts = 3;
	cfg.backoff_ms = 1;
	cfg.timeout_ms = 5000;
	if (max)
		cfg.max_response = max;
	CHECK(http_client_new(&cfg, &c) == 0);
	return c;
}

/* Runs one GET against a listener answering replies in turn. */
static int scripted_get(const struct reply *replies, size_t n, size_t max,
			struct buf *body, long *status,
			struct http_stats *stats, struct script *s)
{
	struct http_client *c;
	pthread_t th;
	int port, rc;

	memset(s, 0, sizeof(*s));
	s->fd = listen_loopback(&port, 8);
	s->replies = replies;
	s->n = n;
	CHECK(s->fd >= 0);
	pthread_create(&th, NULL, server, s);
	c = client(port, max);
	rc = http_get(c, "/tables?x=1", body, status);
	http_get_stats(c, stats);
	http_client_free(c);
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(th, NULL);
	return rc;
}

static void test_retry_then_ok(void)
{
	static const struct reply r[] = {
	    {503, "{\"error\":\"busy\"}"},
	    {429, "{\"error\":\"slow down\"}"},
	    {200, "{\"tables\":[]}"},
	};
	struct http_stats st;
	struct script s;
	struct buf b;
	long status;

	buf_init(&b, 0);
	CHECK(scripted_get(r, 3, 0, &b, &status, &st, &s) == 0);
	CHECK(status == 200);
	CHECK_STR(b.data, "{\"tables\":[]}");
	CHECK(st.calls == 3 && st.retries == 2 && st.errors == 2);
	CHECK(strncmp(s.request, "GET /tables?x=1 HTTP/1.1\r\n", 26) == 0);
	/* base64("user:pw") */
	CHECK(strstr(s.request, "Authorization: Basic dXNlcjpwdw==\r\n"));
	buf_free(&b);
}

static void test_no_retry(void)
{
	static const struct reply nf[] = {{404, "{\"error\":\"no\"}"},
					  {200, "{}"}};
	static const struct reply bad[] = {{400, "{\"error\":\"bad\"}"},
					   {200, "{}"}};
	static const struct reply auth[] = {{401, "{}"}, {200, "{}"}};
	struct http_stats st;
	struct script s;
	struct buf b;
	long status;

	buf_init(&b, 0);
	CHECK(scripted_get(nf, 1, 0, &b, &status, &st, &s) == -ENOENT);
	CHECK(status == 404 && st.calls == 1);
	CHECK(scripted_get(bad, 1, 0, &b, &status, &st, &s) == -EINVAL);
	CHECK(status == 400 && st.calls == 1);
	CHECK(scripted_get(auth, 1, 0, &b, &status, &st, &s) == -EACCES);
	CHECK(status == 401 && st.calls == 1);
	buf_free(&b);
}

static void test_give_up(void)
{
	static const struct reply r[] = {
	    {500, "{\"error\":\"a\"}"},
	    {502, "{}"},
	    {503, "{\"error\":\"still down\"}"},
	};
	struct http_stats st;
	struct script s;
	struct buf b;
	long status;

	buf_init(&b, 0);
	CHECK(scripted_get(r, 3, 0, &b, &status, &st, &s) == -EIO);
	CHECK(status == 503);
	CHECK(st.calls == 3 && st.retries == 2 && st.errors == 3);
	buf_free(&b);
}

static void test_cap(void)
{
	static const struct reply r[] = {
	    {200, "{\"records\":[\"0123456789012345678901234567\"]}"},
	};
	struct http_stats st;
	struct script s;
	struct buf b;
	long status;

	buf_init(&b, 0);
	CHECK(scripted_get(r, 1, 16, &b, &status, &st, &s) == -E2BIG);
	CHECK(st.calls == 1);
	buf_free(&b);
}

static void test_refused(void)
{
	struct http_client *c;
	struct http_stats st;
	struct buf b;
	int port, fd = listen_loopback(&port, 8);

	close(fd); /* nothing listens there now */
	c = client(port, 0);
	buf_init(&b, 0);
	CHECK(http_get(c, "/tables", &b, NULL) == -ECONNREFUSED);
	http_get_stats(c, &st);
	CHECK(st.calls == 3 && st.retries == 2);
	http_client_free(c);
	buf_free(&b);
}

static void *cancel_later(void *arg)
{
	usleep(50000);
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A cancelled GET stops during its backoff; a failure can go to why. */
static void test_cancel_and_why(void)
{
	static const struct reply r[] = {
	    {503, "{\"error\":\"busy\"}"}, /* then cancelled */
	    {503, "{\"error\":\"busy\"}"}, /* /b, twice */
	    {503, "{\"error\":\"busy\"}"},
	    {404, "{\"error\":\"no such page\"}"}, /* /c */
	};
	struct http_config cfg;
	struct http_client *c = NULL;
	struct script s;
	struct buf b, why;
	pthread_t th, canceller;
	struct timespec t0, t1;
	char url[64];
	int port, cancel = 0;

	memset(&s, 0, sizeof(s));
	s.fd = listen_loopback(&port, 8);
	s.replies = r;
	s.n = 4;
	CHECK(s.fd >= 0);
	pthread_create(&th, NULL, server, &s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	http_config_defaults(&cfg);
	cfg.base_url = url;
	cfg.attempts = 2;
	cfg.timeout_ms = 5000;
	cfg.backoff_ms = 10000;
	CHECK(http_client_new(&cfg, &c) == 0);
	buf_init(&b, 0);
	buf_init(&why, 0);
	cancel = 1;
	CHECK(http_get_cancel(c, "/a", &b, NULL, &cancel, &why) == -ECANCELED);
	cancel = 0;
	pthread_create(&canceller, NULL, cancel_later, &cancel);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(http_get_cancel(c, "/a", &b, NULL, &cancel, &why) == -ECANCELED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(canceller, NULL);
	CHECK(t1.tv_sec - t0.tv_sec < 2); /* not the 10 s backoff */
	CHECK(why.len == 0);
	http_client_free(c);
	cfg.backoff_ms = 1;
	CHECK(http_client_new(&cfg, &c) == 0);
	CHECK(http_get_cancel(c, "/b", &b, NULL, NULL, &why) == -EIO);
	CHECK(strstr(why.data, "/b: HTTP 503: busy") != NULL);
	CHECK(http_get_cancel(c, "/c", &b, NULL, NULL, &why) == -ENOENT);
	CHECK(strstr(why.data, "/c: HTTP 404: no such page") != NULL);
	CHECK(http_parallel(c) == 8);
	http_client_free(c);
	cfg.parallel = 0;
	CHECK(http_client_new(&cfg, &c) == -EINVAL);
	shutdown(s.fd, SHUT_RDWR);
	close(s.fd);
	pthread_join(th, NULL);
	buf_free(&b);
	buf_free(&why);
}

static void test_escape(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK(http_escape("2026-11-21T21:26:15.123456+00:00", &b) == 0);
	CHECK_STR(b.data, "2026-11-21T21%3A26%3A15.123456%2B00%3A00");
	buf_reset(&b);
	CHECK(buf_puts(&b, "x=") == 0);
	CHECK(http_escape("a b&c/\xc3\xa9~_.-", &b) == 0);
	CHECK_STR(b.data, "x=a%20b%26c%2F%C3%A9~_.-");
	buf_free(&b);
}

int main(void)
{
	test_escape();
	test_retry_then_ok();
	test_no_retry();
	test_give_up();
	test_cap();
	test_refused();
	test_cancel_and_why();
	return check_result();
}
