/* SPDX-License-Identifier: MIT */
/*
 * view: the destination table of a cdc or cdc_with_deletes object, built
 * from its changes/ and deletes/ batches the way a Lakeflow pipeline's
 * AUTO CDC flow (formerly apply_changes) builds its target: an SCD type 1
 * table (current.jsonl) and, with SCD type 2, the history of every version
 * (history.jsonl). The state lives in one SQLite database file; this module
 * owns that file and nothing else: it reads the batch streams it is handed
 * and never touches the chain, the cache's other files, HTTP or FUSE.
 *
 * The rules: AUTO CDC's, as its documentation states them; where it is
 * silent, ours, marked "(decided)".
 *   - Keys. One row per key; the key is the tuple of the key columns (the
 *     spec's primary_keys, else the connector's). A missing or null key
 *     field is the value null (decided).
 *   - Sequence. Each record's sequence_by value (the spec's, else the
 *     cursor field) orders the changes of a key, whatever order they
 *     arrive in. Values compare by the column's type: strings bytewise
 *     (UTF-8), integer and double numerically, timestamps as instants
 *     (offsets applied, microseconds), dates by day. A record whose
 *     sequence value is null, missing or not of the column's type is
 *     skipped and counted (the pipeline does not support null sequences;
 *     skipping rather than failing the batch is decided).
 *   - SCD type 1. The change with the greatest sequence wins. A delete (a
 *     tombstone from deletes/) removes its key unless a row with a greater
 *     sequence arrives, before or after it. A late, older update changes
 *     nothing: neither resurrecting a deleted row nor overwriting a newer
 *     one, because the sequence of every delete is remembered.
 *   - Ties. Two upserts of a key with equal sequences: the later in stream
 *     order wins (batches of one stream must be applied in stream order;
 *     lines of a batch are in stream order). An upsert and a delete of a
 *     key with equal sequences: the delete wins, whichever stream is
 *     applied first (decided). changes/ and deletes/ are separate chains with no
 *     order between them, so a rule that depends on which one was applied
 *     first would make the table depend on when it was read.
 *   - Tombstones are kept until the view is reset (a new epoch, changed
 *     keys or sequence) (decided). The pipeline drops its tombstones after
 *     pipelines.cdc.tombstoneGCThresholdInSeconds, after which a late
 *     update could resurrect a row; keeping them makes the table a
 *     function of the changes alone, not of when they were read. The cost
 *     is one small row per deleted key.
 *   - SCD type 2. Each key's changes are replayed in sequence order (one
 *     per sequence value, chosen by the tie rules): an upsert closes the
 *     live version (__END_AT = its sequence) and opens its own (__START_AT
 *     = its sequence, __END_AT null); a delete closes the live version at
 *     the delete's sequence. Every upsert that wins its sequence value
 *     opens a version: AUTO CDC keeps history "on all updates" unless told
 *     which columns to track, the spec has no such option, and the
 *     sequence_by column is one of the record's columns, so two changes at
 *     different sequences always differ. An update identical to the live
 *     version (the same record, so the same sequence) is a tie that
 *     replaces it with itself: it changes nothing. A late change is
 *     inserted at its place in the history and the versions after it are
 *     recomputed, so the history does not depend on arrival order either.
 *     __START_AT and __END_AT hold the sequence values as the records
 *     wrote them (the sequence column's JSON type), as AUTO CDC gives them
 *     the sequence column's type.
 *   - Order (decided). Rows are ordered by key: by the first key column,
 *     then the next, each by its type as for sequences, null first. History rows
 *     are ordered by key, then __START_AT.
 *
 * Cost: applying a batch costs O(rows in it) (plus, for a late row under
 * SCD type 2, the versions of that key after it), never O(table). Writing
 * the files streams rows in key order from the database's primary key
 * index, without sorting. Memory is bounded by VIEW_CACHE_KIB of page cache
 * per view (temporary data goes to files), whatever the table's size, and
 * all the views of a process together by VIEW_HEAP_KIB of SQLite's heap (a
 * soft limit: beyond it SQLite reuses cached pages instead of allocating).
 *
 * Crash safety: each batch is applied in one transaction that also records
 * it (stream, epoch, token). A crash before the commit applies none of it;
 * after, all of it, and view_apply() of the same batch again is a no-op.
 *
 * Threads: all functions are safe to call from any thread; one mutex per
 * view serializes them (view_write_*() hold it while they write).
 *
 * Ownership: view_open() hands the caller a view freed by view_close().
 * Every argument is borrowed for the length of the call.
 */
#ifndef LF_VIEW_H
#define LF_VIEW_H

#include <stddef.h>
#include <stdio.h>

#include "source.h"

#define VIEW_CACHE_KIB 16384	   /* SQLite page cache per view */
#define VIEW_HEAP_KIB  24576	   /* SQLite heap of all views, soft */
#define VIEW_LINE_MAX  (16u << 20) /* longest record line accepted */
#define VIEW_KEYS_MAX  16	   /* key columns */

