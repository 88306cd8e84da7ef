/* SPDX-License-Identifier: MIT */
/*
 * jsonc_diff: what json-c's strict tokener and jscan may disagree on, as
 * jscan.h documents it, for the differential fuzz targets. json-c accepts,
 * and jscan refuses: invalid UTF-8, raw control characters in strings,
 * member names in single quotes, NaN and Infinity, and numbers outside
 * RFC 8259's grammar: leading zeros ("00", "01.5", "-01"), no digit after
 * the point ("1.", "1.e5") or before it ("-.5"). jscan accepts, and json-c
 * refuses: a text that is a number or true, false or null and nothing
 * else, which json-c waits to see continue.
 */
#ifndef LF_JSONC_DIFF_H
#define LF_JSONC_DIFF_H

#include <string.h>

#include "jscan.h"

/* Whether jscan's refusal of text (doc says where and why) is one that
 * json-c strict mode does not make. */
static inline int jscan_refuses_more(const char *text, size_t len,
				     const struct jscan_doc *doc)
{
	size_t at = doc->error_offset;
	unsigned char c = at < len ? (unsigned char)text[at] : 0;

	if (strstr(doc->error, "invalid UTF-8") ||
	    strstr(doc->error, "control character"))
		return 1;
	if (c == 'N' || c == 'I') /* NaN, Infinity, -Infinity */
		return 1;
	if (c == '\'') /* {'name': ...} */
		return 1;
	/* Refused right after the start of a number: its grammar. */
	return at >= 1 && text[at - 1] &&
	       strchr("0123456789.eE+-", text[at - 1]);
}

/* Whether jscan's acceptance of text is one json-c refuses: a bare
 * number or literal, nothing after it. */
static inline int jscan_accepts_more(const char *text, size_t len)
{
	char c = len ? text[len - 1] : 0;

	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

#endif
