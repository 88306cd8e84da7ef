/* SPDX-License-Identifier: MIT */
/*
 * fuzz_spec: spec_parse() over arbitrary text, then spec_validate() of what
 * it accepts against the Example source's tables. A refusal is -EINVAL with
 * a terminated "spec: " message, or -ENOMEM.
 */
#include "spec.h"

#include <errno.h>

#include "fuzz.h"

static void check_refusal(int rc, const char *err, size_t errlen)
{
	FUZZ_ASSERT(rc == -EINVAL || rc == -ENOMEM);
	FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
	if (rc == -EINVAL)
		FUZZ_ASSERT(strncmp(err, "spec: ", 6) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tables[] = { "products", "events", "users",
					      "orders", "metrics" };
	static const enum ingestion types[] = { INGEST_SNAPSHOT, INGEST_APPEND,
						INGEST_CDC, INGEST_CDC_WITH_DELETES,
						INGEST_APPEND };
	char *json = fuzz_cstring(data, size), err[256];
	struct spec *s = NULL;
	int rc;

	if (!json)
		return 0;
	memset(err, 'z', sizeof(err));
	rc = spec_parse(json, "fuzz.json", &s, err, sizeof(err));
	if (rc) {
		check_refusal(rc, err, sizeof(err));
	} else {
		FUZZ_ASSERT(s != NULL);
		memset(err, 'z', sizeof(err));
		rc = spec_validate(s, tables, types, 5, "num_rows", err,
				   sizeof(err));
		if (rc)
			check_refusal(rc, err, sizeof(err));
	}
	spec_free(s);
	free(json);
	return 0;
}
