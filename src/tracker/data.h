/* SPDX-License-Identifier: MIT */
/*
 * data: the tracker's seeded issues, comments and labels.
 *
 * This module owns what a seeded record is: its timestamps, author,
 * milestone, state and texts, each a pure function of (seed, scale, start
 * time, row index), so nothing is stored for a row until it is written.
 * Timestamps are whole seconds and several records share each one, as
 * they do on busy trackers, so clients meet ties. The order of records,
 * paging and writes belong to db.c; JSON to render.c.
 */
#ifndef LF_TRACKER_DATA_H
#define LF_TRACKER_DATA_H

#include <stddef.h>
#include <stdint.h>

#define DATA_ISSUES	250 /* seeded rows at scale 1 */
#define DATA_COMMENTS	600
#define DATA_LABELS	12
#define DATA_USERS	8 /* seeded authors; the token's user follows */
#define DATA_MILESTONES 3
#define DATA_TEXT_MAX	512 /* bytes of a seeded title or body */

#define DATA_ISSUE_ID0	  3000000000LL /* issue row r: id ID0 + STEP r */
#define DATA_ISSUE_STEP	  3
#define DATA_COMMENT_ID0  5000000000LL
#define DATA_COMMENT_STEP 2

struct data_user {
	const char *login;
	int64_t id;
};

struct data_milestone {
	const char *title;
	const char *due_on; /* NULL: null */
};

/* Authors 0..DATA_USERS-1, then the token's user (who writes). */
extern const struct data_user data_users[DATA_USERS + 1];
#define DATA_TOKEN_USER DATA_USERS
extern const struct data_milestone data_milestones[DATA_MILESTONES];

/* Everything a seeded row depends on. */
struct data {
	uint64_t seed;
	unsigned scale;
	int64_t base_s; /* start time in whole seconds minus one hour */
	uint64_t issues, comments, labels; /* seeded rows */
};

/* A seeded issue's facts (texts come separately). */
struct data_issue {
	int64_t created_s, updated_s;
	int64_t closed_s; /* -1: open */
	unsigned user;	  /* index into data_users */
	int milestone;	  /* index into data_milestones, -1: none */
	int body_null;
};

struct data_comment {
	int64_t created_s, updated_s;
	uint64_t issue; /* the row of its issue */
	unsigned user;
};

void data_init(struct data *d, uint64_t seed, unsigned scale, int64_t now_s);
void data_issue(const struct data *d, uint64_t i, struct data_issue *out);
/* Writes issue i's title and body (DATA_TEXT_MAX bytes each). */
void data_issue_title(const struct data *d, uint64_t i, char *out);
void data_issue_body(const struct data *d, uint64_t i, char *out);
void data_comment(const struct data *d, uint64_t j, struct data_comment *out);
void data_comment_body(const struct data *d, uint64_t j, char *out);
/* Label i: its name (DATA_TEXT_MAX bytes), color and description. */
void data_label(uint64_t i, char *name, const char **color,
		const char **description);

#endif
