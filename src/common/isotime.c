/* SPDX-License-Identifier: MIT */
/*
 * isotime: microsecond ISO 8601 timestamps. See isotime.h.
 */
#include "isotime.h"

#include <ctype.h>
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

/* ------------------------------------------------------------ parsing --- */

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

/* Skips c at *s if it is there; returns whether it was. */
static int skip(const char **s, char c)
{
	if (**s != c)
		return 0;
	(*s)++;
	return 1;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};

	return days[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The day of an ISO week date (week 1 holds January 4th), or -EINVAL. */
static int week_day(int y, int week, int wday, int64_t *days)
{
	int64_t jan4 = days_from_civil(y, 1, 4);
	int jan4_wday = (int)(((jan4 + 3) % 7 + 7) % 7) + 1; /* 1: Monday */
	int64_t next = days_from_civil(y + 1, 1, 4);
	int next_wday = (int)(((next + 3) % 7 + 7) % 7) + 1;
	int64_t monday1 = jan4 - (jan4_wday - 1);
	int weeks = (int)((next - (next_wday - 1) - monday1) / 7);

	if (week < 1 || week > weeks || wday < 1 || wday > 7)
		return -EINVAL;
	*days = monday1 + (week - 1) * 7 + (wday - 1);
	/* The last weeks of 9999 reach into a year of five digits. */
	return *days > days_from_civil(9999, 12, 31) ? -EINVAL : 0;
}

/*
 * The date: YYYY-MM-DD or YYYYMMDD, or an ISO week date YYYY-Www[-D] or
 * YYYYWww[D]. Sets *days since the epoch.
 */
static int parse_date(const char **s, int64_t *days)
{
	int y, mo, d, wday = 1, dash;

	if (digits(s, 4, &y) || y < 1)
		return -EINVAL;
	dash = skip(s, '-');
	if (skip(s, 'W')) {
		const char *p = *s + 2 + dash;

		if (digits(s, 2, &mo))
			return -EINVAL;
		/* A day follows unless the digit after it makes "-HH", as
		 * fromisoformat() decides: then '-' separates the time. */
		if ((!dash || **s == '-') && isdigit((unsigned char)p[0]) &&
		    !(dash && isdigit((unsigned char)p[1]))) {
			*s = p;
			wday = p[0] - '0';
			(*s)++;
		}
		return week_day(y, mo, wday, days);
	}
	if (digits(s, 2, &mo) || skip(s, '-') != dash || digits(s, 2, &d) ||
	    mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	*days = days_from_civil(y, mo, d);
	return 0;
}

/*
 * A fraction after the seconds: '.' or ',' and one or more digits, read to
 * the microsecond (digits past the sixth are dropped).
 */
static int parse_fraction(const char **s, long *frac)
{
	int n = 0;

	*frac = 0;
	if (**s != '.' && **s != ',')
		return 0;
	(*s)++;
	for (; **s >= '0' && **s <= '9'; (*s)++, n++) {
		if (n < 6)
			*frac = *frac * 10 + (**s - '0');
	}
	if (n == 0)
		return -EINVAL;
	for (; n < 6; n++)
		*frac *= 10;
	return 0;
}

/*
 * A time of day, or an offset's amount: HH[:MM[:SS[.f]]] or HH[MM[SS[.f]]]
 * (the separator of the first pair sets the rest). Sets *us since midnight.
 */
static int parse_clock(const char **s, int64_t *us)
{
	int h, mi = 0, se = 0, colon;
	long frac = 0;

	if (digits(s, 2, &h))
		return -EINVAL;
	colon = **s == ':';
	if (colon ? skip(s, ':') : **s >= '0' && **s <= '9') {
		if (digits(s, 2, &mi))
			return -EINVAL;
		if (colon ? skip(s, ':') : **s >= '0' && **s <= '9') {
			if (digits(s, 2, &se) || parse_fraction(s, &frac))
				return -EINVAL;
		}
	}
	if (h > 23 || mi > 59 || se > 59)
		return -EINVAL;
	*us = ((int64_t)h * 3600 + mi * 60 + se) * 1000000 + frac;
	return 0;
}

/* The offset after a time: none (UTC), Z, or +/- an amount under 24 h. */
static int parse_offset(const char **s, int64_t *off)
{
	int sign = **s == '-' ? -1 : 1;

	*off = 0;
	if (!**s || skip(s, 'Z'))
		return 0;
	if (!skip(s, '+') && !skip(s, '-'))
		return -EINVAL;
	if (parse_clock(s, off))
		return -EINVAL;
	*off *= sign;
	return 0;
}

int isotime_parse(const char *s, int64_t *us)
{
	int64_t days, clock = 0, off = 0;

	if (!s || parse_date(&s, &days))
		return -EINVAL;
	/* Any one character but a digit may separate the date and time. */
	if (*s && ((*s >= '0' && *s <= '9') || !*++s ||
		   parse_clock(&s, &clock) || parse_offset(&s, &off)))
		return -EINVAL;
	if (*s)
		return -EINVAL;
	*us = days * 86400 * 1000000 + clock - off;
	return 0;
}
