/* SPDX-License-Identifier: MIT */
/*
 * fuzz_page: page_parse() over arbitrary bodies, with the keys of a table
 * that has a cursor and a primary key and with none. Whatever it accepts,
 * every record must be an object whose JSON text reads back as one and
 * whose key fields are strings, as page.h promises.
 */
#include "page.h"

#include <json-c/json.h>

#include "fuzz.h"

static void parse_with(const uint8_t *data, size_t size,
		       const struct page_keys *keys)
{
	struct page pg;
	size_t i, k;

	if (page_parse((const char *)data, size, keys, &pg)) {
		FUZZ_ASSERT(pg.error[0] != '\0');
		FUZZ_ASSERT(memchr(pg.error, '\0', sizeof(pg.error)) != NULL);
		return;
	}
	FUZZ_ASSERT(pg.next_page >= 0);
	for (i = 0; i < pg.nrecords; i++) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *back;
		const char *text;
		size_t len;

		if (!tok)
			continue; /* out of memory */
		text = page_record_json(&pg, i, &len);
		back = json_tokener_parse_ex(tok, text, (int)len);
		FUZZ_ASSERT(json_object_is_type(back, json_type_object));
		json_object_put(back);
		json_tokener_free(tok);
		if (keys->cursor_field)
			FUZZ_ASSERT(page_record_cursor(&pg, i));
		for (k = 0; k < keys->nprimary_keys; k++)
			FUZZ_ASSERT(page_record_key(&pg, i, k));
	}
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
