/* SPDX-License-Identifier: MIT */
/*
 * jsonw: JSON text output into a struct buf. See jsonw.h.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The escape for byte c, or NULL when it goes out as it is. */
static const char *escape_of(unsigned char c, char tmp[8])
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	default:
		break;
	}
	if (c >= 0x20)
		return NULL;
	snprintf(tmp, 8, "\\u%04x", c);
	return tmp;
}

int jsonw_str(struct buf *b, const char *s)
{
	const char *run = s, *esc;
	char tmp[8];
	int rc;

	rc = buf_putc(b, '"');
	for (; rc == 0 && *s; s++) {
		esc = escape_of((unsigned char)*s, tmp);
		if (!esc)
			continue;
		rc = buf_append(b, run, (size_t)(s - run));
		if (rc == 0)
			rc = buf_puts(b, esc);
		run = s + 1;
	}
	if (rc == 0)
		rc = buf_append(b, run, (size_t)(s - run));
	if (rc == 0)
		rc = buf_putc(b, '"');
	return rc;
}

int jsonw_key(struct buf *b, const char *key)
{
	int rc = jsonw_str(b, key);

	return rc ? rc : buf_putc(b, ':');
}

void jsonw_format_double(double v, char *out, size_t len)
{
	if (!isfinite(v)) { /* JSON has no NaN or infinity */
		snprintf(out, len, "null");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, len, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (!strpbrk(out, ".eE") && strlen(out) + 3 <= len)
		strcat(out, ".0");
}

int jsonw_double(struct buf *b, double v)
{
	char tmp[40];

	jsonw_format_double(v, tmp, sizeof(tmp));
	return buf_puts(b, tmp);
}
