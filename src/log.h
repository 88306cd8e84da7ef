/* SPDX-License-Identifier: MIT */
/*
 * log: the daemon's one logging path.
 *
 * Messages go through fuse_log(), so they reach stderr in the foreground and,
 * once the daemon is in the background, syslog or a log file. Each line carries
 * the level and, at debug level, the file, function and line. Debug lines
 * appear only with -o debug. Never log a password.
 */
#ifndef LF_LOG_H
#define LF_LOG_H

#include <fuse_log.h>

/* Enables or disables LOG_DEBUG output (off by default). */
void log_set_debug(int on);
int log_debug_enabled(void);
/* Sends everything to syslog from now on (after daemonizing). */
void log_to_syslog(void);
/* Whether syslog takes lines here: /dev/log answers (containers and
 * minimal hosts often have none, and syslog() then drops every line). */
int log_syslog_usable(void);
/*
 * Appends every line to the file at path from now on, each with a
 * timestamp and the process id, one write() per line. Returns 0 or -errno
 * (logging is then unchanged).
 */
int log_to_file(const char *path);

void log_msg(enum fuse_log_level level, const char *file, const char *func,
	     int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define lf_log(level, ...) \
	log_msg((level), __FILE__, __func__, __LINE__, __VA_ARGS__)
#define lf_err(...) lf_log(FUSE_LOG_ERR, __VA_ARGS__)
#define lf_warn(...) lf_log(FUSE_LOG_WARNING, __VA_ARGS__)
#define lf_info(...) lf_log(FUSE_LOG_INFO, __VA_ARGS__)
#define lf_debug(...) \
	do { \
		if (log_debug_enabled()) \
			lf_log(FUSE_LOG_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
