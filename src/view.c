/* SPDX-License-Identifier: MIT */
/*
 * view: the destination table's state in SQLite. See view.h for the rules.
 *
 * The database (one file per view, WAL mode) holds:
 *   meta     name -> value: "def" (what the view is built by), and
 *            "epoch.0" / "epoch.1" (the streams' epochs)
 *   batches  the applied batches, in the order they were applied
 *   cur      one row per key ever seen: the winning sequence, whether it is
 *            a delete (a tombstone, kept), and the record
 *   ev       SCD type 2 only: one row per (key, sequence), the change that
 *            won there; "opens" marks the changes that open a version, with
 *            the version's end (endseq, eraw) -- history.jsonl is the
 *            opening rows in primary key order
 * Keys and sequences are viewrow.h's byte-ordered encodings, so SQLite's
 * BLOB order (memcmp) is the view's order and "ORDER BY key" walks the
 * primary key without sorting.
 */
#include "view.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "viewrow.h"

#define VIEW_FORMAT "lakeflowfs-view-1"
#define DEF_MAX	    4096 /* the definition's text */
#define EPOCH_MAX   256
#define STR_(x)	    #x
#define STR(x)	    STR_(x)

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY,"
    " value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS batches(id INTEGER PRIMARY KEY,"
    " stream INTEGER NOT NULL, token TEXT NOT NULL, epoch TEXT NOT NULL,"
    " rows INTEGER NOT NULL, UNIQUE(stream, token));"
    "CREATE TABLE IF NOT EXISTS cur(key BLOB PRIMARY KEY, seq BLOB NOT NULL,"
    " del INTEGER NOT NULL, rec BLOB) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ev(key BLOB NOT NULL, seq BLOB NOT NULL,"
    " raw TEXT NOT NULL, del INTEGER NOT NULL, rec BLOB,"
    " opens INTEGER NOT NULL, endseq BLOB, eraw TEXT,"
    " PRIMARY KEY(key, seq)) WITHOUT ROWID;";

/* Deliberate: bounded page cache, temporary data in files, no mmap (its
 * pages would count as resident), WAL with commits that need no fsync
 * (a power cut can lose the last batches, never half of one). */
static const char *const pragma_sql = "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=NORMAL;"
				      "PRAGMA temp_store=FILE;"
				      "PRAGMA mmap_size=0;"
				      "PRAGMA journal_size_limit=67108864;";

enum stmt {
	S_CUR_UPSERT,
	S_EV_UPSERT,
	S_OPENER,
	S_EV_FROM,
	S_EV_MARK,
	S_BATCH_GET,
	S_BATCH_ADD,
	S_BATCH_COUNT,
	S_BATCH_LAST,
	S_META_GET,
	S_META_SET,
	S_CUR_SCAN,
	S_HIST_SCAN,
	NSTMT
};

static const char *const stmt_sql[NSTMT] = {
    [S_CUR_UPSERT] =
	"INSERT INTO cur(key, seq, del, rec) VALUES (?1, ?2, ?3, ?4)"
	" ON CONFLICT(key) DO UPDATE SET seq = excluded.seq,"
	" del = excluded.del, rec = excluded.rec"
	" WHERE excluded.seq > cur.seq OR (excluded.seq = cur.seq"
	" AND (excluded.del OR NOT cur.del))",
    [S_EV_UPSERT] = "INSERT INTO ev(key, seq, raw, del, rec, opens)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, 0)"
		    " ON CONFLICT(key, seq) DO UPDATE SET raw = excluded.raw,"
		    " del = excluded.del, rec = excluded.rec"
		    " WHERE excluded.del OR NOT ev.del",
    [S_OPENER] = "SELECT seq, endseq FROM ev WHERE key = ?1"
		 " AND seq < ?2 AND opens ORDER BY seq DESC LIMIT 1",
    [S_EV_FROM] = "SELECT seq, raw, del FROM ev WHERE key = ?1"
		  " AND seq >= ?2 ORDER BY seq",
    [S_EV_MARK] = "UPDATE ev SET opens = ?3, endseq = ?4, eraw = ?5"
		  " WHERE key = ?1 AND seq = ?2",
    [S_BATCH_GET] = "SELECT 1 FROM batches WHERE stream = ?1 AND token = ?2",
    [S_BATCH_ADD] = "INSERT INTO batches(stream, token, epoch, rows)"
		    " VALUES (?1, ?2, ?3, ?4)",
    [S_BATCH_COUNT] = "SELECT count(*) FROM batches WHERE stream = ?1",
    [S_BATCH_LAST] = "SELECT token FROM batches WHERE stream = ?1"
		     " ORDER BY id DESC LIMIT 1",
    [S_META_GET] = "SELECT value FROM meta WHERE name = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(name, value) VALUES (?1, ?2)",
    [S_CUR_SCAN] = "SELECT rec FROM cur WHERE NOT del ORDER BY key",
    [S_HIST_SCAN] = "SELECT rec, raw, eraw FROM ev WHERE opens"
		    " ORDER BY key, seq",
};

