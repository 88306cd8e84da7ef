/* SPDX-License-Identifier: MIT */
/*
 * jsondoc: strict whole-document JSON parsing. See jsondoc.h.
 */
#include "jsondoc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

#define JSONDOC_CHUNK 8192

/* Fills err (if any) and returns -EINVAL. */
static int refuse(struct jsondoc_error *err, const char *what, size_t offset)
{
	if (err) {
		err->what = what;
		err->offset = offset;
	}
	return -EINVAL;
}

/*
 * Feeds text to the tokener, then the terminating NUL when json-c waits
 * for more, so that a document that is a bare number or literal ends.
 * Returns the value (or NULL), with *jerr and *end set.
 */
static json_object *tokenize(struct json_tokener *tok, const char *text,
			     size_t len, enum json_tokener_error *jerr,
			     size_t *end)
{
	json_object *obj;

	obj = json_tokener_parse_ex(tok, text, (int)len);
	*jerr = json_tokener_get_error(tok);
	*end = json_tokener_get_parse_end(tok);
	if (*jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		*jerr = json_tokener_get_error(tok);
		*end = len;
	}
	return obj;
}

int jsondoc_parse(const char *text, size_t len, json_object **out,
		  struct jsondoc_error *err)
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	const char *nul;
	json_object *obj;
	size_t end;
	int rc = 0;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	if (len > INT32_MAX)
		return refuse(err, "text too large to parse", 0);
	text = text ? text : "";
	nul = memchr(text, '\0', len);
	if (nul)
		return refuse(err, "NUL byte", (size_t)(nul - text));
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT); /* no "a": 1, */
	obj = tokenize(tok, text, len, &jerr, &end);
	if (jerr != json_tokener_success)
		rc = refuse(err, json_tokener_error_desc(jerr), end);
	while (rc == 0 && end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (rc == 0 && end < len)
		rc = refuse(err, "trailing data", end);
	json_tokener_free(tok);
	if (rc)
		json_object_put(obj);
	else
		*out = obj;
	return rc;
}

int jsondoc_read(const char *path, struct buf *b)
{
	char chunk[JSONDOC_CHUNK];
	FILE *f = fopen(path, "re");
	size_t n;
	int rc = 0;

	if (!f)
		return -errno;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(b, chunk, n);
	if (rc == 0 && ferror(f))
		rc = errno ? -errno : -EIO;
	fclose(f);
	return rc == -E2BIG ? -EFBIG : rc;
}

int jsondoc_load(const char *path, size_t max, json_object **out,
		 struct jsondoc_error *err)
{
	struct buf b;
	int rc;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	buf_init(&b, max);
	rc = jsondoc_read(path, &b);
	if (rc == 0)
		rc = jsondoc_parse(b.data, b.len, out, err);
	buf_free(&b);
	return rc;
}

void jsondoc_error_text(const struct jsondoc_error *err, char *out,
			size_t outlen)
{
	if (outlen)
		snprintf(out, outlen, "%s at byte %zu",
			 err->what ? err->what : "unreadable", err->offset);
}
