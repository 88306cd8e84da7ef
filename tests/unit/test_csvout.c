/* SPDX-License-Identifier: MIT */
/* Unit tests for JSON lines to CSV: header, flattening, quoting, nulls. */
#include "source.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"

static struct field value_fields[] = {
    {"count", FIELD_INTEGER, 1, NULL, 0},
    {"label", FIELD_STRING, 1, NULL, 0},
    {"measure", FIELD_DOUBLE, 1, NULL, 0},
};
static struct field fields[] = {
    {"id", FIELD_STRING, 0, NULL, 0},
    {"value", FIELD_STRUCT, 1, value_fields, 3},
    {"price", FIELD_DOUBLE, 1, NULL, 0},
    {"flag", FIELD_STRING, 1, NULL, 0},
};
static const struct table_info table = {
    .name = "t", .fields = fields, .nfields = 4};

/* Runs csv_from_jsonl over in; returns the CSV text (caller frees). */
static char *convert(const char *in, int *rc)
{
	FILE *fin = fmemopen((void *)in, strlen(in), "r");
	char *text = NULL;
	size_t len = 0;
	FILE *fout = open_memstream(&text, &len);

	*rc = csv_from_jsonl(&table, fin, fout);
	fclose(fin);
	fclose(fout);
	return text;
}

static void test_header_and_values(void)
{
	int rc;
	char *csv = convert(
	    "{\"id\":\"a\",\"value\":{\"count\":3,\"label\":\"low\","
	    "\"measure\":56.6},\"price\":1e300,\"flag\":true}\n"
	    "{\"id\":\"b\",\"value\":null,\"price\":10.0,\"flag\":\"\"}\n"
	    "\n"
	    "{\"id\":\"c\",\"value\":{\"count\":null},\"flag\":null}\n",
	    &rc);

	CHECK(rc == 0);
	CHECK_STR(csv, "id,value.count,value.label,value.measure,price,flag\r\n"
		       "a,3,low,56.6,1e300,true\r\n"
		       "b,,,,10.0,\"\"\r\n"
		       "c,,,,,\r\n");
	free(csv);
}

static void test_quoting(void)
{
	int rc;
	char *csv = convert("{\"id\":\"x,y\",\"flag\":\"say \\\"hi\\\"\"}\n"
			    "{\"id\":\"line1\\nline2\",\"flag\":\" pad\"}\n"
			    "{\"id\":\"cr\\r\",\"flag\":\"caf\\u00e9/\"}\n",
			    &rc);

	CHECK(rc == 0);
	CHECK_STR(csv, "id,value.count,value.label,value.measure,price,flag\r\n"
		       "\"x,y\",,,,,\"say \"\"hi\"\"\"\r\n"
		       "\"line1\nline2\",,,,,\" pad\"\r\n"
		       "\"cr\r\",,,,,caf\xc3\xa9/\r\n");
	free(csv);
}

/* What libcsv's parser reads back from our output. */
struct readback {
	char fields[64][64];
	int quoted_empty[64];
	size_t n;
	size_t rows;
};

static void on_field(void *s, size_t len, void *data)
{
	struct readback *rb = data;

	if (rb->rows == 1 && rb->n < 64) {
		snprintf(rb->fields[rb->n], sizeof(rb->fields[0]), "%.*s",
			 (int)len, s ? (const char *)s : "");
		rb->quoted_empty[rb->n] = s != NULL && len == 0;
		rb->n++;
	}
}

static void on_row(int c, void *data)
{
	struct readback *rb = data;

	(void)c;
	rb->rows++;
}

static void test_reparse(void)
{
	struct readback rb;
	struct csv_parser p;
	int rc;
	char *csv = convert("{\"id\":\"q\\\"uote, \\r\\n end \",\"value\":"
			    "{\"label\":\"\"},\"price\":-0.5,\"flag\":\"\"}\n",
			    &rc);

	CHECK(rc == 0);
	memset(&rb, 0, sizeof(rb));
	CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL |
			       CSV_APPEND_NULL) == 0);
	CHECK(csv_parse(&p, csv, strlen(csv), on_field, on_row, &rb) ==
	      strlen(csv));
	CHECK(csv_fini(&p, on_field, on_row, &rb) == 0);
	csv_free(&p);
	CHECK(rb.rows == 2);
	CHECK(rb.n == 6);
	CHECK_STR(rb.fields[0], "q\"uote, \r\n end ");
	CHECK(!rb.quoted_empty[1]); /* value.count: null */
	CHECK(rb.quoted_empty[2]);  /* value.label: "" */
	CHECK_STR(rb.fields[4], "-0.5");
	CHECK(rb.quoted_empty[5]); /* flag: "" */
	free(csv);
}

/* Values keep the server's text; strings are decoded; other JSON compact. */
static void test_values(void)
{
	int rc;
	char *csv = convert(
	    "{\"id\":\"\\u00e9\\t\",\"value\":{\"count\":99999999999999999999,"
	    "\"label\":\"a\\/b\",\"measure\":-0},\"price\":1E+2,"
	    "\"flag\":[1,{\"k\":\"v , w\"}]}\n"
	    "{\"id\":\"a\",\"flag\":true,\"id\":\"b\",\"value\":null}\r\n"
	    "{ \"id\" : \"c\" , \"flag\" : false , \"value\" : { } }\n",
	    &rc);

	CHECK(rc == 0);
	CHECK_STR(csv, "id,value.count,value.label,value.measure,price,flag\r\n"
		       "\"\xc3\xa9\t\",99999999999999999999,a/b,-0,1E+2,"
		       "\"[1,{\"\"k\"\":\"\"v , w\"\"}]\"\r\n"
		       "b,,,,,true\r\n"
		       "c,,,,,false\r\n");
	free(csv);
}

static void test_bad_input(void)
{
	int rc;
	char *csv;

	csv = convert("{\"id\":\"a\"}\nnot json\n", &rc);
	CHECK(rc == -EINVAL);
	free(csv);
	csv = convert("{\"id\":\"a\",\"value\":5}\n", &rc);
	CHECK(rc == -EINVAL);
	free(csv);
	csv = convert("{\"id\":\"a\",\"value\":[]}\n", &rc);
	CHECK(rc == -EINVAL);
	free(csv);
	csv = convert("[{\"id\":\"a\"}]\n", &rc);
	CHECK(rc == -EINVAL);
	free(csv);
	csv = convert("{\"id\":\"a\"} x\n", &rc);
	CHECK(rc == -EINVAL);
	free(csv);
	csv = convert("", &rc);
	CHECK(rc == 0);
	CHECK_STR(csv,
		  "id,value.count,value.label,value.measure,price,flag\r\n");
	free(csv);
}

int main(void)
{
	test_header_and_values();
	test_quoting();
	test_reparse();
	test_values();
	test_bad_input();
	return check_result();
}
