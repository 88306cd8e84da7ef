/* SPDX-License-Identifier: MIT */
/*
 * options: parsing and validation of lakeflowfs's -o options, the
 * connection file and the credentials. See options.h. Passwords are read
 * from a file, the environment or the connection file, never from argv.
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/jsondoc.h"
#include "log.h"

#define DEFAULT_SNAPSHOT_TTL 300
#define DEFAULT_TIMEOUT 30
#define DEFAULT_RETRIES 5
#define DEFAULT_REFRESH 30
#define DEFAULT_PARALLEL 8
/* A connection file is a few short strings. */
#define CONNECTION_SIZE_MAX (1u << 20)

enum { KEY_HELP, KEY_VERSION };

#define OPTION(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt option_spec[] = {
	OPTION("url=%s", url),
	OPTION("username=%s", username),
	OPTION("password_file=%s", password_file),
	OPTION("connection=%s", connection),
	OPTION("cache_dir=%s", cache_dir),
	OPTION("snapshot_ttl=%s", snapshot_ttl_s),
	OPTION("timeout=%s", timeout_s),
	OPTION("retries=%s", retries_s),
	OPTION("refresh=%s", refresh_s),
	OPTION("parallel=%s", parallel_s),
	OPTION("spec=%s", spec_file),
	OPTION("full_refresh=%s", full_refresh_s),
	OPTION("log_file=%s", log_file),
	OPTION("password=%s", password),
	OPTION("insecure", insecure),
	OPTION("finish_fetches", finish_fetches),
	OPTION("debug", debug),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

void options_usage(FILE *out)
{
	fputs("lakeflowfs options:\n"
	      "    -o url=URL             the source's API (default: start the built-in\n"
	      "                           Example source on a loopback port)\n"
	      "    -o username=NAME       user for HTTP Basic auth\n"
	      "    -o password_file=FILE  file whose first line is the password\n"
	      "    -o connection=FILE     JSON connection parameters: username, password,\n"
	      "                           externalOptionsAllowList (and optionally url)\n"
	      "    -o cache_dir=DIR       where materialized files live\n"
	      "                           (default: $XDG_CACHE_HOME/lakeflowfs or ~/.cache/lakeflowfs)\n"
	      "    -o snapshot_ttl=TIME   how long a snapshot stays fresh (default 5m)\n"
	      "    -o timeout=TIME        limit for one HTTP attempt (default 30s)\n"
	      "    -o retries=N           HTTP attempts in all for 429/500/503 and\n"
	      "                           transport errors (default 5)\n"
	      "    -o spec=FILE           pipeline spec (JSON): which tables to mount, under\n"
	      "                           which names, with which options\n"
	      "    -o refresh=TIME        least time between two refreshes of a changes/\n"
	      "                           or deletes/ listing (default 30s; 0: every listing)\n"
	      "    -o parallel=N          page requests in flight per read (default 8)\n"
	      "    -o full_refresh=NAME[:NAME...]  start the changes/ and deletes/ of\n"
	      "                           these objects over, in a new epoch (at every\n"
	      "                           mount that has it: not for fstab)\n"
	      "    -o finish_fetches      finish a download (or refresh) in the background\n"
	      "                           when every reader waiting for it was\n"
	      "                           interrupted, to warm the cache (default: stop\n"
	      "                           it, spending no more API calls)\n"
	      "    -o insecure            do not verify TLS certificates (not advised)\n"
	      "    -o debug               log every HTTP request and cache decision\n"
	      "                           (in the background too; it does not imply -f)\n"
	      "    -o log_file=FILE       append the log to FILE, each line with a\n"
	      "                           timestamp (default: stderr with -f, else syslog,\n"
	      "                           or CACHE_DIR/lakeflowfs.log where /dev/log is\n"
	      "                           missing)\n"
	      "TIME is seconds, or a number with a unit: 90s, 5m, 2h, 1d; at most 3650d.\n"
	      "The password may also come from the LAKEFLOWFS_PASSWORD environment\n"
	      "variable, the user from LAKEFLOWFS_USERNAME.\n",
	      out);
}

