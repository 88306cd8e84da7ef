/* SPDX-License-Identifier: MIT */
/*
 * view_bench: figures for the destination-table views (src/view.h), not a
 * test. Builds an orders view from batch files the way a mount would: N
 * keys (default 1,030,000, the orders of --scale 10000) in batches of 200,
 * then 1,000 changes (700 upserts of existing keys, 300 deletes) in six
 * batches, writing current.jsonl after each phase. Prints seconds per
 * phase and peak RSS (VmHWM).
 *
 * usage: view_bench [options] DIR
 *   --rows N         keys to build (default 1030000)
 *   --scd2           keep history too
 *   --pragma SQL     extra PRAGMA statements, e.g.
 *                    "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
 * DIR holds the batch files (made on the first run, kept) and the view's
 * database (removed first). Run each configuration in its own process, so
 * its VmHWM is its own: bench/view.sh does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/isotime.h"
#include "view.h"

#define BATCH	   200
#define MIXED_UPS  700
#define MIXED_DELS 300

static long rows = 1030000;
static const int64_t base_us = 1795219200000000LL; /* 2026-11-20 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long vmhwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static void order(FILE *f, long i, int64_t us, int tomb)
{
	char ts[ISOTIME_SIZE];

	isotime_format(us, ts);
	if (tomb)
		fprintf(
		    f,
		    "{\"order_id\":\"order_%07ld\",\"user_id\":null,"
		    "\"amount\":null,\"status\":null,\"updated_at\":\"%s\"}\n",
		    i, ts);
	else
		fprintf(
		    f,
		    "{\"order_id\":\"order_%07ld\",\"user_id\":\"user_%04ld\","
		    "\"amount\":%.2f,\"status\":\"%s\",\"updated_at\":\"%s\"}"
		    "\n",
		    i, i % 10, 50 + 3.3 * (double)(i % 1000),
		    (const char *[]){"pending", "shipped", "delivered"}[i % 3],
		    ts);
}

/* The build phase's batch files: DIR/b<NNNNNN>.jsonl, made once. */
static int generate(const char *dir)
{
	char path[4096];
	FILE *f = NULL;
	long i;

	snprintf(path, sizeof(path), "%s/rows", dir);
	f = fopen(path, "r");
	if (f && fscanf(f, "%ld", &i) == 1 && i == rows)
		return fclose(f), 0;
	if (f)
		fclose(f);
	fprintf(stderr, "generating %ld rows in %s\n", rows, dir);
	for (i = 0; i < rows; i++) {
		if (i % BATCH == 0) {
			if (f)
				fclose(f);
			snprintf(path, sizeof(path), "%s/b%06ld.jsonl", dir,
				 i / BATCH);
			if (!(f = fopen(path, "w")))
				return -errno;
		}
		order(f, i, base_us + i * 1000, 0);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/rows", dir);
	f = fopen(path, "w");
	fprintf(f, "%ld\n", rows);
	return fclose(f);
}

static int apply_file(struct view *v, enum view_stream s, const char *path,
		      const char *token)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return -errno;
	rc = view_apply(v, s, "", token, f, NULL);
	fclose(f);
	return rc;
}

static int build(struct view *v, const char *dir)
{
	char path[4096], token[32];
	long b;
	int rc = 0;

	for (b = 0; !rc && b * BATCH < rows; b++) {
		snprintf(path, sizeof(path), "%s/b%06ld.jsonl", dir, b);
		snprintf(token, sizeof(token), "%06ld", b);
		rc = apply_file(v, VIEW_CHANGES, path, token);
	}
	return rc;
}

