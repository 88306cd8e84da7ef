/* SPDX-License-Identifier: MIT */
/*
 * json-scan: how fast candidate parsers turn record pages into what the
 * daemon needs from each: every page checked as JSON, each record checked
 * to be an object with its cursor and primary keys as strings, the
 * cursor decoded, and the record's compact JSON line written out. Built
 * and run by bench/json-scan.sh; figures, not a test.
 *
 * usage: json-scan SECONDS orders|metrics PAGE-FILE...
 * Prints, per candidate, records, MB of page bodies, CPU microseconds per
 * record and MB/s, each the best of three runs of at least SECONDS/3;
 * then the same for turning the records' lines into CSV, now and as
 * before with json-c. JSON_SCAN_ONLY=bd (say) times only candidates (b)
 * and (d); a 'v' in it times the CSV too.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "jscan.h"
#include "jsonc_ref.h"
#include "page.h"
#include "source.h"

#ifdef HAVE_YAJL
#include <yajl/yajl_parse.h>
#endif

struct body {
	char *text;
	size_t len;
};

/* What every candidate produces for a page; reset per page. */
struct out {
	struct buf lines;   /* compact records, one per line */
	struct buf cursors; /* decoded cursors, each NUL-terminated */
	size_t nrecords;
	long next_page;
	struct buf err;
};

typedef int (*candidate_fn)(const struct body *b, const struct page_keys *k,
			    struct out *o);

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void out_reset(struct out *o)
{
	buf_reset(&o->lines);
	buf_reset(&o->cursors);
	buf_reset(&o->err);
	o->nrecords = 0;
	o->next_page = 0;
}

/* ------------------------------------------- (a) json-c, as before --- */

static int cand_jsonc(const struct body *b, const struct page_keys *k,
		      struct out *o)
{
	static struct ref_page rp;
	int rc;

	if (!rp.lines.cap && !rp.lines.data)
		ref_page_init(&rp);
	rc = ref_page(b->text, b->len, k, &rp, &o->err);
	if (rc)
		return rc;
	o->nrecords = rp.nrecords;
	o->next_page = rp.next_page;
	rc = buf_append(&o->lines, rp.lines.data, rp.lines.len);
	if (!rc)
		rc = buf_append(&o->cursors, rp.cursors.data, rp.cursors.len);
	return rc;
}

/* Appends a checked JSON span without the whitespace outside strings. */
static int strip_ws(const char *p, size_t len, struct buf *out)
{
	const char *end = p + len, *run = p;
	int in_str = 0, rc = 0;

	for (; p < end && !rc; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"') {
			in_str = 1;
		} else if (strchr(" \t\r\n", *p)) {
			rc = buf_append(out, run, (size_t)(p - run));
			run = p + 1;
		}
	}
	return rc ? rc : buf_append(out, run, (size_t)(end - run));
}

/* ------------------------- (b) json-c to check, jscan to find spans --- */

/* Checks record rec as page.c does and appends its line and cursor. */
static int b_record(const struct jscan_value *rec, const struct page_keys *k,
		    struct out *o)
{
	struct jscan_value v;
	size_t i;

	if (jscan_type(rec) != JSCAN_OBJECT)
		return -EINVAL;
	for (i = 0; i < k->nprimary_keys; i++)
		if (jscan_member(rec, k->primary_keys[i],
				 strlen(k->primary_keys[i]), &v) ||
		    jscan_type(&v) != JSCAN_STRING)
			return -EINVAL;
	if (jscan_member(rec, k->cursor_field, strlen(k->cursor_field), &v) ||
	    jscan_type(&v) != JSCAN_STRING ||
	    jscan_string_decode(&v, &o->cursors) ||
	    buf_putc(&o->cursors, '\0') || jscan_compact(rec, &o->lines) ||
	    buf_putc(&o->lines, '\n'))
		return -EINVAL;
	o->nrecords++;
	return 0;
}