struct view;

/* The two streams a view is built from, each a chain of batches. */
enum view_stream {
	VIEW_CHANGES = 0, /* changes/: upserts */
	VIEW_DELETES = 1, /* deletes/: tombstones (key and sequence used) */
};

/* What a view is built by. Everything is borrowed. */
struct view_def {
	const struct table_info *table; /* columns and their types */
	const char *const *keys;	/* key columns, nkeys of them */
	size_t nkeys;
	const char *sequence_by; /* a top-level column */
	int scd2;		 /* keep history.jsonl too */
};

/* What view_apply() did with one batch. */
struct view_stats {
	long rows;    /* records read */
	long applied; /* changed the current table */
	long stale;   /* older than what their key holds: no effect */
	long skipped; /* null or invalid sequence value: ignored */
	int already;  /* the batch had been applied: nothing was done */
};

/*
 * Fills def for table t: keys and sequence_by from the spec where it sets
 * them (spec_keys / spec_sequence_by, NULL or 0 when it does not), else the
 * connector's primary keys and cursor field; scd2 when scd_type is
 * "SCD_TYPE_2". The strings stay borrowed from the arguments.
 */
void view_def_init(struct view_def *def, const struct table_info *t,
		   char *const *spec_keys, size_t spec_nkeys,
		   const char *spec_sequence_by, const char *scd_type);

/*
 * Opens (creating) the view's database at path, a file the caller keeps in
 * the cache. State built under another definition (other keys, sequence,
 * types or SCD type) is dropped: *rebuilt (may be NULL) says whether that
 * happened, and the caller applies every batch again. Returns 0, -EINVAL
 * with a message in err (errlen bytes) for a definition that cannot be
 * built (no keys, a column that is not in the table or is a struct), or
 * -EIO (the message names the database's error).
 */
int view_open(const char *path, const struct view_def *def, struct view **out,
	      int *rebuilt, char *err, size_t errlen);
void view_close(struct view *v);

/*
 * Makes the view follow the chains' epochs (opaque strings; "" when the
 * chains have none). When a stream's epoch differs from the one its
 * applied batches belong to, the chain was started over (a full refresh):
 * the whole view is emptied, both streams' bookkeeping with it, and
 * *reset (may be NULL) is set; the caller then applies every batch of both
 * chains again. Returns 0 or -EIO.
 */
int view_sync(struct view *v, const char *changes_epoch,
	      const char *deletes_epoch, int *reset);

/*
 * How far a stream has been applied: *count batches, the last of them
 * named last (lastlen bytes; "" when none). Batches are applied in stream
 * order, so the caller applies the chain's batches after the first *count.
 * Returns 0, -ENAMETOOLONG when last does not fit, or -EIO.
 */
int view_progress(struct view *v, enum view_stream s, long *count, char *last,
		  size_t lastlen);

/* 1 when the batch token of stream s was applied, 0 when not, or -EIO. */
int view_applied(struct view *v, enum view_stream s, const char *token);

/*
 * Applies one published batch of stream s (one compact JSON object per
 * line) read from in, in one transaction that records (s, epoch, token).
 * A batch already recorded is not applied again (st->already). Returns 0,
 * -ESTALE when epoch is not the stream's current one (call view_sync()),
 * -EINVAL for a line that is not a JSON object (nothing is applied), -E2BIG
 * for a line longer than VIEW_LINE_MAX, or -EIO. st may be NULL.
 */
int view_apply(struct view *v, enum view_stream s, const char *epoch,
	       const char *token, FILE *in, struct view_stats *st);

/*
 * Writes current.jsonl: one line per live key, the record as its batch
 * held it, in key order. Returns 0 or -EIO (out is then partial).
 */
int view_write_current(struct view *v, FILE *out);

/*
 * Writes history.jsonl (SCD type 2 views only, else -EINVAL): every
 * version, the record with "__START_AT" and "__END_AT" added at its end,
 * ordered by key and __START_AT. Returns 0, -EINVAL or -EIO.
 */
int view_write_history(struct view *v, FILE *out);

/* Empties the view (rows, history, bookkeeping, epochs). 0 or -EIO. */
int view_reset(struct view *v);

/*
 * For benchmarks: runs SQL (PRAGMA statements) on the view's connection,
 * e.g. to compare journal modes. Returns 0 or -EIO.
 */
int view_pragma(struct view *v, const char *sql);

/*
 * For tests: hook(arg, n) runs before the n-th record (from 1) of each
 * batch is applied, inside the transaction; a nonzero return aborts the
 * batch with that value (the transaction rolls back). NULL removes it.
 */
void view_set_row_hook(struct view *v, int (*hook)(void *arg, long n),
		       void *arg);

#endif
