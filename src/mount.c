/* SPDX-License-Identifier: MIT */
/*
 * mount: builds the daemon's state from the options. See mount.h.
 */
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/isotime.h"
#include "example/server.h"
#include "log.h"
#include "tableopts.h"

static struct json_object *string_array(char **items, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

/* Serializes obj (consumed) into a memfile, pretty, newline-terminated. */
static int memfile_from_json(struct memfile *mf, struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = 0;

	mf->len = strlen(s) + 1;
	mf->data = malloc(mf->len + 1);
	if (mf->data)
		snprintf(mf->data, mf->len + 1, "%s\n", s);
	else
		rc = -ENOMEM;
	json_object_put(obj);
	return rc;
}

/* The common table_configuration options: scd_type, primary_keys (the
 * spec's override replaces the connector's), sequence_by. */
static void add_spec_fields(struct json_object *obj, const struct object *o)
{
	const struct spec_table *st = o->spec;
	const char *scd = NULL;

	if (st && st->scd_type)
		scd = st->scd_type;
	else if (o->info->ingestion != INGEST_APPEND)
		scd = "SCD_TYPE_1";
	json_object_object_add(obj, "scd_type", scd ? json_object_new_string(scd) : NULL);
	if (st && st->primary_keys)
		json_object_object_add(obj, "primary_keys",
				       string_array(st->primary_keys, st->nprimary_keys));
	json_object_object_add(obj, "sequence_by",
			       st && st->sequence_by ?
				       json_object_new_string(st->sequence_by) :
				       NULL);
}

static int build_metadata(struct object *o)
{
	const struct table_info *t = o->info;
	struct json_object *obj = json_object_new_object();
	struct json_object *opts = json_object_new_object();

	json_object_object_add(obj, "object", json_object_new_string(o->dir));
	json_object_object_add(obj, "source_table", json_object_new_string(t->name));
	json_object_object_add(obj, "primary_keys",
			       string_array(t->primary_keys, t->nprimary_keys));
	json_object_object_add(obj, "cursor_field",
			       t->cursor_field ?
				       json_object_new_string(t->cursor_field) :
				       NULL);
	json_object_object_add(obj, "ingestion_type",
			       json_object_new_string(ingestion_name(t->ingestion)));
	json_object_object_add(obj, "hidden", json_object_new_boolean(t->hidden));
	option_values_json(opts, t->name, t->ingestion, &o->opts);
	json_object_object_add(obj, "options", opts);
	add_spec_fields(obj, o);
	return memfile_from_json(&o->metadata, obj);
}

/* The Spark StructType JSON of t's columns, as a memfile. */
static int schema_memfile(const struct table_info *t, struct memfile *mf)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = schema_spark_json(t, &b);
	if (rc == 0)
		rc = buf_putc(&b, '\n');
	mf->len = b.len;
	mf->data = buf_steal(&b);
	return rc;
}

/*
 * history.schema.json: the table's columns, then __START_AT and __END_AT
 * typed as the sequence_by column, whose values they hold (__END_AT is
 * null for the live version).
 */
static int build_history_schema(struct object *o, const struct view_def *def)
{
	struct table_info t = *o->info;
	struct field *f = calloc(t.nfields + 2, sizeof(*f));
	enum field_type type = FIELD_STRING;
	int rc;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < t.nfields; i++) {
		f[i] = t.fields[i];
		if (!strcmp(t.fields[i].name, def->sequence_by))
			type = t.fields[i].type;
	}
	f[t.nfields] = (struct field){(char *)"__START_AT", type, 0, NULL, 0};
	f[t.nfields + 1] = (struct field){(char *)"__END_AT", type, 1, NULL, 0};
	t.fields = f;
	t.nfields += 2;
	rc = schema_memfile(&t, &o->history_schema);
	free(f);
	return rc;
}

/* Logs (at debug level) why the entry's file is being made now: it never
 * was, or it grew stale. Called by its producer, with the lock not held. */