static int cand_jsonc_jscan(const struct body *b, const struct page_keys *k,
			    struct out *o)
{
	struct json_object *tree;
	struct jscan_value root, records, rec;
	struct jscan_iter it;
	int rc;

	rc = ref_json_parse(b->text, b->len, &tree, &o->err);
	if (rc)
		return rc;
	json_object_put(tree);
	root.p = b->text;
	root.len = b->len;
	root.doc = NULL; /* jscan reads to find where values end */
	while (root.len && strchr(" \t\r\n", root.p[root.len - 1]))
		root.len--;
	if (jscan_member(&root, "records", 7, &records) ||
	    jscan_iter_start(&it, &records))
		return -EINVAL;
	while (!rc && jscan_next(&it, NULL, &rec))
		rc = b_record(&rec, k, o);
	return rc;
}

/* ------------------------------------------- (d) jscan, page_parse() --- */

static int cand_jscan(const struct body *b, const struct page_keys *k,
		      struct out *o)
{
	struct page pg;
	size_t i;
	const char *c;
	int rc;

	rc = page_parse(b->text, b->len, k, &pg);
	if (rc) {
		(void)buf_puts(&o->err, pg.error);
		return rc;
	}
	o->nrecords = pg.nrecords;
	o->next_page = pg.next_page;
	rc = buf_append(&o->lines, pg.lines.data, pg.lines.len);
	for (i = 0; !rc && i < pg.nrecords; i++) {
		c = page_record_cursor(&pg, i);
		rc = buf_append(&o->cursors, c, strlen(c) + 1);
	}
	page_free(&pg);
	return rc;
}

#ifdef HAVE_YAJL
/* --------------------------------------------------------- (c) yajl --- */

struct ycx {
	yajl_handle h;
	const struct body *b;
	const struct page_keys *k;
	struct out *o;
	int depth;	/* containers open */
	int top;	/* the last key at depth 1: 1 records, 2 next_page */
	int in_records; /* inside the top-level records array */
	int want;	/* the value being read is key field want; -1 none */
	unsigned seen;	/* key fields met in this record, by bit */
	size_t start;	/* where this record starts */
	int has_records, has_next;
};

/* A key field's value that is not a string, or a record that is not an
 * object: refuses the page. */
static int y_refuse(struct ycx *c, const char *what)
{
	(void)buf_printf(&c->o->err, "record %zu: %s", c->o->nrecords, what);
	return 0;
}

static int y_scalar(struct ycx *c, int is_null)
{
	if (c->depth == 1 && c->top == 2) {
		c->has_next = 1;
		return is_null ? 1 : y_refuse(c, "bad next_page");
	}
	if (c->in_records && c->depth == 2)
		return y_refuse(c, "not an object");
	if (c->in_records && c->depth == 3 && c->want >= 0) {
		if (!is_null)
			return y_refuse(c, "key not a string");
		c->want = -1; /* null: as if missing */
	}
	return 1;
}

static int y_null(void *ctx)
{
	return y_scalar(ctx, 1);
}

static int y_bool(void *ctx, int v)
{
	return y_scalar(ctx, 0);
}

static int y_number(void *ctx, const char *s, size_t len)
{
	struct ycx *c = ctx;
	char num[24];

	if (c->depth == 1 && c->top == 2 && len < sizeof(num)) {
		memcpy(num, s, len);
		num[len] = '\0';
		c->o->next_page = strtol(num, NULL, 10);
		c->has_next = 1;
		return 1;
	}
	return y_scalar(ctx, 0);
}

static int y_string(void *ctx, const unsigned char *s, size_t len)
{
	struct ycx *c = ctx;

	if (!(c->in_records && c->depth == 3 && c->want >= 0))
		return y_scalar(ctx, 0);
	c->seen |= 1u << c->want;
	if (c->want == 0 && c->k->cursor_field &&
	    (buf_append(&c->o->cursors, s, len) ||
	     buf_putc(&c->o->cursors, '\0')))
		return 0;
	c->want = -1;
	return 1;
}

