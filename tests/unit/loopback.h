/* SPDX-License-Identifier: MIT */
/*
 * loopback: a listening socket on 127.0.0.1 and a free port, for the unit
 * tests that script an HTTP server of their own.
 */
#ifndef LF_LOOPBACK_H
#define LF_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Returns the listening fd and sets *port, or -1. */
static inline int listen_loopback(int *port, int backlog)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, backlog) || getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

#endif