static int option_key(void *data, const char *arg, int key,
		      struct fuse_args *outargs)
{
	struct options *o = data;

	switch (key) {
	case KEY_HELP:
		o->show_help = 1;
		return 0;
	case KEY_VERSION:
		o->show_version = 1;
		return 0;
	case FUSE_OPT_KEY_NONOPT:
		/* [SOURCE] MOUNTPOINT: keep both, decide once all are seen. */
		if (!o->mountpoint)
			return (o->mountpoint = strdup(arg)) ? 0 : -1;
		if (!o->source) {
			o->source = o->mountpoint;
			return (o->mountpoint = strdup(arg)) ? 0 : -1;
		}
		fprintf(stderr, "lakeflowfs: unexpected argument '%s' (see --help)\n", arg);
		return -1;
	default:
		return 1; /* keep it for libfuse */
	}
}

int options_parse(struct fuse_args *args, struct options *o)
{
	memset(o, 0, sizeof(*o));
	table_opts_defaults(&o->table);
	if (fuse_opt_parse(args, o, option_spec, option_key) == -1) {
		fprintf(stderr, "lakeflowfs: cannot parse the options\n");
		return -1;
	}
	/* libfuse parses the mountpoint itself. */
	if (o->mountpoint && fuse_opt_add_arg(args, o->mountpoint))
		return -1;
	return 0;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_duration(const char *s, long *out)
{
	static const struct {
		char unit;
		long mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char num[32];
	size_t n;
	long mult = 1, v;

	if (!s || !*s || (n = strlen(s)) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (num[n - 1] == units[i].unit) {
			mult = units[i].mult;
			num[--n] = '\0';
			break;
		}
	}
	/* Bounded so that microseconds of it fit anywhere (int64_t). */
	if (parse_long(num, 0, DURATION_MAX / mult, &v))
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* Replaces *dst with a copy of src. */
static int set_string(char **dst, const char *src)
{
	char *copy = strdup(src);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

/* Warns when others may read a file that holds the password. */
static void warn_readable(const char *option, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
		fprintf(stderr,
			"lakeflowfs: warning: %s %s is readable by others; "
			"chmod 600 it\n",
			option, path);
}

/* Reads the first line of a password file, warning when others can read it. */
static int read_password_file(const char *path, char **out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "lakeflowfs: password_file: cannot read %s: %s\n",
			path, strerror(errno));
		return -1;
	}
	warn_readable("password_file", path);
	n = getline(&line, &cap, f);
	fclose(f);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n <= 0) {
		free(line);
		fprintf(stderr, "lakeflowfs: password_file: %s is empty\n", path);
		return -1;
	}
	*out = line;
	return 0;
}

/* Copies one string member of the connection JSON, if present. */
static int connection_string(struct json_object *obj, const char *key,
			     const char *path, char **dst)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		fprintf(stderr, "lakeflowfs: connection %s: \"%s\" must be a string\n",
			path, key);
		return -1;
	}
	return set_string(dst, json_object_get_string(v)) ? -1 : 0;
}

/*
 * Applies a connection file's JSON (obj, consumed; NULL when it did not
 * parse, why saying why): {"username", "password", "externalOptionsAllowList",
 * "url"}. Values given as -o options win over the file's.
 */
static int apply_connection(struct json_object *obj, const char *why,
			    const char *name, struct options *o)
{
	static const char *const known[] = { "username", "password",
					     "externalOptionsAllowList", "url" };
	char *user = NULL, *url = NULL;
	int rc = -1;

	if (!obj || !json_object_is_type(obj, json_type_object)) {
		fprintf(stderr, "lakeflowfs: connection %s: not a readable JSON object (%s)\n",
			name, obj ? "wrong type" : why);
		goto out;
	}
	json_object_object_foreach(obj, key, val) {
		size_t i = 0;

		(void)val;
		while (i < 4 && strcmp(key, known[i]))
			i++;
		if (i == 4) {
			fprintf(stderr, "lakeflowfs: connection %s: unknown field \"%s\" "
				"(known: username, password, externalOptionsAllowList, url)\n",
				name, key);
			goto out;
		}
	}
	if (connection_string(obj, "username", name, &user) ||
	    connection_string(obj, "password", name, &o->secret) ||
	    connection_string(obj, "externalOptionsAllowList", name,
			      &o->allow_list) ||
	    connection_string(obj, "url", name, &url))
		goto out;
	if (!o->username && user) {
		o->username = user;
		user = NULL;
	}
	if (!o->url && url) {
		o->url = url;
		url = NULL;
	}
	rc = 0;
out:
	free(user);
	free(url);
	json_object_put(obj);
	return rc;
}

