/* SPDX-License-Identifier: MIT */
/*
 * wait: waits a caller can give up.
 *
 * A caller that waits for someone else's work (a download, a refresh)
 * passes a struct waiter: a "should I give up?" callback that the waiting
 * code asks about every WAIT_SLICE_MS. The FUSE layer's says whether the
 * kernel interrupted the request (the process that waits got a signal);
 * the lower layers never call FUSE, they only ask the callback. The
 * condition variables waited on this way use the monotonic clock
 * (wait_cond_init()), so a change of the wall clock never stretches a
 * slice.
 */
#ifndef LF_WAIT_H
#define LF_WAIT_H

#include <pthread.h>

/* How long a wait goes on before it asks its waiter again. */
#define WAIT_SLICE_MS 100

struct waiter {
	int (*gave_up)(void *arg); /* non-zero once the caller gives up */
	void *arg;
};

/* Whether w gave up; a NULL waiter (or callback) never does. */
int waiter_gave_up(const struct waiter *w);

/* Initializes c for wait_slice(). */
void wait_cond_init(pthread_cond_t *c);

/*
 * With lock held: returns -EINTR at once if w gave up, else waits on c
 * for at most WAIT_SLICE_MS and returns 0 (the caller looks at its
 * condition again; spurious wake-ups included).
 */
int wait_slice(pthread_cond_t *c, pthread_mutex_t *lock,
	       const struct waiter *w);

/*
 * Waits, with lock held, for a fetch another thread runs: until *ended
 * moves past the value it had at the call (returns 0), or until w gives up
 * (returns -EINTR). The caller is counted in *waiters meanwhile (stored
 * atomically, for status); the last one to give up raises *cancel
 * (atomically) unless finish is set. c must be signalled when *ended
 * moves.
 */
int wait_fetch(pthread_cond_t *c, pthread_mutex_t *lock, const struct waiter *w,
	       const unsigned long *ended, unsigned *waiters, int *cancel,
	       int finish);

/*
 * Starts fn(arg) on a detached thread of its own. Returns 0 or -errno
 * (logged, naming what).
 */
int wait_spawn(void *(*fn)(void *), void *arg, const char *what);

#endif
