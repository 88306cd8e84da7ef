/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the destination-table views (src/view.h): key order,
 * typed sequences, ties, deletes and their memory, SCD type 2 versions and
 * late arrivals, batch bookkeeping, epochs, a changed definition, and
 * crash safety (a batch rolled back, a process killed in the middle).
 */
#include "view.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define ERRLEN 512

static char dir[] = "/tmp/test_view.XXXXXX";
static char db[256];

/* A table: a string and an integer key, a typed sequence, a value. */
static struct field fields[] = {
    {"id", FIELD_STRING, 0, NULL, 0},	 {"n", FIELD_INTEGER, 1, NULL, 0},
    {"ts", FIELD_TIMESTAMP, 1, NULL, 0}, {"i", FIELD_INTEGER, 1, NULL, 0},
    {"d", FIELD_DOUBLE, 1, NULL, 0},	 {"s", FIELD_STRING, 1, NULL, 0},
    {"day", FIELD_DATE, 1, NULL, 0},	 {"v", FIELD_STRING, 1, NULL, 0},
    {"st", FIELD_STRUCT, 1, NULL, 0},
};
static char *one_key[] = {"id"};
static struct table_info table = {
    "t", fields, 9, one_key, 1, "ts", INGEST_CDC_WITH_DELETES, 0};

/* Opens a fresh view (or the existing one with fresh=0). */
static struct view *open_view(const char *seq, char **keys, size_t nkeys,
			      int scd2, int fresh)
{
	struct view_def def;
	struct view *v = NULL;
	char err[ERRLEN], path[300];
	int rc;

	if (fresh) {
		unlink(db);
		snprintf(path, sizeof(path), "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", db);
		unlink(path);
	}
	view_def_init(&def, &table, keys, nkeys, seq,
		      scd2 ? "SCD_TYPE_2" : "SCD_TYPE_1");
	rc = view_open(db, &def, &v, NULL, err, sizeof(err));
	if (rc)
		fprintf(stderr, "view_open: %s\n", err);
	CHECK(rc == 0);
	return v;
}

static int apply(struct view *v, enum view_stream s, const char *token,
		 const char *text, struct view_stats *st)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = view_apply(v, s, "e1", token, f, st);

	fclose(f);
	return rc;
}

static char *dumped; /* the last dump() */

/* current.jsonl (or history.jsonl) as a string, valid until the next. */
static const char *dump(struct view *v, int history)
{
	size_t len;
	FILE *f;

	free(dumped);
	f = open_memstream(&dumped, &len);
	if ((history ? view_write_history(v, f) : view_write_current(v, f)))
		fprintf(f, "(error)");
	fclose(f);
	return dumped;
}

/* ----------------------------------------------------------- SCD 1 --- */

static void test_order_and_types(void)
{
	char *keys[] = {"id", "n"};
	struct view *v = open_view("i", keys, 2, 0, 1);

	/* composite key: id bytewise, then n numerically, null first */
	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"b\",\"n\":2,\"i\":1}\n"
		    "{\"id\":\"a\",\"n\":10,\"i\":1}\n"
		    "{\"id\":\"a\",\"n\":-3,\"i\":1}\n"
		    "{\"id\":\"a\",\"n\":9,\"i\":1}\n"
		    "{\"id\":\"a\",\"i\":1}\n"
		    "{\"id\":\"\\u00e9\",\"n\":1,\"i\":1}\n"
		    "{\"id\":\"ab\",\"n\":1,\"i\":1}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 0), "{\"id\":\"a\",\"i\":1}\n"
			      "{\"id\":\"a\",\"n\":-3,\"i\":1}\n"
			      "{\"id\":\"a\",\"n\":9,\"i\":1}\n"
			      "{\"id\":\"a\",\"n\":10,\"i\":1}\n"
			      "{\"id\":\"ab\",\"n\":1,\"i\":1}\n"
			      "{\"id\":\"b\",\"n\":2,\"i\":1}\n"
			      "{\"id\":\"\\u00e9\",\"n\":1,\"i\":1}\n");
	view_close(v);
}

