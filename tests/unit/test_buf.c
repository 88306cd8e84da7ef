/* SPDX-License-Identifier: MIT */
/* Unit tests for the capped growable buffer. */
#include "common/buf.h"

#include <errno.h>
#include <stdlib.h>

#include "check.h"

static void test_append_and_terminate(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK(buf_puts(&b, "abc") == 0);
	CHECK(buf_putc(&b, 'd') == 0);
	CHECK(buf_printf(&b, "-%d-", 42) == 0);
	CHECK(b.len == 8);
	CHECK_STR(b.data, "abcd-42-");
	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK_STR(b.data, "");
	buf_free(&b);
}

static void test_cap_refuses_growth(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK(buf_puts(&b, "0123456789") == 0);
	CHECK(buf_putc(&b, 'x') == -E2BIG);
	CHECK(b.len == 10);
	CHECK(buf_printf(&b, "%s", "more") == -E2BIG);
	CHECK_STR(b.data, "0123456789");
	buf_free(&b);
}

static void test_large_growth(void)
{
	struct buf b;
	int ok = 1;

	buf_init(&b, 0);
	for (int i = 0; i < 100000; i++)
		ok &= buf_append(&b, "0123456789", 10) == 0;
	CHECK(ok);
	CHECK(b.len == 1000000);
	CHECK(b.data[b.len] == '\0');
	buf_free(&b);
}

static void test_steal(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 0);
	s = buf_steal(&b);
	CHECK_STR(s, "");
	free(s);
	buf_puts(&b, "kept");
	s = buf_steal(&b);
	CHECK_STR(s, "kept");
	CHECK(b.data == NULL && b.len == 0);
	free(s);
}

int main(void)
{
	test_append_and_terminate();
	test_cap_refuses_growth();
	test_large_growth();
	test_steal();
	return check_result();
}
