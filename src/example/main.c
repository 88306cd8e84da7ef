/* SPDX-License-Identifier: MIT */
/*
 * lakeflowfs-example-server: the simulated Example source as a program.
 *
 * This file owns the options that are the Example source's own (--null-rate,
 * --scale); the shared ones, the startup lines, the port file and the
 * signals are common/srvcli.c's, and the server itself is server.c and
 * friends, the same code the lakeflowfs daemon embeds.
 */
#include <stddef.h>

#include "common/srvcli.h"
#include "server.h"

#define PROG	  "lakeflowfs-example-server"
#define SCALE_MAX 1000000

struct program {
	struct example_data data;
	struct example_server *srv;
};

static int start(void *ctx, const struct httpd_config *http, char *err,
		 size_t errlen)
{
	struct program *p = ctx;

	return example_server_start_http(http, &p->data, &p->srv, err, errlen);
}

static struct httpd *http_of(void *ctx)
{
	struct program *p = ctx;

	return example_server_http(p->srv);
}

static void stop(void *ctx)
{
	struct program *p = ctx;

	example_server_stop(p->srv);
}

int main(int argc, char **argv)
{
	struct program p = {.srv = NULL};
	struct srvcli_server server = {&p, start, http_of, stop};
	struct srvcli cli;
	int rc;

	example_data_defaults(&p.data);
	srvcli_init(&cli, PROG,
		    "Serves the simulated Example source over HTTP.");
	srvcli_add(&cli,
		   &(struct srvopt){
		       "null-rate", SRVOPT_RATE, "R",
		       "share of nullable seed fields set null (default 0.2)",
		       &p.data.null_rate, 0, 0});
	srvcli_add(&cli,
		   &(struct srvopt){
		       "scale", SRVOPT_UINT, "N",
		       "N times the seeded rows of every table (default 1)",
		       &p.data.scale, 1, SCALE_MAX});
	rc = srvcli_parse(&cli, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	return srvcli_run(&cli, &server);
}