/* Applies old then new for one key under sequence column seq: new wins. */
static void newer_wins(const char *seq, const char *older, const char *newer)
{
	struct view *v = open_view(seq, NULL, 0, 0, 1);
	char a[256], b[256], both[512];

	snprintf(a, sizeof(a), "{\"id\":\"k\",\"%s\":%s,\"v\":\"old\"}", seq,
		 older);
	snprintf(b, sizeof(b), "{\"id\":\"k\",\"%s\":%s,\"v\":\"new\"}", seq,
		 newer);
	snprintf(both, sizeof(both), "%s\n", b);
	CHECK(apply(v, VIEW_CHANGES, "1", both, NULL) == 0);
	snprintf(both, sizeof(both), "%s\n", a);
	CHECK(apply(v, VIEW_CHANGES, "2", both, NULL) == 0);
	snprintf(both, sizeof(both), "%s\n", b);
	CHECK_STR(dump(v, 0), both);
	view_close(v);
}

static void test_typed_sequences(void)
{
	/* 10:00+02:00 is 08:00Z, before 09:00Z although it sorts after */
	newer_wins("ts", "\"2026-01-01T10:00:00.000000+02:00\"",
		   "\"2026-01-01T09:00:00.000000+00:00\"");
	newer_wins("ts", "\"2026-01-01T09:00:00Z\"",
		   "\"2026-01-01T09:00:00.000001+00:00\"");
	newer_wins("i", "9", "10");
	newer_wins("i", "-10", "-9");
	newer_wins("i", "2", "3.0");
	newer_wins("d", "-1.5", "-0.5");
	newer_wins("d", "0.25", "1e3");
	newer_wins("d", "-0.0", "1");
	newer_wins("s", "\"B\"", "\"a\"");
	newer_wins("s", "\"ab\"", "\"ab\\u0000\"");
	newer_wins("day", "\"2026-02-09\"", "\"2026-02-10\"");
}

static void test_ties_and_late(void)
{
	struct view *v = open_view("i", NULL, 0, 0, 1);
	struct view_stats st;

	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"k\",\"i\":5,\"v\":\"first\"}\n"
		    "{\"id\":\"k\",\"i\":5,\"v\":\"second\"}\n",
		    &st) == 0);
	CHECK(st.rows == 2 && st.applied == 2 && st.stale == 0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"k\",\"i\":5,\"v\":\"third\"}\n"
		    "{\"id\":\"k\",\"i\":4,\"v\":\"late\"}\n"
		    "{\"id\":\"k\",\"v\":\"no sequence\"}\n"
		    "{\"id\":\"k\",\"i\":\"7\",\"v\":\"not an integer\"}\n",
		    &st) == 0);
	CHECK(st.rows == 4 && st.applied == 1 && st.stale == 1 &&
	      st.skipped == 2);
	CHECK_STR(dump(v, 0), "{\"id\":\"k\",\"i\":5,\"v\":\"third\"}\n");
	view_close(v);
}

