/* SPDX-License-Identifier: MIT */
/*
 * pacer: one wire's worth of bandwidth shared by threads. See pacer.h.
 */
#include "pacer.h"

#include <errno.h>
#include <time.h>

#define NS_PER_S     1000000000LL
#define PACER_SLICES 100 /* a chunk is a hundredth of a second's bytes */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int pacer_init(struct pacer *p, uint64_t rate)
{
	if (rate == 0)
		return -EINVAL;
	p->rate = rate;
	p->busy_ns = 0;
	return -pthread_mutex_init(&p->lock, NULL);
}

void pacer_destroy(struct pacer *p)
{
	pthread_mutex_destroy(&p->lock);
}

size_t pacer_chunk(const struct pacer *p)
{
	uint64_t n = p->rate / PACER_SLICES;

	if (n < PACER_CHUNK_MIN)
		return PACER_CHUNK_MIN;
	return n > PACER_CHUNK_MAX ? PACER_CHUNK_MAX : (size_t)n;
}

void pacer_wait(struct pacer *p, size_t n)
{
	int64_t start, done;
	struct timespec ts;

	pthread_mutex_lock(&p->lock);
	start = now_ns();
	if (start < p->busy_ns)
		start = p->busy_ns;
	done = start + (int64_t)((uint64_t)n * NS_PER_S / p->rate);
	p->busy_ns = done;
	pthread_mutex_unlock(&p->lock);
	ts.tv_sec = (time_t)(done / NS_PER_S);
	ts.tv_nsec = (long)(done % NS_PER_S);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}
