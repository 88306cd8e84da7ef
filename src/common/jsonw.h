/* SPDX-License-Identifier: MIT */
/*
 * jsonw: writes JSON text straight into a struct buf.
 *
 * The simulated servers build their answers as text rather than as json-c
 * trees: seeded rows are generated on demand and stored rows are kept as
 * text, so a page is a concatenation and readers never share json-c objects
 * between threads (json-c reference counts and cached strings are not
 * thread-safe). Each function returns 0 or -errno from the buffer.
 */
#ifndef LF_JSONW_H
#define LF_JSONW_H

#include <stddef.h>

#include "common/buf.h"

/* Writes s as a quoted JSON string, escaping what JSON requires. */
int jsonw_str(struct buf *b, const char *s);
/* Writes "key": (quoted key, colon), for object members. */
int jsonw_key(struct buf *b, const char *key);
/*
 * Writes a double in its shortest round-trip form, always with a decimal
 * point or exponent so it reads back as a double ("10.0", "53.3").
 */
int jsonw_double(struct buf *b, double v);
/* Formats a double the same way into out (at least 32 bytes). */
void jsonw_format_double(double v, char *out, size_t len);

#endif
