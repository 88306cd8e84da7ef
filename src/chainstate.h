/* SPDX-License-Identifier: MIT */
/*
 * chainstate: the small files that say where a chain stands, in its
 * directory:
 *   _chain.json    the state: format, epoch, head, records published in
 *                  the epoch (the num_rows budget), the cap of the last
 *                  refresh, the options in effect then, and when the
 *                  head last moved
 *   _end/<token>   the record of one step: where the read from <token>
 *                  ended and how many records it published (0: none, so
 *                  no batch file)
 * Each is written to a temporary name and renamed into place. This module
 * also moves a chain that version 1 left under the options' directory to
 * its place, and says what changed in the options. It does no HTTP, knows
 * nothing of FUSE and takes no lock: the chain serializes its calls.
 */
#ifndef LF_CHAINSTATE_H
#define LF_CHAINSTATE_H

#include <stdint.h>

#include <json-c/json.h>

#include "source.h"

#define CHAINSTATE_FORMAT 1
#define CHAINSTATE_FILE	  "_chain.json"

struct chain_state {
	unsigned epoch; /* 1 for a new chain */
	char *head;	/* where the next batch starts; NULL: start */
	long published; /* records published in this epoch */
	int64_t cap_us; /* the last refresh's cap; 0: never */
	int64_t moved_us; /* when the head last moved; 0: not known */
	struct json_object *options; /* in effect at the last change; owned */
};

/*
 * Loads dir/_chain.json into st (zeroed by the caller). Returns 0, -ENOENT
 * when there is none, or -EINVAL when it is damaged or of another format.
 */
int chainstate_load(const char *dir, struct chain_state *st);
/* Saves st as dir/_chain.json (temporary file, then rename). 0 or -errno. */
int chainstate_save(const char *dir, const struct chain_state *st);
void chainstate_free(struct chain_state *st);

/*
 * The options that apply to the table, as a JSON object of name: value
 * (null when unset). The caller owns the result.
 */
struct json_object *chainstate_options(const struct table_info *t,
				       const struct table_opts *o);

/*
 * Logs each option that differs between the last refresh's (before, may be
 * NULL: nothing to compare) and now, saying what the chain does about it;
 * label names the chain ("orders/changes"), object the full_refresh NAME.
 * Returns whether anything differs.
 */
int chainstate_log_changes(const char *label, const char *object,
			   const struct chain_state *st,
			   struct json_object *now, long num_rows);

/* One step of the chain, as _end/<token> records it. */
struct chain_step {
	char *end;    /* the end offset; NULL: the start (never, in practice) */
	long records; /* records it published; -1: not known (version 1) */
};

/* Records the step read from token: where it ended, how many records. */
int chainstate_save_step(const char *dir, const char *token, const char *end,
			 long records);
/*
 * Loads the record of the step read from token (also the plain offset that
 * version 1 wrote). Returns 0, -ENOENT when there is none, or -EINVAL.
 */
int chainstate_load_step(const char *dir, const char *token,
			 struct chain_step *step);

/*
 * When dir does not exist, moves there the chain that version 1 kept under
 * root/<object>-<12 hex digits>/<kind> (the most recently changed one, if
 * several options left one) and logs it. Sets *adopted. Returns 0 or -errno.
 */
int chainstate_adopt_v1(const char *root, const char *object, const char *kind,
			const char *dir, int *adopted);

/*
 * Reads the head a version 1 chain kept in dir/_head: sets *head (NULL: the
 * start, also when there is none). Returns 0 or -errno.
 */
int chainstate_load_v1_head(const char *dir, char **head);
/* Removes dir/_head, once the state holds the head. Returns 0 or -errno. */
int chainstate_drop_v1_head(const char *dir);

/*
 * Writes data to path atomically: a temporary file (path.part.XXXXXX) that
 * is renamed over it. Returns 0 or -errno.
 */
int write_atomic(const char *path, const char *data, size_t len);

#endif