static int64_t produce_begin(struct object *o, struct centry *e,
			     const char *file)
{
	int64_t now = isotime_now_us(), made;
	int ready;

	if (!log_debug_enabled())
		return now;
	pthread_mutex_lock(&e->lock);
	ready = e->ready;
	made = e->ready_at;
	pthread_mutex_unlock(&e->lock);
	if (!ready)
		lf_debug("cache: %s/%s: missing: making it", o->dir, file);
	else if (e->dep)
		lf_debug("cache: %s/%s: stale: what it is made from changed: "
			 "making it again",
			 o->dir, file);
	else
		lf_debug("cache: %s/%s: stale: made %lld s ago, snapshot_ttl "
			 "%ld s: making it again",
			 o->dir, file, (long long)((now - made) / 1000000),
			 e->ttl);
	return now;
}

static void produce_end(struct object *o, const char *file, int rc,
			const struct read_progress *progress, int64_t started)
{
	long long ms = (long long)((isotime_now_us() - started) / 1000);

	if (rc == -ECANCELED)
		lf_debug("cache: %s/%s: cancelled after %lu records in %lu "
			 "pages, %lld ms: nothing kept",
			 o->dir, file, progress ? progress->records : 0,
			 progress ? progress->pages : 0, ms);
	else if (rc)
		lf_debug("cache: %s/%s: making it failed: %s", o->dir, file,
			 strerror(-rc));
	else if (progress)
		lf_debug("cache: %s/%s: produced: %lu records in %lu pages, "
			 "%lld ms",
			 o->dir, file, progress->records, progress->pages, ms);
	else
		lf_debug("cache: %s/%s: produced in %lld ms", o->dir, file, ms);
}

/* A read of the source that makes a data file: a snapshot or its sample. */
typedef int (*produce_read_fn)(struct http_client *c,
			       const struct table_info *t,
			       const struct table_opts *o, int64_t init_us,
			       FILE *out, struct read_progress *progress);

/* Makes file of o with fetch, shown in _status.json while it runs with
 * its readers waiting; stops when the entry is cancelled. */
static int produce_read(struct object *o, struct centry *e, const char *file,
			produce_read_fn fetch, FILE *out,
			struct read_progress *progress)
{
	int64_t started = produce_begin(o, e, file);
	struct activity act;
	int rc;

	progress->cancel = &e->cancel;
	progress->waiters = &e->waiters;
	status_begin(&o->m->status, &act, o->dir, file, progress);
	rc = fetch(o->m->http, o->info, &o->opts, isotime_now_us(), out,
		   progress);
	status_end(&o->m->status, &act);
	produce_end(o, file, rc, progress, started);
	return rc;
}

/* Produces snapshot.jsonl: every record, read now. */
static int produce_jsonl(void *arg, FILE *out, int64_t version, char **meta)
{
	struct object *o = arg;
	struct read_progress progress = {0};
	int rc;

	(void)version, (void)meta;
	rc = produce_read(o, &o->jsonl, "snapshot.jsonl", source_snapshot, out,
			  &progress);
	if (rc == 0)
		lf_info("%s: snapshot of %lu records in %lu pages", o->dir,
			progress.records, progress.pages);
	return rc;
}

/* Produces sample.jsonl: the first page of the snapshot, one request. */
static int produce_sample(void *arg, FILE *out, int64_t version, char **meta)
{
	struct object *o = arg;
	struct read_progress progress = {0};

	(void)version, (void)meta;
	return produce_read(o, &o->sample, "sample.jsonl", source_sample, out,
			    &progress);
}

/* Opens the cached file of from, which an entry of o is made from;
 * NULL with *rc set (and logged) when it cannot. */
static FILE *open_made(struct object *o, const struct centry *from, int *rc)
{
	FILE *in = fopen(from->path, "r");

	*rc = in ? 0 : -errno;
	if (!in)
		lf_err("%s: cannot read %s: %s", o->dir, from->path,
		       strerror(-*rc));
	return in;
}

