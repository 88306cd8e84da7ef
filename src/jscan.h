/* SPDX-License-Identifier: MIT */
/*
 * jscan: a strict JSON scanner that works on the text where it lies. It
 * checks a whole text in one pass, then finds values in it as byte spans:
 * the members of an object, the elements of an array, the value a JSON
 * pointer names. It never builds a tree and copies nothing unless asked
 * to (decoding a string, compacting a value). It does no I/O and knows
 * nothing of pages, records or tables.
 *
 * What jscan_check() accepts is RFC 8259 JSON and nothing else:
 *   - one value of any type, with only space, tab, CR and LF around and
 *     between tokens (no byte order mark, no comments, no NaN or Infinity,
 *     no trailing commas, no single quotes);
 *   - numbers by the RFC's grammar (no leading zeros, no "1.", no "+1"),
 *     of any length: a number is its text, never converted, so big
 *     integers and exponents keep every digit;
 *   - strings of valid UTF-8 (no overlong forms, no encoded surrogates,
 *     nothing above U+10FFFF) without raw control characters (U+0000 to
 *     U+001F must be escaped); escapes are the RFC's eight plus \uXXXX,
 *     and a \u escape of a lone surrogate is accepted (it decodes to
 *     U+FFFD);
 *   - values nested at most JSCAN_DEPTH_MAX deep, counting the outermost
 *     value as 1;
 *   - duplicate member names: accepted, and every lookup here answers the
 *     last one, as json-c, jq and Python's json module do.
 * json-c's strict mode, which this replaced, let some of the refused
 * through; tests/fuzz/jsonc_diff.h lists how the two differ.
 *
 * The functions that navigate (jscan_next, jscan_member, jscan_pointer,
 * jscan_string_*, jscan_compact) expect a value out of a checked text. On
 * any other bytes they still never read outside the value's span, but
 * their answers mean nothing.
 *
 * Ownership: a struct jscan_value borrows the text it was found in and
 * its doc, and is valid while both are. A doc owns its index (below).
 * Nothing else here allocates but the functions that append to a caller's
 * struct buf, which the caller owns.
 */
#ifndef LF_JSCAN_H
#define LF_JSCAN_H

#include <stddef.h>

#include "common/buf.h"

/* Values nest at most this deep (the outermost is 1), as json-c allowed. */
#define JSCAN_DEPTH_MAX	 32
#define JSCAN_ERROR_SIZE 64

enum jscan_type {
	JSCAN_INVALID, /* an empty span */
	JSCAN_OBJECT,
	JSCAN_ARRAY,
	JSCAN_STRING,
	JSCAN_NUMBER,
	JSCAN_TRUE,
	JSCAN_FALSE,
	JSCAN_NULL,
};

struct jscan_doc;

/*
 * One value of a checked text: its bytes, from its first to its last, and
 * the document it was found in (NULL: the navigating functions then find
 * the ends of objects and arrays by reading them).
 */
struct jscan_value {
	const char *p;
	size_t len;
	const struct jscan_doc *doc;
};

/*
 * A checked text. Besides its root it keeps where each object and array
 * ends, so that walking past one costs nothing; this index is owned by the
 * doc, grows to at most a sixteenth of the text's bytes in entries, and
 * when it is full (or memory is short) the navigating functions read
 * instead. A doc must stay where it is while its values are used.
 */
struct jscan_doc {
	struct jscan_value root;
	int compact; /* no whitespace between the tokens of root */
	int escapes; /* some string of the text holds a backslash escape */
	/* When jscan_check() refused the text: where and why, else "". */
	size_t error_offset;
	char error[JSCAN_ERROR_SIZE];
	/* private */
	const char *text;
	size_t *index; /* start and end offsets of each container, by start */
	size_t nindex, aindex;
};

/* An empty doc; jscan_doc_free() releases it, whatever was checked in it. */
void jscan_doc_init(struct jscan_doc *doc);
void jscan_doc_free(struct jscan_doc *doc);

