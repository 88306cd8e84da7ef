/* SPDX-License-Identifier: MIT */
/*
 * isotime: the API's timestamps, ISO 8601 with microseconds and an explicit
 * UTC offset ("2026-11-21T21:26:15.123456+00:00"), to and from microseconds
 * since the Unix epoch. Fixed width, so string order is time order. Parsing
 * also takes the other ISO 8601 forms a user may write (isotime_parse()).
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
 * Parses the ISO 8601 forms Python 3.11's datetime.fromisoformat() takes:
 * a date (YYYY-MM-DD, YYYYMMDD, or a week date YYYY-Www[-D], YYYYWww[D]),
 * alone or followed by any one non-digit character and a time HH[:MM[:SS]]
 * or HH[MM[SS]], seconds with a fraction of any length after '.' or ','
 * (read to the microsecond, the rest dropped), and an offset: none, Z, or
 * +/- HH[:MM[:SS[.f]]] (or without colons) under 24 hours. A value without
 * an offset is UTC. Dates and times must exist (no February 30th, hour 24
 * or second 60). Returns 0 and sets *us, or -EINVAL.
 */
int isotime_parse(const char *s, int64_t *us);

#endif
