/* SPDX-License-Identifier: MIT */
/*
 * jsondoc: a whole text, or a whole small file, parsed strictly as one
 * JSON document: the one way every part of the project turns a document
 * (a request body, a spec, a connection file, an offset, a profile) into
 * a json-c tree.
 *
 * json-c's tokener stops after the first value and is lenient by default;
 * here the text must be exactly one JSON value of any type in json-c's
 * strict mode (no comments, no trailing commas), with nothing around it
 * but JSON whitespace (space, tab, CR, LF) and no NUL byte anywhere.
 * json-c's strict mode still lets through a few things RFC 8259 does not
 * allow (tests/fuzz/jsonc_diff.h lists them); a caller that must refuse
 * those too checks the text with jscan_check() first. This module only
 * parses: what the value must look like is the caller's business.
 *
 * Ownership: a parsed value is a new json-c reference that the caller
 * puts. A struct jsondoc_error holds static text only.
 */
#ifndef LF_JSONDOC_H
#define LF_JSONDOC_H

#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"

/* Why a text was refused: a static reason and the byte offset it names. */
struct jsondoc_error {
	const char *what; /* e.g. json-c's "unexpected character", or
			     "trailing data"; NULL when rc was not -EINVAL */
	size_t offset;	  /* of the first byte that is wrong */
};

/*
 * Parses len bytes of text. Returns 0 and sets *out to a new reference
 * (NULL for the document `null`), or -EINVAL with err (which may be NULL)
 * saying why, or -ENOMEM.
 */
int jsondoc_parse(const char *text, size_t len, json_object **out,
		  struct jsondoc_error *err);

/*
 * Reads the file at path whole, at most max bytes, and parses it as
 * jsondoc_parse() does. Returns 0, -errno when the file cannot be opened
 * or read (err->what NULL: say strerror(-rc)), -EFBIG when it holds more
 * than max bytes, -EINVAL with err saying why, or -ENOMEM.
 */
int jsondoc_load(const char *path, size_t max, json_object **out,
		 struct jsondoc_error *err);

/*
 * Appends the whole file at path to b, whose cap (set by the caller)
 * bounds it. Returns 0, -errno when the file cannot be opened or read,
 * -EFBIG when it is larger than the cap, or -ENOMEM. For a caller that
 * needs the text itself as well as the tree.
 */
int jsondoc_read(const char *path, struct buf *b);

/*
 * Formats err into out (outlen bytes) as "REASON at byte N", for the
 * callers' messages.
 */
void jsondoc_error_text(const struct jsondoc_error *err, char *out,
			size_t outlen);

#endif