/* Why a connection document gave no object, in why (len bytes). */
static const char *connection_why(int rc, const struct jsondoc_error *jerr,
				  char *why, size_t len)
{
	if (rc == 0)
		snprintf(why, len, "wrong type");
	else if (rc == -EINVAL)
		jsondoc_error_text(jerr, why, len);
	else if (rc == -EFBIG)
		snprintf(why, len, "larger than %u bytes", CONNECTION_SIZE_MAX);
	else
		snprintf(why, len, "%s", strerror(-rc));
	return why;
}

static int load_connection(struct options *o)
{
	struct json_object *obj = NULL;
	struct jsondoc_error jerr;
	char why[128];
	int rc;

	rc = jsondoc_load(o->connection, CONNECTION_SIZE_MAX, &obj, &jerr);
	warn_readable("connection", o->connection);
	return apply_connection(
	    obj, connection_why(rc, &jerr, why, sizeof(why)), o->connection, o);
}

int options_parse_connection_json(const char *json, const char *name,
				  struct options *o)
{
	struct json_object *obj = NULL;
	struct jsondoc_error jerr;
	char why[128];
	int rc;

	rc = jsondoc_parse(json, strlen(json), &obj, &jerr);
	return apply_connection(
	    obj, connection_why(rc, &jerr, why, sizeof(why)), name, o);
}

/* Finds the password and user from the connection file, -o, or env. */
static int resolve_credentials(struct options *o, int builtin)
{
	const char *env;

	if (o->password) {
		fprintf(stderr, "lakeflowfs: password: passwords are never taken on the "
			"command line; use -o password_file=FILE, -o connection=FILE "
			"or LAKEFLOWFS_PASSWORD\n");
		return -1;
	}
	if (o->password_file) {
		free(o->secret);
		o->secret = NULL;
		if (read_password_file(o->password_file, &o->secret))
			return -1;
	}
	if (!o->secret && (env = getenv("LAKEFLOWFS_PASSWORD")) && *env &&
	    set_string(&o->secret, env))
		return -1;
	if (!o->username && (env = getenv("LAKEFLOWFS_USERNAME")) && *env &&
	    set_string(&o->username, env))
		return -1;
	if (builtin) {
		/* The built-in source takes any credentials; use ours if none. */
		if (!o->username && set_string(&o->username, "lakeflowfs"))
			return -1;
		if (!o->secret && set_string(&o->secret, "lakeflowfs"))
			return -1;
	}
	if (!o->username || !*o->username) {
		fprintf(stderr, "lakeflowfs: username: missing; give -o username=NAME, "
			"LAKEFLOWFS_USERNAME or a connection file\n");
		return -1;
	}
	if (!o->secret || !*o->secret) {
		fprintf(stderr, "lakeflowfs: password: missing; give -o password_file=FILE, "
			"LAKEFLOWFS_PASSWORD or a connection file\n");
		return -1;
	}
	return 0;
}

/* Checks that url is http:// or https:// with a host, and trims a '/'. */
static int check_url(char *url)
{
	size_t n = strlen(url);
	const char *host;

	if (!strncmp(url, "http://", 7))
		host = url + 7;
	else if (!strncmp(url, "https://", 8))
		host = url + 8;
	else
		host = NULL;
	if (!host || !*host || *host == '/' || strchr(url, '?') || strchr(url, '#') ||
	    strchr(host, '@')) {
		fprintf(stderr, "lakeflowfs: url: '%s' is not an http:// or https:// "
			"URL of the form http://HOST[:PORT][/PATH]\n", url);
		return -1;
	}
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	return 0;
}

