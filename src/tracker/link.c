/* SPDX-License-Identifier: MIT */
/*
 * link: Link headers and their URLs. See link.h.
 */
#include "link.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#define ORIGIN_MAX 2048 /* bytes of --public-url or --link-origin */

int link_escape(const char *s, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (; rc == 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("-._~", c))
			rc = buf_putc(out, (char)c);
		else
			rc =
			    buf_printf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return rc;
}

/* Appends <origin path?query&page=N>; rel="rel". */
static int one_link(const struct link_page *lp, const char *origin,
		    uint64_t page, const char *rel, struct buf *out)
{
	int rc = buf_printf(out, "<%s%s?", origin, lp->path);

	for (unsigned i = 0; rc == 0 && i < lp->nparams; i++) {
		const struct httpd_param *p = &lp->params[i];

		if (strcmp(p->key, "page") == 0)
			continue;
		rc = link_escape(p->key, out);
		if (rc == 0 && p->value) {
			rc = buf_putc(out, '=');
			if (rc == 0)
				rc = link_escape(p->value, out);
		}
		if (rc == 0)
			rc = buf_putc(out, '&');
	}
	if (rc == 0)
		rc =
		    buf_printf(out, "page=%" PRIu64 ">; rel=\"%s\"", page, rel);
	return rc;
}

int link_header(const struct link_page *lp, uint64_t page, uint64_t last,
		struct buf *out)
{
	const char *next = lp->next_origin ? lp->next_origin : lp->origin;
	size_t start = out->len;
	int rc = 0;

	if (page > 1)
		rc = one_link(lp, lp->origin, page - 1, "prev", out);
	if (rc == 0 && page < last) {
		if (out->len > start)
			rc = buf_puts(out, ", ");
		if (rc == 0)
			rc = one_link(lp, next, page + 1, "next", out);
		if (rc == 0)
			rc = buf_puts(out, ", ");
		if (rc == 0)
			rc = one_link(lp, lp->origin, last, "last", out);
	}
	if (rc == 0 && page > 1) {
		rc = buf_puts(out, ", ");
		if (rc == 0)
			rc = one_link(lp, lp->origin, 1, "first", out);
	}
	return rc;
}

int link_host_ok(const char *host)
{
	size_t n = strlen(host);

	if (n == 0 || n > LINK_HOST_MAX)
		return 0;
	for (; *host; host++)
		if (!isalnum((unsigned char)*host) && !strchr(".-:[]", *host))
			return 0;
	return 1;
}

int link_origin_ok(const char *url)
{
	const char *rest;

	if (strncmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return 0;
	if (!*rest || *rest == '/' || strlen(url) > ORIGIN_MAX)
		return 0;
	for (; *rest; rest++)
		if (!isalnum((unsigned char)*rest) &&
		    !strchr("-._~:/[]@%", *rest))
			return 0;
	return 1;
}
