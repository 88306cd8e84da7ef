/* SPDX-License-Identifier: MIT */
/*
 * lakeflowfs-example-server: the simulated Example source as a program.
 *
 * This file owns the command line, the startup lines on stdout, the port
 * file and the wait for SIGINT/SIGTERM; the server itself lives in
 * server.c and friends, the same code the lakeflowfs daemon embeds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/isotime.h"
#include "rng.h"
#include "server.h"

#define PROG	    "lakeflowfs-example-server"
#define SCALE_MAX   1000000
#define LATENCY_MAX 600000

struct options {
	struct example_config cfg;
	const char *port_file;
	int seed_given;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: " PROG " [options]\n"
	    "\n"
	    "Serves the simulated Example source over HTTP.\n"
	    "\n"
	    "  --bind ADDR        address to listen on (default 127.0.0.1)\n"
	    "  --port N           port, 0 for any free one (default 0)\n"
	    "  --port-file FILE   write the bound port to FILE once listening\n"
	    "  --error-rate R     share of calls answered 429/500/503 (default "
	    "0.03)\n"
	    "  --null-rate R      share of nullable seed fields set null "
	    "(default 0.2)\n"
	    "  --latency-ms MS    delay added to every answer (default 0)\n"
	    "  --scale N          N times the seeded rows of every table "
	    "(default 1)\n"
	    "  --seed N           seed for nulls and faults (default: from the "
	    "clock)\n"
	    "  --quiet            no per-request log lines\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      the version\n");
}

/* Complains about a bad option value; the caller exits 2. */
static int bad_value(const char *opt, const char *what, const char *val)
{
	fprintf(stderr, PROG ": --%s: expected %s, got '%s'\n", opt, what, val);
	return -EINVAL;
}

static int parse_rate(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < 0 || v > 1)
		return bad_value(opt, "a number from 0 to 1", s);
	*out = v;
	return 0;
}

static int parse_uint(const char *opt, const char *s, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	char what[96];

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < min || v > max) {
		snprintf(what, sizeof(what),
			 "an integer from %" PRIu64 " to %" PRIu64, min, max);
		return bad_value(opt, what, s);
	}
	*out = v;
	return 0;
}

enum {
	OPT_BIND = 256,
	OPT_PORT,
	OPT_PORT_FILE,
	OPT_ERROR_RATE,
	OPT_NULL_RATE,
	OPT_LATENCY,
	OPT_SCALE,
	OPT_SEED,
	OPT_QUIET,
};

static const struct option long_options[] = {
    {"bind", required_argument, NULL, OPT_BIND},
    {"port", required_argument, NULL, OPT_PORT},
    {"port-file", required_argument, NULL, OPT_PORT_FILE},
    {"error-rate", required_argument, NULL, OPT_ERROR_RATE},
    {"null-rate", required_argument, NULL, OPT_NULL_RATE},
    {"latency-ms", required_argument, NULL, OPT_LATENCY},
    {"scale", required_argument, NULL, OPT_SCALE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Applies one option. Returns 0, -EINVAL (exit 2), or 1 (exit 0). */
static int apply_option(struct options *o, int c, const char *arg)
{
	struct example_config *cfg = &o->cfg;
	uint64_t v = 0;
	int rc = 0;

	switch (c) {
	case OPT_BIND:
		cfg->bind = arg;
		break;
	case OPT_PORT:
		rc = parse_uint("port", arg, 0, 65535, &v);
		cfg->port = (uint16_t)v;
		break;
	case OPT_PORT_FILE:
		o->port_file = arg;
		break;
	case OPT_ERROR_RATE:
		rc = parse_rate("error-rate", arg, &cfg->error_rate);
		break;
	case OPT_NULL_RATE:
		rc = parse_rate("null-rate", arg, &cfg->null_rate);
		break;
	case OPT_LATENCY:
		rc = parse_uint("latency-ms", arg, 0, LATENCY_MAX, &v);
		cfg->latency_ms = (unsigned)v;
		break;
	case OPT_SCALE:
		rc = parse_uint("scale", arg, 1, SCALE_MAX, &v);
		cfg->scale = (unsigned)v;
		break;
	case OPT_SEED:
		rc = parse_uint("seed", arg, 0, UINT64_MAX, &cfg->seed);
		o->seed_given = 1;
		break;
	case OPT_QUIET:
		cfg->quiet = 1;
		break;
	case 'h':
		usage(stdout);
		return 1;
	case 'V':
		printf(PROG " " PACKAGE_VERSION "\n");
		return 1;
	default:
		usage(stderr);
		return -EINVAL;
	}
	return rc;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	example_config_defaults(&o->cfg);
	while ((c = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
		rc = apply_option(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!o->seed_given)
		o->cfg.seed = rng_mix((uint64_t)isotime_now_us() ^
				      ((uint64_t)getpid() << 32));
	return 0;
}

/* Writes the port to path through a temporary file and a rename. */
static int write_port_file(const char *path, uint16_t port)
{
	char tmp[4096];
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%u\n", (unsigned)port) < 0)
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* Blocks the shutdown signals in every thread, so sigwait gets them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void announce(const struct options *o, uint16_t port)
{
	const char *host = o->cfg.bind;
	int v6 = strchr(host, ':') != NULL;

	printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host,
	       v6 ? "]" : "", (unsigned)port);
	printf("seed %" PRIu64 "\n", o->cfg.seed);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct example_server *srv = NULL;
	struct options o;
	char err[256];
	sigset_t set;
	int rc, sig;

	rc = parse_args(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	block_signals(&set);
	if (example_server_start(&o.cfg, &srv, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	if (!o.cfg.quiet)
		announce(&o, example_server_port(srv));
	if (o.port_file) {
		rc = write_port_file(o.port_file, example_server_port(srv));
		if (rc) {
			fprintf(stderr, PROG ": --port-file %s: %s\n",
				o.port_file, strerror(-rc));
			goto out;
		}
	}
	do {
		rc = sigwait(&set, &sig);
	} while (rc == EINTR);
	if (!o.cfg.quiet)
		fprintf(stderr, PROG ": signal %d, shutting down\n", sig);
out:
	example_server_stop(srv);
	return rc ? 1 : 0;
}
