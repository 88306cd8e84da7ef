/* SPDX-License-Identifier: MIT */
/*
 * log: formats a line and hands it to fuse_log(). See log.h.
 */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static int debug_on;

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
