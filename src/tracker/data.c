/* SPDX-License-Identifier: MIT */
/*
 * data: seeded records of the tracker, computed from their index. See
 * data.h.
 */
#include "data.h"

#include <inttypes.h>
#include <stdio.h>

#include "common/rng.h"

#define STREAM_ISSUE   0x155eULL /* separates the draws of each table */
#define STREAM_COMMENT 0xc033ULL

#define OPEN_SHARE	0.7  /* issues still open */
#define UNTOUCHED_ISSUE 0.4  /* issues never updated after creation */
#define UNTOUCHED_COMM	0.7  /* comments never edited */
#define BODY_NULL_SHARE 0.15 /* issues without a body */
#define UPDATE_SPAN_S	120  /* an update comes 1 to this many s later */
#define ISSUES_PER_3S	7    /* issues created per 3 s at scale 1 */
#define COMMENTS_PER_2S 5    /* comments created per 2 s at scale 1 */
#define BASE_AGE_S	3600 /* the data starts an hour before the start */

const struct data_user data_users[DATA_USERS + 1] = {
    {"ada", 1001},    {"brendan", 1002}, {"chiara", 1003},
    {"dmitri", 1004}, {"esther", 1005},	 {"farid", 1006},
    {"greta", 1007},  {"hiro", 1008},	 {"acme-bot", 1000},
};

const struct data_milestone data_milestones[DATA_MILESTONES] = {
    {"v1.0", "2026-03-31T07:00:00Z"},
    {"v1.1", NULL},
    {"v2.0", "2027-06-30T07:00:00Z"},
};

static const char *const components[] = {
    "Exporter", "Importer",  "Sync engine", "Web UI",
    "CLI",	"Scheduler", "REST API",    "Docs",
};

static const char *const problems[] = {
    "crashes on empty input",
    "is slow with large widgets",
    "drops the last record",
    "shows the wrong time zone",
    "fails behind a proxy",
    "needs a --dry-run option",
    "leaks file handles",
    "mangles \"quoted\" names and caf\xc3\xa9 \xe2\x80\x94 non-ASCII",
};

/* A reply is its prefix, a component's name, and its suffix. */
static const char *const replies[][2] = {
    {"I can reproduce this with the ", "."},
    {"Same here with the ", ", +1."},
    {"Could you attach the config of the ", "?"},
    {"Here is the log:\n```\nerror: ", ": widget failed\n```"},
    {"Works for me with the ", " in v1.1."},
    {"Tabs\tand \"quotes\" in the ", " survive \\ a round trip."},
};