/* Makes file (entry e) of o as CSV from the cached JSON lines of from. */
static int produce_csv_of(struct object *o, struct centry *e, const char *file,
			  const struct centry *from, FILE *out)
{
	int64_t started = produce_begin(o, e, file);
	struct activity act;
	int rc;
	FILE *in = open_made(o, from, &rc);

	if (!in)
		return rc;
	status_begin(&o->m->status, &act, o->dir, file, NULL);
	rc = csv_from_jsonl(o->info, in, out);
	status_end(&o->m->status, &act);
	fclose(in);
	produce_end(o, file, rc, NULL, started);
	return rc;
}

/* Produces snapshot.csv from the cached snapshot.jsonl. */
static int produce_csv(void *arg, FILE *out, int64_t version, char **meta)
{
	struct object *o = arg;

	(void)version, (void)meta;
	return produce_csv_of(o, &o->csv, "snapshot.csv", &o->jsonl, out);
}

/* Produces current.csv from the cached current.jsonl. */
static int produce_current_csv(void *arg, FILE *out, int64_t version,
			       char **meta)
{
	struct object *o = arg;

	(void)version, (void)meta;
	return produce_csv_of(o, &o->current_csv, "current.csv", o->current,
			      out);
}

/*
 * Produces a snapshot object's current.jsonl: its snapshot.jsonl, copied.
 * An entry of its own, not the snapshot's under a second name: the kernel
 * caches each name's pages apart, and an entry knows the versions of one.
 */
static int produce_snapshot_copy(void *arg, FILE *out, int64_t version,
				 char **meta)
{
	struct object *o = arg;
	int64_t started = produce_begin(o, &o->snapshot_copy, "current.jsonl");
	char chunk[16384];
	size_t n;
	int rc;
	FILE *in = open_made(o, &o->jsonl, &rc);

	(void)version, (void)meta;
	if (!in)
		return rc;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		rc = fwrite(chunk, 1, n, out) == n ? 0 : -EIO;
	if (rc == 0 && ferror(in))
		rc = -EIO;
	fclose(in);
	produce_end(o, "current.jsonl", rc, NULL, started);
	return rc;
}

/* A short hash of the options, so that differently configured mounts of the
 * same table never share cached files. */
static unsigned long long opts_fingerprint(const struct table_opts *o)
{
	char text[1024];
	unsigned long long h = 1469598103934665603ULL;

	snprintf(text, sizeof(text), "%ld|%ld|%ld|%ld|%s|%s|%s|%s",
		 o->max_records_per_batch, o->limit, o->window_seconds,
		 o->num_rows, o->category ? o->category : "\x01",
		 o->user_id ? o->user_id : "\x01", o->status ? o->status : "\x01",
		 o->start_timestamp ? o->start_timestamp : "\x01");
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* Copies the options: the spec's for this table, else the defaults. */
static int copy_opts(struct table_opts *dst, const struct table_opts *src)
{
	char **strings[] = { &dst->category, &dst->user_id, &dst->status,
			     &dst->start_timestamp };

	*dst = *src;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (*strings[i] && !(*strings[i] = strdup(*strings[i])))
			return -ENOMEM;
	}
	return 0;
}

/* Whether the full_refresh option names the object. */
static int full_refresh_of(const struct options *opt, const char *dir)
{
	for (size_t i = 0; i < opt->nfull_refresh; i++) {
		if (!strcmp(opt->full_refresh[i], dir))
			return 1;
	}
	return 0;
}

