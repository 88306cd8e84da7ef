/* SPDX-License-Identifier: MIT */
/*
 * seed: table definitions and on-demand seeded rows. See seed.h.
 */
#include "seed.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/isotime.h"
#include "common/jsonw.h"
#include "common/rng.h"

/* ------------------------------------------------------------ tables --- */

static const struct column products_cols[] = {
    {"product_id", COL_STRING, 0, NULL, 0},
    {"name", COL_STRING, 1, NULL, 0},
    {"price", COL_DOUBLE, 1, NULL, 0},
    {"category", COL_STRING, 1, NULL, 0},
};

static const struct column events_cols[] = {
    {"event_id", COL_STRING, 0, NULL, 0},
    {"event_type", COL_STRING, 1, NULL, 0},
    {"user_id", COL_STRING, 1, NULL, 0},
    {"payload", COL_STRING, 1, NULL, 0},
    {"created_at", COL_TIMESTAMP, 1, NULL, 0},
};

static const struct column users_cols[] = {
    {"user_id", COL_STRING, 0, NULL, 0},
    {"email", COL_STRING, 1, NULL, 0},
    {"display_name", COL_STRING, 1, NULL, 0},
    {"status", COL_STRING, 1, NULL, 0},
    {"updated_at", COL_TIMESTAMP, 1, NULL, 0},
};

static const struct column orders_cols[] = {
    {"order_id", COL_STRING, 0, NULL, 0},
    {"user_id", COL_STRING, 1, NULL, 0},
    {"amount", COL_DOUBLE, 1, NULL, 0},
    {"status", COL_STRING, 1, NULL, 0},
    {"updated_at", COL_TIMESTAMP, 1, NULL, 0},
};

static const struct column metric_value_fields[] = {
    {"count", COL_INTEGER, 1, NULL, 0},
    {"label", COL_STRING, 1, NULL, 0},
    {"measure", COL_DOUBLE, 1, NULL, 0},
};

static const struct column metrics_cols[] = {
    {"metric_id", COL_STRING, 0, NULL, 0},
    {"name", COL_STRING, 1, NULL, 0},
    {"value", COL_STRUCT, 1, metric_value_fields, 3},
    {"host", COL_STRING, 1, NULL, 0},
    {"updated_at", COL_TIMESTAMP, 0, NULL, 0},
};

static const char *const products_params[] = {"category", "page", NULL};
static const char *const events_params[] = {"since", "limit", "page", NULL};
static const char *const users_params[] = {"since", "page", NULL};
static const char *const orders_params[] = {"since", "user_id", "status",
					    "page", NULL};
static const char *const metrics_params[] = {"since", "until", "page", NULL};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

const struct table_def seed_tables[TBL_COUNT] = {
    [TBL_PRODUCTS] = {"products", 0, products_cols, NCOLS(products_cols), 0, -1,
		      1, 0, 20, products_params, 0, 53, 0},
    [TBL_EVENTS] = {"events", 0, events_cols, NCOLS(events_cols), 0, 4, 0, 1,
		    50, events_params, 0, 101, 1000000},
    [TBL_USERS] = {"users", 0, users_cols, NCOLS(users_cols), 0, 4, 1, 1, 15,
		   users_params, 0, 37, 60000000},
    [TBL_ORDERS] = {"orders", 0, orders_cols, NCOLS(orders_cols), 0, 4, 1, 1,
		    40, orders_params, 1, 103, 1000000},
    [TBL_METRICS] = {"metrics", 1, metrics_cols, NCOLS(metrics_cols), 0, 4, 1,
		     1, 100, metrics_params, 0, 253, 60000000},
};

int seed_table_find(const char *name)
{
	for (int t = 0; t < TBL_COUNT; t++)
		if (strcmp(seed_tables[t].name, name) == 0)
			return t;
	return -1;
}