/* 700 upserts and 300 deletes of random keys, newer than all, in files. */
static int mixed(struct view *v, const char *dir)
{
	char path[4096], token[32];
	int64_t us = base_us + rows * 1000;
	int rc = 0, k, n;

	srand(7);
	for (k = 0; !rc && k * BATCH < MIXED_UPS + MIXED_DELS; k++) {
		int dels = k * BATCH >= MIXED_UPS;
		FILE *f;

		snprintf(path, sizeof(path), "%s/mixed%d.jsonl", dir, k);
		if (!(f = fopen(path, "w")))
			return -errno;
		for (n = 0; n < BATCH && k * BATCH + n < MIXED_UPS + MIXED_DELS;
		     n++)
			order(f, rand() % rows, us += 1000, dels);
		fclose(f);
		snprintf(token, sizeof(token), "m%d", k);
		rc = apply_file(v, dels ? VIEW_DELETES : VIEW_CHANGES, path,
				token);
	}
	return rc;
}

static int write_current(struct view *v, const char *dir, long *bytes)
{
	char path[4096];
	struct stat st;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/current.jsonl", dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	rc = view_write_current(v, f);
	fclose(f);
	*bytes = stat(path, &st) ? -1 : (long)st.st_size;
	return rc;
}

static struct table_info *orders_info(void)
{
	static struct field fields[] = {
	    {"order_id", FIELD_STRING, 0, NULL, 0},
	    {"user_id", FIELD_STRING, 1, NULL, 0},
	    {"amount", FIELD_DOUBLE, 1, NULL, 0},
	    {"status", FIELD_STRING, 1, NULL, 0},
	    {"updated_at", FIELD_TIMESTAMP, 1, NULL, 0},
	};
	static char *keys[] = {"order_id"};
	static struct table_info t = {
	    "orders", fields, 5, keys, 1, "updated_at", INGEST_CDC_WITH_DELETES,
	    0};

	return &t;
}

static int run(const char *dir, int scd2, const char *pragma)
{
	struct view_def def;
	struct view *v;
	char path[4096], err[512];
	double t0, t1, t2, t3, t4;
	long bytes1, bytes2;
	int rc;

	view_def_init(&def, orders_info(), NULL, 0, NULL,
		      scd2 ? "SCD_TYPE_2" : NULL);
	snprintf(path, sizeof(path), "%s/view.db", dir);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	snprintf(path, sizeof(path), "%s/view.db", dir);
	rc = view_open(path, &def, &v, NULL, err, sizeof(err));
	if (rc)
		return fprintf(stderr, "%s\n", err), rc;
	if (pragma && (rc = view_pragma(v, pragma)))
		goto out;
	t0 = now_s();
	rc = build(v, dir);
	t1 = now_s();
	if (!rc)
		rc = write_current(v, dir, &bytes1);
	t2 = now_s();
	if (!rc)
		rc = mixed(v, dir);
	t3 = now_s();
	if (!rc)
		rc = write_current(v, dir, &bytes2);
	t4 = now_s();
	if (!rc)
		printf("%-8s %-44s build %7.2f s  current %5.2f s (%ld MB)  "
		       "1000 changes %6.3f s  current %5.2f s  VmHWM %ld MiB\n",
		       scd2 ? "scd2" : "scd1", pragma ? pragma : "(defaults)",
		       t1 - t0, t2 - t1, bytes1 >> 20, t3 - t2, t4 - t3,
		       vmhwm_kib() >> 10);
out:
	view_close(v);
	return rc;
}

int main(int argc, char **argv)
{
	const char *pragma = NULL;
	int scd2 = 0, i, rc;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--scd2"))
			scd2 = 1;
		else if (!strcmp(argv[i], "--rows") && i + 1 < argc - 1)
			rows = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--pragma") && i + 1 < argc - 1)
			pragma = argv[++i];
		else
			break;
	}
	if (i != argc - 1 || rows < 1) {
		fprintf(stderr, "usage: view_bench [--rows N] [--scd2] "
				"[--pragma SQL] DIR\n");
		return 2;
	}
	rc = generate(argv[i]);
	if (!rc)
		rc = run(argv[i], scd2, pragma);
	if (rc)
		fprintf(stderr, "view_bench: %s\n", strerror(-rc));
	return rc ? 1 : 0;
}
