/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jscan: jscan_check() over arbitrary text, against json-c's strict
 * tokener. It accepts what json-c accepts, but for the differences
 * jsonc_diff.h lists. What it accepts compacts to text it accepts again,
 * with no whitespace between tokens, that json-c reads as the same value;
 * walking it with the doc's index and without gives the same spans; every
 * member found by walking is found by name and by JSON pointer; and every
 * string decodes to what json-c decodes it to.
 */
#include "jscan.h"

#include <errno.h>
#include <json-c/json.h>

#include "fuzz.h"
#include "jsonc_diff.h"
#include "jsonc_ref.h"

/*
 * Where a walk is: the JSON pointer to it and json-c's value there, both
 * known unless a name on the way holds a NUL or is the earlier of two
 * same names (json-c and a pointer keep the last).
 */
struct place {
	struct buf ptr;
	struct json_object *j;
	int known;
};

/* Appends name (escaped as RFC 6901 says) to the pointer; returns 0 when
 * the name holds a NUL, which a pointer cannot. */
static int pointer_add(struct place *at, const struct buf *name)
{
	size_t i;
	int rc;

	if (name->len && memchr(name->data, '\0', name->len))
		return 0;
	rc = buf_putc(&at->ptr, '/');
	for (i = 0; !rc && i < name->len; i++) {
		if (name->data[i] == '~')
			rc = buf_puts(&at->ptr, "~0");
		else if (name->data[i] == '/')
			rc = buf_puts(&at->ptr, "~1");
		else
			rc = buf_putc(&at->ptr, name->data[i]);
	}
	FUZZ_ASSERT(rc == 0);
	return 1;
}

/* Checks that v is what json-c read there. */
static void same_value(const struct jscan_value *v, struct json_object *j)
{
	struct buf got;

	switch (jscan_type(v)) {
	case JSCAN_OBJECT:
		FUZZ_ASSERT(json_object_is_type(j, json_type_object));
		break;
	case JSCAN_ARRAY:
		FUZZ_ASSERT(json_object_is_type(j, json_type_array));
		break;
	case JSCAN_NUMBER:
		FUZZ_ASSERT(json_object_is_type(j, json_type_int) ||
			    json_object_is_type(j, json_type_double));
		break;
	case JSCAN_TRUE:
	case JSCAN_FALSE:
		FUZZ_ASSERT(json_object_is_type(j, json_type_boolean));
		FUZZ_ASSERT(json_object_get_boolean(j) ==
			    (jscan_type(v) == JSCAN_TRUE));
		break;
	case JSCAN_NULL:
		FUZZ_ASSERT(j == NULL);
		break;
	case JSCAN_STRING:
		FUZZ_ASSERT(json_object_is_type(j, json_type_string));
		buf_init(&got, 0);
		FUZZ_ASSERT(jscan_string_decode(v, &got) == 0);
		FUZZ_ASSERT(got.len == (size_t)json_object_get_string_len(j));
		FUZZ_ASSERT(
		    !got.len ||
		    !memcmp(got.data, json_object_get_string(j), got.len));
		buf_free(&got);
		break;
	default:
		FUZZ_ASSERT(!"a checked value has a type");
	}
}

static void walk(const struct jscan_value *root, const struct jscan_value *v,
		 const struct jscan_value *bare, struct place *at, int depth);

/* One member or element e (be: the same found without the index). */
static void walk_child(const struct jscan_value *root,
		       const struct jscan_value *v, const struct jscan_value *k,
		       const struct jscan_value *e,
		       const struct jscan_value *be, size_t i, struct place *at,
		       int depth)
{
	struct place sub = *at;
	struct jscan_value named, pointed;
	struct buf name;

	buf_init(&name, 0);
	if (k) {
		FUZZ_ASSERT(jscan_string_decode(k, &name) == 0);
		FUZZ_ASSERT(jscan_member(v, name.data ? name.data : "",
					 name.len, &named) == 0);
		sub.known =
		    at->known && named.p == e->p && pointer_add(&sub, &name);
		sub.j = sub.known ? json_object_object_get(
					at->j, name.data ? name.data : "")
				  : NULL;
	} else {
		FUZZ_ASSERT(buf_printf(&sub.ptr, "/%zu", i) == 0);
		named = *e;
		sub.j = at->known ? json_object_array_get_idx(at->j, i) : NULL;
	}
	if (sub.known) {
		FUZZ_ASSERT(jscan_pointer(root, sub.ptr.data, &pointed) == 0);
		FUZZ_ASSERT(pointed.p == named.p && pointed.len == named.len);
	}
	walk(root, e, be, &sub, depth + 1);
	at->ptr = sub.ptr; /* its storage, grown */
	buf_free(&name);
}

