/* SPDX-License-Identifier: MIT */
/*
 * lakeflowfs-tracker-server: the simulated issue tracker as a program.
 *
 * This file owns the options that are the tracker's own (--scale, the
 * token, the link origins, the fault pages) and reading the token from a
 * file or the environment, never from the command line. The shared
 * options, the startup lines, the port file and the signals are
 * common/srvcli.c's; the server is server.c and friends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/srvcli.h"
#include "link.h"
#include "server.h"

#define PROG	   "lakeflowfs-tracker-server"
#define TOKEN_ENV  "LAKEFLOWFS_TRACKER_TOKEN"
#define TOKEN_MAX  1024 /* bytes of a token */
#define SCALE_MAX  1000
#define ORIGIN_MAX 2048

struct program {
	struct tracker_config cfg;
	struct tracker_server *srv;
	const char *token_file;
	char token[TOKEN_MAX + 1];
	char public_url[ORIGIN_MAX + 1], link_origin[ORIGIN_MAX + 1];
};

static int start(void *ctx, const struct httpd_config *http, char *err,
		 size_t errlen)
{
	struct program *p = ctx;

	return tracker_server_start(http, &p->cfg, &p->srv, err, errlen);
}

static struct httpd *http_of(void *ctx)
{
	struct program *p = ctx;

	return tracker_server_http(p->srv);
}

static void stop(void *ctx)
{
	struct program *p = ctx;

	tracker_server_stop(p->srv);
}

/* --------------------------------------------------------------- token --- */

/* Whether s is a usable token: 1 to TOKEN_MAX visible ASCII characters. */
static int token_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TOKEN_MAX)
		return 0;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

/* Reads the first line of path (without its line end) into p->token. */
static int read_token_file(struct program *p, const char *path)
{
	char line[TOKEN_MAX + 3];
	FILE *f = fopen(path, "r");
	int ok;

	if (!f) {
		fprintf(stderr, PROG ": --token-file %s: %s\n", path,
			strerror(errno));
		return -EINVAL;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0'; /* a longer line stays too long */
	ok = token_ok(line);
	if (ok)
		memcpy(p->token, line, strlen(line) + 1);
	memset(line, 0, sizeof(line));
	if (ok)
		return 0;
	fprintf(stderr,
		PROG ": --token-file %s: the first line must be a token of 1 "
		     "to %d visible ASCII characters\n",
		path, TOKEN_MAX);
	return -EINVAL;
}

/* The token from --token-file, else from the environment. */
static int load_token(struct program *p)
{
	const char *env = getenv(TOKEN_ENV);

	if (p->token_file)
		return read_token_file(p, p->token_file);
	if (!env) {
		fprintf(stderr, PROG
			": no token: give --token-file FILE or set " TOKEN_ENV
			"\n");
		return -EINVAL;
	}
	if (!token_ok(env)) {
		fprintf(stderr,
			PROG ": " TOKEN_ENV
			     " must be a token of 1 to %d visible "
			     "ASCII characters\n",
			TOKEN_MAX);
		return -EINVAL;
	}
	snprintf(p->token, sizeof(p->token), "%s", env);
	return 0;
}

/* ------------------------------------------------------------ options --- */

/* Checks an origin option and keeps it without its trailing slashes. */
static int take_origin(const struct srvcli *cli, const char *opt,
		       const char *val, char *out, const char **slot)
{
	size_t n;

	if (!val)
		return 0;
	if (!link_origin_ok(val))
		return srvcli_bad_value(cli, opt, "an http:// or https:// URL",
					val);
	n = strlen(val);
	while (n > 0 && val[n - 1] == '/')
		n--;
	memcpy(out, val, n);
	out[n] = '\0';
	*slot = out;
	return 0;
}

static void add_options(struct srvcli *cli, struct program *p)
{
	const struct srvopt own[] = {
	    {"scale", SRVOPT_UINT, "N",
	     "N times the seeded issues, comments, labels (default 1)",
	     &p->cfg.scale, 1, SCALE_MAX},
	    {"token-file", SRVOPT_STRING, "FILE",
	     "the bearer token is FILE's first line (else $" TOKEN_ENV ")",
	     &p->token_file, 0, 0},
	    {"public-url", SRVOPT_STRING, "URL",
	     "origin of Link URLs (default: http:// and the Host header)",
	     &p->cfg.public_url, 0, 0},
	    {"link-origin", SRVOPT_STRING, "URL",
	     "fault: rel=\"next\" links point to this other origin",
	     &p->cfg.link_origin, 0, 0},
	    {"garbage-page", SRVOPT_U64, "N",
	     "fault: page N of every list answers 200 with non-JSON",
	     &p->cfg.garbage_page, 1, HTTPD_COUNT_MAX},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		srvcli_add(cli, &own[i]);
}

int main(int argc, char **argv)
{
	struct program p = {.srv = NULL};
	struct srvcli_server server = {&p, start, http_of, stop};
	struct srvcli cli;
	int rc;

	tracker_config_defaults(&p.cfg);
	srvcli_init(&cli, PROG,
		    "Serves a simulated issue tracker (GitHub-like REST API, "
		    "repository acme/widgets) over HTTP.");
	add_options(&cli, &p);
	rc = srvcli_parse(&cli, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (take_origin(&cli, "public-url", p.cfg.public_url, p.public_url,
			&p.cfg.public_url) ||
	    take_origin(&cli, "link-origin", p.cfg.link_origin, p.link_origin,
			&p.cfg.link_origin) ||
	    load_token(&p))
		return 2;
	p.cfg.token = p.token;
	return srvcli_run(&cli, &server);
}