static const struct {
	const char *name, *color, *description;
} labels[DATA_LABELS] = {
    {"bug", "b60205", "Something does not work as documented"},
    {"enhancement", "1d76db", "A new feature or a better one"},
    {"documentation", "0e8a16", "The manual or the comments need work"},
    {"question", "cc317c", NULL},
    {"duplicate", "cfd3d7", "Already reported elsewhere"},
    {"needs triage", "fbca04", NULL},
    {"good first issue", "7057ff", "Small and well described"},
    {"performance", "f9d0c4", "Too slow or too big"},
    {"security", "ee0701", "Affects confidentiality or integrity"},
    {"wontfix", "ffffff", NULL},
    {"ui", "c5def5", "Widget rendering and layout"},
    {"area: api", "5319e7", "The REST API"},
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

void data_init(struct data *d, uint64_t seed, unsigned scale, int64_t now_s)
{
	d->seed = seed;
	d->scale = scale ? scale : 1;
	d->base_s = now_s - BASE_AGE_S;
	d->issues = (uint64_t)DATA_ISSUES * d->scale;
	d->comments = (uint64_t)DATA_COMMENTS * d->scale;
	d->labels = (uint64_t)DATA_LABELS * d->scale;
}

static uint64_t draw(const struct data *d, uint64_t stream, uint64_t i,
		     uint64_t what)
{
	return rng_hash(d->seed, stream, i, what);
}

/* 0, or an update 1 to UPDATE_SPAN_S seconds after creation. */
static int64_t update_delay(const struct data *d, uint64_t stream, uint64_t i,
			    double untouched)
{
	if (rng_unit(draw(d, stream, i, 0)) < untouched)
		return 0;
	return 1 + (int64_t)(draw(d, stream, i, 1) % UPDATE_SPAN_S);
}

static int64_t issue_created(const struct data *d, uint64_t i)
{
	return d->base_s + (int64_t)(3 * i / (ISSUES_PER_3S * d->scale));
}

void data_issue(const struct data *d, uint64_t i, struct data_issue *out)
{
	out->created_s = issue_created(d, i);
	out->updated_s =
	    out->created_s + update_delay(d, STREAM_ISSUE, i, UNTOUCHED_ISSUE);
	out->closed_s = rng_unit(draw(d, STREAM_ISSUE, i, 2)) < OPEN_SHARE
			    ? -1
			    : out->updated_s;
	out->user = (unsigned)(draw(d, STREAM_ISSUE, i, 3) % DATA_USERS);
	out->milestone =
	    (int)(draw(d, STREAM_ISSUE, i, 4) % (DATA_MILESTONES + 1)) - 1;
	out->body_null =
	    rng_unit(draw(d, STREAM_ISSUE, i, 5)) < BODY_NULL_SHARE;
}

void data_issue_title(const struct data *d, uint64_t i, char *out)
{
	uint64_t h = draw(d, STREAM_ISSUE, i, 6);

	snprintf(out, DATA_TEXT_MAX, "%s %s",
		 components[h % NITEMS(components)],
		 problems[(h >> 16) % NITEMS(problems)]);
}

void data_issue_body(const struct data *d, uint64_t i, char *out)
{
	uint64_t h = draw(d, STREAM_ISSUE, i, 6);
	const char *what = components[h % NITEMS(components)];

	snprintf(out, DATA_TEXT_MAX,
		 "Widget %" PRIu64 " %s.\n\nSteps to reproduce:\n"
		 "1. Start the %s\n2. Open widget %" PRIu64
		 "\n\nExpected: it works. Seen: it does not.",
		 i, problems[(h >> 16) % NITEMS(problems)], what, i);
}

void data_comment(const struct data *d, uint64_t j, struct data_comment *out)
{
	int64_t t = (int64_t)(2 * j / (COMMENTS_PER_2S * d->scale));
	/* Issues created by then: i with 3 i / (7 scale) <= t. */
	uint64_t known =
	    ((uint64_t)ISSUES_PER_3S * d->scale * (uint64_t)(t + 1) + 2) / 3;

	if (known > d->issues)
		known = d->issues;
	out->created_s = d->base_s + t;
	out->updated_s =
	    out->created_s + update_delay(d, STREAM_COMMENT, j, UNTOUCHED_COMM);
	out->issue = draw(d, STREAM_COMMENT, j, 2) % known;
	out->user = (unsigned)(draw(d, STREAM_COMMENT, j, 3) % DATA_USERS);
}

void data_comment_body(const struct data *d, uint64_t j, char *out)
{
	uint64_t h = draw(d, STREAM_COMMENT, j, 4);

	snprintf(out, DATA_TEXT_MAX, "%s%s%s", replies[h % NITEMS(replies)][0],
		 components[(h >> 16) % NITEMS(components)],
		 replies[h % NITEMS(replies)][1]);
}

void data_label(uint64_t i, char *name, const char **color,
		const char **description)
{
	unsigned k = (unsigned)(i % DATA_LABELS);

	if (i < DATA_LABELS)
		snprintf(name, DATA_TEXT_MAX, "%s", labels[k].name);
	else
		snprintf(name, DATA_TEXT_MAX, "%s %" PRIu64, labels[k].name,
			 i / DATA_LABELS + 1);
	*color = labels[k].color;
	*description = labels[k].description;
}