struct view {
	pthread_mutex_t lock;
	sqlite3 *db;
	char *path;
	int scd2;
	char *keys[VIEW_KEYS_MAX];
	enum field_type key_types[VIEW_KEYS_MAX];
	char *seq;
	struct viewrow_cols cols;
	struct viewrow row;
	sqlite3_stmt *st[NSTMT];
	/* the SCD type 2 replay: the live version and the change at hand */
	struct buf open_seq, at_seq, at_raw;
	int (*hook)(void *arg, long n);
	void *hook_arg;
};

/* ------------------------------------------------------------ sqlite --- */

/* Logs the database's error for what failed; returns -EIO. */
static int db_fail(struct view *v, const char *what)
{
	lf_err("view %s: %s: %s", v->path, what, sqlite3_errmsg(v->db));
	return -EIO;
}

static int db_exec(struct view *v, const char *sql)
{
	return sqlite3_exec(v->db, sql, NULL, NULL, NULL) == SQLITE_OK
		   ? 0
		   : db_fail(v, sql);
}

/* Steps a statement expected to finish (no row); resets it. */
static int db_done(struct view *v, enum stmt s)
{
	int rc = sqlite3_step(v->st[s]);

	sqlite3_reset(v->st[s]);
	return rc == SQLITE_DONE ? 0 : db_fail(v, stmt_sql[s]);
}

/* Steps a query: 1 with a row, 0 without (reset), or -EIO. */
static int db_row(struct view *v, enum stmt s)
{
	int rc = sqlite3_step(v->st[s]);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(v->st[s]);
	return rc == SQLITE_DONE ? 0 : db_fail(v, stmt_sql[s]);
}

static void bind_buf(sqlite3_stmt *st, int i, const struct buf *b)
{
	sqlite3_bind_blob(st, i, b->len ? b->data : "", (int)b->len,
			  SQLITE_STATIC);
}

static int col_copy(sqlite3_stmt *st, int i, struct buf *out)
{
	buf_reset(out);
	return buf_append(out, sqlite3_column_blob(st, i),
			  (size_t)sqlite3_column_bytes(st, i));
}

/* SQLite's BLOB order. */
static int blob_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

/* meta[name] into out (outlen bytes): 1 found, 0 not, or -errno. */
static int meta_get(struct view *v, const char *name, char *out, size_t outlen)
{
	sqlite3_stmt *st = v->st[S_META_GET];
	int rc;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = db_row(v, S_META_GET);
	if (rc == 1) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		rc = snprintf(out, outlen, "%s", s ? s : "") < (int)outlen
			 ? 1
			 : -ENAMETOOLONG;
		sqlite3_reset(st);
	}
	return rc;
}

static int meta_set(struct view *v, const char *name, const char *value)
{
	sqlite3_stmt *st = v->st[S_META_SET];

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_done(v, S_META_SET);
}

