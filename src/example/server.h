/* SPDX-License-Identifier: MIT */
/*
 * example server: the simulated Example source served over HTTP.
 *
 * This is the whole server as a library, so that the lakeflowfs daemon can
 * run a built-in copy on a loopback port and lakeflowfs-example-server is a
 * thin main() around it. The server owns its tables and threads; the caller
 * owns the config strings and must keep them alive until example_server_stop.
 */
#ifndef LF_EXAMPLE_SERVER_H
#define LF_EXAMPLE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "common/httpd.h"

/* The built-in copy's settings; the rest of httpd_config at its defaults. */
struct example_config {
	const char *bind;    /* address to listen on; default "127.0.0.1" */
	uint16_t port;	     /* 0: any free port */
	double error_rate;   /* share of calls answered 429/500/503; 0.03 */
	double null_rate;    /* share of nullable seed fields set null; 0.2 */
	unsigned latency_ms; /* added to every answer; 0 */
	unsigned scale;	     /* N times the seeded rows of every table; 1 */
	uint64_t seed;	     /* seeds nulls and error injection */
	int quiet;	     /* 1: log nothing but errors */
};

/* What the seeded tables depend on besides the seed (http->seed). */
struct example_data {
	double null_rate; /* share of nullable seed fields set null; 0.2 */
	unsigned scale;	  /* N times the seeded rows of every table; 1 */
};

struct example_server;

/* Fills cfg with the defaults of the API page. */
void example_config_defaults(struct example_config *cfg);
void example_data_defaults(struct example_data *data);

/*
 * Seeds the tables and starts serving. Returns 0 and sets *out, or -errno
 * with a one-line reason in err (errlen bytes).
 */
int example_server_start(const struct example_config *cfg,
			 struct example_server **out, char *err, size_t errlen);
/* The same with every setting of the HTTP layer (the program's options). */
int example_server_start_http(const struct httpd_config *http,
			      const struct example_data *data,
			      struct example_server **out, char *err,
			      size_t errlen);
/* The port actually bound (useful when cfg->port was 0). */
uint16_t example_server_port(const struct example_server *srv);
/* Its HTTP layer, for the port and the counters. */
struct httpd *example_server_http(struct example_server *srv);
/* Stops serving, waits for requests in flight, frees everything. */
void example_server_stop(struct example_server *srv);

#endif
