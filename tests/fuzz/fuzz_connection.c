/* SPDX-License-Identifier: MIT */
/*
 * fuzz_connection: the connection file parser (-o connection=FILE) over
 * arbitrary text, with and without a user and URL already given by -o
 * (inputs of odd length have them): those must win over the file's.
 */
#include "options.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstring(data, size);
	struct options o;
	int preset = size & 1, rc;

	if (!json)
		return 0;
	memset(&o, 0, sizeof(o));
	table_opts_defaults(&o.table);
	if (preset) {
		o.username = strdup("from-o");
		o.url = strdup("http://from-o");
	}
	rc = options_parse_connection_json(json, "fuzz.json", &o);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (preset && o.username && o.url) {
		FUZZ_ASSERT(strcmp(o.username, "from-o") == 0);
		FUZZ_ASSERT(strcmp(o.url, "http://from-o") == 0);
	}
	options_free(&o);
	free(json);
	return 0;
}
