/* SPDX-License-Identifier: MIT */
/*
 * Passing records through changes nothing a consumer reads. Every page of
 * every table of the real simulated server (with nulls, metrics' null and
 * nested structs, and written records holding quotes, commas, line
 * breaks, control characters and unicode) is cut into lines by
 * page_parse() and, as before, by json-c (tests/unit/jsonc_ref.c): the
 * lines are the same bytes, the cursors the same strings. The CSV made
 * from them by csv_from_jsonl() is byte for byte the CSV the json-c
 * converter made, also when the server sends the same pages pretty-
 * printed with "\/" escapes, or with every non-ASCII character as a \u
 * escape (surrogate pairs beyond U+FFFF).
 */
#include "jsonc_ref.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "example/server.h"
#include "page.h"
#include "source.h"

static const char *const tables[] = {"products", "events", "users", "orders",
				     "metrics"};

/* Records written through the API, with what CSV and JSON must escape. */
static const char *const writes[][3] = {
    {"users",
     "{\"user_id\":\"user_9001\",\"email\":\"a,b@example.com\","
     "\"display_name\":\"Say \\\"hi\\\"\\nthen go \\u00e9 "
     "\\ud83d\\ude00 \\u0001 / \\\\ \\t\",\"status\":\"\"}",
     "\"user_9001\""},
    {"users",
     "{\"user_id\":\"user_9002\",\"email\":\" lead\","
     "\"display_name\":\"trail \\r\",\"status\":null}",
     "\"user_9002\""},
    {"products",
     "{\"product_id\":\"prod_9999\",\"name\":\"Caf\\u00e9, "
     "\\\"deluxe\\\"\\r\\nline\",\"price\":12.5,\"category\":null}",
     "\"prod_9999\""},
    {"orders",
     "{\"order_id\":\"order_9999999\",\"user_id\":\"u,1\","
     "\"amount\":-12.75,\"status\":\"\\\"q\\\" \xe6\x97\xa5\"}",
     "\"order_9999999\""},
};

static size_t discard(char *p, size_t size, size_t n, void *data)
{
	(void)p, (void)data;
	return size * n;
}

static void post(const char *url, const char *table, const char *json)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: "
						       "application/json");
	char u[256];
	long st = 0;

	snprintf(u, sizeof(u), "%s/tables/%s/records", url, table);
	curl_easy_setopt(e, CURLOPT_URL, u);
	curl_easy_setopt(e, CURLOPT_USERPWD, "u:p");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	CHECK(curl_easy_perform(e) == CURLE_OK);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &st);
	CHECK(st == 200 || st == 201);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
}

