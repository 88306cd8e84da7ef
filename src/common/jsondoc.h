/* SPDX-License-Identifier: MIT */
/*
 * jsondoc: a whole text parsed strictly as one JSON document.
 *
 * json-c's tokener stops after the first value and is lenient by default;
 * here the text must be exactly one strict JSON value, with nothing after
 * it but whitespace. This module only parses: what the value must look
 * like is the caller's business.
 */
#ifndef LF_JSONDOC_H
#define LF_JSONDOC_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * Parses len bytes of text. Returns 0 and sets *out to a new reference
 * (the caller puts it), or -EINVAL with a one-line reason in why (whylen
 * bytes; why may be NULL), or -ENOMEM.
 */
int jsondoc_parse(const char *text, size_t len, json_object **out, char *why,
		  size_t whylen);

#endif