static void test_deletes(void)
{
	struct view *v = open_view("i", NULL, 0, 0, 1);

	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"a\",\"i\":1,\"v\":\"a1\"}\n"
		    "{\"id\":\"b\",\"i\":1,\"v\":\"b1\"}\n"
		    "{\"id\":\"c\",\"i\":1,\"v\":\"c1\"}\n",
		    NULL) == 0);
	/* a tombstone holds the key and the sequence, the rest null */
	CHECK(apply(v, VIEW_DELETES, "1",
		    "{\"id\":\"a\",\"i\":3,\"v\":null}\n"
		    "{\"id\":\"b\",\"i\":3,\"v\":null}\n"
		    "{\"id\":\"c\",\"i\":0,\"v\":null}\n"
		    "{\"id\":\"z\",\"i\":3,\"v\":null}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 0), "{\"id\":\"c\",\"i\":1,\"v\":\"c1\"}\n");
	view_close(v);
	/* after a remount: a late update does not resurrect a, a newer
	 * one brings b back, and z's tombstone outranks an older insert */
	v = open_view("i", NULL, 0, 0, 0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"a\",\"i\":2,\"v\":\"a2\"}\n"
		    "{\"id\":\"b\",\"i\":4,\"v\":\"b4\"}\n"
		    "{\"id\":\"z\",\"i\":1,\"v\":\"z1\"}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 0), "{\"id\":\"b\",\"i\":4,\"v\":\"b4\"}\n"
			      "{\"id\":\"c\",\"i\":1,\"v\":\"c1\"}\n");
	view_close(v);
}

/* An upsert and a delete with one sequence: the delete, in either order. */
static void test_delete_tie(void)
{
	struct view *v = open_view("i", NULL, 0, 0, 1);

	CHECK(apply(v, VIEW_CHANGES, "1", "{\"id\":\"a\",\"i\":2}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_DELETES, "1",
		    "{\"id\":\"a\",\"i\":2}\n{\"id\":\"b\",\"i\":2}\n",
		    NULL) == 0);
	CHECK(apply(v, VIEW_CHANGES, "2", "{\"id\":\"b\",\"i\":2}\n", NULL) ==
	      0);
	CHECK_STR(dump(v, 0), "");
	view_close(v);
}

/* ----------------------------------------------------------- SCD 2 --- */

/* Each city's changes arrive out of order; see the history they make. */
static void test_history(void)
{
	struct view *v = open_view("i", NULL, 0, 1, 1);

	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"k1\",\"i\":1,\"v\":\"Lyon\"}\n"
		    "{\"id\":\"k2\",\"i\":1,\"v\":\"Nice\"}\n"
		    "{\"id\":\"k3\",\"i\":2,\"v\":\"Metz\"}\n"
		    "{\"id\":\"k4\",\"i\":2,\"v\":\"Caen\"}\n",
		    NULL) == 0);
	CHECK(apply(v, VIEW_DELETES, "1", "{\"id\":\"k1\",\"i\":6}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"k3\",\"i\":6,\"v\":\"Brest\"}\n"
		    "{\"id\":\"k3\",\"i\":5,\"v\":\"Dijon\"}\n"
		    "{\"id\":\"k1\",\"i\":5,\"v\":\"Pau\"}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 1),
		  "{\"id\":\"k1\",\"i\":1,\"v\":\"Lyon\",\"__START_AT\":1,"
		  "\"__END_AT\":5}\n"
		  "{\"id\":\"k1\",\"i\":5,\"v\":\"Pau\",\"__START_AT\":5,"
		  "\"__END_AT\":6}\n"
		  "{\"id\":\"k2\",\"i\":1,\"v\":\"Nice\",\"__START_AT\":1,"
		  "\"__END_AT\":null}\n"
		  "{\"id\":\"k3\",\"i\":2,\"v\":\"Metz\",\"__START_AT\":2,"
		  "\"__END_AT\":5}\n"
		  "{\"id\":\"k3\",\"i\":5,\"v\":\"Dijon\",\"__START_AT\":5,"
		  "\"__END_AT\":6}\n"
		  "{\"id\":\"k3\",\"i\":6,\"v\":\"Brest\",\"__START_AT\":6,"
		  "\"__END_AT\":null}\n"
		  "{\"id\":\"k4\",\"i\":2,\"v\":\"Caen\",\"__START_AT\":2,"
		  "\"__END_AT\":null}\n");
	CHECK_STR(dump(v, 0), "{\"id\":\"k2\",\"i\":1,\"v\":\"Nice\"}\n"
			      "{\"id\":\"k3\",\"i\":6,\"v\":\"Brest\"}\n"
			      "{\"id\":\"k4\",\"i\":2,\"v\":\"Caen\"}\n");
	view_close(v);
}

/* A duplicate changes nothing; a late change splits a version. */
static void test_history_duplicates(void)
{
	struct view *v = open_view("ts", NULL, 0, 1, 1);

	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"k\",\"ts\":\"2026-01-01T00:00:01Z\",\"v\":1}\n"
		    "{\"id\":\"e\",\"v\":1}\n"
		    "{}\n",
		    NULL) == 0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"k\",\"ts\":\"2026-01-01T00:00:01Z\",\"v\":1}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 1), "{\"id\":\"k\",\"ts\":\"2026-01-01T00:00:01Z\","
			      "\"v\":1,\"__START_AT\":\"2026-01-01T00:00:01Z\","
			      "\"__END_AT\":null}\n");
	/* the same instant written otherwise: a tie, the later record */
	CHECK(apply(v, VIEW_CHANGES, "3",
		    "{\"id\":\"k\",\"ts\":\"2026-01-01T01:00:01+01:00\","
		    "\"v\":2}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 1),
		  "{\"id\":\"k\",\"ts\":\"2026-01-01T01:00:01+01:00\",\"v\":2,"
		  "\"__START_AT\":\"2026-01-01T01:00:01+01:00\","
		  "\"__END_AT\":null}\n");
	view_close(v);

	v = open_view("i", NULL, 0, 1, 1);
	CHECK(apply(v, VIEW_CHANGES, "1",
		    "{\"id\":\"k\",\"i\":1,\"v\":\"A\"}\n"
		    "{\"id\":\"k\",\"i\":9,\"v\":\"B\"}\n",
		    NULL) == 0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"k\",\"i\":5,\"v\":\"B\"}\n", NULL) == 0);
	CHECK(apply(v, VIEW_DELETES, "1", "{\"id\":\"k\",\"i\":7}\n", NULL) ==
	      0);
	CHECK_STR(dump(v, 1),
		  "{\"id\":\"k\",\"i\":1,\"v\":\"A\",\"__START_AT\":1,"
		  "\"__END_AT\":5}\n"
		  "{\"id\":\"k\",\"i\":5,\"v\":\"B\",\"__START_AT\":5,"
		  "\"__END_AT\":7}\n"
		  "{\"id\":\"k\",\"i\":9,\"v\":\"B\",\"__START_AT\":9,"
		  "\"__END_AT\":null}\n");
	CHECK_STR(dump(v, 0), "{\"id\":\"k\",\"i\":9,\"v\":\"B\"}\n");
	view_close(v);

	/* after a delete, the next upsert opens a version of its own */
	v = open_view("i", NULL, 0, 1, 1);
	CHECK(apply(v, VIEW_CHANGES, "1", "{\"id\":\"k\",\"i\":1}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_DELETES, "1", "{\"id\":\"k\",\"i\":2}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_CHANGES, "2",
		    "{\"id\":\"k\",\"i\":3}\n{\"id\":\"k\",\"i\":4}\n",
		    NULL) == 0);
	CHECK_STR(dump(v, 1), "{\"id\":\"k\",\"i\":1,\"__START_AT\":1,"
			      "\"__END_AT\":2}\n"
			      "{\"id\":\"k\",\"i\":3,\"__START_AT\":3,"
			      "\"__END_AT\":4}\n"
			      "{\"id\":\"k\",\"i\":4,\"__START_AT\":4,"
			      "\"__END_AT\":null}\n");
	view_close(v);
}

/* ------------------------------------------------------- bookkeeping --- */

static void test_bookkeeping(void)
{
	struct view *v = open_view("i", NULL, 0, 0, 1);
	struct view_stats st;
	char last[64];
	long n;

	CHECK(view_progress(v, VIEW_CHANGES, &n, last, sizeof(last)) == 0);
	CHECK(n == 0 && !strcmp(last, ""));
	CHECK(apply(v, VIEW_CHANGES, "t1", "{\"id\":\"a\",\"i\":1}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_CHANGES, "t2", "{\"id\":\"b\",\"i\":1}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_CHANGES, "t1", "{\"id\":\"c\",\"i\":1}\n", &st) ==
	      0);
	CHECK(st.already == 1 && st.rows == 0);
	CHECK(view_applied(v, VIEW_CHANGES, "t1") == 1);
	CHECK(view_applied(v, VIEW_DELETES, "t1") == 0);
	CHECK(view_progress(v, VIEW_CHANGES, &n, last, sizeof(last)) == 0);
	CHECK(n == 2 && !strcmp(last, "t2"));
	CHECK(view_progress(v, VIEW_CHANGES, &n, last, 2) == -ENAMETOOLONG);
	CHECK_STR(dump(v, 0),
		  "{\"id\":\"a\",\"i\":1}\n{\"id\":\"b\",\"i\":1}\n");
	/* a line that is not an object: nothing of the batch is applied */
	CHECK(apply(v, VIEW_CHANGES, "t3", "{\"id\":\"d\",\"i\":1}\n[1]\n",
		    NULL) == -EINVAL);
	CHECK(view_applied(v, VIEW_CHANGES, "t3") == 0);
	CHECK(view_write_history(v, stdout) == -EINVAL); /* SCD type 1 */
	view_close(v);
}

static void test_epochs(void)
{
	struct view *v = open_view("i", NULL, 0, 1, 1);
	const char *c = "{\"id\":\"c\",\"i\":1}\n";
	FILE *f;
	int reset = -1;
	long n;
	char last[64];

	CHECK(view_sync(v, "e1", "e1", &reset) == 0 && reset == 0);
	CHECK(apply(v, VIEW_CHANGES, "t1", "{\"id\":\"a\",\"i\":1}\n", NULL) ==
	      0);
	CHECK(apply(v, VIEW_DELETES, "t1", "{\"id\":\"b\",\"i\":1}\n", NULL) ==
	      0);
	CHECK(view_sync(v, "e1", "e1", &reset) == 0 && reset == 0);
	f = fmemopen((void *)c, strlen(c), "r");
	CHECK(view_apply(v, VIEW_CHANGES, "e2", "t2", f, NULL) == -ESTALE);
	fclose(f);
	/* a full refresh of changes/: the view starts over, both streams */
	CHECK(view_sync(v, "e2", "e1", &reset) == 0 && reset == 1);
	CHECK(view_progress(v, VIEW_DELETES, &n, last, sizeof(last)) == 0);
	CHECK(n == 0);
	CHECK_STR(dump(v, 0), "");
	CHECK_STR(dump(v, 1), "");
	f = fmemopen((void *)c, strlen(c), "r");
	CHECK(view_apply(v, VIEW_CHANGES, "e2", "t1", f, NULL) == 0);
	fclose(f);
	CHECK_STR(dump(v, 0), "{\"id\":\"c\",\"i\":1}\n");
	CHECK(view_reset(v) == 0);
	CHECK_STR(dump(v, 0), "");
	view_close(v);
}

static void test_definition(void)
{
	struct view_def def;
	struct view *v = open_view("i", NULL, 0, 0, 1);
	char *bad[] = {"nope"}, *nested[] = {"st"}, err[ERRLEN];
	int rebuilt = -1;

	CHECK(apply(v, VIEW_CHANGES, "t1", "{\"id\":\"a\",\"i\":1}\n", NULL) ==
	      0);
	view_close(v);
	view_def_init(&def, &table, NULL, 0, "i", NULL);
	CHECK(view_open(db, &def, &v, &rebuilt, err, ERRLEN) == 0);
	CHECK(rebuilt == 0);
	CHECK_STR(dump(v, 0), "{\"id\":\"a\",\"i\":1}\n");
	view_close(v);
	/* another sequence column: the old state is dropped */
	view_def_init(&def, &table, NULL, 0, "d", NULL);
	CHECK(view_open(db, &def, &v, &rebuilt, err, ERRLEN) == 0);
	CHECK(rebuilt == 1);
	CHECK(view_applied(v, VIEW_CHANGES, "t1") == 0);
	CHECK_STR(dump(v, 0), "");
	view_close(v);
	view_def_init(&def, &table, bad, 1, "i", NULL);
	CHECK(view_open(db, &def, &v, NULL, err, ERRLEN) == -EINVAL);
	CHECK(strstr(err, "'nope' is not a column") != NULL);
	view_def_init(&def, &table, nested, 1, "i", NULL);
	CHECK(view_open(db, &def, &v, NULL, err, ERRLEN) == -EINVAL);
	CHECK(strstr(err, "struct") != NULL);
	view_def_init(&def, &table, NULL, 0, "value.count", NULL);
	CHECK(view_open(db, &def, &v, NULL, err, ERRLEN) == -EINVAL);
	CHECK(strstr(err, "sequence_by 'value.count'") != NULL);
}

/* ------------------------------------------------------ crash safety --- */

static int fail_at_3(void *arg, long n)
{
	(void)arg;
	return n == 3 ? -EIO : 0;
}

static int kill_at(void *arg, long n)
{
	if (n == *(long *)arg)
		raise(SIGKILL);
	return 0;
}

static const char *const batch2 = "{\"id\":\"a\",\"i\":2,\"v\":\"a2\"}\n"
				  "{\"id\":\"c\",\"i\":2,\"v\":\"c2\"}\n"
				  "{\"id\":\"d\",\"i\":2,\"v\":\"d2\"}\n";
static const char *const before = "{\"id\":\"a\",\"i\":1,\"v\":\"a1\"}\n"
				  "{\"id\":\"b\",\"i\":1,\"v\":\"b1\"}\n";
static const char *const after = "{\"id\":\"a\",\"i\":2,\"v\":\"a2\"}\n"
				 "{\"id\":\"b\",\"i\":1,\"v\":\"b1\"}\n"
				 "{\"id\":\"c\",\"i\":2,\"v\":\"c2\"}\n"
				 "{\"id\":\"d\",\"i\":2,\"v\":\"d2\"}\n";

static void test_rollback(void)
{
	struct view *v = open_view("i", NULL, 0, 1, 1);
	char *hist;

	CHECK(apply(v, VIEW_CHANGES, "t1", before, NULL) == 0);
	hist = strdup(dump(v, 1));
	view_set_row_hook(v, fail_at_3, NULL);
	CHECK(apply(v, VIEW_CHANGES, "t2", batch2, NULL) == -EIO);
	CHECK_STR(dump(v, 0), before);
	CHECK_STR(dump(v, 1), hist);
	CHECK(view_applied(v, VIEW_CHANGES, "t2") == 0);
	view_set_row_hook(v, NULL, NULL);
	CHECK(apply(v, VIEW_CHANGES, "t2", batch2, NULL) == 0);
	CHECK_STR(dump(v, 0), after);
	free(hist);
	view_close(v);
}

/* A child applies a batch and is killed at its n-th record. */
static void killed_at(long n)
{
	struct view *v;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		v = open_view("i", NULL, 0, 1, 0);
		view_set_row_hook(v, kill_at, &n);
		apply(v, VIEW_CHANGES, "t2", batch2, NULL);
		_exit(3); /* not reached when n <= 3 */
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(n > 3 ? WIFEXITED(status) && WEXITSTATUS(status) == 3
		    : WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void test_killed(void)
{
	struct view *v = open_view("i", NULL, 0, 1, 1);
	char *hist;
	long n;

	CHECK(apply(v, VIEW_CHANGES, "t1", before, NULL) == 0);
	hist = strdup(dump(v, 1));
	view_close(v);
	for (n = 1; n <= 3; n++) {
		killed_at(n);
		v = open_view("i", NULL, 0, 1, 0);
		CHECK_STR(dump(v, 0), before);
		CHECK_STR(dump(v, 1), hist);
		CHECK(view_applied(v, VIEW_CHANGES, "t2") == 0);
		view_close(v);
	}
	/* a child that ends after the commit without closing: applied */
	killed_at(4);
	v = open_view("i", NULL, 0, 1, 0);
	CHECK(view_applied(v, VIEW_CHANGES, "t2") == 1);
	CHECK_STR(dump(v, 0), after);
	view_close(v);
	free(hist);
}

int main(void)
{
	char path[300];

	if (!mkdtemp(dir))
		return 99;
	snprintf(db, sizeof(db), "%s/view.db", dir);
	test_order_and_types();
	test_typed_sequences();
	test_ties_and_late();
	test_deletes();
	test_delete_tie();
	test_history();
	test_history_duplicates();
	test_bookkeeping();
	test_epochs();
	test_definition();
	test_rollback();
	test_killed();
	free(dumped);
	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	rmdir(dir);
	return check_result();
}