/* Ends the transaction begun for an operation: commits or rolls back. */
static int txn_end(struct view *v, int rc)
{
	if (rc == 0)
		return db_exec(v, "COMMIT");
	if (!sqlite3_get_autocommit(v->db))
		sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ------------------------------------------------------- definition --- */

void view_def_init(struct view_def *def, const struct table_info *t,
		   char *const *spec_keys, size_t spec_nkeys,
		   const char *spec_sequence_by, const char *scd_type)
{
	def->table = t;
	def->keys =
	    (const char *const *)(spec_nkeys ? spec_keys : t->primary_keys);
	def->nkeys = spec_nkeys ? spec_nkeys : t->nprimary_keys;
	def->sequence_by =
	    spec_sequence_by ? spec_sequence_by : t->cursor_field;
	def->scd2 = scd_type && !strcmp(scd_type, "SCD_TYPE_2");
}

/* The type of the top-level column name, refusing what a view cannot use. */
static int column_type(const struct view_def *def, const char *what,
		       const char *name, enum field_type *type, char *err,
		       size_t errlen)
{
	const struct table_info *t = def->table;
	size_t i;

	for (i = 0; name && i < t->nfields; i++) {
		if (strcmp(t->fields[i].name, name))
			continue;
		*type = t->fields[i].type;
		if (*type != FIELD_STRUCT)
			return 0;
		snprintf(err, errlen, "view %s: %s '%s' is a struct column",
			 t->name, what, name);
		return -EINVAL;
	}
	snprintf(err, errlen, "view %s: %s '%s' is not a column of the table",
		 t->name, what, name ? name : "(none)");
	return -EINVAL;
}

/* Copies the definition into v, checking it against the table. */
static int def_take(struct view *v, const struct view_def *def, char *err,
		    size_t errlen)
{
	enum field_type seq_type;
	size_t i;
	int rc;

	if (!def->nkeys || def->nkeys > VIEW_KEYS_MAX) {
		snprintf(err, errlen, "view %s: %zu key columns (1 to %d)",
			 def->table->name, def->nkeys, VIEW_KEYS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < def->nkeys; i++) {
		rc = column_type(def, "key", def->keys[i], &v->key_types[i],
				 err, errlen);
		if (rc)
			return rc;
		if (!(v->keys[i] = strdup(def->keys[i])))
			return -ENOMEM;
	}
	rc = column_type(def, "sequence_by", def->sequence_by, &seq_type, err,
			 errlen);
	if (rc)
		return rc;
	if (!(v->seq = strdup(def->sequence_by)))
		return -ENOMEM;
	v->scd2 = def->scd2;
	v->cols =
	    (struct viewrow_cols){(const char *const *)v->keys, v->key_types,
				  def->nkeys, v->seq, seq_type};
	return 0;
}

/* The definition as text: state built under another one is dropped. */
static int def_text(const struct view *v, struct buf *out)
{
	size_t i;
	int rc = buf_printf(out, "%s scd%d seq=%s:%s keys=", VIEW_FORMAT,
			    v->scd2 ? 2 : 1, v->seq,
			    field_type_name(v->cols.seq_type));

	for (i = 0; !rc && i < v->cols.nkeys; i++)
		rc = buf_printf(out, "%s%s:%s", i ? "," : "", v->keys[i],
				field_type_name(v->key_types[i]));
	return rc;
}

/* --------------------------------------------------------- bookkeeping --- */

static int tables_empty(struct view *v)
{
	return db_exec(v, "DELETE FROM cur; DELETE FROM ev;"
			  " DELETE FROM batches;"
			  " DELETE FROM meta WHERE name LIKE 'epoch.%';");
}

/* Drops state built under another definition; records this one. */
static int def_check(struct view *v, int *rebuilt)
{
	char old[DEF_MAX];
	struct buf def;
	int rc, found;

	buf_init(&def, DEF_MAX);
	rc = def_text(v, &def);
	if (!rc)
		rc = db_exec(v, "BEGIN IMMEDIATE");
	found = rc ? 0 : meta_get(v, "def", old, sizeof(old));
	if (found < 0)
		rc = found;
	if (!rc && (found == 0 || strcmp(old, def.data))) {
		rc = tables_empty(v);
		if (!rc)
			rc = meta_set(v, "def", def.data);
		if (rebuilt)
			*rebuilt = found == 1;
	}
	rc = txn_end(v, rc);
	buf_free(&def);
	return rc;
}

/* Bounds the heap of every view of the process together (see view.h). */
static void heap_limit(void)
{
	sqlite3_soft_heap_limit64((sqlite3_int64)VIEW_HEAP_KIB * 1024);
}

static int db_setup(struct view *v, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int i, rc;

	pthread_once(&once, heap_limit);
	rc = sqlite3_open_v2(v->path, &v->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(v->db, 10000);
		sqlite3_exec(v->db,
			     "PRAGMA cache_size=-" /* KiB */
			     STR(VIEW_CACHE_KIB),
			     NULL, NULL, NULL);
		rc = sqlite3_exec(v->db, pragma_sql, NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(v->db, schema_sql, NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < NSTMT; i++)
		rc = sqlite3_prepare_v3(v->db, stmt_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT, &v->st[i],
					NULL);
	if (rc == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "view %s: %s", v->path,
		 v->db ? sqlite3_errmsg(v->db) : "cannot open");
	return -EIO;
}

int view_open(const char *path, const struct view_def *def, struct view **out,
	      int *rebuilt, char *err, size_t errlen)
{
	struct view *v = calloc(1, sizeof(*v));
	int rc;

	*out = NULL;
	if (rebuilt)
		*rebuilt = 0;
	if (!v)
		return -ENOMEM;
	pthread_mutex_init(&v->lock, NULL);
	buf_init(&v->open_seq, VIEWROW_KEY_MAX);
	buf_init(&v->at_seq, VIEWROW_KEY_MAX);
	buf_init(&v->at_raw, VIEWROW_RAW_MAX);
	rc = viewrow_init(&v->row);
	if (!rc && !(v->path = strdup(path)))
		rc = -ENOMEM;
	if (!rc)
		rc = def_take(v, def, err, errlen);
	if (!rc)
		rc = db_setup(v, err, errlen);
	if (!rc && (rc = def_check(v, rebuilt)))
		snprintf(err, errlen, "view %s: %s", path,
			 sqlite3_errmsg(v->db));
	if (rc) {
		view_close(v);
		return rc;
	}
	*out = v;
	return 0;
}

void view_close(struct view *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(v->st[i]);
	if (v->db)
		sqlite3_close(v->db);
	viewrow_free(&v->row);
	for (i = 0; i < VIEW_KEYS_MAX; i++)
		free(v->keys[i]);
	free(v->seq);
	free(v->path);
	buf_free(&v->open_seq);
	buf_free(&v->at_seq);
	buf_free(&v->at_raw);
	pthread_mutex_destroy(&v->lock);
	free(v);
}

void view_set_row_hook(struct view *v, int (*hook)(void *arg, long n),
		       void *arg)
{
	pthread_mutex_lock(&v->lock);
	v->hook = hook;
	v->hook_arg = arg;
	pthread_mutex_unlock(&v->lock);
}

int view_pragma(struct view *v, const char *sql)
{
	int rc;

	pthread_mutex_lock(&v->lock);
	rc = db_exec(v, sql);
	pthread_mutex_unlock(&v->lock);
	return rc;
}

static void epoch_name(enum view_stream s, char name[16])
{
	snprintf(name, 16, "epoch.%d", (int)s);
}

/* Whether stream s's recorded epoch (if any) differs from epoch. */
static int epoch_differs(struct view *v, enum view_stream s, const char *epoch)
{
	char name[16], old[EPOCH_MAX];
	int rc;

	epoch_name(s, name);
	rc = meta_get(v, name, old, sizeof(old));
	return rc == 1 ? strcmp(old, epoch) != 0 : rc;
}

int view_sync(struct view *v, const char *changes_epoch,
	      const char *deletes_epoch, int *reset)
{
	const char *epochs[2] = {changes_epoch, deletes_epoch};
	char name[16];
	int rc, differs = 0, s;

	pthread_mutex_lock(&v->lock);
	rc = db_exec(v, "BEGIN IMMEDIATE");
	for (s = 0; !rc && s < 2; s++) {
		rc = epoch_differs(v, (enum view_stream)s, epochs[s]);
		differs |= rc == 1;
		rc = rc < 0 ? rc : 0;
	}
	if (!rc && differs)
		rc = tables_empty(v);
	for (s = 0; !rc && s < 2; s++) {
		epoch_name((enum view_stream)s, name);
		rc = meta_set(v, name, epochs[s]);
	}
	rc = txn_end(v, rc);
	pthread_mutex_unlock(&v->lock);
	if (reset)
		*reset = !rc && differs;
	return rc;
}

int view_reset(struct view *v)
{
	int rc;

	pthread_mutex_lock(&v->lock);
	rc = db_exec(v, "BEGIN IMMEDIATE");
	if (!rc)
		rc = tables_empty(v);
	rc = txn_end(v, rc);
	pthread_mutex_unlock(&v->lock);
	return rc;
}

int view_progress(struct view *v, enum view_stream s, long *count, char *last,
		  size_t lastlen)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if (lastlen)
		last[0] = '\0';
	pthread_mutex_lock(&v->lock);
	st = v->st[S_BATCH_COUNT];
	sqlite3_bind_int(st, 1, (int)s);
	rc = db_row(v, S_BATCH_COUNT);
	if (rc == 1) {
		*count = (long)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		st = v->st[S_BATCH_LAST];
		sqlite3_bind_int(st, 1, (int)s);
		rc = db_row(v, S_BATCH_LAST);
	}
	if (rc == 1) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		rc = snprintf(last, lastlen, "%s", t ? t : "") < (int)lastlen
			 ? 0
			 : -ENAMETOOLONG;
		sqlite3_reset(st);
	}
	pthread_mutex_unlock(&v->lock);
	return rc;
}

static int batch_applied(struct view *v, enum view_stream s, const char *token)
{
	int rc;

	sqlite3_bind_int(v->st[S_BATCH_GET], 1, (int)s);
	sqlite3_bind_text(v->st[S_BATCH_GET], 2, token, -1, SQLITE_STATIC);
	rc = db_row(v, S_BATCH_GET);
	if (rc == 1)
		sqlite3_reset(v->st[S_BATCH_GET]);
	return rc;
}

int view_applied(struct view *v, enum view_stream s, const char *token)
{
	int rc;

	pthread_mutex_lock(&v->lock);
	rc = batch_applied(v, s, token);
	pthread_mutex_unlock(&v->lock);
	return rc;
}

/* ----------------------------------------------------------- history --- */

/* Sets (opens, end) of the change of the current key at seq. */
static int mark(struct view *v, const struct buf *seq, int opens,
		const struct buf *end, const struct buf *eraw)
{
	sqlite3_stmt *st = v->st[S_EV_MARK];

	bind_buf(st, 1, &v->row.key);
	bind_buf(st, 2, seq);
	sqlite3_bind_int(st, 3, opens);
	if (end) {
		bind_buf(st, 4, end);
		sqlite3_bind_text(st, 5, eraw->data, (int)eraw->len,
				  SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 4);
		sqlite3_bind_null(st, 5);
	}
	return db_done(v, S_EV_MARK);
}

/*
 * The version live just before the current row's sequence: the last
 * opening change before it, unless something before it closed it. Sets
 * *open and, when open, v->open_seq, and reopens it (the replay closes it
 * again where it ends).
 */
static int live_before(struct view *v, int *open)
{
	sqlite3_stmt *st = v->st[S_OPENER];
	int rc, ended;

	*open = 0;
	bind_buf(st, 1, &v->row.key);
	bind_buf(st, 2, &v->row.seq);
	rc = db_row(v, S_OPENER);
	if (rc != 1)
		return rc;
	rc = 0;
	ended = sqlite3_column_type(st, 1) != SQLITE_NULL;
	if (!ended || blob_cmp(sqlite3_column_blob(st, 1),
			       (size_t)sqlite3_column_bytes(st, 1),
			       v->row.seq.data, v->row.seq.len) >= 0) {
		*open = 1;
		rc = col_copy(st, 0, &v->open_seq);
	}
	sqlite3_reset(st);
	if (rc || !*open || !ended)
		return rc;
	return mark(v, &v->open_seq, 1, NULL, NULL);
}

/*
 * One change of the replay, in sequence order (at_seq, at_raw): a delete
 * closes the live version, an upsert closes it and opens its own.
 */
static int replay_one(struct view *v, int del, int *open)
{
	int rc = 0;

	if (*open)
		rc = mark(v, &v->open_seq, 1, &v->at_seq, &v->at_raw);
	*open = 0;
	if (rc || del)
		return rc ? rc : mark(v, &v->at_seq, 0, NULL, NULL);
	*open = 1;
	buf_reset(&v->open_seq);
	rc = buf_append(&v->open_seq, v->at_seq.data, v->at_seq.len);
	return rc ? rc : mark(v, &v->at_seq, 1, NULL, NULL);
}

/*
 * Recomputes the current key's versions from the current row's sequence
 * on: the changes there and after it, in sequence order.
 */
static int replay(struct view *v)
{
	sqlite3_stmt *st = v->st[S_EV_FROM];
	int open, rc;

	rc = live_before(v, &open);
	if (rc)
		return rc;
	bind_buf(st, 1, &v->row.key);
	bind_buf(st, 2, &v->row.seq);
	while (!rc && (rc = db_row(v, S_EV_FROM)) == 1) {
		rc = col_copy(st, 0, &v->at_seq);
		if (!rc)
			rc = col_copy(st, 1, &v->at_raw);
		if (!rc)
			rc = replay_one(v, sqlite3_column_int(st, 2), &open);
	}
	sqlite3_reset(st);
	return rc;
}

/* ------------------------------------------------------------- apply --- */

/* Records the change of the current row in ev; replays when it won. */
static int history_add(struct view *v, int del, const char *line, size_t len)
{
	sqlite3_stmt *st = v->st[S_EV_UPSERT];
	int rc;

	bind_buf(st, 1, &v->row.key);
	bind_buf(st, 2, &v->row.seq);
	sqlite3_bind_text(st, 3, v->row.raw.data, (int)v->row.raw.len,
			  SQLITE_STATIC);
	sqlite3_bind_int(st, 4, del);
	if (del)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_blob(st, 5, line, (int)len, SQLITE_STATIC);
	rc = db_done(v, S_EV_UPSERT);
	if (rc || !sqlite3_changes(v->db))
		return rc;
	return replay(v);
}

static int apply_row(struct view *v, int del, const char *line, size_t len,
		     struct view_stats *st)
{
	sqlite3_stmt *s = v->st[S_CUR_UPSERT];
	int rc;

	bind_buf(s, 1, &v->row.key);
	bind_buf(s, 2, &v->row.seq);
	sqlite3_bind_int(s, 3, del);
	if (del)
		sqlite3_bind_null(s, 4);
	else
		sqlite3_bind_blob(s, 4, line, (int)len, SQLITE_STATIC);
	rc = db_done(v, S_CUR_UPSERT);
	if (rc)
		return rc;
	if (sqlite3_changes(v->db))
		st->applied++;
	else
		st->stale++;
	return v->scd2 ? history_add(v, del, line, len) : 0;
}

/* Strips the line end and trailing blanks. */
static size_t trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
		       line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len;
}

static int apply_line(struct view *v, enum view_stream s, const char *line,
		      size_t len, struct view_stats *st)
{
	int rc;

	st->rows++;
	if (v->hook && (rc = v->hook(v->hook_arg, st->rows)))
		return rc;
	rc = viewrow_parse(&v->row, &v->cols, line, len);
	if (rc == 1) {
		st->skipped++;
		return 0;
	}
	if (rc == -EINVAL)
		lf_err("view %s: record %ld of a batch is not a JSON object",
		       v->path, st->rows);
	return rc ? rc : apply_row(v, s == VIEW_DELETES, line, len, st);
}

static int apply_lines(struct view *v, enum view_stream s, FILE *in,
		       struct view_stats *st)
{
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t n;
	int rc = 0;

	while (!rc && (n = getline(&line, &cap, in)) >= 0) {
		len = trim(line, (size_t)n);
		if (len > VIEW_LINE_MAX)
			rc = -E2BIG;
		else if (len)
			rc = apply_line(v, s, line, len, st);
	}
	if (!rc && ferror(in))
		rc = -EIO;
	free(line);
	return rc;
}

/* Checks (recording it the first time) that epoch is the stream's. */
static int epoch_check(struct view *v, enum view_stream s, const char *epoch)
{
	char name[16];
	int rc = epoch_differs(v, s, epoch);

	if (rc == 1)
		return -ESTALE;
	epoch_name(s, name);
	return rc < 0 ? rc : meta_set(v, name, epoch);
}

static int batch_record(struct view *v, enum view_stream s, const char *epoch,
			const char *token, long rows)
{
	sqlite3_stmt *st = v->st[S_BATCH_ADD];

	sqlite3_bind_int(st, 1, (int)s);
	sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, epoch, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, rows);
	return db_done(v, S_BATCH_ADD);
}