/* Opens changes/ and deletes/ where the ingestion type has them. */
static int open_chains(struct mount *m, struct object *o)
{
	struct chain_config cfg = {
	    .http = m->http,
	    .info = o->info,
	    .opts = &o->opts,
	    .object = o->dir,
	    .refresh = m->opt->refresh,
	    .adhoc_ttl = m->opt->snapshot_ttl,
	    .full_refresh = full_refresh_of(m->opt, o->dir),
	    .finish_fetches = m->opt->finish_fetches,
	    .status = &m->status,
	};
	int rc = 0;

	o->has_changes = o->info->ingestion != INGEST_SNAPSHOT;
	o->has_deletes = o->info->ingestion == INGEST_CDC_WITH_DELETES;
	if (o->has_changes)
		rc = chain_open(&o->changes, m->cache, &cfg);
	cfg.deletes = 1;
	if (rc == 0 && o->has_deletes)
		rc = chain_open(&o->deletes, m->cache, &cfg);
	return rc;
}

/*
 * Opens the destination table of a cdc or cdc_with_deletes object, with
 * the keys, sequence and SCD type of its spec entry; sets has_current,
 * unless the connector names no keys or no usable cursor (with a warning).
 * Returns 0, -EINVAL (a spec's definition no table can be built by) or
 * -errno, the reason printed.
 */
static int open_target(struct mount *m, struct object *o)
{
	const struct spec_table *st = o->spec;
	struct view_def def;
	char err[512] = "";
	int rc;

	view_def_init(&def, o->info, st ? st->primary_keys : NULL,
		      st ? st->nprimary_keys : 0, st ? st->sequence_by : NULL,
		      st ? st->scd_type : NULL);
	rc = target_open(&o->target, m->cache, o->dir, &def, &o->changes,
			 o->has_deletes ? &o->deletes : NULL, &m->status, err,
			 sizeof(err));
	if (rc == -EINVAL && !(st && (st->nprimary_keys || st->sequence_by))) {
		/* The source's own description has no keys or no usable
		 * cursor: no table to serve, but nothing the user got wrong. */
		lf_warn("%s: no current.jsonl: %s; a spec's primary_keys and "
			"sequence_by can name them",
			o->dir, err);
		target_close(&o->target);
		return 0;
	}
	if (rc && err[0])
		fprintf(stderr, "lakeflowfs: %s\n", err);
	if (rc)
		return rc;
	o->has_current = o->has_target = 1;
	o->has_history = def.scd2;
	o->current = &o->target.current;
	return def.scd2 ? build_history_schema(o, &def) : 0;
}

/*
 * Sets up current.jsonl and current.csv: a cdc object's destination table,
 * beside its chains; a snapshot object's snapshot, in its options'
 * directory key. An append object has none. Returns 0 or -errno.
 */
static int open_current(struct mount *m, struct object *o, const char *key)
{
	char rel[300];
	int rc = 0;

	if (o->info->ingestion == INGEST_SNAPSHOT) {
		rc = centry_init(&o->snapshot_copy, m->cache, key,
				 "current.jsonl", -1, &o->jsonl,
				 produce_snapshot_copy, o);
		o->has_current = rc == 0;
		o->current = &o->snapshot_copy;
		snprintf(rel, sizeof(rel), "%s", key);
	} else if (o->info->ingestion != INGEST_APPEND) {
		rc = open_target(m, o);
		snprintf(rel, sizeof(rel), "chains/%s", o->dir);
	}
	if (rc || !o->has_current)
		return rc;
	return centry_init(&o->current_csv, m->cache, rel, "current.csv", -1,
			   o->current, produce_current_csv, o);
}

static int object_init(struct mount *m, struct object *o,
		       struct table_info *info, const struct spec_table *st)
{
	char key[300];
	int rc;

