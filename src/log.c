/* SPDX-License-Identifier: MIT */
/*
 * log: formats a line and hands it to fuse_log(). See log.h.
 */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "common/isotime.h"

#define LOG_LINE_MAX 4096 /* a longer line is cut */

static int debug_on;
static int log_fd = -1; /* log_to_file()'s file, or -1 */

void log_set_debug(int on)
{
	debug_on = on;
}

int log_debug_enabled(void)
{
	return debug_on;
}

static const char *level_name(enum fuse_log_level level)
{
	switch (level) {
	case FUSE_LOG_EMERG:
	case FUSE_LOG_ALERT:
	case FUSE_LOG_CRIT:
	case FUSE_LOG_ERR:
		return "error";
	case FUSE_LOG_WARNING:
		return "warning";
	case FUSE_LOG_NOTICE:
	case FUSE_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void log_msg(enum fuse_log_level level, const char *file, const char *func,
	     int line, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (debug_on)
		fuse_log(level, "lakeflowfs: %s: %s:%d %s: %s\n",
			 level_name(level), file, line, func, msg);
	else
		fuse_log(level, "lakeflowfs: %s: %s\n", level_name(level), msg);
}

static void syslog_func(enum fuse_log_level level, const char *fmt, va_list ap)
{
	vsyslog((int)level, fmt, ap);
}

void log_to_syslog(void)
{
	openlog("lakeflowfs", LOG_PID, LOG_DAEMON);
	fuse_set_log_func(syslog_func);
}

int log_syslog_usable(void)
{
	static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int ok = 0;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", _PATH_LOG);
	for (size_t i = 0; !ok && i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
		close(fd);
	}
	return ok;
}

static void file_func(enum fuse_log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX], when[ISOTIME_SIZE];
	int n, len;

	(void)level;
	isotime_format(isotime_now_us(), when);
	n = snprintf(line, sizeof(line), "%s [%ld] ", when, (long)getpid());
	if (n < 0 || n >= (int)sizeof(line))
		return;
	len = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (len < 0)
		return;
	len += n;
	if (len > (int)sizeof(line) - 2) /* cut, keeping room for '\n' */
		len = (int)sizeof(line) - 2;
	if (line[len - 1] != '\n')
		line[len++] = '\n';
	if (write(log_fd, line, (size_t)len) < 0) {
		/* nowhere left to say it */
	}
}

int log_to_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	fuse_set_log_func(file_func);
	return 0;
}
