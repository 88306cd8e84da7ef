/* SPDX-License-Identifier: MIT */
/*
 * status: the registry of fetches in progress and the progress ticker.
 * See status.h.
 */
#include "status.h"

#include <errno.h>
#include <time.h>

#include "common/isotime.h"
#include "log.h"

void status_init(struct status *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->head = NULL;
	s->ticking = 0;
	s->stop = 0;
}

void status_destroy(struct status *s)
{
	if (s->ticking) {
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->ticker, NULL);
		s->ticking = 0;
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
}

void status_begin(struct status *s, struct activity *a, const char *object,
		  const char *file, struct read_progress *progress)
{
	a->object = object;
	a->file = file;
	a->progress = progress;
	a->started_us = isotime_now_us();
	a->shown_us = 0;
	a->prev = NULL;
	pthread_mutex_lock(&s->lock);
	a->next = s->head;
	if (s->head)
		s->head->prev = a;
	s->head = a;
	pthread_mutex_unlock(&s->lock);
}

void status_end(struct status *s, struct activity *a)
{
	pthread_mutex_lock(&s->lock);
	if (a->prev)
		a->prev->next = a->next;
	else
		s->head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	pthread_mutex_unlock(&s->lock);
}

/* A snapshot of one activity's counters. */
struct figures {
	unsigned long pages, records;
	unsigned waiters;
	double elapsed, rate;
};

static struct figures figures_of(const struct activity *a, int64_t now)
{
	struct figures f = {0, 0, 0, 0, 0};

	if (a->progress) {
		f.pages = __atomic_load_n(&a->progress->pages, __ATOMIC_RELAXED);
		f.records = __atomic_load_n(&a->progress->records, __ATOMIC_RELAXED);
	}
	if (a->progress && a->progress->waiters)
		f.waiters =
		    __atomic_load_n(a->progress->waiters, __ATOMIC_RELAXED);
	f.elapsed = (double)(now - a->started_us) / 1e6;
	f.rate = f.elapsed > 0 ? (double)f.records / f.elapsed : 0;
	return f;
}

struct json_object *status_activities_json(struct status *s)
{
	struct json_object *arr = json_object_new_array();
	int64_t now = isotime_now_us();

	pthread_mutex_lock(&s->lock);
	for (struct activity *a = s->head; a; a = a->next) {
		struct json_object *o = json_object_new_object();
		struct figures f = figures_of(a, now);

		json_object_object_add(o, "object", json_object_new_string(a->object));
		json_object_object_add(o, "file", json_object_new_string(a->file));
		json_object_object_add(o, "pages", json_object_new_int64((int64_t)f.pages));
		json_object_object_add(o, "records", json_object_new_int64((int64_t)f.records));
		json_object_object_add(
		    o, "waiters", json_object_new_int64((int64_t)f.waiters));
		json_object_object_add(o, "records_per_second",
				       json_object_new_double((double)(int64_t)f.rate));
		json_object_object_add(o, "elapsed_seconds",
				       json_object_new_double((double)(int64_t)(f.elapsed * 10) / 10));
		json_object_array_add(arr, o);
	}
	pthread_mutex_unlock(&s->lock);
	return arr;
}

/* A progress line for each fetch that has run a second, then one every
 * interval. Under the lock. */
static void log_progress(struct status *s)
{
	int64_t now = isotime_now_us();

	for (struct activity *a = s->head; a; a = a->next) {
		struct figures f = figures_of(a, now);

		if (f.elapsed < 1 ||
		    (a->shown_us &&
		     now - a->shown_us < (int64_t)s->interval_s * 1000000))
			continue;
		a->shown_us = now;
		lf_info(
		    "%s/%s: %lu records, %lu pages, %.0f records/s, %.0f s, "
		    "%u waiting",
		    a->object, a->file, f.records, f.pages, f.rate, f.elapsed,
		    f.waiters);
	}
}

static void *ticker_main(void *arg)
{
	struct status *s = arg;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1; /* a fetch shows after a second */
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
		if (!s->stop)
			log_progress(s);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int status_start_ticker(struct status *s, unsigned interval_s)
{
	s->interval_s = interval_s ? interval_s : 1;
	if (pthread_create(&s->ticker, NULL, ticker_main, s))
		return -EAGAIN;
	s->ticking = 1;
	return 0;
}
