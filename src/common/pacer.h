/* SPDX-License-Identifier: MIT */
/*
 * pacer: a shared link of limited bandwidth, for the simulated servers.
 *
 * Every connection that sends through one pacer shares its rate, as if
 * all the answers went down one wire: a chunk waits for the chunks queued
 * before it, then for its own transmission time, and only then is handed
 * to the socket. Idle time earns no credit, so there are no bursts. Safe
 * from any thread; the pacer owns nothing but its lock.
 */
#ifndef LF_PACER_H
#define LF_PACER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define PACER_CHUNK_MIN 256   /* bytes per wait, at the lowest rates */
#define PACER_CHUNK_MAX 16384 /* bytes per wait, at high rates */

struct pacer {
	pthread_mutex_t lock;
	uint64_t rate;	 /* bytes per second, > 0 */
	int64_t busy_ns; /* CLOCK_MONOTONIC time the wire is busy until */
};

/* Starts a pacer of rate bytes per second (> 0). 0 or -errno. */
int pacer_init(struct pacer *p, uint64_t rate);
void pacer_destroy(struct pacer *p);
/* How many bytes to send per pacer_wait: about 10 ms of the rate. */
size_t pacer_chunk(const struct pacer *p);
/* Blocks until n more bytes have crossed the wire after those before. */
void pacer_wait(struct pacer *p, size_t n);

#endif
