/* SPDX-License-Identifier: MIT */
/*
 * db: the tracker's records, their orders, pages and writes.
 *
 * Issues and comments are rows in id order, which is also creation order
 * (ids grow, and a new record is created now). A row keeps its timestamps
 * and what writes changed; seeded texts are computed again by data.c when
 * rendered. Each table also keeps its rows sorted by (updated_at, id),
 * moved on every write, so a list sorted either way is a walk over an
 * array. Labels are seeded only. One rwlock: lists run in parallel, each
 * write is atomic. Timestamps are whole seconds; a write's is the later of
 * now and the last one given, so they never go back. The db knows nothing
 * of HTTP (api.c) or of JSON shapes (render.c).
 */
#ifndef LF_TRACKER_DB_H
#define LF_TRACKER_DB_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "data.h"

#define DB_ROWS_MAX 50000000 /* rows per table, seeded and written */

enum db_state { DB_OPEN, DB_CLOSED, DB_ALL };
enum db_sort { DB_CREATED, DB_UPDATED };

struct db_query {
	enum db_state state; /* issues only; comments ignore it */
	enum db_sort sort;
	int desc; /* by the sort key descending; ties by id asc */
	int has_since;
	int64_t since_us;  /* with has_since: updated_at >= since */
	uint64_t page;	   /* 1-based */
	unsigned per_page; /* >= 1 */
};

/* What a write sets; members left NULL or 0 are not changed. */
struct db_edit {
	const char *title;
	int set_body;
	const char *body; /* with set_body; NULL: null */
	int set_state;
	int closed; /* with set_state */
};

struct db;

/* Creates the tables for d (copied). 0 or -ENOMEM. */
int db_new(const struct data *d, struct db **out);
void db_free(struct db *db);

/*
 * Each list appends page q as a JSON array to out and sets *total to the
 * number of records that match q. 0 or -errno.
 */
int db_issues(struct db *db, const struct db_query *q, struct buf *out,
	      uint64_t *total);
int db_comments(struct db *db, const struct db_query *q, struct buf *out,
		uint64_t *total);
int db_labels(struct db *db, uint64_t page, unsigned per_page, struct buf *out,
	      uint64_t *total);

/*
 * Writes append the record as it now is to out. An issue is created by
 * the token's user with e's title and body; an edit sets updated_at, and
 * closing an open issue sets closed_at (reopening clears it). A new
 * comment moves its issue's updated_at too. -ENOENT for an unknown issue
 * number or comment id, -ENOSPC past DB_ROWS_MAX, -ENOMEM.
 */
int db_issue_create(struct db *db, const struct db_edit *e, struct buf *out);
int db_issue_edit(struct db *db, uint64_t number, const struct db_edit *e,
		  struct buf *out);
int db_comment_create(struct db *db, uint64_t number, const char *body,
		      struct buf *out);
int db_comment_edit(struct db *db, int64_t id, const char *body,
		    struct buf *out);

#endif
