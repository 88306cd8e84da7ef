/* SPDX-License-Identifier: MIT */
/*
 * check: the unit tests' tiny assertion kit. A failed CHECK prints the
 * expression and location and marks the test failed; the test goes on so
 * one run shows every failure. main() ends with `return check_result();`.
 */
#ifndef LF_CHECK_H
#define LF_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(expr) \
	do { \
		check_count++; \
		if (!(expr)) { \
			check_failures++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #expr); \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *check_a_ = (a), *check_b_ = (b); \
		check_count++; \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) { \
			check_failures++; \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, \
				__LINE__, check_a_ ? check_a_ : "(null)", \
				check_b_ ? check_b_ : "(null)"); \
		} \
	} while (0)

static inline int check_result(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
