/* SPDX-License-Identifier: MIT */
/*
 * srvcli: the command line and the process life of a simulated server.
 *
 * Both servers take the options of the shared HTTP layer (--bind, --port,
 * --port-file, --error-rate, --latency-ms, --seed, --max-inflight,
 * --retry-after, --gzip, --bandwidth, --quiet, --help, --version) and add
 * their own through a table of struct srvopt, so values are checked and
 * --help is written in one place. srvcli_run then starts the server,
 * announces it, writes the port file and waits for signals: SIGINT and
 * SIGTERM stop it, SIGUSR1 prints the counters. What the server serves is
 * the program's business, through struct srvcli_server.
 */
#ifndef LF_SRVCLI_H
#define LF_SRVCLI_H

#include <stddef.h>
#include <stdint.h>

#include "common/httpd.h"

#define SRVCLI_OPTS_MAX 32

enum srvopt_kind {
	SRVOPT_FLAG,   /* int *: set to 1 */
	SRVOPT_STRING, /* const char **: points into argv */
	SRVOPT_UINT,   /* unsigned *: an integer from min to max */
	SRVOPT_U16,    /* uint16_t *: the same */
	SRVOPT_U64,    /* uint64_t *: the same */
	SRVOPT_RATE,   /* double *: a number from 0 to 1 */
};

struct srvopt {
	const char *name; /* the long option, without "--" */
	enum srvopt_kind kind;
	const char *arg;  /* the value's name in --help; NULL for flags */
	const char *help; /* one line, with the default */
	void *target;	  /* where the value goes (see the kinds) */
	uint64_t min, max;
};

struct srvcli {
	const char *prog;	  /* the program's name, for messages */
	const char *summary;	  /* what it does, one line for --help */
	struct httpd_config http; /* the shared options land here */
	const char *port_file;
	int seed_given;
	struct srvopt opts[SRVCLI_OPTS_MAX];
	unsigned nopts;
};

/* How srvcli_run drives one server. */
struct srvcli_server {
	void *ctx;
	int (*start)(void *ctx, const struct httpd_config *http, char *err,
		     size_t errlen);
	struct httpd *(*http)(void *ctx);
	void (*stop)(void *ctx);
};

/* Sets cli up with the shared options at their defaults. */
void srvcli_init(struct srvcli *cli, const char *prog, const char *summary);
/* Adds a program's own option (copied); they follow the shared ones. */
void srvcli_add(struct srvcli *cli, const struct srvopt *opt);
/*
 * Parses argv. Returns 0 to go on, 1 once --help or --version is printed
 * (exit 0), or -EINVAL after a message naming the option (exit 2). Without
 * --seed, cli->http.seed is drawn from the clock and the process id.
 */
int srvcli_parse(struct srvcli *cli, int argc, char **argv);
/* Says that option opt wants what and got val; returns -EINVAL. */
int srvcli_bad_value(const struct srvcli *cli, const char *opt,
		     const char *what, const char *val);
/*
 * Starts srv with cli->http, prints "listening on URL" and "seed N" on
 * stdout (unless --quiet), writes the port file, serves until SIGINT or
 * SIGTERM, answers the requests in flight, prints the counters (unless
 * --quiet) and stops. Returns the exit status: 0, or 1 when the server
 * could not start or the port file could not be written.
 */
int srvcli_run(const struct srvcli *cli, const struct srvcli_server *srv);

#endif
