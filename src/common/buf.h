/* SPDX-License-Identifier: MIT */
/*
 * buf: a growable byte buffer with a hard size cap.
 *
 * Used for HTTP bodies and generated JSON. The cap turns a runaway input
 * into an error (-E2BIG) instead of an out-of-memory. The buffer owns its
 * storage; buf_free() releases it. Contents are always NUL-terminated so a
 * buffer can be handed to string functions, but may contain NULs too.
 */
#ifndef LF_BUF_H
#define LF_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated, NULL until the first append */
	size_t len;   /* bytes used, not counting the terminator */
	size_t alloc; /* bytes allocated */
	size_t cap;   /* hard limit on len; 0 means unlimited */
};

/* Starts an empty buffer that refuses to grow past cap bytes (0: no cap). */
void buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);
/* Empties the buffer but keeps its storage for reuse. */
void buf_reset(struct buf *b);

/* Each returns 0, -E2BIG when the cap would be passed, or -ENOMEM. */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Hands the storage to the caller (who frees it) and empties the buffer. */
char *buf_steal(struct buf *b);

#endif
