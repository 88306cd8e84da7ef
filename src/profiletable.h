/* SPDX-License-Identifier: MIT */
/*
 * profiletable: one table of a profile, its entry resolved against the
 * defaults and parsed (profiletable.c), then its settings checked
 * together (profilecheck.c). Only the profile parser's files include it.
 */
#ifndef LF_PROFILETABLE_H
#define LF_PROFILETABLE_H

#include "profileparse.h"

/* The members of a table, in the order they are read. */
enum {
	K_HIDDEN,
	K_PATH,
	K_RECORDS,
	K_SCHEMA,
	K_METADATA,
	K_PRIMARY_KEYS,
	K_CURSOR,
	K_INGESTION,
	K_INCREMENTAL,
	K_WINDOW,
	K_PAGING,
	K_PAGE_SIZE,
	K_FILTERS,
	K_PARAMS,
	K_DELETES,
	K_COUNT
};

/* The name of member k, as a profile spells it. */
const char *ptable_key(int k);

/* A table being read: where its members came from, for messages. */
struct tctx {
	struct pctx *cx;
	const struct profile *p;
	const char *name;   /* NULL: the defaults */
	const char *entry;  /* "/tables/NAME" or "/defaults" */
	unsigned inherited; /* bit k: member k came from the defaults */
	unsigned present;   /* bit k: member k was given */
};

/*
 * Checks that the settings of t, each parsed, work together
 * (profilecheck.c). Returns 0, or -EINVAL with the message in tc->cx.
 */
int ptable_check(struct tctx *tc, const struct profile_table *t);

/*
 * Parses the table called name from its entry (an object, or NULL) and
 * the defaults (an object, or NULL) into t: each member from the entry,
 * else from the defaults; a member null in the entry is left unset. With
 * name NULL, parses the defaults alone. With check set, also checks that
 * the settings work together (p's options, already parsed, must be
 * there). Returns 0, -EINVAL (message in cx), or -ENOMEM; t then owns
 * what was parsed, and ptable_free() releases it either way.
 */
int ptable_parse(struct pctx *cx, const struct profile *p,
		 json_object *defaults, json_object *entry, const char *name,
		 int check, struct profile_table *t);
void ptable_free(struct profile_table *t);

/* Calls use(arg, name) for each option the table's settings use. */
void ptable_options_used(const struct profile_table *t,
			 void (*use)(void *, const char *), void *arg);

#endif
