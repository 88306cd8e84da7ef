/* SPDX-License-Identifier: MIT */
/*
 * isotime: the API's timestamps, ISO 8601 with microseconds and an explicit
 * UTC offset ("2026-11-21T21:26:15.123456+00:00"), to and from microseconds
 * since the Unix epoch. Fixed width, so string order is time order.
 */
#ifndef LF_ISOTIME_H
#define LF_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

#define ISOTIME_LEN 32 /* "YYYY-MM-DDTHH:MM:SS.uuuuuu+00:00" */
#define ISOTIME_SIZE (ISOTIME_LEN + 1)

/* Current wall-clock time in microseconds since the epoch. */
int64_t isotime_now_us(void);
/* Writes the timestamp for us into out (ISOTIME_SIZE bytes). */
void isotime_format(int64_t us, char out[ISOTIME_SIZE]);
/* Writes whole seconds s as "YYYY-MM-DDTHH:MM:SSZ" into out. */
void isotime_format_s(int64_t s, char out[ISOTIME_SIZE]);
/* Writes the date part only ("YYYY-MM-DD") into out. */
void isotime_format_date(int64_t us, char out[ISOTIME_SIZE]);
/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)" or a bare date.
 * Returns 0 and sets *us, or -EINVAL.
 */
int isotime_parse(const char *s, int64_t *us);

#endif
