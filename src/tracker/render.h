/* SPDX-License-Identifier: MIT */
/*
 * render: the tracker's records as JSON text, shaped like GitHub's.
 *
 * Each function takes a plain view of one record, filled by db.c from its
 * rows and data.c's seeded values, and appends the JSON object to a
 * buffer. Nothing here knows where a value came from. Each returns 0 or
 * -errno from the buffer.
 */
#ifndef LF_TRACKER_RENDER_H
#define LF_TRACKER_RENDER_H

#include <stdint.h>

#include "common/buf.h"
#include "data.h"

struct render_issue {
	int64_t id;
	uint64_t number;
	const char *title;
	const char *body; /* NULL: null */
	const struct data_user *user;
	const struct data_milestone *milestone; /* NULL: null */
	int64_t created_s, updated_s;
	int64_t closed_s; /* -1: open, closed_at null */
};

struct render_comment {
	int64_t id;
	uint64_t issue_number;
	const struct data_user *user;
	const char *body;
	int64_t created_s, updated_s;
};

int render_issue(const struct render_issue *v, struct buf *out);
int render_comment(const struct render_comment *v, struct buf *out);
int render_label(const char *name, const char *color, const char *description,
		 struct buf *out);

#endif