static int y_key(void *ctx, const unsigned char *s, size_t len)
{
	struct ycx *c = ctx;
	size_t i;

	if (c->depth == 1) {
		c->top = len == 7 && !memcmp(s, "records", 7)	  ? 1
			 : len == 9 && !memcmp(s, "next_page", 9) ? 2
								  : 0;
		return 1;
	}
	if (!(c->in_records && c->depth == 3))
		return 1;
	c->want = -1;
	if (c->k->cursor_field && strlen(c->k->cursor_field) == len &&
	    !memcmp(s, c->k->cursor_field, len))
		c->want = 0;
	for (i = 0; i < c->k->nprimary_keys; i++)
		if (strlen(c->k->primary_keys[i]) == len &&
		    !memcmp(s, c->k->primary_keys[i], len))
			c->want = (int)i + 1;
	return 1;
}

/* A container starts: a record, the records array, or something else. */
static int y_start(struct ycx *c, int is_map)
{
	if (c->depth == 1 && c->top == 2)
		return y_refuse(c, "bad next_page");
	if (c->in_records && c->depth == 3 && c->want >= 0)
		return y_refuse(c, "key not a string");
	if (c->in_records && c->depth == 2) {
		if (!is_map)
			return y_refuse(c, "not an object");
		c->start = yajl_get_bytes_consumed(c->h) - 1;
		c->seen = 0;
		c->want = -1;
	}
	if (c->depth == 1 && c->top == 1 && !is_map)
		c->in_records = c->has_records = 1;
	c->depth++;
	return 1;
}

static int y_start_map(void *ctx)
{
	return y_start(ctx, 1);
}

static int y_start_array(void *ctx)
{
	return y_start(ctx, 0);
}

static int y_end_map(void *ctx)
{
	struct ycx *c = ctx;
	size_t end = yajl_get_bytes_consumed(c->h);
	unsigned all = (1u << (c->k->nprimary_keys + 1)) - 1;

	if (!c->k->cursor_field)
		all &= ~1u;
	if (--c->depth != 2 || !c->in_records)
		return 1;
	if ((c->seen & all) != all)
		return y_refuse(c, "a key is missing");
	if (strip_ws(c->b->text + c->start, end - c->start, &c->o->lines) ||
	    buf_putc(&c->o->lines, '\n'))
		return 0;
	c->o->nrecords++;
	return 1;
}

static int y_end_array(void *ctx)
{
	struct ycx *c = ctx;

	if (--c->depth == 1)
		c->in_records = 0;
	return 1;
}

static const yajl_callbacks y_callbacks = {
    y_null,	 y_bool, NULL,	    NULL,	   y_number,	y_string,
    y_start_map, y_key,	 y_end_map, y_start_array, y_end_array,
};

static int cand_yajl(const struct body *b, const struct page_keys *k,
		     struct out *o)
{
	struct ycx c = {.b = b, .k = k, .o = o, .want = -1};
	yajl_status st;

	c.h = yajl_alloc(&y_callbacks, NULL, &c);
	if (!c.h)
		return -ENOMEM;
	st = yajl_parse(c.h, (const unsigned char *)b->text, b->len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(c.h);
	yajl_free(c.h);
	if (st != yajl_status_ok || !c.has_records || !c.has_next) {
		if (!o->err.len)
			(void)buf_printf(&o->err, "yajl refused the page");
		return -EINVAL;
	}
	return 0;
}
#endif

/* ------------------------------------------------------------- runs --- */

struct candidate {
	const char *name;
	candidate_fn fn;
};

static const struct candidate candidates[] = {
    {"(a) json-c tree + serialize", cand_jsonc},
    {"(b) json-c check + jscan spans", cand_jsonc_jscan},
#ifdef HAVE_YAJL
    {"(c) yajl callbacks + offsets", cand_yajl},
#endif
    {"(d) jscan check + spans", cand_jscan},
};

#define NCANDIDATES (sizeof(candidates) / sizeof(candidates[0]))

/* One pass over every page; returns the records, or -1 on a refusal. */
static long run_once(const struct candidate *c, const struct body *bodies,
		     size_t n, const struct page_keys *k, struct out *o,
		     struct buf *all)
{
	long records = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		out_reset(o);
		if (c->fn(&bodies[i], k, o)) {
			fprintf(stderr, "%s: page %zu refused: %s\n", c->name,
				i, o->err.data ? o->err.data : "?");
			return -1;
		}
		records += (long)o->nrecords;
		if (all && (buf_append(all, o->lines.data, o->lines.len) ||
			    buf_append(all, o->cursors.data, o->cursors.len)))
			return -1;
	}
	return records;
}