	o->m = m;
	o->info = info;
	o->spec = st;
	o->dir = strdup(st ? st->dir : info->name);
	if (!o->dir || copy_opts(&o->opts, st ? &st->opts : &m->opt->table))
		return -ENOMEM;
	snprintf(key, sizeof(key), "%s-%012llx", o->dir,
		 opts_fingerprint(&o->opts) & 0xffffffffffffULL);
	rc = schema_memfile(o->info, &o->schema);
	if (!rc)
		rc = build_metadata(o);
	if (!rc)
		rc = centry_init(&o->sample, m->cache, key, "sample.jsonl",
				 m->opt->snapshot_ttl, NULL, produce_sample, o);
	if (!rc)
		rc = centry_init(&o->jsonl, m->cache, key, "snapshot.jsonl",
				 m->opt->snapshot_ttl, NULL, produce_jsonl, o);
	if (!rc)
		rc = centry_init(&o->csv, m->cache, key, "snapshot.csv", -1,
				 &o->jsonl, produce_csv, o);
	if (!rc)
		rc = open_chains(m, o);
	if (!rc)
		rc = open_current(m, o, key);
	return rc;
}

static void object_free(struct object *o)
{
	target_close(&o->target); /* also one that failed to open */
	centry_destroy(&o->snapshot_copy);
	centry_destroy(&o->current_csv);
	free(o->history_schema.data);
	if (o->has_changes)
		chain_close(&o->changes);
	if (o->has_deletes)
		chain_close(&o->deletes);
	centry_destroy(&o->sample);
	centry_destroy(&o->jsonl);
	centry_destroy(&o->csv);
	free(o->schema.data);
	free(o->metadata.data);
	table_opts_free(&o->opts);
	table_info_free(o->info);
	free(o->dir);
}

static int start_builtin(struct mount *m)
{
	struct example_config cfg;
	char err[256];

	example_config_defaults(&cfg);
	cfg.port = 0;
	cfg.quiet = 1;
	if (example_server_start(&cfg, &m->server, err, sizeof(err))) {
		fprintf(stderr, "lakeflowfs: cannot start the built-in Example source: %s\n",
			err);
		return -1;
	}
	if (asprintf(&m->url, "http://127.0.0.1:%u",
		     (unsigned)example_server_port(m->server)) < 0) {
		m->url = NULL;
		return -1;
	}
	return 0;
}

static int connect_http(struct mount *m)
{
	struct http_config hc;

	http_config_defaults(&hc);
	hc.base_url = m->url;
	hc.username = m->opt->username;
	hc.password = m->opt->secret;
	hc.timeout_ms = m->opt->timeout * 1000;
	hc.connect_timeout_ms = (m->opt->timeout < 10 ? m->opt->timeout : 10) * 1000;
	hc.attempts = m->opt->retries;
	hc.insecure = m->opt->insecure;
	hc.parallel = m->opt->parallel;
	if (http_client_new(&hc, &m->http)) {
		fprintf(stderr, "lakeflowfs: cannot set up the HTTP client\n");
		return -1;
	}
	return 0;
}

/* Says why the first call to the source failed, in the user's terms. */
static void explain_failure(const struct mount *m, int rc)
{
	if (rc == -EACCES)
		fprintf(stderr, "lakeflowfs: %s refused the credentials of user '%s' "
			"(HTTP 401/403); check username and password\n",
			m->url, m->opt->username);
	else if (rc == -ENOENT)
		fprintf(stderr, "lakeflowfs: %s has no /tables route; is url the "
			"API's base address?\n", m->url);
	else
		fprintf(stderr, "lakeflowfs: cannot reach the source at %s (%s); "
			"check url and that the server is running\n", m->url,
			strerror(-rc));
}

/* Whether the built-in mount that made cache_dir/builtin-<pid> is gone. */
static int builtin_gone(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || pid == (long)getpid())
		return 1; /* ours is made anew; one of our pid is a dead one's
			   */
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strcmp(comm, "lakeflowfs\n") != 0; /* the pid went to another */
}

/*
 * A built-in mount's cache is private to its process and removed at
 * unmount; one killed with kill -9 leaves it behind. Sweeps those whose
 * process is gone.
 */
