/* SPDX-License-Identifier: MIT */
/*
 * jsondoc: strict whole-document JSON parsing. See jsondoc.h.
 */
#include "jsondoc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Writes the reason into why (if any) and returns -EINVAL. */
static int refuse(char *why, size_t whylen, const char *msg, size_t at)
{
	if (why && whylen)
		snprintf(why, whylen, msg, at);
	return -EINVAL;
}

int jsondoc_parse(const char *text, size_t len, json_object **out, char *why,
		  size_t whylen)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *obj;
	size_t end;
	int rc = 0;

	*out = NULL;
	if (len > INT32_MAX)
		return refuse(why, whylen,
			      "text too large to parse (%zu bytes)", len);
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text ? text : "", (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue)
		rc = refuse(why, whylen, "invalid JSON: unexpected end at %zu",
			    len);
	else if (jerr != json_tokener_success)
		rc = refuse(why, whylen, "invalid JSON at offset %zu", end);
	while (rc == 0 && end < len && text[end] &&
	       strchr(" \t\r\n", text[end]))
		end++;
	if (rc == 0 && end < len)
		rc = refuse(why, whylen, "invalid JSON: trailing text at %zu",
			    end);
	json_tokener_free(tok);
	if (rc)
		json_object_put(obj);
	else
		*out = obj;
	return rc;
}
