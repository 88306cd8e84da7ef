/* SPDX-License-Identifier: MIT */
/*
 * srvcli: options, startup lines, port file and signals of the simulated
 * servers. See srvcli.h.
 */
#include "srvcli.h"

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
#include "common/rng.h"

#define LATENCY_MAX	600000	     /* ms: ten minutes */
#define INFLIGHT_MAX	1000000	     /* --max-inflight */
#define RETRY_AFTER_MAX 86400	     /* s: a day */
#define BANDWIDTH_MAX	(1ULL << 40) /* bytes/s: a terabyte */
#define OPT_FIRST	256	     /* getopt values of the table */
#define HELP_ARG_WIDTH	18	     /* "--name ARG" column in --help */
#define PATH_MAX_TMP	4096

static void add_shared(struct srvcli *cli)
{
	struct httpd_config *h = &cli->http;
	const struct srvopt shared[] = {
	    {"bind", SRVOPT_STRING, "ADDR",
	     "address to listen on (default 127.0.0.1)", &h->bind, 0, 0},
	    {"port", SRVOPT_U16, "N", "port, 0 for any free one (default 0)",
	     &h->port, 0, 65535},
	    {"port-file", SRVOPT_STRING, "FILE",
	     "write the bound port to FILE once listening", &cli->port_file, 0,
	     0},
	    {"error-rate", SRVOPT_RATE, "R",
	     "share of calls answered 429/500/503 (default 0.03)",
	     &h->error_rate, 0, 0},
	    {"latency-ms", SRVOPT_UINT, "MS",
	     "delay added to every answer (default 0)", &h->latency_ms, 0,
	     LATENCY_MAX},
	    {"seed", SRVOPT_U64, "N",
	     "seed for the data and faults (default: from the clock)", &h->seed,
	     0, UINT64_MAX},
	    {"max-inflight", SRVOPT_UINT, "N",
	     "answer 429 above N requests at once (default 0: no limit)",
	     &h->max_inflight, 0, INFLIGHT_MAX},
	    {"retry-after", SRVOPT_UINT, "S",
	     "Retry-After seconds of those 429s (default 1)", &h->retry_after_s,
	     0, RETRY_AFTER_MAX},
	    {"gzip", SRVOPT_FLAG, NULL,
	     "compress answers for clients that accept gzip or deflate",
	     &h->gzip, 0, 0},
	    {"bandwidth", SRVOPT_U64, "BYTES",
	     "answer bodies share BYTES per second (default 0: no limit)",
	     &h->bandwidth, 0, BANDWIDTH_MAX},
	    {"quiet", SRVOPT_FLAG, NULL, "no startup lines, no request log",
	     &h->quiet, 0, 0},
	};

	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		srvcli_add(cli, &shared[i]);
}

void srvcli_init(struct srvcli *cli, const char *prog, const char *summary)
{
	memset(cli, 0, sizeof(*cli));
	cli->prog = prog;
	cli->summary = summary;
	httpd_config_defaults(&cli->http);
	add_shared(cli);
}

void srvcli_add(struct srvcli *cli, const struct srvopt *opt)
{
	if (cli->nopts < SRVCLI_OPTS_MAX)
		cli->opts[cli->nopts++] = *opt;
}

/* ------------------------------------------------------------ values --- */

int srvcli_bad_value(const struct srvcli *cli, const char *opt,
		     const char *what, const char *val)
{
	fprintf(stderr, "%s: --%s: expected %s, got '%s'\n", cli->prog, opt,
		what, val);
	return -EINVAL;
}

static int parse_rate(const struct srvcli *cli, const char *opt, const char *s,
		      double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < 0 || v > 1)
		return srvcli_bad_value(cli, opt, "a number from 0 to 1", s);
	*out = v;
	return 0;
}

static int parse_uint(const struct srvcli *cli, const struct srvopt *o,
		      const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	char what[96];

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < o->min || v > o->max) {
		snprintf(what, sizeof(what),
			 "an integer from %" PRIu64 " to %" PRIu64, o->min,
			 o->max);
		return srvcli_bad_value(cli, o->name, what, s);
	}
	*out = v;
	return 0;
}

/* Stores arg into o's target. 0 or -EINVAL. */
static int apply(const struct srvcli *cli, const struct srvopt *o,
		 const char *arg)
{
	uint64_t v = 0;
	int rc = 0;

	switch (o->kind) {
	case SRVOPT_FLAG:
		*(int *)o->target = 1;
		return 0;
	case SRVOPT_STRING:
		*(const char **)o->target = arg;
		return 0;
	case SRVOPT_RATE:
		return parse_rate(cli, o->name, arg, o->target);
	default:
		break;
	}
	rc = parse_uint(cli, o, arg, &v);
	if (rc)
		return rc;
	if (o->kind == SRVOPT_UINT)
		*(unsigned *)o->target = (unsigned)v;
	else if (o->kind == SRVOPT_U16)
		*(uint16_t *)o->target = (uint16_t)v;
	else
		*(uint64_t *)o->target = v;
	return 0;
}

/* ----------------------------------------------------------- parsing --- */

static void usage(const struct srvcli *cli, FILE *f)
{
	char left[64];

	fprintf(f, "usage: %s [options]\n\n%s\n\n", cli->prog, cli->summary);
	for (unsigned i = 0; i < cli->nopts; i++) {
		const struct srvopt *o = &cli->opts[i];

		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-*s %s\n", HELP_ARG_WIDTH, left, o->help);
	}
	fprintf(f, "  %-*s %s\n  %-*s %s\n", HELP_ARG_WIDTH, "-h, --help",
		"this help", HELP_ARG_WIDTH, "-V, --version", "the version");
}