static void sweep_builtin_caches(const char *cache_dir)
{
	DIR *d = opendir(cache_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct cache *old;
		char *end;
		long pid;

		if (strncmp(de->d_name, "builtin-", 8))
			continue;
		pid = strtol(de->d_name + 8, &end, 10);
		if (*end || end == de->d_name + 8 || !builtin_gone(pid))
			continue;
		if (cache_open(cache_dir, de->d_name, &old) == 0) {
			cache_close(old, 1);
			lf_info("removed %s/%s, the cache of a built-in mount "
				"whose process is gone",
				cache_dir, de->d_name);
		}
	}
	closedir(d);
}

/* Opens the source's cache. Returns 0, or 2 (message printed): an
 * unusable cache_dir is a bad option. */
static int open_cache(struct mount *m)
{
	struct stat st;
	char key[128];

	m->cache_dir_made = stat(m->opt->cache_dir, &st) != 0;
	sweep_builtin_caches(m->opt->cache_dir);
	if (m->server)
		snprintf(key, sizeof(key), "builtin-%ld", (long)getpid());
	else
		cache_source_key(m->url, m->opt->username, key, sizeof(key));
	if (cache_open(m->opt->cache_dir, key, &m->cache)) {
		fprintf(stderr, "lakeflowfs: cache_dir: cannot use %s\n",
			m->opt->cache_dir);
		return 2;
	}
	cache_finish_fetches(m->cache, m->opt->finish_fetches);
	return 0;
}

/* Describes every table the source has: the catalogue a spec is checked
 * against. Returns 0 or 1 (message printed). */
static int describe_all(struct mount *m, char **names, struct table_info ***infos)
{
	size_t n = 0;

	while (names[n])
		n++;
	*infos = calloc(n + 1, sizeof(**infos));
	if (!*infos)
		return 1;
	for (size_t i = 0; i < n; i++) {
		int rc = source_describe(m->http, names[i], &(*infos)[i]);

		if (rc) {
			fprintf(stderr, "lakeflowfs: cannot describe table '%s' at %s: %s\n",
				names[i], m->url, strerror(-rc));
			return 1;
		}
	}
	return 0;
}

/* Checks the spec against the tables the source has. Returns 0 or 2. */
static int check_spec(struct mount *m, char **names, struct table_info **infos)
{
	enum ingestion *types;
	char err[512];
	size_t n = 0;
	int rc = 0;

	while (names[n])
		n++;
	types = calloc(n ? n : 1, sizeof(*types));
	if (!types)
		return 1;
	for (size_t i = 0; i < n; i++)
		types[i] = infos[i]->ingestion;
	if (spec_validate(m->opt->spec, (const char *const *)names, types, n,
			  m->opt->allow_list, err, sizeof(err)) ||
	    spec_check_columns(m->opt->spec,
			       (const struct table_info *const *)infos, n, err,
			       sizeof(err))) {
		fprintf(stderr, "lakeflowfs: %s\n", err);
		rc = 2;
	}
	free(types);
	return rc;
}

/* The description of table name among infos, handed over (NULLed). */
static struct table_info *take_info(char **names, struct table_info **infos,
				    const char *name)
{
	for (size_t i = 0; names[i]; i++) {
		if (infos[i] && strcmp(names[i], name) == 0) {
			struct table_info *t = infos[i];

			infos[i] = NULL;
			return t;
		}
	}
	return NULL;
}

/* Makes the objects: the spec's tables, or every table of the source. */
static int make_objects(struct mount *m, char **names, struct table_info **infos)
{
	const struct spec *sp = m->opt->spec;
	size_t n = 0, want;
	struct buf tables;
	int rc = 0;

	while (names[n])
		n++;
	want = sp ? sp->ntables : n;
	m->objects = calloc(want ? want : 1, sizeof(*m->objects));
	if (!m->objects)
		return 1;
	for (size_t i = 0; rc == 0 && i < want; i++) {
		const struct spec_table *st = sp ? &sp->tables[i] : NULL;
		const char *name = st ? st->source_table : names[i];
		struct table_info *info = take_info(names, infos, name);

		/* A table mounted twice gets a description of its own. */
		if (!info && source_describe(m->http, name, &info))
			return 1;
		rc = object_init(m, &m->objects[m->nobjects++], info, st);
	}
	if (rc)
		return rc == -EINVAL ? 2 : 1;
	/* "tables" lists what is mounted: with a spec, its directories. */
	buf_init(&tables, 0);
	for (size_t i = 0; i < m->nobjects; i++)
		buf_printf(&tables, "%s\n", m->objects[i].dir);
	m->tables.len = tables.len;
	m->tables.data = buf_steal(&tables);
	return 0;
}

