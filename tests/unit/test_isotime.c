/* SPDX-License-Identifier: MIT */
/* Unit tests for microsecond ISO 8601 timestamps. */
#include "common/isotime.h"

#include <errno.h>
#include <string.h>

#include "check.h"

static void test_format(void)
{
	char s[ISOTIME_SIZE];

	isotime_format(0, s);
	CHECK_STR(s, "1970-01-01T00:00:00.000000+00:00");
	isotime_format(1795814775123456LL, s);
	CHECK_STR(s, "2026-11-27T21:26:15.123456+00:00");
	CHECK(strlen(s) == ISOTIME_LEN);
	isotime_format(-1, s);
	CHECK_STR(s, "1969-12-31T23:59:59.999999+00:00");
	isotime_format_date(1795814775123456LL, s);
	CHECK_STR(s, "2026-11-27");
	isotime_format_s(1795814775, s);
	CHECK_STR(s, "2026-11-27T21:26:15Z");
	isotime_format_s(0, s);
	CHECK_STR(s, "1970-01-01T00:00:00Z");
}

static void test_parse(void)
{
	int64_t us = 0;

	CHECK(isotime_parse("2026-11-27T21:26:15.123456+00:00", &us) == 0);
	CHECK(us == 1795814775123456LL);
	CHECK(isotime_parse("2026-11-27T21:26:15Z", &us) == 0);
	CHECK(us == 1795814775000000LL);
	CHECK(isotime_parse("2026-11-27T22:26:15.5+01:00", &us) == 0);
	CHECK(us == 1795814775500000LL);
	CHECK(isotime_parse("2026-11-27", &us) == 0);
	CHECK(us == 1795737600000000LL);
	CHECK(isotime_parse("2026-11-27T21:26", &us) == -EINVAL);
	CHECK(isotime_parse("2026-13-01T00:00:00Z", &us) == -EINVAL);
	CHECK(isotime_parse("yesterday", &us) == -EINVAL);
	CHECK(isotime_parse("2026-11-27T21:26:15.+00:00", &us) == -EINVAL);
	CHECK(isotime_parse("2026-11-27T21:26:15+00:00trailing", &us) == -EINVAL);
	CHECK(isotime_parse(NULL, &us) == -EINVAL);
}

static void test_round_trip_and_order(void)
{
	char a[ISOTIME_SIZE], b[ISOTIME_SIZE];
	int64_t us;

	for (int64_t t = 1700000000000000LL; t < 1700000000000000LL + 5000000;
	     t += 999999) {
		isotime_format(t, a);
		CHECK(isotime_parse(a, &us) == 0 && us == t);
		isotime_format(t + 1, b);
		CHECK(strcmp(a, b) < 0);
	}
}

int main(void)
{
	test_format();
	test_parse();
	test_round_trip_and_order();
	return check_result();
}