/* getopt_long's table for cli's options, then --help and --version. */
static void long_options(const struct srvcli *cli, struct option *lo)
{
	unsigned i;

	for (i = 0; i < cli->nopts; i++)
		lo[i] = (struct option){cli->opts[i].name,
					cli->opts[i].kind == SRVOPT_FLAG
					    ? no_argument
					    : required_argument,
					NULL, OPT_FIRST + (int)i};
	lo[i++] = (struct option){"help", no_argument, NULL, 'h'};
	lo[i++] = (struct option){"version", no_argument, NULL, 'V'};
	lo[i] = (struct option){NULL, 0, NULL, 0};
}

/*
 * Refuses long options that are not spelled out in full. getopt_long takes
 * any unambiguous prefix, so "--token SECRET" would pass for
 * "--token-file SECRET" and the secret end up in an error message.
 */
static int check_spelling(const struct srvcli *cli, const struct option *lo,
			  int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		size_t n = strcspn(a + 2, "=");
		int k;

		if (strncmp(a, "--", 2) != 0)
			continue;
		for (k = 0; lo[k].name; k++)
			if (strlen(lo[k].name) == n &&
			    strncmp(lo[k].name, a + 2, n) == 0)
				break;
		if (!lo[k].name) {
			fprintf(stderr, "%s: unrecognized option '--%.*s'\n",
				cli->prog, (int)n, a + 2);
			usage(cli, stderr);
			return -EINVAL;
		}
		if (lo[k].has_arg == required_argument && !a[2 + n])
			i++; /* its value, whatever it looks like */
	}
	return 0;
}

int srvcli_parse(struct srvcli *cli, int argc, char **argv)
{
	struct option lo[SRVCLI_OPTS_MAX + 3];
	int c, rc;

	long_options(cli, lo);
	rc = check_spelling(cli, lo, argc, argv);
	if (rc)
		return rc;
	while ((c = getopt_long(argc, argv, "hV", lo, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			if (c == 'h')
				usage(cli, stdout);
			else
				printf("%s " PACKAGE_VERSION "\n", cli->prog);
			return 1;
		}
		if (c < OPT_FIRST || c >= OPT_FIRST + (int)cli->nopts) {
			usage(cli, stderr);
			return -EINVAL;
		}
		rc = apply(cli, &cli->opts[c - OPT_FIRST], optarg);
		if (rc)
			return rc;
		if (cli->opts[c - OPT_FIRST].target == &cli->http.seed)
			cli->seed_given = 1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", cli->prog,
			argv[optind]);
		return -EINVAL;
	}
	if (!cli->seed_given)
		cli->http.seed = rng_mix((uint64_t)isotime_now_us() ^
					 ((uint64_t)getpid() << 32));
	return 0;
}

/* ------------------------------------------------------------ running --- */

/* Writes the port to path through a temporary file and a rename. */
static int write_port_file(const char *path, uint16_t port)
{
	char tmp[PATH_MAX_TMP];
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

/* Blocks the signals srvcli waits for in every thread, so sigwait gets them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void announce(const struct srvcli *cli, uint16_t port)
{
	const char *host = cli->http.bind;
	int v6 = strchr(host, ':') != NULL;

	printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host,
	       v6 ? "]" : "", (unsigned)port);
	printf("seed %" PRIu64 "\n", cli->http.seed);
	fflush(stdout);
}

static void print_stats(const struct srvcli *cli, struct httpd *h)
{
	struct httpd_stats s;

	httpd_stats(h, &s);
	fprintf(stderr,
		"%s: stats: answered=%" PRIu64 " refused=%" PRIu64
		" injected=%" PRIu64 " in_flight=%" PRIu64
		" body_bytes=%" PRIu64 " coded_bytes=%" PRIu64 "\n",
		cli->prog, s.answered, s.refused, s.injected, s.in_flight,
		s.body_bytes, s.coded_bytes);
}

/* Serves until SIGINT or SIGTERM; SIGUSR1 prints the counters. */
static int wait_for_signals(const struct srvcli *cli, const sigset_t *set,
			    struct httpd *h)
{
	int rc, sig;

	for (;;) {
		rc = sigwait(set, &sig);
		if (rc == EINTR)
			continue;
		if (rc || sig != SIGUSR1)
			break;
		print_stats(cli, h);
	}
	if (!rc && !cli->http.quiet)
		fprintf(stderr, "%s: signal %d, shutting down\n", cli->prog,
			sig);
	return rc;
}

int srvcli_run(const struct srvcli *cli, const struct srvcli_server *srv)
{
	struct httpd *h;
	char err[256];
	sigset_t set;
	int rc;

	block_signals(&set);
	if (srv->start(srv->ctx, &cli->http, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cli->prog, err);
		return 1;
	}
	h = srv->http(srv->ctx);
	if (!cli->http.quiet)
		announce(cli, httpd_port(h));
	rc =
	    cli->port_file ? write_port_file(cli->port_file, httpd_port(h)) : 0;
	if (rc)
		fprintf(stderr, "%s: --port-file %s: %s\n", cli->prog,
			cli->port_file, strerror(-rc));
	else
		rc = wait_for_signals(cli, &set, h);
	httpd_quiesce(h);
	if (!cli->http.quiet)
		print_stats(cli, h);
	srv->stop(srv->ctx);
	return rc ? 1 : 0;
}