/* Says that an option's value is not a duration it takes. Returns -1. */
static int bad_duration(const char *name, const char *value)
{
	fprintf(stderr,
		"lakeflowfs: %s: '%s' is not a duration from 0 to %ldd "
		"(seconds, or a number with s, m, h or d)\n",
		name, value, DURATION_MAX / 86400);
	return -1;
}

/* Validates the numeric options and applies their defaults. */
static int resolve_numbers(struct options *o)
{
	long v;

	o->snapshot_ttl = DEFAULT_SNAPSHOT_TTL;
	o->timeout = DEFAULT_TIMEOUT;
	o->retries = DEFAULT_RETRIES;
	o->refresh = DEFAULT_REFRESH;
	o->parallel = DEFAULT_PARALLEL;
	if (o->refresh_s && parse_duration(o->refresh_s, &o->refresh))
		return bad_duration("refresh", o->refresh_s);
	if (o->parallel_s) {
		if (parse_long(o->parallel_s, 1, 64, &v)) {
			fprintf(stderr, "lakeflowfs: parallel: '%s' is not a whole number "
				"of requests between 1 and 64\n", o->parallel_s);
			return -1;
		}
		o->parallel = (int)v;
	}
	if (o->snapshot_ttl_s &&
	    parse_duration(o->snapshot_ttl_s, &o->snapshot_ttl))
		return bad_duration("snapshot_ttl", o->snapshot_ttl_s);
	if (o->timeout_s && (parse_duration(o->timeout_s, &o->timeout) ||
			     o->timeout < 1 || o->timeout > 86400)) {
		fprintf(stderr, "lakeflowfs: timeout: '%s' is not a duration between "
			"1s and 1d\n", o->timeout_s);
		return -1;
	}
	if (o->retries_s) {
		if (parse_long(o->retries_s, 1, 100, &v)) {
			fprintf(stderr, "lakeflowfs: retries: '%s' is not a whole number "
				"of attempts between 1 and 100\n", o->retries_s);
			return -1;
		}
		o->retries = (int)v;
	}
	return 0;
}

/* Picks the cache directory: the option, else XDG, else ~/.cache. */
static int resolve_cache_dir(struct options *o)
{
	const char *base = getenv("XDG_CACHE_HOME");
	char path[PATH_MAX];

	if (o->cache_dir) {
		if (!*o->cache_dir) {
			fprintf(stderr, "lakeflowfs: cache_dir: must not be empty\n");
			return -1;
		}
		return 0;
	}
	if (base && *base == '/')
		snprintf(path, sizeof(path), "%s/lakeflowfs", base);
	else if ((base = getenv("HOME")) && *base)
		snprintf(path, sizeof(path), "%s/.cache/lakeflowfs", base);
	else
		snprintf(path, sizeof(path), "/var/cache/lakeflowfs");
	return set_string(&o->cache_dir, path) ? -1 : 0;
}

/*
 * SOURCE, as mount(8) passes the first field of an fstab line: an http or
 * https URL, or "builtin" / "none" for the built-in Example source.
 */
static int resolve_source(struct options *o)
{
	if (!o->source || !strcmp(o->source, "builtin") || !strcmp(o->source, "none"))
		return 0;
	if (strncmp(o->source, "http://", 7) && strncmp(o->source, "https://", 8)) {
		fprintf(stderr, "lakeflowfs: source: '%s' is not an http:// or "
			"https:// URL, nor 'builtin'\n", o->source);
		return -1;
	}
	if (o->url && strcmp(o->url, o->source)) {
		fprintf(stderr, "lakeflowfs: source: '%s' and url=%s disagree; "
			"give one of them\n", o->source, o->url);
		return -1;
	}
	return o->url ? 0 : set_string(&o->url, o->source) ? -1 : 0;
}

