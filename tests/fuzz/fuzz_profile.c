/* SPDX-License-Identifier: MIT */
/*
 * fuzz_profile: profile_parse() over arbitrary bytes. A refusal is -EINVAL
 * with one terminated "profile fuzz.json: " message, or -ENOMEM. What it
 * accepts must hold together as profile.h promises: every table found by
 * its name with a path, a schema and paging; every option it uses
 * declared; its paths expandable; nothing reachable left unset.
 */
#include "profile.h"

#include <errno.h>

#include "fuzz.h"

static void check_refusal(int rc, const char *err, size_t errlen)
{
	FUZZ_ASSERT(rc == -EINVAL || rc == -ENOMEM);
	FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
	if (rc == -EINVAL)
		FUZZ_ASSERT(strncmp(err, "profile fuzz.json: ", 19) == 0);
}

/* What every table of an accepted profile has. */
static void check_table(const struct profile *p, const struct profile_table *t)
{
	struct buf b;

	FUZZ_ASSERT(t->path && t->path[0] == '/' && !strstr(t->path, "//"));
	FUZZ_ASSERT(t->records != NULL);
	FUZZ_ASSERT(t->schema.kind != PROFILE_SCHEMA_NONE);
	FUZZ_ASSERT(t->paging.present);
	FUZZ_ASSERT(
	    !t->deletes.path ==
	    (t->ingestion_auto || t->ingestion != INGEST_CDC_WITH_DELETES));
	if (t->window.present)
		FUZZ_ASSERT(t->incremental.until &&
			    profile_option_find(p, t->window.width_option));
	if (t->incremental.inclusive)
		FUZZ_ASSERT(t->nprimary_keys || t->metadata.primary_keys);
	for (size_t i = 0; i < t->filters.n; i++)
		FUZZ_ASSERT(profile_option_find(p, t->filters.v[i].name));
	buf_init(&b, 1 << 16);
	FUZZ_ASSERT(profile_path_expand(t->path, "a/b c", &b) == 0);
	FUZZ_ASSERT(b.data && b.data[0] == '/');
	buf_free(&b);
}

static void check_profile(const struct profile *p)
{
	FUZZ_ASSERT(p->name && p->name[0]);
	FUZZ_ASSERT(p->ntables || p->discovery.path);
	FUZZ_ASSERT(p->ntables <= PROFILE_TABLES_MAX);
	FUZZ_ASSERT(p->noptions <= PROFILE_OPTIONS_MAX);
	if (p->base_url)
		FUZZ_ASSERT(!strncmp(p->base_url, "http", 4) &&
			    !strchr(p->base_url, '@'));
	for (size_t i = 0; i < p->ntables; i++) {
		FUZZ_ASSERT(profile_table_find(p, p->tables[i].name) ==
			    &p->tables[i]);
		check_table(p, &p->tables[i]);
	}
	if (p->discovery.path)
		check_table(p, &p->defaults);
	for (size_t i = 0; i < p->noptions; i++)
		FUZZ_ASSERT(profile_option_find(p, p->options[i].name) ==
			    &p->options[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PROFILE_ERROR_SIZE];
	struct profile *p = NULL;
	int rc;

	memset(err, 'z', sizeof(err));
	rc = profile_parse((const char *)data, size, "fuzz.json", &p, err,
			   sizeof(err));
	if (rc) {
		FUZZ_ASSERT(p == NULL);
		check_refusal(rc, err, sizeof(err));
	} else {
		check_profile(p);
	}
	profile_free(p);
	return 0;
}
