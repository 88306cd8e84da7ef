/* SPDX-License-Identifier: MIT */
/*
 * view_driver: one view operation per run, for tests/view_model.py, which
 * checks the views against its own model of the rules.
 *
 * usage: view_driver DB DEF COMMAND ARGS...
 *   DEF: a JSON file {"columns": [["name", "type"], ...], "keys": [...],
 *        "sequence_by": "...", "scd2": true|false}
 *   apply STREAM EPOCH TOKEN FILE   prints "rows applied stale skipped
 *                                   already"; STREAM is changes|deletes
 *   kill N STREAM EPOCH TOKEN FILE  the same, killed (SIGKILL) at row N
 *   sync EPOCH0 EPOCH1              prints 1 when the view was reset
 *   current OUT | history OUT       writes the file
 * Exits 0, or 1 with a message.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "view.h"

#define MAXCOLS 32

static struct field fields[MAXCOLS];
static const char *keys[VIEW_KEYS_MAX];

static int kill_at(void *arg, long n)
{
	if (n == *(long *)arg)
		raise(SIGKILL);
	return 0;
}

static int type_of(const char *name, enum field_type *t)
{
	static const enum field_type all[] = {FIELD_STRING, FIELD_INTEGER,
					      FIELD_DOUBLE, FIELD_TIMESTAMP,
					      FIELD_DATE};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(field_type_name(all[i]), name))
			return *t = all[i], 0;
	return -EINVAL;
}

/* Reads DEF into t and def (strings stay in the returned JSON object). */
static struct json_object *load_def(const char *path, struct table_info *t,
				    struct view_def *def)
{
	struct json_object *root = json_object_from_file(path), *cols, *ks, *v;
	size_t i;

	if (!root || !json_object_object_get_ex(root, "columns", &cols) ||
	    !json_object_object_get_ex(root, "keys", &ks))
		return NULL;
	t->name = "t";
	t->fields = fields;
	t->nfields = json_object_array_length(cols);
	for (i = 0; i < t->nfields && i < MAXCOLS; i++) {
		struct json_object *c = json_object_array_get_idx(cols, i);

		fields[i].name = (char *)json_object_get_string(
		    json_object_array_get_idx(c, 0));
		if (type_of(
			json_object_get_string(json_object_array_get_idx(c, 1)),
			&fields[i].type))
			return NULL;
	}
	def->table = t;
	def->nkeys = json_object_array_length(ks);
	for (i = 0; i < def->nkeys && i < VIEW_KEYS_MAX; i++)
		keys[i] =
		    json_object_get_string(json_object_array_get_idx(ks, i));
	def->keys = keys;
	json_object_object_get_ex(root, "sequence_by", &v);
	def->sequence_by = json_object_get_string(v);
	def->scd2 = json_object_object_get_ex(root, "scd2", &v) &&
		    json_object_get_boolean(v);
	return root;
}

static int apply(struct view *v, char **argv)
{
	enum view_stream s =
	    !strcmp(argv[0], "deletes") ? VIEW_DELETES : VIEW_CHANGES;
	struct view_stats st;
	FILE *f = fopen(argv[3], "r");
	int rc;

	if (!f)
		return -errno;
	rc = view_apply(v, s, argv[1], argv[2], f, &st);
	fclose(f);
	if (!rc)
		printf("%ld %ld %ld %ld %d\n", st.rows, st.applied, st.stale,
		       st.skipped, st.already);
	return rc;
}

static int write_to(struct view *v, const char *path, int history)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = history ? view_write_history(v, f) : view_write_current(v, f);
	return fclose(f) && !rc ? -EIO : rc;
}

static int run(struct view *v, int argc, char **argv)
{
	static long at;
	int reset;

	if (!strcmp(argv[0], "apply") && argc == 5)
		return apply(v, argv + 1);
	if (!strcmp(argv[0], "kill") && argc == 6) {
		at = strtol(argv[1], NULL, 10);
		view_set_row_hook(v, kill_at, &at);
		return apply(v, argv + 2);
	}
	if (!strcmp(argv[0], "sync") && argc == 3) {
		int rc = view_sync(v, argv[1], argv[2], &reset);

		if (!rc)
			printf("%d\n", reset);
		return rc;
	}
	if (!strcmp(argv[0], "current") && argc == 2)
		return write_to(v, argv[1], 0);
	if (!strcmp(argv[0], "history") && argc == 2)
		return write_to(v, argv[1], 1);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct table_info t;
	struct view_def def;
	struct json_object *root;
	struct view *v;
	char err[512];
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: view_driver DB DEF COMMAND ARGS...\n");
		return 1;
	}
	root = load_def(argv[2], &t, &def);
	if (!root) {
		fprintf(stderr, "view_driver: bad definition %s\n", argv[2]);
		return 1;
	}
	rc = view_open(argv[1], &def, &v, NULL, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "view_driver: %s\n", err);
	} else {
		rc = run(v, argc - 3, argv + 3);
		if (rc)
			fprintf(stderr, "view_driver: %s: %s\n", argv[3],
				strerror(-rc));
		view_close(v);
	}
	json_object_put(root);
	return rc ? 1 : 0;
}