/* Times candidate c: the best of three runs of at least secs/3 each. */
static int time_candidate(const struct candidate *c, const struct body *bodies,
			  size_t n, size_t bytes, const struct page_keys *k,
			  double secs)
{
	struct out o;
	double best = 0, t0, t;
	long records = 0, reps, r;
	int run;

	memset(&o, 0, sizeof(o));
	for (run = 0; run < 3; run++) {
		t0 = cpu_now();
		reps = 0;
		do {
			r = run_once(c, bodies, n, k, &o, NULL);
			if (r < 0)
				return -1;
			records = r;
			reps++;
		} while ((t = cpu_now() - t0) < secs / 3);
		t /= (double)reps;
		if (!run || t < best)
			best = t;
	}
	printf("  %-34s %7ld records %7.2f MB %8.3f us/record %8.1f MB/s\n",
	       c->name, records, bytes / 1e6, best * 1e6 / (double)records,
	       bytes / 1e6 / best);
	buf_free(&o.lines);
	buf_free(&o.cursors);
	buf_free(&o.err);
	return 0;
}

/*
 * Whether candidate c writes the same lines and cursors as the last one,
 * (d); (a) may differ, as json-c writes strings again its own way.
 */
static void compare_output(const struct candidate *c, const struct body *bodies,
			   size_t n, const struct page_keys *k)
{
	static struct buf want;
	struct buf got;
	struct out o;

	memset(&o, 0, sizeof(o));
	buf_init(&got, 0);
	if (!want.data)
		run_once(&candidates[NCANDIDATES - 1], bodies, n, k, &o, &want);
	run_once(c, bodies, n, k, &o, &got);
	if (got.len != want.len || memcmp(got.data, want.data, got.len))
		printf("  %-34s writes other bytes than (d)%s\n", c->name,
		       c->fn == cand_jsonc ? " (json-c re-encodes strings)"
					   : "  !!");
	buf_free(&got);
	buf_free(&o.lines);
	buf_free(&o.cursors);
	buf_free(&o.err);
}

static char *read_file(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n))
			break;
	fclose(f);
	*len = b.len;
	return b.data ? b.data : strdup("");
}

/* -------------------------------------------------------------- CSV --- */

/* The columns of the Example source's orders and metrics tables. */
static struct field orders_fields[] = {
    {"order_id", FIELD_STRING, 0, NULL, 0},
    {"user_id", FIELD_STRING, 1, NULL, 0},
    {"amount", FIELD_DOUBLE, 1, NULL, 0},
    {"status", FIELD_STRING, 1, NULL, 0},
    {"updated_at", FIELD_TIMESTAMP, 1, NULL, 0},
};
static struct field value_fields[] = {
    {"count", FIELD_INTEGER, 1, NULL, 0},
    {"label", FIELD_STRING, 1, NULL, 0},
    {"measure", FIELD_DOUBLE, 1, NULL, 0},
};
static struct field metrics_fields[] = {
    {"metric_id", FIELD_STRING, 0, NULL, 0},
    {"name", FIELD_STRING, 1, NULL, 0},
    {"value", FIELD_STRUCT, 1, value_fields, 3},
    {"host", FIELD_STRING, 1, NULL, 0},
    {"updated_at", FIELD_TIMESTAMP, 1, NULL, 0},
};
static char *orders_keys[] = {"order_id"};
static char *metrics_keys[] = {"metric_id"};
static const struct table_info bench_tables[] = {
    {.name = "orders",
     .fields = orders_fields,
     .nfields = 5,
     .primary_keys = orders_keys,
     .nprimary_keys = 1,
     .cursor_field = "updated_at"},
    {.name = "metrics",
     .fields = metrics_fields,
     .nfields = 5,
     .primary_keys = metrics_keys,
     .nprimary_keys = 1,
     .cursor_field = "updated_at"},
};

