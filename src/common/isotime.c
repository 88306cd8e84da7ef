/* SPDX-License-Identifier: MIT */
/*
 * isotime: microsecond ISO 8601 timestamps. See isotime.h.
 */
#include "isotime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t isotime_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Splits us into whole seconds and a non-negative microsecond remainder. */
static void split_us(int64_t us, time_t *sec, long *frac)
{
	int64_t s = us / 1000000, f = us % 1000000;

	if (f < 0) {
		f += 1000000;
		s -= 1;
	}
	*sec = (time_t)s;
	*frac = (long)f;
}

void isotime_format(int64_t us, char out[ISOTIME_SIZE])
{
	struct tm tm;
	time_t sec;
	long frac;

	char tmp[96]; /* roomy so the compiler can prove no truncation */

	split_us(us, &sec, &frac);
	gmtime_r(&sec, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, frac);
	memcpy(out, tmp, ISOTIME_SIZE - 1);
	out[ISOTIME_SIZE - 1] = '\0';
}

void isotime_format_s(int64_t s, char out[ISOTIME_SIZE])
{
	time_t sec = (time_t)s;
	struct tm tm;
	char tmp[96]; /* roomy so the compiler can prove no truncation */

	gmtime_r(&sec, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, 20); /* "YYYY-MM-DDTHH:MM:SSZ" */
	out[20] = '\0';
}

void isotime_format_date(int64_t us, char out[ISOTIME_SIZE])
{
	struct tm tm;
	time_t sec;
	long frac;

	char tmp[64];

	split_us(us, &sec, &frac);
	gmtime_r(&sec, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, tmp, 11); /* "YYYY-MM-DD" and its NUL */
}

/* Reads exactly n decimal digits at *s, advancing it. */
static int digits(const char **s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -EINVAL;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int expect(const char **s, char c)
{
	if (**s != c)
		return -EINVAL;
	(*s)++;
	return 0;
}

/* Parses an optional ".ffffff" (1 to 6 digits) into microseconds. */
static int parse_fraction(const char **s, long *frac)
{
	int n = 0;

	*frac = 0;
	if (**s != '.')
		return 0;
	(*s)++;
	while (**s >= '0' && **s <= '9') {
		if (n < 6)
			*frac = *frac * 10 + (**s - '0');
		n++;
		(*s)++;
	}
	if (n == 0)
		return -EINVAL;
	for (; n < 6; n++)
		*frac *= 10;
	return 0;
}

/* Parses "Z", "+HH:MM" or "-HH:MM" into an offset in seconds. */
static int parse_offset(const char **s, long *off)
{
	int sign, hh, mm;

	if (**s == 'Z') {
		(*s)++;
		*off = 0;
		return 0;
	}
	if (**s != '+' && **s != '-')
		return -EINVAL;
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (digits(s, 2, &hh) || expect(s, ':') || digits(s, 2, &mm))
		return -EINVAL;
	*off = sign * (hh * 3600L + mm * 60L);
	return 0;
}

int isotime_parse(const char *s, int64_t *us)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	long frac = 0, off = 0;
	time_t t;

	if (!s || digits(&s, 4, &y) || expect(&s, '-') || digits(&s, 2, &mo) ||
	    expect(&s, '-') || digits(&s, 2, &d))
		return -EINVAL;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) || expect(&s, ':') || digits(&s, 2, &mi) ||
		    expect(&s, ':') || digits(&s, 2, &se) ||
		    parse_fraction(&s, &frac) || parse_offset(&s, &off))
			return -EINVAL;
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	*us = ((int64_t)t - off) * 1000000 + frac;
	return 0;
}