/* Walks the members or elements of v, and of bare (v without index). */
static void walk(const struct jscan_value *root, const struct jscan_value *v,
		 const struct jscan_value *bare, struct place *at, int depth)
{
	struct jscan_iter it, bit;
	struct jscan_value k, e, bk, be;
	size_t i, mark = at->ptr.len;
	enum jscan_type t = jscan_type(v);

	FUZZ_ASSERT(depth <= JSCAN_DEPTH_MAX);
	if (at->known)
		same_value(v, at->j);
	if (t != JSCAN_OBJECT && t != JSCAN_ARRAY)
		return;
	FUZZ_ASSERT(jscan_iter_start(&it, v) == 0);
	FUZZ_ASSERT(jscan_iter_start(&bit, bare) == 0);
	for (i = 0; jscan_next(&it, &k, &e); i++) {
		FUZZ_ASSERT(jscan_next(&bit, &bk, &be) == 1);
		FUZZ_ASSERT(e.p == be.p && e.len == be.len);
		if (it.object)
			FUZZ_ASSERT(k.p == bk.p && k.len == bk.len);
		walk_child(root, v, it.object ? &k : NULL, &e, &be, i, at,
			   depth);
		at->ptr.len = mark;
		at->ptr.data[mark] = '\0';
	}
	FUZZ_ASSERT(jscan_next(&bit, &bk, &be) == 0);
	if (at->known && t == JSCAN_ARRAY)
		FUZZ_ASSERT(i == json_object_array_length(at->j));
}

/* What jscan accepted: compacts, re-checks, walks and decodes as json-c. */
static void accepted(const struct jscan_doc *doc, struct json_object *j)
{
	struct jscan_doc again;
	struct jscan_value bare = doc->root;
	struct json_object *back = NULL;
	struct place at;
	struct buf compact;

	buf_init(&compact, 0);
	jscan_doc_init(&again);
	FUZZ_ASSERT(jscan_compact(&doc->root, &compact) == 0);
	FUZZ_ASSERT(jscan_check(&again, compact.data, compact.len) == 0);
	FUZZ_ASSERT(again.compact && again.root.len == compact.len);
	if (doc->compact)
		FUZZ_ASSERT(compact.len == doc->root.len);
	if (ref_json_parse(compact.data, compact.len, &back, NULL) == 0)
		FUZZ_ASSERT(json_object_equal(j, back));
	else /* "12 " compacts to "12", which json-c waits to see go on */
		FUZZ_ASSERT(jscan_accepts_more(compact.data, compact.len));
	json_object_put(back);
	bare.doc = NULL;
	memset(&at, 0, sizeof(at));
	buf_init(&at.ptr, 0);
	FUZZ_ASSERT(buf_puts(&at.ptr, "") == 0);
	at.j = j;
	at.known = 1;
	walk(&doc->root, &doc->root, &bare, &at, 1);
	buf_free(&at.ptr);
	jscan_doc_free(&again);
	buf_free(&compact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct json_object *j = NULL;
	struct jscan_doc doc;
	int ours, theirs;

	jscan_doc_init(&doc);
	ours = jscan_check(&doc, text, size);
	theirs = ref_json_parse(text, size, &j, NULL);
	if (ours == 0 && theirs != 0)
		FUZZ_ASSERT(jscan_accepts_more(text, size));
	if (ours != 0) {
		FUZZ_ASSERT(ours == -EINVAL && doc.error[0]);
		FUZZ_ASSERT(doc.error_offset <= size);
		if (theirs == 0)
			FUZZ_ASSERT(jscan_refuses_more(text, size, &doc));
	}
	if (ours == 0 && theirs == 0)
		accepted(&doc, j);
	json_object_put(j);
	jscan_doc_free(&doc);
	return 0;
}
