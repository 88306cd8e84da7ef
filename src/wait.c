/* SPDX-License-Identifier: MIT */
/*
 * wait: sliced waits that ask a waiter whether it gave up. See wait.h.
 */
#include "wait.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"

int waiter_gave_up(const struct waiter *w)
{
	return w && w->gave_up && w->gave_up(w->arg);
}

void wait_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

int wait_slice(pthread_cond_t *c, pthread_mutex_t *lock, const struct waiter *w)
{
	struct timespec until;

	if (waiter_gave_up(w))
		return -EINTR;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += WAIT_SLICE_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(c, lock, &until);
	return 0;
}

int wait_fetch(pthread_cond_t *c, pthread_mutex_t *lock, const struct waiter *w,
	       const unsigned long *ended, unsigned *waiters, int *cancel,
	       int finish)
{
	unsigned long seen = *ended;
	int rc = 0;

	__atomic_store_n(waiters, *waiters + 1, __ATOMIC_RELAXED);
	while (*ended == seen && rc == 0)
		rc = wait_slice(c, lock, w);
	__atomic_store_n(waiters, *waiters - 1, __ATOMIC_RELAXED);
	if (rc && *waiters == 0 && !finish)
		__atomic_store_n(cancel, 1, __ATOMIC_RELEASE);
	return rc;
}

int wait_spawn(void *(*fn)(void *), void *arg, const char *what)
{
	pthread_attr_t attr;
	pthread_t th;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&th, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (rc)
		lf_err("%s: cannot start a thread for it: %s", what,
		       strerror(rc));
	return -rc;
}