/*
 * Checks that text (len bytes, need not be NUL-terminated) is one JSON
 * value as described above, reusing doc's storage. Returns 0 with
 * doc->root set, or -EINVAL with doc->error saying why (e.g. "unexpected
 * end", "invalid UTF-8") and doc->error_offset the offset of the first
 * byte that is wrong. The text must outlive the doc's use.
 */
int jscan_check(struct jscan_doc *doc, const char *text, size_t len);

/*
 * jscan_check(), which when the root is an object also finds in the same
 * pass what jscan_members(&doc->root, names, lens, n, out) would (out[]
 * holds empty spans when the root is no object or the text is refused).
 */
int jscan_check_members(struct jscan_doc *doc, const char *text, size_t len,
			const char *const *names, const size_t *lens, size_t n,
			struct jscan_value *out);

/* The type of v, from its first byte. */
static inline enum jscan_type jscan_type(const struct jscan_value *v)
{
	if (!v->len)
		return JSCAN_INVALID;
	switch (v->p[0]) {
	case '{':
		return JSCAN_OBJECT;
	case '[':
		return JSCAN_ARRAY;
	case '"':
		return JSCAN_STRING;
	case 't':
		return JSCAN_TRUE;
	case 'f':
		return JSCAN_FALSE;
	case 'n':
		return JSCAN_NULL;
	}
	return JSCAN_NUMBER;
}

const char *jscan_type_name(enum jscan_type t);

/* Walks the members of an object or the elements of an array, in order. */
struct jscan_iter {
	const char *p;
	const char *end;
	const struct jscan_doc *doc;
	int object;
};

/* Starts a walk over v, an object or an array; -EINVAL if it is neither. */
int jscan_iter_start(struct jscan_iter *it, const struct jscan_value *v);
/*
 * The next member (its name, quotes included, in *key when key is not
 * NULL) or element: returns 1 with *val set, or 0 at the end.
 */
int jscan_next(struct jscan_iter *it, struct jscan_value *key,
	       struct jscan_value *val);

/*
 * Finds the members of object obj named names[0] to names[n - 1] (lens[i]
 * bytes each, compared with the member names decoded) in one walk: out[i]
 * is the last member of that name, or an empty span (JSCAN_INVALID) when
 * there is none. Returns 0, or -EINVAL when obj is not an object.
 */
int jscan_members(const struct jscan_value *obj, const char *const *names,
		  const size_t *lens, size_t n, struct jscan_value *out);

/*
 * The member of object obj named name (len bytes, compared with the
 * member names decoded), the last one if there are several. Returns 0,
 * or -ENOENT when there is none or obj is not an object.
 */
int jscan_member(const struct jscan_value *obj, const char *name, size_t len,
		 struct jscan_value *out);

/*
 * The value that the JSON pointer (RFC 6901: "" is v itself, "/a/0/b"
 * the member b of element 0 of member a, "~1" and "~0" stand for '/' and
 * '~') names inside v. Returns 0, -ENOENT when it names nothing, or
 * -EINVAL when pointer is not a JSON pointer.
 */
int jscan_pointer(const struct jscan_value *v, const char *pointer,
		  struct jscan_value *out);

/* Whether string s (a string value) decodes to the len bytes of want. */
int jscan_string_is(const struct jscan_value *s, const char *want, size_t len);
/*
 * Appends string s decoded (escapes resolved, UTF-8) to out. Returns 0,
 * -EINVAL when s is not a string, or buf_append()'s -E2BIG or -ENOMEM.
 */
int jscan_string_decode(const struct jscan_value *s, struct buf *out);

/*
 * Appends v's bytes to out without the whitespace between its tokens:
 * strings and numbers keep their exact bytes. Returns 0, -E2BIG or -ENOMEM.
 */
int jscan_compact(const struct jscan_value *v, struct buf *out);

#endif