/* Splits full_refresh=NAME[:NAME...] into its names (checked at mount). */
static int resolve_full_refresh(struct options *o)
{
	char *list, *name, *save = NULL;
	size_t n = 1;

	if (!o->full_refresh_s)
		return 0;
	for (const char *p = o->full_refresh_s; *p; p++)
		n += *p == ':';
	list = strdup(o->full_refresh_s);
	o->full_refresh = calloc(n + 1, sizeof(*o->full_refresh));
	if (!list || !o->full_refresh) {
		free(list);
		return -1;
	}
	for (name = strtok_r(list, ":", &save); name;
	     name = strtok_r(NULL, ":", &save)) {
		if (!(o->full_refresh[o->nfull_refresh] = strdup(name)))
			break;
		o->nfull_refresh++;
	}
	free(list);
	if (o->nfull_refresh == n) /* no empty name, nothing lost */
		return 0;
	fprintf(stderr,
		"lakeflowfs: full_refresh: '%s' is not a list of object "
		"names separated by ':' (e.g. full_refresh=orders:events)\n",
		o->full_refresh_s);
	return -1;
}

/* Makes log_file absolute (the daemon leaves its directory) and checks
 * that it can be appended to. */
static int resolve_log_file(struct options *o)
{
	char cwd[PATH_MAX], *abs;
	int fd;

	if (!*o->log_file) {
		fprintf(stderr, "lakeflowfs: log_file: must not be empty\n");
		return -1;
	}
	if (*o->log_file != '/') {
		if (!getcwd(cwd, sizeof(cwd)) ||
		    asprintf(&abs, "%s/%s", cwd, o->log_file) < 0) {
			fprintf(stderr,
				"lakeflowfs: log_file: cannot make %s "
				"absolute\n",
				o->log_file);
			return -1;
		}
		free(o->log_file);
		o->log_file = abs;
	}
	fd = open(o->log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr,
			"lakeflowfs: log_file: cannot append to %s: %s\n",
			o->log_file, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int load_spec(struct options *o)
{
	char err[512];

	if (spec_load(o->spec_file, &o->spec, err, sizeof(err))) {
		fprintf(stderr, "lakeflowfs: %s\n", err);
		return -1;
	}
	return 0;
}

int options_resolve(struct options *o, int *builtin)
{
	if (resolve_source(o))
		return -1;
	if (o->connection && load_connection(o))
		return -1;
	*builtin = o->url == NULL;
	if (o->url && check_url(o->url))
		return -1;
	if (resolve_credentials(o, *builtin) || resolve_numbers(o) ||
	    resolve_cache_dir(o))
		return -1;
	if (o->spec_file && load_spec(o))
		return -1;
	if (resolve_full_refresh(o))
		return -1;
	if (o->log_file && resolve_log_file(o))
		return -1;
	if (*builtin && !o->allow_list && set_string(&o->allow_list, "num_rows"))
		return -1;
	if (o->insecure)
		fprintf(stderr, "lakeflowfs: warning: insecure: TLS certificates "
			"will not be verified\n");
	return 0;
}

void options_free(struct options *o)
{
	char **strings[] = { &o->url, &o->username, &o->password_file,
			     &o->connection, &o->cache_dir, &o->snapshot_ttl_s,
			     &o->timeout_s, &o->retries_s, &o->refresh_s,
			     &o->parallel_s, &o->spec_file, &o->full_refresh_s,
			     &o->log_file,
			     &o->password, &o->secret, &o->allow_list,
			     &o->mountpoint, &o->source };

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (*strings[i] == o->secret && o->secret)
			explicit_bzero(o->secret, strlen(o->secret));
		free(*strings[i]);
		*strings[i] = NULL;
	}
	for (size_t i = 0; i < o->nfull_refresh; i++)
		free(o->full_refresh[i]);
	free(o->full_refresh);
	o->full_refresh = NULL;
	o->nfull_refresh = 0;
	table_opts_free(&o->table);
	spec_free(o->spec);
	o->spec = NULL;
}
