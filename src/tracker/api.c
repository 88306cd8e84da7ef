/* SPDX-License-Identifier: MIT */
/*
 * api: the routes of the tracker's REST API. See api.h.
 */
#include "api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/isotime.h"
#include "common/jsondoc.h"
#include "common/jsonw.h"
#include "link.h"

#define API_ORIGIN_MAX (LINK_HOST_MAX + 16)
#define API_GARBAGE    "<html><body><h1>502 Bad Gateway</h1></body></html>\n"

enum list_kind { LIST_ISSUES, LIST_COMMENTS, LIST_LABELS };

static const char *const list_paths[] = {
    [LIST_ISSUES] = API_REPO "/issues",
    [LIST_COMMENTS] = API_REPO "/issues/comments",
    [LIST_LABELS] = API_REPO "/labels",
};

int api_error(struct buf *out, const char *msg)
{
	int rc = buf_puts(out, "{\"message\":");

	if (rc == 0)
		rc = jsonw_str(out, msg);
	return rc ? rc : buf_putc(out, '}');
}

/* Sets ans to status with {"message": the formatted text}. */
static int fail(struct httpd_answer *ans, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct httpd_answer *ans, unsigned status, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ans->status = status;
	buf_reset(&ans->body);
	return api_error(&ans->body, msg);
}

static int not_found(struct httpd_answer *ans)
{
	return fail(ans, 404, "Not Found");
}

/* -------------------------------------------------------- parameters --- */

/* Which of the words (NULL-ended) val is, or -1. */
static int one_of(const char *val, const char *const *words)
{
	for (int i = 0; val && words[i]; i++)
		if (strcmp(val, words[i]) == 0)
			return i;
	return -1;
}

/* Applies one known parameter to q; returns NULL or what is wrong. */
static const char *apply_param(enum list_kind kind, const char *key,
			       const char *val, struct db_query *q)
{
	static const char *const states[] = {"open", "closed", "all", NULL};
	static const char *const sorts[] = {"created", "updated", NULL};
	static const char *const dirs[] = {"asc", "desc", NULL};
	uint64_t n;
	int w;

	if (strcmp(key, "page") == 0)
		return httpd_count(val, &q->page)
			   ? "page must be a positive integer"
			   : NULL;
	if (strcmp(key, "per_page") == 0) {
		if (httpd_count(val, &n))
			return "per_page must be a positive integer";
		q->per_page =
		    n > API_PER_PAGE_MAX ? API_PER_PAGE_MAX : (unsigned)n;
		return NULL;
	}
	if (kind == LIST_LABELS)
		return NULL;
	if (strcmp(key, "sort") == 0) {
		w = one_of(val, sorts);
		q->sort = w == 1 ? DB_UPDATED : DB_CREATED;
		return w < 0 ? "sort must be created or updated" : NULL;
	}
	if (strcmp(key, "direction") == 0) {
		w = one_of(val, dirs);
		q->desc = w == 1;
		return w < 0 ? "direction must be asc or desc" : NULL;
	}
	if (strcmp(key, "since") == 0) {
		q->has_since = 1;
		return !val || isotime_parse(val, &q->since_us)
			   ? "since must be an ISO 8601 timestamp"
			   : NULL;
	}
	if (kind == LIST_ISSUES && strcmp(key, "state") == 0) {
		w = one_of(val, states);
		q->state = w < 0 ? DB_OPEN : (enum db_state)w;
		return w < 0 ? "state must be open, closed or all" : NULL;
	}
	return NULL; /* unknown parameters are ignored */
}

/* Fills q from the query, the last value of a parameter winning. */
static const char *read_params(enum list_kind kind,
			       const struct httpd_request *req,
			       struct db_query *q)
{
	const char *why;

	q->state = DB_OPEN;
	q->sort = DB_CREATED;
	q->desc = kind == LIST_ISSUES; /* issues newest first, comments not */
	q->has_since = 0;
	q->page = 1;
	q->per_page = API_PER_PAGE;
	for (unsigned i = 0; i < req->nparams; i++) {
		why = apply_param(kind, req->params[i].key,
				  req->params[i].value, q);
		if (why)
			return why;
	}
	return NULL;
}

/* -------------------------------------------------------------- lists --- */