int seed_column_find(int t, const char *name)
{
	const struct table_def *td = &seed_tables[t];

	for (unsigned c = 0; c < td->ncols; c++)
		if (strcmp(td->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

/* ------------------------------------------------------- seed values --- */

static const char *const categories[] = {"electronics", "books", "clothing"};
static const char *const event_types[] = {"click", "view", "purchase"};
static const char *const statuses[] = {"pending", "shipped", "delivered"};
static const char *const metric_names[] = {"cpu", "mem", "disk", "net"};
static const char *const labels[] = {"low", "medium", "high", "critical"};
static const char *const id_prefix[TBL_COUNT] = {
    "prod_", NULL, "user_", "order_", "metric_",
};
static const char uuid_prefix[] = "00000000-0000-0000-0000-";

/* Subfield f of a struct column draws its null with this field number. */
#define SUBFIELD(col, f) (64 + 8 * (col) + (f))

static unsigned digits_of(uint64_t v)
{
	unsigned d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

void seed_init(struct seed *s, uint64_t seed, double null_rate, unsigned scale,
	       int64_t start_us)
{
	unsigned w;

	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->null_rate = null_rate;
	s->scale = scale ? scale : 1;
	s->base_us = start_us - 3600LL * 1000000;
	for (int t = 0; t < TBL_COUNT; t++) {
		s->rows[t] = seed_tables[t].base_rows * s->scale;
		w = digits_of(s->rows[t] - 1);
		s->width[t] = w < 4 ? 4 : w;
	}
}

int64_t seed_cursor_us(const struct seed *s, int t, uint64_t i)
{
	return s->base_us +
	       (int64_t)(i * (uint64_t)seed_tables[t].step_us / s->scale);
}

/* Whether field f (a column, or a SUBFIELD) of row i is drawn null. */
static int drawn_null(const struct seed *s, int t, uint64_t i, unsigned f)
{
	if (s->null_rate <= 0)
		return 0;
	return rng_unit(rng_hash(s->seed, (uint64_t)t, i, f)) < s->null_rate;
}

/* Whether column col of row i is null; keys and cursors never are. */
static int col_null(const struct seed *s, int t, uint64_t i, int col)
{
	const struct table_def *td = &seed_tables[t];

	if (!td->cols[col].nullable || col == td->cursor_col)
		return 0;
	return drawn_null(s, t, i, (unsigned)col);
}

void seed_pk(const struct seed *s, int t, uint64_t i, char *out)
{
	if (t == TBL_EVENTS)
		snprintf(out, SEED_PK_MAX, "%s%012" PRIx64, uuid_prefix, i);
	else
		snprintf(out, SEED_PK_MAX, "%s%0*" PRIu64, id_prefix[t],
			 (int)s->width[t], i);
}

/* Parses exactly n digits of the given base at p; -ENOENT if not. */
static int parse_digits(const char *p, size_t n, int base, uint64_t *v)
{
	uint64_t x = 0;
	int d;

	if (strlen(p) != n)
		return -ENOENT;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			return -ENOENT;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

int seed_pk_parse(const struct seed *s, int t, const char *pk, uint64_t *i)
{
	const char *prefix = t == TBL_EVENTS ? uuid_prefix : id_prefix[t];
	size_t plen = strlen(prefix);
	uint64_t v;
	int rc;

	if (strncmp(pk, prefix, plen) != 0)
		return -ENOENT;
	if (t == TBL_EVENTS)
		rc = parse_digits(pk + plen, 12, 16, &v);
	else
		rc = parse_digits(pk + plen, s->width[t], 10, &v);
	if (rc)
		return rc;
	if (v >= s->rows[t])
		return -ENOENT;
	*i = v;
	return 0;
}

/* Writes the value of string column col of row i, ignoring nulls. */
static void str_value(const struct seed *s, int t, uint64_t i, int col,
		      char *out, size_t len)
{
	if (col == 0) {
		seed_pk(s, t, i, out);
		return;
	}
	switch (t * 8 + col) {
	case TBL_PRODUCTS * 8 + 1:
		snprintf(out, len, "Product %" PRIu64, i);
		break;
	case TBL_PRODUCTS * 8 + 3:
		snprintf(out, len, "%s", categories[i % 3]);
		break;
	case TBL_EVENTS * 8 + 1:
		snprintf(out, len, "%s", event_types[i % 3]);
		break;
	case TBL_EVENTS * 8 + 2:
		snprintf(out, len, "user_%03" PRIu64, i % 5);
		break;
	case TBL_EVENTS * 8 + 3:
		snprintf(out, len, "payload_%" PRIu64, i);
		break;
	case TBL_USERS * 8 + 1:
		snprintf(out, len, "user%" PRIu64 "@example.com", i);
		break;
	case TBL_USERS * 8 + 2:
		snprintf(out, len, "User %" PRIu64, i);
		break;
	case TBL_USERS * 8 + 3:
		snprintf(out, len, "active");
		break;
	case TBL_ORDERS * 8 + 1:
		snprintf(out, len, "user_%04" PRIu64, i % 10);
		break;
	case TBL_ORDERS * 8 + 3:
		snprintf(out, len, "%s", statuses[i % 3]);
		break;
	case TBL_METRICS * 8 + 1:
		snprintf(out, len, "metric.%s", metric_names[i % 4]);
		break;
	case TBL_METRICS * 8 + 3:
		snprintf(out, len, "host-%" PRIu64, i % 3);
		break;
	default:
		out[0] = '\0';
		break;
	}
}

int seed_str_equals(const struct seed *s, int t, uint64_t i, int col,
		    const char *val)
{
	char tmp[SEED_PK_MAX];

	if (seed_tables[t].cols[col].type != COL_STRING ||
	    col_null(s, t, i, col))
		return 0;
	str_value(s, t, i, col, tmp, sizeof(tmp));
	return strcmp(tmp, val) == 0;
}

/* ---------------------------------------------------------- row JSON --- */

/* The seeded double of column col: price, amount. */
static double double_value(int t, uint64_t i)
{
	if (t == TBL_PRODUCTS)
		return 10.0 + 1.5 * (double)i;
	return (double)(500 + 33 * i) / 10.0; /* 50 + 3.3 i to 2 decimals */
}

/* Writes metrics' value struct, itself and each subfield nullable. */
static int metric_value_json(const struct seed *s, uint64_t i, int col,
			     struct buf *out)
{
	int rc;

	rc = buf_puts(out, "{\"count\":");
	if (rc == 0)
		rc = drawn_null(s, TBL_METRICS, i, SUBFIELD(col, 0))
			 ? buf_puts(out, "null")
			 : buf_printf(out, "%" PRIu64, i);
	if (rc == 0)
		rc = buf_puts(out, ",\"label\":");
	if (rc == 0)
		rc = drawn_null(s, TBL_METRICS, i, SUBFIELD(col, 1))
			 ? buf_puts(out, "null")
			 : jsonw_str(out, labels[i % 4]);
	if (rc == 0)
		rc = buf_puts(out, ",\"measure\":");
	if (rc == 0)
		rc = drawn_null(s, TBL_METRICS, i, SUBFIELD(col, 2))
			 ? buf_puts(out, "null")
			 : jsonw_double(out, 1.1 * (double)i);
	if (rc == 0)
		rc = buf_putc(out, '}');
	return rc;
}

/* Writes the value of column col of row i. */
static int value_json(const struct seed *s, int t, uint64_t i, int col,
		      struct buf *out)
{
	char tmp[ISOTIME_SIZE + SEED_PK_MAX];

	if (col_null(s, t, i, col))
		return buf_puts(out, "null");
	switch (seed_tables[t].cols[col].type) {
	case COL_STRING:
		str_value(s, t, i, col, tmp, sizeof(tmp));
		return jsonw_str(out, tmp);
	case COL_DOUBLE:
		return jsonw_double(out, double_value(t, i));
	case COL_TIMESTAMP:
		isotime_format(seed_cursor_us(s, t, i), tmp);
		return jsonw_str(out, tmp);
	case COL_STRUCT:
		return metric_value_json(s, i, col, out);
	default:
		return buf_puts(out, "null");
	}
}

int seed_row_json(const struct seed *s, int t, uint64_t i, struct buf *out)
{
	const struct table_def *td = &seed_tables[t];
	int rc = buf_putc(out, '{');

	for (unsigned c = 0; rc == 0 && c < td->ncols; c++) {
		if (c)
			rc = buf_putc(out, ',');
		if (rc == 0)
			rc = jsonw_key(out, td->cols[c].name);
		if (rc == 0)
			rc = value_json(s, t, i, (int)c, out);
	}
	if (rc == 0)
		rc = buf_putc(out, '}');
	return rc;
}
