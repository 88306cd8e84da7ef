/* SPDX-License-Identifier: MIT */
/*
 * fuzz_page: page_parse() over arbitrary bodies, with the keys of a table
 * that has a cursor and two primary keys and with none, against the json-c
 * way it replaced (tests/unit/jsonc_ref.c). A body is accepted iff json-c
 * accepts it, but for the differences jsonc_diff.h lists and a next_page
 * past 64 bits, which json-c clamped; then the pages agree on next_page
 * and the number of records, every line is one object with no whitespace
 * between tokens that json-c reads as the record it read from the body,
 * and the cursors and keys are json-c's strings.
 */
#include "page.h"

#include <json-c/json.h>
#include <limits.h>

#include "fuzz.h"
#include "jscan.h"
#include "jsonc_diff.h"
#include "jsonc_ref.h"

/* Checks line i of pg against record i of json-c's records. */
static void same_record(const struct page *pg, size_t i,
			struct json_object *records,
			const struct page_keys *keys)
{
	struct json_object *want = json_object_array_get_idx(records, i);
	struct json_object *got = NULL, *v;
	struct jscan_doc doc;
	const char *line;
	size_t len, k;

	line = page_record_json(pg, i, &len);
	FUZZ_ASSERT(line[len] == '\n' && !memchr(line, '\n', len));
	jscan_doc_init(&doc);
	FUZZ_ASSERT(jscan_check(&doc, line, len) == 0 && doc.compact);
	FUZZ_ASSERT(jscan_type(&doc.root) == JSCAN_OBJECT);
	jscan_doc_free(&doc);
	FUZZ_ASSERT(ref_json_parse(line, len, &got, NULL) == 0);
	FUZZ_ASSERT(json_object_equal(want, got));
	json_object_put(got);
	if (keys->cursor_field) {
		v = json_object_object_get(want, keys->cursor_field);
		FUZZ_ASSERT(!strcmp(page_record_cursor(pg, i),
				    json_object_get_string(v)));
	}
	for (k = 0; k < keys->nprimary_keys; k++) {
		v = json_object_object_get(want, keys->primary_keys[k]);
		FUZZ_ASSERT(!strcmp(page_record_key(pg, i, k),
				    json_object_get_string(v)));
	}
}

/* Why json-c accepted what page_parse() refused, if it is documented. */
static int documented(const uint8_t *data, size_t size)
{
	struct jscan_doc doc;
	int ok;

	jscan_doc_init(&doc);
	ok = jscan_check(&doc, (const char *)data, size) &&
	     jscan_refuses_more((const char *)data, size, &doc);
	jscan_doc_free(&doc);
	return ok;
}

static void parse_with(const uint8_t *data, size_t size,
		       const struct page_keys *keys)
{
	struct json_object *root = NULL, *records = NULL;
	struct ref_page rp;
	struct page pg;
	size_t i;
	int ours, theirs;

	ref_page_init(&rp);
	ours = page_parse((const char *)data, size, keys, &pg);
	theirs = ref_page((const char *)data, size, keys, &rp, NULL);
	if (ours) {
		FUZZ_ASSERT(pg.error[0] != '\0');
		FUZZ_ASSERT(memchr(pg.error, '\0', sizeof(pg.error)) != NULL);
		/* json-c clamped a next_page past 64 bits to LONG_MAX */
		FUZZ_ASSERT(theirs || documented(data, size) ||
			    (strstr(pg.error, "out of range") &&
			     rp.next_page == LONG_MAX));
		ref_page_free(&rp);
		return;
	}
	FUZZ_ASSERT(theirs == 0);
	FUZZ_ASSERT(pg.next_page == rp.next_page);
	FUZZ_ASSERT(pg.nrecords == rp.nrecords);
	FUZZ_ASSERT(page_lines_size(&pg, pg.nrecords) == pg.lines.len);
	FUZZ_ASSERT(ref_json_parse((const char *)data, size, &root, NULL) == 0);
	json_object_object_get_ex(root, "records", &records);
	for (i = 0; i < pg.nrecords; i++)
		same_record(&pg, i, records, keys);
	json_object_put(root);
	ref_page_free(&rp);
	page_free(&pg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const pks[] = {"order_id", "user_id"};
	static const struct page_keys keyed = {"updated_at", pks, 2};
	static const struct page_keys bare = {NULL, NULL, 0};

	parse_with(data, size, &keyed);
	parse_with(data, size, &bare);
	return 0;
}