/* The origin of this request's links, in tmp or static. */
static const char *request_origin(const struct api *api,
				  const struct httpd_request *req, char *tmp,
				  size_t len)
{
	const char *host;

	if (api->public_url)
		return api->public_url;
	host = httpd_request_header(req, "Host");
	if (!host || !link_host_ok(host))
		return api->fallback;
	snprintf(tmp, len, "http://%s", host);
	return tmp;
}

static int add_links(const struct api *api, const struct httpd_request *req,
		     enum list_kind kind, const struct db_query *q,
		     uint64_t total, struct httpd_answer *ans)
{
	char tmp[API_ORIGIN_MAX];
	struct link_page lp = {
	    .origin = request_origin(api, req, tmp, sizeof(tmp)),
	    .next_origin = api->link_origin,
	    .path = list_paths[kind],
	    .params = req->params,
	    .nparams = req->nparams,
	};
	uint64_t last = total ? (total - 1) / q->per_page + 1 : 1;
	struct buf value;
	int rc;

	buf_init(&value, 0);
	rc = link_header(&lp, q->page, last, &value);
	if (rc == 0 && value.len)
		rc = httpd_answer_header(ans, "Link", value.data);
	buf_free(&value);
	return rc;
}

static int get_list(const struct api *api, const struct httpd_request *req,
		    enum list_kind kind, struct httpd_answer *ans)
{
	struct db_query q;
	const char *why;
	uint64_t total = 0;
	int rc;

	if (req->too_many_params)
		return fail(ans, 400, "too many query parameters");
	why = read_params(kind, req, &q);
	if (why)
		return fail(ans, 422, "Validation Failed: %s", why);
	if (kind == LIST_ISSUES)
		rc = db_issues(api->db, &q, &ans->body, &total);
	else if (kind == LIST_COMMENTS)
		rc = db_comments(api->db, &q, &ans->body, &total);
	else
		rc = db_labels(api->db, q.page, q.per_page, &ans->body, &total);
	if (rc == 0)
		rc = add_links(api, req, kind, &q, total, ans);
	if (rc == 0 && q.page == api->garbage_page) {
		buf_reset(&ans->body);
		rc = buf_puts(&ans->body, API_GARBAGE);
	}
	ans->status = 200;
	return rc;
}

/* ------------------------------------------------------------- writes --- */

/* The body as a JSON object (the caller puts it), or NULL once answered
 * 400 (not JSON) or 422 (not an object). */
static json_object *read_object(const struct httpd_request *req,
				struct httpd_answer *ans)
{
	json_object *obj = NULL;

	if (jsondoc_parse(req->body, req->body_len, &obj, NULL)) {
		fail(ans, 400, "Problems parsing JSON");
		return NULL;
	}
	if (json_object_is_type(obj, json_type_object))
		return obj;
	json_object_put(obj);
	fail(ans, 422, "Validation Failed: the body must be a JSON object");
	return NULL;
}

enum text { TEXT_ABSENT, TEXT_NULL, TEXT_SET, TEXT_BAD };

/* Member key of obj as text of 1 to max bytes, without NUL bytes. */
static enum text get_text(json_object *obj, const char *key, size_t max,
			  const char **s)
{
	json_object *v;
	size_t len;

	*s = NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return TEXT_ABSENT;
	if (!v)
		return TEXT_NULL;
	if (!json_object_is_type(v, json_type_string))
		return TEXT_BAD;
	*s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	return len >= 1 && len <= max && strlen(*s) == len ? TEXT_SET
							   : TEXT_BAD;
}

/* Reads title, body and state into e; NULL or what is wrong. */
static const char *read_edit(json_object *obj, int creating, struct db_edit *e)
{
	const char *state;
	enum text t;

	memset(e, 0, sizeof(*e));
	t = get_text(obj, "title", API_TITLE_MAX, &e->title);
	if (t == TEXT_BAD || t == TEXT_NULL || (creating && t == TEXT_ABSENT))
		return "title must be a string of 1 to 256 bytes";
	t = get_text(obj, "body", API_BODY_MAX, &e->body);
	if (t == TEXT_BAD)
		return "body must be null or a string of 1 to 65536 bytes";
	e->set_body = t != TEXT_ABSENT;
	t = get_text(obj, "state", 6, &state);
	if (creating || t == TEXT_ABSENT)
		return NULL;
	e->set_state = 1;
	e->closed = t == TEXT_SET && strcmp(state, "closed") == 0;
	if (t != TEXT_SET || (!e->closed && strcmp(state, "open") != 0))
		return "state must be open or closed";
	return NULL;
}