/* Times JSON lines to CSV, now and with json-c, the best of three. */
static void time_csv(const struct table_info *t, const struct buf *lines,
		     long records, double secs)
{
	static const char *const names[] = {"csv_from_jsonl() with jscan",
					    "csv_from_jsonl() with json-c"};
	double best, t0, el;
	long reps;
	int way, run, rc = 0;

	for (way = 0; way < 2; way++) {
		best = 0;
		for (run = 0; run < 3 && !rc; run++) {
			t0 = cpu_now();
			reps = 0;
			do {
				FILE *in =
				    fmemopen(lines->data, lines->len, "r");
				FILE *out = fopen("/dev/null", "w");

				rc = way ? ref_csv_from_jsonl(t, in, out)
					 : csv_from_jsonl(t, in, out);
				fclose(in);
				fclose(out);
				reps++;
			} while (!rc && (el = cpu_now() - t0) < secs / 3);
			el /= (double)reps;
			if (!run || el < best)
				best = el;
		}
		if (rc)
			printf("  %-34s failed\n", names[way]);
		else
			printf("  %-34s %7ld records %8.3f us/record, "
			       "s per million\n",
			       names[way], records,
			       best * 1e6 / (double)records);
	}
}

/* The lines page_parse() makes of every page, for time_csv(). */
static long all_lines(const struct body *bodies, size_t n,
		      const struct page_keys *k, struct buf *lines)
{
	struct page pg;
	long records = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (page_parse(bodies[i].text, bodies[i].len, k, &pg))
			return -1;
		if (buf_append(lines, pg.lines.data, pg.lines.len))
			return -1;
		records += (long)pg.nrecords;
		page_free(&pg);
	}
	return records;
}

int main(int argc, char **argv)
{
	const char *only = getenv("JSON_SCAN_ONLY");
	const struct table_info *t = NULL;
	struct page_keys k;
	struct body *bodies;
	struct buf lines;
	size_t n, i, bytes = 0;
	long records;
	double secs;
	int rc = 0;

	for (i = 0; argc > 2 && i < 2; i++)
		if (!strcmp(argv[2], bench_tables[i].name))
			t = &bench_tables[i];
	if (argc < 4 || !t) {
		fprintf(stderr,
			"usage: %s SECONDS orders|metrics PAGE-FILE...\n",
			argv[0]);
		return 2;
	}
	secs = atof(argv[1]);
	k.cursor_field = t->cursor_field;
	k.primary_keys = t->primary_keys;
	k.nprimary_keys = t->nprimary_keys;
	n = (size_t)argc - 3;
	bodies = calloc(n, sizeof(*bodies));
	for (i = 0; bodies && i < n; i++) {
		bodies[i].text = read_file(argv[3 + i], &bodies[i].len);
		if (!bodies[i].text) {
			perror(argv[3 + i]);
			return 1;
		}
		bytes += bodies[i].len;
	}
	for (i = 0; i < NCANDIDATES; i++)
		compare_output(&candidates[i], bodies, n, &k);
	for (i = 0; i < NCANDIDATES; i++)
		if ((!only || strchr(only, candidates[i].name[1])) &&
		    time_candidate(&candidates[i], bodies, n, bytes, &k, secs))
			rc = 1;
	buf_init(&lines, 0);
	records = all_lines(bodies, n, &k, &lines);
	if (records > 0 && (!only || strchr(only, 'v')))
		time_csv(t, &lines, records, secs);
	buf_free(&lines);
	return rc;
}
