/* SPDX-License-Identifier: MIT */
/*
 * render: issues, comments and labels as JSON. See render.h.
 */
#include "render.h"

#include <inttypes.h>

#include "common/isotime.h"
#include "common/jsonw.h"

/* Writes ,"key": then a string or null. */
static int member_str(struct buf *out, const char *key, const char *s)
{
	int rc = buf_putc(out, ',');

	if (rc == 0)
		rc = jsonw_key(out, key);
	if (rc == 0)
		rc = s ? jsonw_str(out, s) : buf_puts(out, "null");
	return rc;
}

/* Writes ,"key": then the whole-second timestamp s, or null if s < 0. */
static int member_time(struct buf *out, const char *key, int64_t s)
{
	char ts[ISOTIME_SIZE];

	if (s < 0)
		return member_str(out, key, NULL);
	isotime_format_s(s, ts);
	return member_str(out, key, ts);
}

static int member_user(struct buf *out, const struct data_user *u)
{
	int rc = buf_puts(out, ",\"user\":{\"login\":");

	if (rc == 0)
		rc = jsonw_str(out, u->login);
	if (rc == 0)
		rc = buf_printf(out, ",\"id\":%" PRId64 "}", u->id);
	return rc;
}

static int member_milestone(struct buf *out, const struct data_milestone *m)
{
	int rc;

	if (!m)
		return buf_puts(out, ",\"milestone\":null");
	rc = buf_puts(out, ",\"milestone\":{\"title\":");
	if (rc == 0)
		rc = jsonw_str(out, m->title);
	if (rc == 0)
		rc = buf_puts(out, ",\"due_on\":");
	if (rc == 0)
		rc = m->due_on ? jsonw_str(out, m->due_on)
			       : buf_puts(out, "null");
	return rc ? rc : buf_putc(out, '}');
}

int render_issue(const struct render_issue *v, struct buf *out)
{
	int rc = buf_printf(out, "{\"id\":%" PRId64 ",\"number\":%" PRIu64,
			    v->id, v->number);

	if (rc == 0)
		rc = member_str(out, "title", v->title);
	if (rc == 0)
		rc = member_str(out, "body", v->body);
	if (rc == 0)
		rc = member_str(out, "state",
				v->closed_s < 0 ? "open" : "closed");
	if (rc == 0)
		rc = member_user(out, v->user);
	if (rc == 0)
		rc = member_milestone(out, v->milestone);
	if (rc == 0)
		rc = member_time(out, "created_at", v->created_s);
	if (rc == 0)
		rc = member_time(out, "updated_at", v->updated_s);
	if (rc == 0)
		rc = member_time(out, "closed_at", v->closed_s);
	return rc ? rc : buf_putc(out, '}');
}

int render_comment(const struct render_comment *v, struct buf *out)
{
	int rc =
	    buf_printf(out, "{\"id\":%" PRId64 ",\"issue_number\":%" PRIu64,
		       v->id, v->issue_number);

	if (rc == 0)
		rc = member_user(out, v->user);
	if (rc == 0)
		rc = member_str(out, "body", v->body);
	if (rc == 0)
		rc = member_time(out, "created_at", v->created_s);
	if (rc == 0)
		rc = member_time(out, "updated_at", v->updated_s);
	return rc ? rc : buf_putc(out, '}');
}

int render_label(const char *name, const char *color, const char *description,
		 struct buf *out)
{
	int rc = buf_puts(out, "{\"name\":");

	if (rc == 0)
		rc = jsonw_str(out, name);
	if (rc == 0)
		rc = member_str(out, "color", color);
	if (rc == 0)
		rc = member_str(out, "description", description);
	return rc ? rc : buf_putc(out, '}');
}