/* The ingestion type of the object mounted as dir, or -1 if none is. */
static int ingestion_of(struct mount *m, char **names,
			struct table_info **infos, const char *dir)
{
	const struct spec *sp = m->opt->spec;
	const char *table = NULL;

	for (size_t i = 0; sp && i < sp->ntables; i++) {
		if (!strcmp(sp->tables[i].dir, dir))
			table = sp->tables[i].source_table;
	}
	if (!sp)
		table = dir;
	for (size_t i = 0; table && names[i]; i++) {
		if (!strcmp(names[i], table))
			return (int)infos[i]->ingestion;
	}
	return -1;
}

/*
 * Checks that full_refresh names objects that are mounted and have
 * changes/, before any chain starts over. Returns 0 or 2 (message printed).
 */
static int check_full_refresh(struct mount *m, char **names,
			      struct table_info **infos)
{
	for (size_t i = 0; i < m->opt->nfull_refresh; i++) {
		const char *dir = m->opt->full_refresh[i];
		int in = ingestion_of(m, names, infos, dir);

		if (in < 0) {
			fprintf(stderr,
				"lakeflowfs: full_refresh: no object '%s' is "
				"mounted (cat MOUNT/tables lists them)\n",
				dir);
			return 2;
		}
		if (in == INGEST_SNAPSHOT) {
			fprintf(
			    stderr,
			    "lakeflowfs: full_refresh: '%s' has no changes/: "
			    "it is read as a whole (snapshot)\n",
			    dir);
			return 2;
		}
	}
	return 0;
}

/* Lists and describes the source, checks the spec, makes the objects. */
static int discover(struct mount *m)
{
	struct table_info **infos = NULL;
	char **names = NULL;
	int rc;

	rc = source_list_tables(m->http, &names);
	if (rc) {
		explain_failure(m, rc);
		return 1;
	}
	rc = describe_all(m, names, &infos);
	if (rc == 0 && m->opt->spec)
		rc = check_spec(m, names, infos);
	/* Only a mount that will be made touches the cache. */
	if (rc == 0)
		rc = open_cache(m);
	if (rc == 0)
		rc = check_full_refresh(m, names, infos);
	if (rc == 0)
		rc = make_objects(m, names, infos);
	for (size_t i = 0; infos && names[i]; i++)
		table_info_free(infos[i]);
	free(infos);
	source_names_free(names);
	return rc;
}

int mount_init(struct mount *m, struct options *opt, int builtin)
{
	m->opt = opt;
	m->started_us = isotime_now_us();
	status_init(&m->status);
	if (builtin ? start_builtin(m) : !(m->url = strdup(opt->url)))
		return 1;
	if (connect_http(m))
		return 1;
	return discover(m);
}

static int rmdir_empty(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path); /* fails, as it should, where a file is left */
	return 0;
}

void mount_discard_cache(struct mount *m)
{
	if (!m->cache)
		return;
	nftw(cache_root(m->cache), rmdir_empty, 16, FTW_DEPTH | FTW_PHYS);
	if (m->cache_dir_made)
		rmdir(m->opt->cache_dir);
}

