/* SPDX-License-Identifier: MIT */
/*
 * lakeflowfs: mounts a connector source's REST API as read-only files.
 *
 * main() validates everything before mounting (options, credentials, the
 * source's answer), so that a mistake ends the command with a message and
 * nothing mounted; then it detaches (unless -f), mounts and serves.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>

#include "fs.h"
#include "log.h"
#include "mount.h"
#include "options.h"

#define EXIT_USAGE 2
/*
 * Requests served at once unless -o max_threads says otherwise. A reader
 * waiting for a download holds its request's thread, and the kernel's
 * interrupt of a wait is read by a free one: libfuse's default of 10
 * would let ten waiting readers hold every thread, and then nothing,
 * Ctrl-C included, would reach the daemon until a download ended.
 */
#define MAX_THREADS_DEFAULT 64

extern char **environ;

static void usage(const char *prog)
{
	printf("usage: %s [SOURCE] MOUNTPOINT [options]\n\n"
	       "Mounts a connector source's API as plain files. SOURCE is the\n"
	       "API's URL (the same as -o url) or 'builtin'; without either,\n"
	       "the built-in Example source is mounted.\n\n",
	       prog);
	options_usage(stdout);
	/* clang-format off: one string line per help line */
	fputs("\nFUSE options (handled by libfuse):\n"
	      "    -f                     stay in the foreground: log to stderr (or\n"
	      "                           log_file), with a progress line for each\n"
	      "                           fetch after a second, then every 5 s\n"
	      "    -d                     -f and -o debug, plus libfuse's trace of every\n"
	      "                           request the kernel makes\n"
	      "    -s                     serve one request at a time (a download then\n"
	      "                           blocks every other file)\n"
	      "    -o allow_other         let other users (root too) use the mount; users\n"
	      "                           other than root need user_allow_other in\n"
	      "                           /etc/fuse.conf\n"
	      "    -o allow_root          let root use the mount too\n"
	      "    -o auto_unmount        unmount when the daemon ends, even by kill -9\n"
	      "    -o max_threads=N       most requests served at once (default 64)\n"
	      "    -o max_idle_threads=N  idle threads kept for the next requests\n"
	      "    -o clone_fd            one /dev/fuse descriptor per thread\n"
	      "The mount is always read-only. lakeflowfs sets its own cache timeouts:\n"
	      "libfuse's timeout and caching options (attr_timeout, kernel_cache, ...)\n"
	      "are not for it.\n",
	      stdout);
	/* clang-format on */
}

/*
 * A mount whose daemon died answers ENOTCONN; unmount it lazily so that
 * mounting again just works.
 */
static int clean_stale_mount(const char *mnt)
{
	char *argv[] = { "fusermount3", "-u", "-z", (char *)mnt, NULL };
	struct statvfs sv;
	pid_t pid;
	int status;

	/* statfs always reaches the daemon; stat may be served from the
	 * kernel's attribute cache even when the daemon is gone. */
	if (statvfs(mnt, &sv) == 0 || errno != ENOTCONN)
		return 0;
	if (posix_spawnp(&pid, "fusermount3", NULL, NULL, argv, environ) ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "lakeflowfs: %s is a stale mount and could not be "
			"unmounted; run: fusermount3 -uz %s\n", mnt, mnt);
		return -1;
	}
	fprintf(stderr, "lakeflowfs: %s was a stale mount left by a daemon that "
		"died; unmounted it\n", mnt);
	return 0;
}

/* Undoes the octal escapes of a mountinfo field (\040 for a space). */
static void mountinfo_unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/*
 * Finds the FUSE file system mounted on path (the topmost one) in
 * /proc/self/mountinfo; copies its type and source. Returns 1 if there is
 * one, else 0.
 */