/* Answers a write the db did: status on success, else its error. */
static int written(int rc, unsigned status, struct httpd_answer *ans)
{
	if (rc == -ENOENT)
		return not_found(ans);
	if (rc == -ENOSPC)
		return fail(ans, 422, "Validation Failed: the table is full");
	if (rc == 0)
		ans->status = status;
	return rc;
}

/* POST or PATCH an issue (number 0: create). */
static int write_issue(const struct api *api, const struct httpd_request *req,
		       uint64_t number, struct httpd_answer *ans)
{
	json_object *obj = read_object(req, ans);
	struct db_edit e;
	const char *why;
	int rc;

	if (!obj)
		return 0;
	why = read_edit(obj, number == 0, &e);
	if (why)
		rc = fail(ans, 422, "Validation Failed: %s", why);
	else if (number == 0)
		rc =
		    written(db_issue_create(api->db, &e, &ans->body), 201, ans);
	else
		rc = written(db_issue_edit(api->db, number, &e, &ans->body),
			     200, ans);
	json_object_put(obj);
	return rc;
}

/* POST a comment on issue number, or PATCH comment id (number 0). */
static int write_comment(const struct api *api, const struct httpd_request *req,
			 uint64_t number, uint64_t id, struct httpd_answer *ans)
{
	json_object *obj = read_object(req, ans);
	const char *body;
	int rc;

	if (!obj)
		return 0;
	if (get_text(obj, "body", API_BODY_MAX, &body) != TEXT_SET)
		rc = fail(ans, 422,
			  "Validation Failed: body must be a string "
			  "of 1 to 65536 bytes");
	else if (number)
		rc = written(
		    db_comment_create(api->db, number, body, &ans->body), 201,
		    ans);
	else
		rc = written(
		    db_comment_edit(api->db, (int64_t)id, body, &ans->body),
		    200, ans);
	json_object_put(obj);
	return rc;
}

/* ---------------------------------------------------------- dispatch --- */

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Parses the number at the start of p up to '/' or the end; sets *rest. */
static int leading_number(const char *p, uint64_t *v, const char **rest)
{
	char digits[24];
	size_t n = strcspn(p, "/");

	if (n == 0 || n >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, p, n);
	digits[n] = '\0';
	*rest = p + n;
	return httpd_count(digits, v);
}

/* Routes what follows /repos/acme/widgets/issues/. */
static int issue_route(const struct api *api, const struct httpd_request *req,
		       const char *p, struct httpd_answer *ans)
{
	const char *m = req->method, *rest;
	uint64_t n;

	if (strncmp(p, "comments/", 9) == 0) {
		if (is(m, "PATCH") && !leading_number(p + 9, &n, &rest) &&
		    !*rest)
			return write_comment(api, req, 0, n, ans);
		return not_found(ans);
	}
	if (leading_number(p, &n, &rest))
		return not_found(ans);
	if (is(m, "PATCH") && !*rest)
		return write_issue(api, req, n, ans);
	if (is(m, "POST") && is(rest, "/comments"))
		return write_comment(api, req, n, 0, ans);
	return not_found(ans);
}

int api_handle(const struct api *api, const struct httpd_request *req,
	       struct httpd_answer *ans)
{
	const char *m = req->method, *p = req->path;
	size_t rl = strlen(API_REPO);

	if (strncmp(p, API_REPO, rl) != 0 || p[rl] != '/')
		return not_found(ans);
	p += rl;
	if (is(p, "/issues") && is(m, "GET"))
		return get_list(api, req, LIST_ISSUES, ans);
	if (is(p, "/issues") && is(m, "POST"))
		return write_issue(api, req, 0, ans);
	if (is(p, "/issues/comments") && is(m, "GET"))
		return get_list(api, req, LIST_COMMENTS, ans);
	if (is(p, "/labels") && is(m, "GET"))
		return get_list(api, req, LIST_LABELS, ans);
	if (strncmp(p, "/issues/", 8) == 0)
		return issue_route(api, req, p + 8, ans);
	return not_found(ans);
}
