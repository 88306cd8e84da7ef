/* SPDX-License-Identifier: MIT */
/*
 * jscan: checking JSON text and finding values in it by span. See jscan.h.
 * It owns the JSON grammar (what is accepted, what each refusal says) and
 * the decoding of strings; what a page or a CSV row makes of the values
 * is page.c's and csvout.c's.
 *
 * The checker reads each byte once. Inside strings, where most bytes of a
 * record are, it looks at eight bytes at a time for the few that need a
 * second look ('"', '\\', control characters, non-ASCII), as do the
 * navigating functions, which on checked text only need to find the
 * closing quote.
 */
#include "jscan.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- bytes --- */

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define LOWS  0x7f7f7f7f7f7f7f7fULL

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* 0x80 in each byte of x that is zero, and nowhere else. */
static inline uint64_t zero_bytes(uint64_t x)
{
	return ~(((x & LOWS) + LOWS) | x) & HIGHS;
}

/* 0x80 in each byte of w that is c, and nowhere else. */
static inline uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	return zero_bytes(w ^ (ONES * c));
}

/* 0x80 in each byte of w that is a control character (below 0x20). */
static inline uint64_t bytes_control(uint64_t w)
{
	return ~(((w & LOWS) + ONES * 0x60) | w) & HIGHS;
}

/* The index of the first byte of the eight that a mask marks. */
static inline size_t first_marked(uint64_t mask)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(mask) / 8;
#else
	return (size_t)__builtin_ctzll(mask) / 8;
#endif
}

/* A byte that ends a run of plain string bytes: '"', '\', a control
 * character, or a byte of UTF-8 beyond ASCII. */
static inline int string_special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

/* The first byte from p on that string_special() marks, or end. */
static inline const unsigned char *find_special(const unsigned char *p,
						const unsigned char *end)
{
	uint64_t w, m;

	for (; end - p >= 8; p += 8) {
		w = load8(p);
		m = bytes_equal(w, '"') | bytes_equal(w, '\\') |
		    bytes_control(w) | (w & HIGHS);
		if (m)
			return p + first_marked(m);
	}
	while (p < end && !string_special(*p))
		p++;
	return p;
}

/* The first '"' or '\\' from p on, or end. */
static inline const unsigned char *find_quote(const unsigned char *p,
					      const unsigned char *end)
{
	uint64_t w, m;

	for (; end - p >= 8; p += 8) {
		w = load8(p);
		m = bytes_equal(w, '"') | bytes_equal(w, '\\');
		if (m)
			return p + first_marked(m);
	}
	while (p < end && *p != '"' && *p != '\\')
		p++;
	return p;
}

