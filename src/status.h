/* SPDX-License-Identifier: MIT */
/*
 * status: what the daemon is doing, for _status.json and for the progress
 * lines a person watches in the foreground.
 *
 * Every fetch in progress registers a struct activity (owned by the
 * caller, usually on its stack) for as long as it runs; its read_progress
 * is updated by the reader with atomic adds and read here with atomic
 * loads. status knows nothing of HTTP or FUSE: the caller adds the rest of
 * _status.json around status_activities_json().
 */
#ifndef LF_STATUS_H
#define LF_STATUS_H

#include <pthread.h>
#include <stdint.h>

#include <json-c/json.h>

#include "source.h"

struct activity {
	struct activity *prev, *next;
	const char *object;             /* borrowed */
	const char *file;               /* borrowed: "snapshot.jsonl", "changes" */
	int64_t started_us;
	struct read_progress *progress; /* borrowed; may be NULL */
	int64_t shown_us; /* the ticker's: its last progress line; 0: none */
};

struct status {
	pthread_mutex_t lock;
	struct activity *head;
	pthread_t ticker;
	int ticking;
	int stop;
	pthread_cond_t wake;
	unsigned interval_s;
};

void status_init(struct status *s);
/* Stops the ticker if it runs. */
void status_destroy(struct status *s);

/* Registers a fetch in progress until status_end(). */
void status_begin(struct status *s, struct activity *a, const char *object,
		  const char *file, struct read_progress *progress);
void status_end(struct status *s, struct activity *a);

/* A JSON array of the fetches in progress (a new reference). */
struct json_object *status_activities_json(struct status *s);

/*
 * Logs a progress line for each fetch once it has run a second, then every
 * interval_s seconds (for the foreground): which file, records, pages,
 * and how many readers wait for it. Returns 0 or -errno.
 */
int status_start_ticker(struct status *s, unsigned interval_s);

#endif