static int fuse_mounted_on(const char *path, char *type, char *source,
			   size_t len)
{
	char *line = NULL, point[PATH_MAX], t[256], src[PATH_MAX];
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		const char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT POINT ... - TYPE SOURCE OPTIONS */
		if (!sep ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%255s %4095s", t, src) != 2)
			continue;
		mountinfo_unescape(point);
		if (strcmp(point, path) || strncmp(t, "fuse", 4))
			continue;
		mountinfo_unescape(src);
		snprintf(type, len, "%.*s", (int)len - 1, t);
		snprintf(source, len, "%.*s", (int)len - 1, src);
		found = 1;
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * A second FUSE mount on the same point would hide the first one and its
 * daemon; refuse it, saying what is there. Other file systems (a bind
 * mount, a volume) may be mounted over as usual.
 */
static int check_live_mount(const char *mnt)
{
	char real[PATH_MAX], type[256], source[256];

	if (!realpath(mnt, real) ||
	    !fuse_mounted_on(real, type, source, sizeof(type)))
		return 0;
	fprintf(stderr,
		"lakeflowfs: %s is already mounted: %s (%s) is mounted "
		"there; unmount it first (fusermount3 -u %s) or choose another "
		"mountpoint\n",
		mnt, type, source, mnt);
	return -1;
}

static int check_mountpoint(const char *mnt)
{
	struct stat st;

	if (!mnt) {
		fprintf(stderr, "lakeflowfs: missing MOUNTPOINT (see --help)\n");
		return -1;
	}
	if (clean_stale_mount(mnt) || check_live_mount(mnt))
		return -1;
	if (stat(mnt, &st)) {
		fprintf(stderr, "lakeflowfs: mountpoint %s: %s\n", mnt, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "lakeflowfs: mountpoint %s: not a directory\n", mnt);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------- detaching --- */

static int ready_fd = -1;

/*
 * Forks; the parent waits until the child says it mounted (exit 0) or
 * failed (its status), so `lakeflowfs MNT && ls MNT` works. Done before any
 * thread starts, as threads do not survive fork().
 */
static void detach(void)
{
	int fds[2], status;
	unsigned char code;
	pid_t pid;

	if (pipe(fds) || (pid = fork()) < 0) {
		perror("lakeflowfs: cannot detach");
		exit(1);
	}
	if (pid == 0) {
		close(fds[0]);
		ready_fd = fds[1];
		setsid();
		return;
	}
	close(fds[1]);
	if (read(fds[0], &code, 1) == 1)
		_exit(code);
	/* The child died without a word. */
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		_exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
	_exit(1);
}

/* Tells the waiting parent how it went; on success cuts the terminal. */
static void report_ready(unsigned char code)
{
	int null;

	if (ready_fd < 0)
		return;
	if (code == 0) {
		if (chdir("/")) {
			/* nothing depends on the cwd; ignore */
		}
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
	}
	if (write(ready_fd, &code, 1) != 1) {
		/* the parent is gone; nothing to tell */
	}
	close(ready_fd);
	ready_fd = -1;
}

/*
 * Picks where the daemon logs once it has no terminal: log_file if given
 * (already in use), else syslog, else, where /dev/log does not answer
 * (containers, minimal hosts), CACHE_DIR/lakeflowfs.log, saying so on
 * stderr while there still is one.
 */
static void background_log(const struct options *opt)
{
	char path[PATH_MAX];

	if (ready_fd < 0 || opt->log_file)
		return;
	if (log_syslog_usable()) {
		log_to_syslog();
		return;
	}
	snprintf(path, sizeof(path), "%s/lakeflowfs.log", opt->cache_dir);
	if (log_to_file(path) == 0) {
		fprintf(stderr,
			"lakeflowfs: no syslog here (%s does not answer): "
			"the log goes to %s\n",
			_PATH_LOG, path);
		return;
	}
	fprintf(stderr,
		"lakeflowfs: warning: no syslog here and %s cannot be "
		"written: the daemon's log is lost; use -o log_file=FILE\n",
		path);
	log_to_syslog();
}

/* ------------------------------------------------------------ serve --- */

/* Whether an argument sets -o max_threads (libfuse's parser cannot tell a
 * default from a value given). */
static int sets_max_threads(const struct fuse_args *args)
{
	for (int i = 0; i < args->argc; i++) {
		if (strstr(args->argv[i], "max_threads="))
			return 1;
	}
	return 0;
}

/* Mounts and serves until unmounted; *served tells whether it mounted. */
static int serve(struct fuse *fuse, const struct fuse_cmdline_opts *cmd,
		 const struct options *opt, int *served)
{
	struct fuse_session *se = fuse_get_session(fuse);
	struct fuse_loop_config *lc;
	int rc;

	if (fuse_set_signal_handlers(se)) {
		fprintf(stderr, "lakeflowfs: cannot set signal handlers\n");
		return 1;
	}
	if (fuse_mount(fuse, cmd->mountpoint)) {
		fuse_remove_signal_handlers(se);
		return 1;
	}
	if (fs_session_io(fuse))
		lf_warn("lookups run one at a time: a download blocks listing "
			"its directory");
	*served = 1;
	background_log(opt);
	report_ready(0);
	lf_info("mounted on %s", cmd->mountpoint);
	if (cmd->singlethread) {
		rc = fuse_loop(fuse);
	} else {
		lc = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(lc, cmd->clone_fd);
		if (cmd->max_threads > 0 && cmd->max_threads != UINT_MAX)
			fuse_loop_cfg_set_max_threads(lc, cmd->max_threads);
		if (cmd->max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(lc, cmd->max_idle_threads);
		rc = fuse_loop_mt(fuse, lc);
		fuse_loop_cfg_destroy(lc);
	}
	fuse_unmount(fuse);
	fuse_remove_signal_handlers(se);
	lf_info("unmounted %s", cmd->mountpoint);
	/* The loop reports the signal that ended it: that is a clean stop. */
	if (rc == SIGTERM || rc == SIGINT || rc == SIGHUP)
		rc = 0;
	return rc ? 1 : 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct options opt;
	struct mount m = { 0 };
	struct fuse *fuse = NULL;
	int builtin, served = 0, max_threads_given, rc = EXIT_USAGE;

	if (options_parse(&args, &opt))
		goto out_args;
	if (opt.show_help) {
		usage(argv[0]);
		rc = 0;
		goto out_args;
	}
	if (opt.show_version) {
		printf("lakeflowfs %s (libfuse %s, %s)\n", PACKAGE_VERSION,
		       fuse_pkgversion(), curl_version());
		rc = 0;
		goto out_args;
	}
	max_threads_given = sets_max_threads(&args);
	if (fuse_parse_cmdline(&args, &cmd) || check_mountpoint(cmd.mountpoint) ||
	    options_resolve(&opt, &builtin))
		goto out_args;
	if (!max_threads_given)
		cmd.max_threads = MAX_THREADS_DEFAULT;
	log_set_debug(opt.debug || cmd.debug);
	if (opt.log_file && log_to_file(opt.log_file)) {
		fprintf(stderr, "lakeflowfs: log_file: cannot append to %s\n",
			opt.log_file);
		goto out_args;
	}
	if (fuse_opt_add_arg(&args, "-oro,default_permissions,fsname=lakeflowfs,"
			     "subtype=lakeflowfs"))
		goto out_args;
	fuse = fuse_new(&args, &fs_operations, sizeof(fs_operations), &m);
	if (!fuse)
		goto out_args; /* libfuse said which option it did not know */
	rc = 1;
	if (!cmd.foreground)
		detach();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = mount_init(&m, &opt, builtin);
	if (rc)
		goto out_fuse;
	/* In the foreground, long fetches print a progress line now and then. */
	if (cmd.foreground && status_start_ticker(&m.status, 5))
		lf_warn("no progress lines: cannot start their thread");
	rc = serve(fuse, &cmd, &opt, &served);
out_fuse:
	report_ready((unsigned char)rc);
	fuse_destroy(fuse);
	if (rc && !served)
		mount_discard_cache(&m);
	mount_release(&m);
	curl_global_cleanup();
out_args:
	free(cmd.mountpoint);
	options_free(&opt);
	fuse_opt_free_args(&args);
	return rc;
}