int view_apply(struct view *v, enum view_stream s, const char *epoch,
	       const char *token, FILE *in, struct view_stats *st)
{
	struct view_stats mine;
	int rc;

	if (!st)
		st = &mine;
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&v->lock);
	rc = db_exec(v, "BEGIN IMMEDIATE");
	if (!rc && (rc = batch_applied(v, s, token)) == 1) {
		st->already = 1;
		rc = txn_end(v, 0);
		goto out;
	}
	if (!rc)
		rc = epoch_check(v, s, epoch);
	if (!rc)
		rc = apply_lines(v, s, in, st);
	if (!rc)
		rc = batch_record(v, s, epoch, token, st->rows);
	rc = txn_end(v, rc);
out:
	pthread_mutex_unlock(&v->lock);
	return rc;
}

/* ------------------------------------------------------------ output --- */

/* Whether the record (a JSON object) has no members: "{" blanks "}". */
static int empty_object(const char *rec, size_t len)
{
	size_t i;

	for (i = 1; i + 1 < len; i++)
		if (rec[i] != ' ' && rec[i] != '\t')
			return 0;
	return 1;
}

static int history_line(sqlite3_stmt *st, FILE *out)
{
	const char *rec = sqlite3_column_blob(st, 0);
	size_t len = (size_t)sqlite3_column_bytes(st, 0);
	const char *start = (const char *)sqlite3_column_text(st, 1);
	const char *end = (const char *)sqlite3_column_text(st, 2);

	if (len < 2 || fwrite(rec, 1, len - 1, out) != len - 1)
		return -EIO;
	return fprintf(out, "%s\"__START_AT\":%s,\"__END_AT\":%s}\n",
		       empty_object(rec, len) ? "" : ",", start,
		       end ? end : "null") < 0
		   ? -EIO
		   : 0;
}

static int current_line(sqlite3_stmt *st, FILE *out)
{
	size_t len = (size_t)sqlite3_column_bytes(st, 0);

	if (fwrite(sqlite3_column_blob(st, 0), 1, len, out) != len ||
	    putc('\n', out) == EOF)
		return -EIO;
	return 0;
}

/* Streams a scan in one read transaction (a consistent snapshot). */
static int write_scan(struct view *v, enum stmt s, FILE *out,
		      int (*line)(sqlite3_stmt *, FILE *))
{
	int rc;

	pthread_mutex_lock(&v->lock);
	rc = db_exec(v, "BEGIN");
	while (!rc && (rc = db_row(v, s)) == 1)
		rc = line(v->st[s], out);
	sqlite3_reset(v->st[s]);
	if (!rc && fflush(out))
		rc = -EIO;
	rc = txn_end(v, rc);
	pthread_mutex_unlock(&v->lock);
	return rc;
}

int view_write_current(struct view *v, FILE *out)
{
	return write_scan(v, S_CUR_SCAN, out, current_line);
}

int view_write_history(struct view *v, FILE *out)
{
	return v->scd2 ? write_scan(v, S_HIST_SCAN, out, history_line)
		       : -EINVAL;
}