void mount_release(struct mount *m)
{
	for (size_t i = 0; i < m->nobjects; i++)
		object_free(&m->objects[i]);
	free(m->objects);
	free(m->tables.data);
	http_client_free(m->http);
	/* The built-in source's data dies with it: so does its cache. */
	cache_close(m->cache, m->server != NULL);
	if (m->server)
		example_server_stop(m->server);
	if (m->started_us)
		status_destroy(&m->status);
	free(m->url);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------- _status.json --- */

static struct json_object *api_json(struct http_client *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *by = json_object_new_object();
	struct http_stats st;

	http_get_stats(c, &st);
	json_object_object_add(o, "calls", json_object_new_int64((int64_t)st.calls));
	json_object_object_add(o, "retries", json_object_new_int64((int64_t)st.retries));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)st.errors));
	json_object_object_add(o, "cancelled",
			       json_object_new_int64((int64_t)st.cancelled));
	for (size_t i = 0; i < st.nstatus; i++) {
		char key[32];

		if (st.by_status[i].status)
			snprintf(key, sizeof(key), "%ld", st.by_status[i].status);
		else
			snprintf(key, sizeof(key), "transport");
		json_object_object_add(by, key,
				       json_object_new_int64((int64_t)st.by_status[i].count));
	}
	json_object_object_add(o, "errors_by_status", by);
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)st.bytes));
	return o;
}

static void add_centry(struct centry *e, unsigned long *hits,
		       unsigned long *misses)
{
	pthread_mutex_lock(&e->lock);
	*hits += e->hits;
	*misses += e->misses;
	pthread_mutex_unlock(&e->lock);
}

static void add_chain(struct chain *ch, unsigned long *hits,
		      unsigned long *misses)
{
	unsigned long listings, refreshes;

	chain_counts(ch, &listings, &refreshes);
	*hits += listings - refreshes;
	*misses += refreshes;
}

/* Requests for data files and listings served from the cache (hits) or
 * that had to fetch (misses). */
static struct json_object *cache_json(struct mount *m)
{
	struct json_object *o = json_object_new_object();
	unsigned long hits = 0, misses = 0;

	for (size_t i = 0; i < m->nobjects; i++) {
		struct object *obj = &m->objects[i];

		add_centry(&obj->sample, &hits, &misses);
		add_centry(&obj->jsonl, &hits, &misses);
		add_centry(&obj->csv, &hits, &misses);
		if (obj->has_current) {
			add_centry(obj->current, &hits, &misses);
			add_centry(&obj->current_csv, &hits, &misses);
		}
		if (obj->has_history)
			add_centry(&obj->target.history, &hits, &misses);
		if (obj->has_changes)
			add_chain(&obj->changes, &hits, &misses);
		if (obj->has_deletes)
			add_chain(&obj->deletes, &hits, &misses);
	}
	json_object_object_add(o, "hits", json_object_new_int64((int64_t)hits));
	json_object_object_add(o, "misses", json_object_new_int64((int64_t)misses));
	json_object_object_add(o, "dir", json_object_new_string(cache_root(m->cache)));
	return o;
}

int mount_status_json(struct mount *m, struct buf *out)
{
	struct json_object *o = json_object_new_object();
	char when[ISOTIME_SIZE];
	int rc;

	isotime_format(m->started_us, when);
	json_object_object_add(o, "source", json_object_new_string(
					   m->server ? "builtin" : m->url));
	json_object_object_add(o, "mounted_at", json_object_new_string(when));
	json_object_object_add(o, "api", api_json(m->http));
	json_object_object_add(o, "cache", cache_json(m));
	json_object_object_add(o, "fetches", status_activities_json(&m->status));
	rc = buf_puts(out, json_object_to_json_string_ext(
				   o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE));
	if (rc == 0)
		rc = buf_putc(out, '\n');
	json_object_put(o);
	return rc;
}

struct object *mount_object(struct mount *m, const char *dir, size_t len)
{
	for (size_t i = 0; i < m->nobjects; i++) {
		if (strlen(m->objects[i].dir) == len &&
		    !memcmp(m->objects[i].dir, dir, len))
			return &m->objects[i];
	}
	return NULL;
}