static inline int is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline const unsigned char *skip_ws(const unsigned char *p,
					   const unsigned char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The value of the four hex digits at p, or -1. */
static long hex4(const unsigned char *p)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = hex_value(p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The length of the valid UTF-8 sequence of 2 to 4 bytes at p, or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0xc2 || c > 0xf4)
		return 0; /* ASCII, a continuation, overlong, or too high */
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if ((size_t)(end - p) < n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* ---------------------------------------------------------- index --- */

void jscan_doc_init(struct jscan_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void jscan_doc_free(struct jscan_doc *doc)
{
	free(doc->index);
	jscan_doc_init(doc);
}

/* Notes that a container starts at offset off; returns its slot, or
 * SIZE_MAX when the index is full. */
static size_t index_open(struct jscan_doc *doc, size_t off, size_t len)
{
	size_t cap = len / 16 + 16, alloc;
	size_t *ix;

	if (doc->nindex == doc->aindex) {
		alloc = doc->aindex ? 2 * doc->aindex : 64;
		if (alloc > cap)
			alloc = cap;
		if (alloc <= doc->aindex)
			return SIZE_MAX;
		ix = realloc(doc->index, 2 * alloc * sizeof(*ix));
		if (!ix)
			return SIZE_MAX; /* reading instead costs time only */
		doc->index = ix;
		doc->aindex = alloc;
	}
	doc->index[2 * doc->nindex] = off;
	doc->index[2 * doc->nindex + 1] = 0;
	return doc->nindex++;
}

static void index_close(struct jscan_doc *doc, size_t slot, size_t end)
{
	if (slot != SIZE_MAX)
		doc->index[2 * slot + 1] = end;
}

/* Where the container at p ends, if doc's index knows; else NULL. */
static const unsigned char *index_end(const struct jscan_doc *doc,
				      const unsigned char *p)
{
	const unsigned char *text;
	size_t lo = 0, hi, mid, off;

	if (!doc || !doc->nindex)
		return NULL;
	text = (const unsigned char *)doc->text;
	if (p < text)
		return NULL;
	off = (size_t)(p - text);
	hi = doc->nindex;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (doc->index[2 * mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == doc->nindex || doc->index[2 * lo] != off ||
	    !doc->index[2 * lo + 1])
		return NULL;
	return text + doc->index[2 * lo + 1];
}

/* ------------------------------------------------------- checking --- */

/* The members of the root that jscan_check_members() looks for. */
struct select {
	const char *const *names;
	const size_t *lens;
	size_t n;
	size_t hint; /* the name to try first */
	struct jscan_value *out;
};

struct scan {
	const unsigned char *start, *p, *end;
	struct jscan_doc *doc;
	struct select *sel; /* NULL: none */
};

static void select_member(struct select *sel, const struct jscan_value *k,
			  const struct jscan_value *v);

static int scan_fail(struct scan *s, const unsigned char *at, const char *why)
{
	s->doc->error_offset = (size_t)(at - s->start);
	snprintf(s->doc->error, sizeof(s->doc->error), "%s", why);
	return -EINVAL;
}

/* Refuses the byte at s->p, or the end of the text. */
static int scan_unexpected(struct scan *s, const char *wanted)
{
	char why[JSCAN_ERROR_SIZE];

	if (s->p >= s->end)
		return scan_fail(s, s->p, "unexpected end");
	if (*s->p >= 0x20 && *s->p < 0x7f)
		snprintf(why, sizeof(why), "'%c' where %s", *s->p, wanted);
	else
		snprintf(why, sizeof(why), "byte 0x%02x where %s", *s->p,
			 wanted);
	return scan_fail(s, s->p, why);
}

/* Skips whitespace inside the root value: the root is then not compact. */
static inline void scan_ws(struct scan *s)
{
	if (s->p < s->end && is_ws(*s->p)) {
		s->p = skip_ws(s->p, s->end);
		s->doc->compact = 0;
	}
}

/* The byte at s->p, or 0 at the end (never a valid byte there). */
static inline unsigned char scan_peek(const struct scan *s)
{
	return s->p < s->end ? *s->p : 0;
}

/* A backslash escape at s->p. */
static int scan_escape(struct scan *s)
{
	const unsigned char *p = s->p;

	if (s->end - p < 2)
		return scan_fail(s, s->end, "unexpected end");
	s->doc->escapes = 1;
	if (p[1] && strchr("\"\\/bfnrt", p[1])) {
		s->p = p + 2;
		return 0;
	}
	if (p[1] != 'u')
		return scan_fail(s, p, "invalid escape");
	if (s->end - p < 6)
		return scan_fail(s, s->end, "unexpected end");
	if (hex4(p + 2) < 0)
		return scan_fail(s, p, "invalid \\u escape");
	s->p = p + 6;
	return 0;
}

/* A string: s->p is at its opening quote. */
static int scan_string(struct scan *s)
{
	const unsigned char *p = s->p + 1, *end = s->end;
	size_t n;
	int rc;

	for (;;) {
		p = find_special(p, end);
		if (p >= end)
			return scan_fail(s, end, "unexpected end");
		if (*p == '"')
			break;
		if (*p == '\\') {
			s->p = p;
			rc = scan_escape(s);
			if (rc)
				return rc;
			p = s->p;
		} else if (*p < 0x20) {
			return scan_fail(s, p, "control character in a string");
		} else if ((n = utf8_len(p, end)) > 0) {
			p += n;
		} else {
			return scan_fail(s, p, "invalid UTF-8");
		}
	}
	s->p = p + 1;
	return 0;
}

static int scan_digits(struct scan *s)
{
	if (!is_digit(scan_peek(s)))
		return scan_unexpected(s, "a digit");
	while (is_digit(scan_peek(s)))
		s->p++;
	return 0;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct scan *s)
{
	unsigned char c;
	int rc = 0;

	if (*s->p == '-')
		s->p++;
	if (scan_peek(s) == '0')
		s->p++;
	else
		rc = scan_digits(s);
	if (!rc && scan_peek(s) == '.') {
		s->p++;
		rc = scan_digits(s);
	}
	c = scan_peek(s);
	if (!rc && (c == 'e' || c == 'E')) {
		s->p++;
		c = scan_peek(s);
		if (c == '+' || c == '-')
			s->p++;
		rc = scan_digits(s);
	}
	return rc;
}

static int scan_literal(struct scan *s, const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++, s->p++)
		if (scan_peek(s) != (unsigned char)word[i])
			return scan_unexpected(s, word);
	return 0;
}

static int scan_value(struct scan *s, int depth);

/* After a member or an element: ',' (1), the closing bracket (0). */
static int scan_after(struct scan *s, unsigned char close)
{
	scan_ws(s);
	if (scan_peek(s) == ',') {
		s->p++;
		scan_ws(s);
		return 1;
	}
	if (scan_peek(s) == close) {
		s->p++;
		return 0;
	}
	return scan_unexpected(s, close == '}' ? "',' or '}'" : "',' or ']'");
}

/* The members of an object, s->p just past its '{'. */
static int scan_members(struct scan *s, int depth)
{
	int rc;

	scan_ws(s);
	if (scan_peek(s) == '}') {
		s->p++;
		return 0;
	}
	do {
		struct jscan_value k, v;

		if (scan_peek(s) != '"')
			return scan_unexpected(s, "a member name");
		k.p = (const char *)s->p;
		rc = scan_string(s);
		if (rc)
			return rc;
		k.len = (size_t)((const char *)s->p - k.p);
		scan_ws(s);
		if (scan_peek(s) != ':')
			return scan_unexpected(s, "':'");
		s->p++;
		scan_ws(s);
		v.p = (const char *)s->p;
		rc = scan_value(s, depth + 1);
		if (!rc && depth == 1 && s->sel) {
			k.doc = v.doc = s->doc;
			v.len = (size_t)((const char *)s->p - v.p);
			select_member(s->sel, &k, &v);
		}
		if (!rc)
			rc = scan_after(s, '}');
	} while (rc == 1);
	return rc;
}

/* The elements of an array, s->p just past its '['. */
static int scan_elements(struct scan *s, int depth)
{
	int rc;

	scan_ws(s);
	if (scan_peek(s) == ']') {
		s->p++;
		return 0;
	}
	do {
		rc = scan_value(s, depth + 1);
		if (!rc)
			rc = scan_after(s, ']');
	} while (rc == 1);
	return rc;
}

/* An object or array at s->p; notes where it ends in the index. */
static int scan_container(struct scan *s, int depth)
{
	size_t len = (size_t)(s->end - s->start);
	size_t slot = index_open(s->doc, (size_t)(s->p - s->start), len);
	int rc;

	s->p++;
	rc = s->p[-1] == '{' ? scan_members(s, depth) : scan_elements(s, depth);
	if (!rc)
		index_close(s->doc, slot, (size_t)(s->p - s->start));
	return rc;
}

/* One value at s->p, nested depth deep (the root is 1). */
static int scan_value(struct scan *s, int depth)
{
	if (s->p >= s->end)
		return scan_fail(s, s->p, "unexpected end");
	if (depth > JSCAN_DEPTH_MAX)
		return scan_fail(s, s->p, "nested too deep");
	switch (*s->p) {
	case '{':
	case '[':
		return scan_container(s, depth);
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true", 4);
	case 'f':
		return scan_literal(s, "false", 5);
	case 'n':
		return scan_literal(s, "null", 4);
	default:
		if (*s->p == '-' || is_digit(*s->p))
			return scan_number(s);
		return scan_unexpected(s, "a value");
	}
}

/* Checks s's text into doc (see jscan_check()). */
static int scan_text(struct scan *s)
{
	struct jscan_doc *doc = s->doc;
	const unsigned char *root, *end;
	int rc;

	memset(&doc->root, 0, sizeof(doc->root));
	doc->error_offset = 0;
	doc->error[0] = '\0';
	doc->text = (const char *)s->start;
	doc->nindex = 0;
	doc->compact = 1;
	doc->escapes = 0;
	s->p = skip_ws(s->start, s->end);
	root = s->p;
	rc = scan_value(s, 1);
	end = s->p;
	if (!rc && (s->p = skip_ws(s->p, s->end)) < s->end)
		rc = scan_fail(s, s->p, "trailing text");
	if (rc) {
		doc->nindex = 0;
		return rc;
	}
	doc->root.p = (const char *)root;
	doc->root.len = (size_t)(end - root);
	doc->root.doc = doc;
	return 0;
}

int jscan_check(struct jscan_doc *doc, const char *text, size_t len)
{
	struct scan s;

	s.start = (const unsigned char *)text;
	s.end = s.start + len;
	s.doc = doc;
	s.sel = NULL;
	return scan_text(&s);
}

int jscan_check_members(struct jscan_doc *doc, const char *text, size_t len,
			const char *const *names, const size_t *lens, size_t n,
			struct jscan_value *out)
{
	struct select sel = {names, lens, n, 0, out};
	struct scan s;
	int rc;

	s.start = (const unsigned char *)text;
	s.end = s.start + len;
	s.doc = doc;
	s.sel = &sel;
	memset(out, 0, n * sizeof(*out));
	rc = scan_text(&s);
	if (rc)
		memset(out, 0, n * sizeof(*out));
	return rc;
}

/* ----------------------------------------------------- navigating --- */

/* Past the string whose opening quote is at p (checked text). */
static const unsigned char *skip_string(const unsigned char *p,
					const unsigned char *end)
{
	p++;
	for (;;) {
		p = find_quote(p, end);
		if (p >= end)
			return end;
		if (*p == '"')
			return p + 1;
		if (end - p < 2)
			return end;
		p += 2; /* an escape: no quote hides in the rest of it */
	}
}

/* Past the object or array whose first bracket is at p (checked text). */
static const unsigned char *skip_container(const unsigned char *p,
					   const unsigned char *end,
					   const struct jscan_doc *doc)
{
	const unsigned char *known = index_end(doc, p);
	size_t depth = 0;

	if (known && known <= end)
		return known;
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

/* Past the value at p (checked text). */
static const unsigned char *skip_value(const unsigned char *p,
				       const unsigned char *end,
				       const struct jscan_doc *doc)
{
	if (p >= end)
		return end;
	switch (*p) {
	case '"':
		return skip_string(p, end);
	case '{':
	case '[':
		return skip_container(p, end, doc);
	}
	while (p < end && !is_ws(*p) && *p != ',' && *p != '}' && *p != ']')
		p++;
	return p;
}

const char *jscan_type_name(enum jscan_type t)
{
	static const char *const names[] = {
	    "nothing",	"an object", "an array", "a string",
	    "a number", "true",	     "false",	 "null",
	};

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int jscan_iter_start(struct jscan_iter *it, const struct jscan_value *v)
{
	enum jscan_type t = jscan_type(v);

	if ((t != JSCAN_OBJECT && t != JSCAN_ARRAY) || v->len < 2)
		return -EINVAL;
	it->p = v->p + 1;
	it->end = v->p + v->len - 1; /* the closing bracket */
	it->doc = v->doc;
	it->object = t == JSCAN_OBJECT;
	return 0;
}

/* jscan_next(), inlined into the walks below. */
static inline int iter_next(struct jscan_iter *it, struct jscan_value *key,
			    struct jscan_value *val)
{
	const unsigned char *p = (const unsigned char *)it->p;
	const unsigned char *end = (const unsigned char *)it->end, *v;

	p = skip_ws(p, end);
	if (p < end && *p == ',')
		p = skip_ws(p + 1, end);
	if (p >= end)
		return 0;
	if (it->object) {
		v = skip_string(p, end);
		if (key) {
			key->p = (const char *)p;
			key->len = (size_t)(v - p);
			key->doc = it->doc;
		}
		p = skip_ws(v, end);
		p = skip_ws(p + (p < end), end); /* the ':' */
	}
	v = skip_value(p, end, it->doc);
	val->p = (const char *)p;
	val->len = (size_t)(v - p);
	val->doc = it->doc;
	it->p = (const char *)v;
	return 1;
}

int jscan_next(struct jscan_iter *it, struct jscan_value *key,
	       struct jscan_value *val)
{
	return iter_next(it, key, val);
}

/* Sets out[i] and every out[j] whose name is the same as names[i]. */
static void member_found(const char *const *names, const size_t *lens, size_t n,
			 size_t i, const struct jscan_value *v,
			 struct jscan_value *out)
{
	size_t j;

	out[i] = *v;
	for (j = i + 1; j < n; j++)
		if (lens[j] == lens[i] && !memcmp(names[j], names[i], lens[i]))
			out[j] = *v;
}

/* jscan_string_is() for a member name, quicker when no text has escapes. */
static inline int name_is(const struct jscan_value *k, const char *name,
			  size_t len)
{
	size_t i;

	if (k->doc && !k->doc->escapes) {
		if (k->len - 2 != len)
			return 0;
		for (i = 0; i < len; i++)
			if (k->p[1 + i] != name[i])
				return 0;
		return 1;
	}
	return jscan_string_is(k, name, len);
}

/* If member k is one of sel's names, sets its value to v. */
static void select_member(struct select *sel, const struct jscan_value *k,
			  const struct jscan_value *v)
{
	size_t tried, i;

	/* Members tend to come in the order asked for: try the name after
	 * the last one found first. */
	for (tried = 0, i = sel->hint; tried < sel->n; tried++, i++) {
		if (i == sel->n)
			i = 0;
		if (k->len >= sel->lens[i] + 2 && /* else too short */
		    name_is(k, sel->names[i], sel->lens[i])) {
			member_found(sel->names, sel->lens, sel->n, i, v,
				     sel->out);
			sel->hint = i + 1 < sel->n ? i + 1 : 0;
			return;
		}
	}
}

int jscan_members(const struct jscan_value *obj, const char *const *names,
		  const size_t *lens, size_t n, struct jscan_value *out)
{
	struct select sel = {names, lens, n, 0, out};
	struct jscan_iter it;
	struct jscan_value k, v;

	if (jscan_type(obj) != JSCAN_OBJECT || jscan_iter_start(&it, obj))
		return -EINVAL;
	memset(out, 0, n * sizeof(*out));
	while (iter_next(&it, &k, &v))
		select_member(&sel, &k, &v);
	return 0;
}

int jscan_member(const struct jscan_value *obj, const char *name, size_t len,
		 struct jscan_value *out)
{
	struct jscan_value v;

	if (jscan_members(obj, &name, &len, 1, &v) || !v.len)
		return -ENOENT;
	*out = v;
	return 0;
}

/* ------------------------------------------------------- strings --- */

/* Writes code point cp as UTF-8 to out; returns its length. */
static size_t utf8_put(unsigned long cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes the escape at *pp (a backslash, checked text) into out, moving
 * *pp past it; returns the bytes written. A surrogate pair becomes one
 * code point; a lone surrogate becomes U+FFFD.
 */
static size_t decode_escape(const unsigned char **pp, const unsigned char *end,
			    unsigned char out[4])
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const unsigned char *p = *pp;
	const char *e;
	long cp, lo;

	*pp = end; /* unless the escape is whole */
	if (end - p < 2)
		return 0;
	e = p[1] ? strchr(from, p[1]) : NULL;
	if (e) {
		*pp = p + 2;
		out[0] = (unsigned char)to[e - from];
		return 1;
	}
	if (end - p < 6 || (cp = hex4(p + 2)) < 0)
		return 0;
	*pp = p + 6;
	if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 && p[6] == '\\' &&
	    p[7] == 'u' && (lo = hex4(p + 8)) >= 0xdc00 && lo <= 0xdfff) {
		*pp = p + 12;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp <= 0xdfff) {
		cp = 0xfffd;
	}
	return utf8_put((unsigned long)cp, out);
}

/* The bytes between the quotes of string s, or -EINVAL. */
static inline int string_inside(const struct jscan_value *s,
				const unsigned char **p,
				const unsigned char **end)
{
	if (s->len < 2 || s->p[0] != '"')
		return -EINVAL;
	*p = (const unsigned char *)s->p + 1;
	*end = (const unsigned char *)s->p + s->len - 1;
	return 0;
}

int jscan_string_is(const struct jscan_value *s, const char *want, size_t len)
{
	const unsigned char *p, *end;
	const unsigned char *w = (const unsigned char *)want;
	const unsigned char *wend = w + len;
	unsigned char cp[4];
	size_t n;

	/* Escapes only ever shorten: a shorter text cannot decode to want. */
	if (string_inside(s, &p, &end) || (size_t)(end - p) < len)
		return 0;
	if (s->doc && !s->doc->escapes) /* the text is what it decodes to */
		return (size_t)(end - p) == len && !memcmp(p, want, len);
	/* Up to the first escape, the text is what it decodes to. */
	while (p < end && w < wend && *p == *w && *p != '\\') {
		p++;
		w++;
	}
	while (p < end && *p == '\\') {
		n = decode_escape(&p, end, cp);
		if ((size_t)(wend - w) < n || memcmp(cp, w, n))
			return 0;
		w += n;
		while (p < end && w < wend && *p == *w && *p != '\\') {
			p++;
			w++;
		}
	}
	return p == end && w == wend;
}

int jscan_string_decode(const struct jscan_value *s, struct buf *out)
{
	const unsigned char *p, *end, *run;
	unsigned char cp[4];
	size_t n;
	int rc = 0;

	if (string_inside(s, &p, &end))
		return -EINVAL;
	if (s->doc && !s->doc->escapes)
		return buf_append(out, p, (size_t)(end - p));
	while (!rc && p < end) {
		run = memchr(p, '\\', (size_t)(end - p));
		if (!run)
			return buf_append(out, p, (size_t)(end - p));
		rc = buf_append(out, p, (size_t)(run - p));
		p = run;
		n = decode_escape(&p, end, cp);
		if (!rc)
			rc = buf_append(out, cp, n);
	}
	return rc;
}

int jscan_compact(const struct jscan_value *v, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)v->p;
	const unsigned char *end = p + v->len, *run = p;
	int rc = 0;

	while (!rc && p < end) {
		if (*p == '"') {
			p = skip_string(p, end);
		} else if (is_ws(*p)) {
			rc = buf_append(out, run, (size_t)(p - run));
			run = p = skip_ws(p, end);
		} else {
			p++;
		}
	}
	return rc ? rc : buf_append(out, run, (size_t)(end - run));
}

/* ------------------------------------------------------ pointers --- */

/* Decodes the pointer token at *pp into name, moving *pp past it. */
static int pointer_token(const char **pp, struct buf *name)
{
	const char *p = *pp;
	int rc = 0;

	buf_reset(name);
	for (; !rc && *p && *p != '/'; p++) {
		if (*p != '~') {
			rc = buf_putc(name, *p);
			continue;
		}
		if (p[1] != '0' && p[1] != '1')
			return -EINVAL;
		rc = buf_putc(name, p[1] == '0' ? '~' : '/');
		p++;
	}
	*pp = p;
	return rc;
}

/* The element of array v at the decimal index in name, or -ENOENT. */
static int array_element(const struct jscan_value *v, const struct buf *name,
			 struct jscan_value *out)
{
	struct jscan_iter it;
	size_t i, index = 0;

	if (!name->len || (name->len > 1 && name->data[0] == '0'))
		return -ENOENT;
	for (i = 0; i < name->len; i++) {
		if (!is_digit((unsigned char)name->data[i]) ||
		    index > (SIZE_MAX - 9) / 10)
			return -ENOENT;
		index = index * 10 + (size_t)(name->data[i] - '0');
	}
	if (jscan_iter_start(&it, v))
		return -ENOENT;
	for (i = 0; jscan_next(&it, NULL, out); i++)
		if (i == index)
			return 0;
	return -ENOENT;
}

int jscan_pointer(const struct jscan_value *v, const char *pointer,
		  struct jscan_value *out)
{
	struct jscan_value cur = *v;
	struct buf name;
	int rc = 0;

	if (*pointer && *pointer != '/')
		return -EINVAL;
	buf_init(&name, strlen(pointer)); /* no token is longer */
	while (!rc && *pointer) {
		pointer++;
		rc = pointer_token(&pointer, &name);
		if (rc)
			break;
		if (jscan_type(&cur) == JSCAN_ARRAY)
			rc = array_element(&cur, &name, &cur);
		else
			rc = jscan_member(&cur, name.data ? name.data : "",
					  name.len, &cur);
	}
	buf_free(&name);
	if (!rc)
		*out = cur;
	return rc;
}