/* body re-encoded by json-c: pretty, with '/' escaped as "\/". */
static int reencode_pretty(const struct buf *body, struct buf *out)
{
	struct json_object *o;
	int rc = ref_json_parse(body->data, body->len, &o, NULL);

	buf_reset(out);
	if (!rc)
		rc = buf_puts(out, json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return rc;
}

/* body with every non-ASCII character written as \u escapes. */
static int reencode_ascii(const struct buf *body, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)body->data;
	const unsigned char *end = p + body->len;
	unsigned long cp;
	size_t n, i;
	int rc = 0;

	buf_reset(out);
	for (; !rc && p < end; p += n) {
		n = 1;
		if (*p < 0x80) {
			rc = buf_putc(out, (char)*p);
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		cp = *p & (0x3f >> (n - 1));
		for (i = 1; i < n; i++)
			cp = cp << 6 | (p[i] & 0x3f);
		if (cp >= 0x10000)
			rc = buf_printf(out, "\\u%04lx\\u%04lx",
					0xd800 + ((cp - 0x10000) >> 10),
					0xdc00 + ((cp - 0x10000) & 0x3ff));
		else
			rc = buf_printf(out, "\\u%04lX", cp);
	}
	return rc;
}

/* The lines and cursors of both ways, for the body and its encodings. */
struct ways {
	struct buf old_lines, new_lines, pretty_lines, ascii_lines;
	struct buf body, alt;
};

/* Appends page pg's lines to out; checks its cursors against rp's. */
static void take(const struct page *pg, const struct ref_page *rp,
		 struct buf *out)
{
	const char *c = rp->cursors.data;
	size_t i;

	CHECK(pg->nrecords == rp->nrecords);
	for (i = 0; c && i < pg->nrecords && i < rp->nrecords; i++) {
		CHECK_STR(page_record_cursor(pg, i), c);
		c += strlen(c) + 1;
	}
	CHECK(buf_append(out, pg->lines.data, pg->lines.len) == 0);
}

/* One body the new way, lines to out, checked against rp. */
static void one_way(const struct buf *body, const struct page_keys *k,
		    const struct ref_page *rp, struct buf *out)
{
	struct page pg;

	CHECK(page_parse(body->data, body->len, k, &pg) == 0);
	if (pg.error[0])
		fprintf(stderr, "refused: %s\n", pg.error);
	take(&pg, rp, out);
	CHECK(pg.next_page == rp->next_page);
	page_free(&pg);
}

/* Reads every page of t both ways; returns the pages read. */
static int read_table(struct http_client *c, const struct table_info *t,
		      struct ways *w)
{
	struct page_keys k = {t->cursor_field, t->primary_keys,
			      t->nprimary_keys};
	struct ref_page rp;
	char path[128];
	long page = 1;
	int pages = 0;

	ref_page_init(&rp);
	while (page && pages < 1000) {
		snprintf(path, sizeof(path), "/tables/%s/records?page=%ld",
			 t->name, page);
		buf_reset(&w->body);
		CHECK(http_get(c, path, &w->body, NULL) == 0);
		CHECK(ref_page(w->body.data, w->body.len, &k, &rp, NULL) == 0);
		CHECK(buf_append(&w->old_lines, rp.lines.data, rp.lines.len) ==
		      0);
		one_way(&w->body, &k, &rp, &w->new_lines);
		CHECK(reencode_pretty(&w->body, &w->alt) == 0);
		one_way(&w->alt, &k, &rp, &w->pretty_lines);
		CHECK(reencode_ascii(&w->body, &w->alt) == 0);
		one_way(&w->alt, &k, &rp, &w->ascii_lines);
		pages++;
		page = rp.nrecords ? rp.next_page : 0;
	}
	ref_page_free(&rp);
	return pages;
}

/* lines as CSV, by csv_from_jsonl() or the json-c converter. */
static char *to_csv(const struct table_info *t, const struct buf *lines,
		    int old, size_t *len)
{
	FILE *in = fmemopen(lines->data, lines->len, "r");
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	CHECK((old ? ref_csv_from_jsonl(t, in, out)
		   : csv_from_jsonl(t, in, out)) == 0);
	fclose(in);
	fclose(out);
	return text;
}

static void check_same(const char *what, const char *table, const char *a,
		       size_t alen, const char *b, size_t blen)
{
	size_t i = 0;

	CHECK(alen == blen && !memcmp(a, b, alen));
	if (alen == blen && !memcmp(a, b, alen))
		return;
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	fprintf(stderr,
		"%s: %s differ at byte %zu: ...%.60s... / ...%.60s...\n", table,
		what, i, a + i, b + i);
}

static void check_table(struct http_client *c, const char *name)
{
	struct table_info *t = NULL;
	struct ways w;
	char *old, *now, *pretty, *ascii;
	size_t olen, nlen, plen, alen, i;

	memset(&w, 0, sizeof(w));
	CHECK(source_describe(c, name, &t) == 0);
	if (!t)
		return;
	CHECK(read_table(c, t, &w) > 1);
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (!strcmp(writes[i][0], name))
			CHECK(w.new_lines.data &&
			      strstr(w.new_lines.data, writes[i][2]));
	check_same("lines", name, w.old_lines.data, w.old_lines.len,
		   w.new_lines.data, w.new_lines.len);
	old = to_csv(t, &w.old_lines, 1, &olen);
	now = to_csv(t, &w.new_lines, 0, &nlen);
	pretty = to_csv(t, &w.pretty_lines, 0, &plen);
	ascii = to_csv(t, &w.ascii_lines, 0, &alen);
	CHECK(olen > 100);
	check_same("CSV", name, old, olen, now, nlen);
	check_same("CSV from pretty pages", name, old, olen, pretty, plen);
	check_same("CSV from \\u-escaped pages", name, old, olen, ascii, alen);
	free(old);
	free(now);
	free(pretty);
	free(ascii);
	buf_free(&w.old_lines);
	buf_free(&w.new_lines);
	buf_free(&w.pretty_lines);
	buf_free(&w.ascii_lines);
	buf_free(&w.body);
	buf_free(&w.alt);
	table_info_free(t);
}

int main(void)
{
	struct example_config ec;
	struct example_server *srv = NULL;
	struct http_config cfg;
	struct http_client *c = NULL;
	char url[64], err[256];
	size_t i;

	example_config_defaults(&ec);
	ec.error_rate = 0;
	ec.null_rate = 0.3;
	ec.seed = 1;
	ec.scale = 2;
	ec.quiet = 1;
	CHECK(example_server_start(&ec, &srv, err, sizeof(err)) == 0);
	if (!srv)
		return check_result();
	snprintf(url, sizeof(url), "http://127.0.0.1:%u",
		 example_server_port(srv));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		post(url, writes[i][0], writes[i][1]);
	http_config_defaults(&cfg);
	cfg.base_url = url;
	cfg.username = "u";
	cfg.password = "p";
	CHECK(http_client_new(&cfg, &c) == 0);
	for (i = 0; c && i < sizeof(tables) / sizeof(tables[0]); i++)
		check_table(c, tables[i]);
	http_client_free(c);
	example_server_stop(srv);
	curl_global_cleanup();
	return check_result();
}
