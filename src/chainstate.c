/* SPDX-License-Identifier: MIT */
/*
 * chainstate: a chain's state file and step records, the adoption of a
 * version 1 chain, and what an option change means. See chainstate.h.
 */
#include "chainstate.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/isotime.h"
#include "common/jsondoc.h"
#include "log.h"
#include "token.h"

/* State and step files are small: a cursor and a few numbers. */
#define SMALL_FILE_MAX 65536

/* ------------------------------------------------------- small files --- */

int write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.part.XXXXXX", path) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		rc = errno ? -errno : -EIO;
	if (close(fd) && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* Parses the JSON file at path. -ENOENT when it is not there. */
static int load_json(const char *path, struct json_object **obj)
{
	int rc = jsondoc_load(path, SMALL_FILE_MAX, obj, NULL);

	return rc == -EFBIG ? -EINVAL : rc;
}

/* A time as the state keeps it: an API timestamp, or null for none. */
static struct json_object *time_json(int64_t us)
{
	char text[ISOTIME_SIZE];

	if (!us)
		return NULL;
	isotime_format(us, text);
	return json_object_new_string(text);
}

/* Saves obj (borrowed) as the JSON file at path. */
static int save_json(const char *path, struct json_object *obj)
{
	const char *text = json_object_to_json_string_ext(
	    obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		     JSON_C_TO_STRING_NOSLASHESCAPE);
	struct buf b;
	int rc;

	buf_init(&b, SMALL_FILE_MAX);
	rc = text ? buf_printf(&b, "%s\n", text) : -ENOMEM;
	if (rc == 0)
		rc = write_atomic(path, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* {"cursor": "..."}, or null (NULL) for the start. */
static struct json_object *offset_object(const char *cursor)
{
	struct json_object *o;

	if (!cursor)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "cursor", json_object_new_string(cursor));
	return o;
}

/* A member that must be a non-negative integer. */
static int get_count(struct json_object *root, const char *key, long *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 || json_object_get_int64(v) > LONG_MAX)
		return -EINVAL;
	*out = (long)json_object_get_int64(v);
	return 0;
}

/* ------------------------------------------------------------- state --- */

static char *state_path(const char *dir)
{
	char *p;

	return asprintf(&p, "%s/" CHAINSTATE_FILE, dir) < 0 ? NULL : p;
}

/* A time member (the cap): an API timestamp, or null for none. A state
 * that has no such member is damaged unless it is optional (one that
 * earlier versions did not write). */
static int get_time(struct json_object *root, const char *key, int optional,
		    int64_t *us)
{
	struct json_object *v;

	*us = 0;
	if (!json_object_object_get_ex(root, key, &v))
		return optional ? 0 : -EINVAL;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    isotime_parse(json_object_get_string(v), us))
		return -EINVAL;
	return 0;
}

/* Fills st from the parsed state file. */
static int state_from_json(struct json_object *root, struct chain_state *st)
{
	struct json_object *v;
	long format, epoch;

	if (!json_object_is_type(root, json_type_object) ||
	    get_count(root, "format", &format) || format != CHAINSTATE_FORMAT ||
	    get_count(root, "epoch", &epoch) || epoch < 1 ||
	    epoch > (long)TOKEN_EPOCH_MAX ||
	    get_count(root, "published", &st->published) ||
	    get_time(root, "cap", 0, &st->cap_us) ||
	    get_time(root, "head_moved_at", 1, &st->moved_us) ||
	    !json_object_object_get_ex(root, "head", &v) ||
	    offset_from_json(v, &st->head))
		return -EINVAL;
	st->epoch = (unsigned)epoch;
	if (json_object_object_get_ex(root, "options", &v) &&
	    json_object_is_type(v, json_type_object))
		st->options = json_object_get(v);
	return 0;
}

int chainstate_load(const char *dir, struct chain_state *st)
{
	char *path = state_path(dir);
	struct json_object *root = NULL;
	int rc;

	if (!path)
		return -ENOMEM;
	rc = load_json(path, &root);
	free(path);
	if (rc == 0)
		rc = state_from_json(root, st);
	json_object_put(root);
	if (rc == -EINVAL)
		chainstate_free(st);
	return rc;
}

int chainstate_save(const char *dir, const struct chain_state *st)
{
	struct json_object *root = json_object_new_object();
	char *path = state_path(dir);
	int rc;

	json_object_object_add(root, "format",
			       json_object_new_int(CHAINSTATE_FORMAT));
	json_object_object_add(root, "epoch", json_object_new_int64(st->epoch));
	json_object_object_add(root, "head", offset_object(st->head));
	json_object_object_add(root, "published",
			       json_object_new_int64(st->published));
	json_object_object_add(root, "cap", time_json(st->cap_us));
	json_object_object_add(root, "head_moved_at", time_json(st->moved_us));
	json_object_object_add(root, "options", json_object_get(st->options));
	rc = path ? save_json(path, root) : -ENOMEM;
	json_object_put(root);
	free(path);
	return rc;
}

void chainstate_free(struct chain_state *st)
{
	free(st->head);
	json_object_put(st->options);
	st->head = NULL;
	st->options = NULL;
}

/* ------------------------------------------------------ option changes --- */

/* How an option's value reads in a message. */
static const char *value_text(struct json_object *v)
{
	return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
		 : "unset";
}

/* What the chain does when one option changed. */
static void log_change(const char *label, const char *object,
		       const struct chain_state *st, const char *name,
		       const char *was, const char *is, long num_rows)
{
	if (!strcmp(name, "category") || !strcmp(name, "user_id") ||
	    !strcmp(name, "status"))
		lf_warn(
		    "%s: the filter %s changed from %s to %s; the chain goes "
		    "on from its head with the new filter, so records "
		    "before the head that match only the new filter are not "
		    "read: mount once with full_refresh=%s to read the table "
		    "again from the start",
		    label, name, was, is, object);
	else if (!strcmp(name, "start_timestamp") &&
		 (st->head || st->published))
		lf_info(
		    "%s: start_timestamp changed from %s to %s; it only "
		    "places the first batch of an epoch, so it takes effect "
		    "at the next full refresh (full_refresh=%s)",
		    label, was, is, object);
	else if (!strcmp(name, "num_rows"))
		lf_info("%s: num_rows changed from %s to %s; %ld records were "
			"published in epoch %u, so %s",
			label, was, is, st->published, st->epoch,
			num_rows > 0 && st->published >= num_rows
			    ? "no new batches are published"
			    : "new batches go on from the head");
	else
		lf_info(
		    "%s: %s changed from %s to %s; batches from the head on "
		    "are read with it",
		    label, name, was, is);
}

int chainstate_log_changes(const char *label, const char *object,
			   const struct chain_state *st,
			   struct json_object *now, long num_rows)
{
	int changed = 0;

	if (!st->options)
		return 0;
	json_object_object_foreach(now, name, value)
	{
		struct json_object *old = NULL;

		json_object_object_get_ex(st->options, name, &old);
		if (json_object_equal(old, value))
			continue;
		changed = 1;
		/* Each value's text lives in that value: both stay valid. */
		log_change(label, object, st, name, value_text(old),
			   value_text(value), num_rows);
	}
	return changed;
}

/* ------------------------------------------------------------- steps --- */

static char *step_path(const char *dir, const char *token)
{
	char *p;

	return asprintf(&p, "%s/_end/%s", dir, token) < 0 ? NULL : p;
}

int chainstate_save_step(const char *dir, const char *token, const char *end,
			 long records)
{
	struct json_object *root = json_object_new_object();
	char *path = step_path(dir, token);
	int rc;

	json_object_object_add(root, "end", offset_object(end));
	json_object_object_add(root, "records", json_object_new_int64(records));
	rc = path ? save_json(path, root) : -ENOMEM;
	json_object_put(root);
	free(path);
	return rc;
}

int chainstate_load_step(const char *dir, const char *token,
			 struct chain_step *step)
{
	char *path = step_path(dir, token);
	struct json_object *root = NULL, *end;
	int rc;

	step->end = NULL;
	step->records = -1;
	if (!path)
		return -ENOMEM;
	rc = load_json(path, &root);
	free(path);
	if (rc)
		return rc;
	if (json_object_object_get_ex(root, "records", NULL)) {
		rc = json_object_object_length(root) == 2 &&
			     json_object_object_get_ex(root, "end", &end) &&
			     get_count(root, "records", &step->records) == 0
			 ? offset_from_json(end, &step->end)
			 : -EINVAL;
	} else {
		rc = offset_from_json(root, &step->end); /* version 1 */
	}
	json_object_put(root);
	return rc;
}

/* ------------------------------------------------- version 1 chains --- */

int chainstate_load_v1_head(const char *dir, char **head)
{
	struct json_object *obj = NULL;
	char *path;
	int rc;

	*head = NULL;
	if (asprintf(&path, "%s/_head", dir) < 0)
		return -ENOMEM;
	rc = load_json(path, &obj);
	if (rc == 0)
		rc = offset_from_json(obj, head);
	json_object_put(obj);
	free(path);
	return rc == -ENOENT ? 0 : rc;
}

int chainstate_drop_v1_head(const char *dir)
{
	char *path;
	int rc = 0;

	if (asprintf(&path, "%s/_head", dir) < 0)
		return -ENOMEM;
	if (unlink(path) && errno != ENOENT)
		rc = -errno;
	free(path);
	return rc;
}

/* Whether name is "<object>-" and 12 lowercase hex digits. */
static int is_v1_dir(const char *name, const char *object)
{
	size_t n = strlen(object);

	if (strncmp(name, object, n) || name[n] != '-' ||
	    strlen(name) != n + 13)
		return 0;
	return strspn(name + n + 1, "0123456789abcdef") == 12;
}

/* When the chain at path last changed: its directory or its _head. */
static int64_t changed_at(const char *path)
{
	struct stat st;
	char head[PATH_MAX + 8];
	int64_t t = -1;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -1;
	t = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	snprintf(head, sizeof(head), "%s/_head", path);
	if (stat(head, &st) == 0 &&
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec > t)
		t = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec;
	return t;
}

/* The most recently changed version 1 chain of object, in best. */
static int find_v1(const char *root, const char *object, const char *kind,
		   char best[PATH_MAX])
{
	DIR *d = opendir(root);
	struct dirent *de;
	int64_t newest = -1;

	best[0] = '\0';
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		int64_t t;

		if (!is_v1_dir(de->d_name, object))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", root, de->d_name,
			 kind);
		t = changed_at(path);
		if (t > newest) {
			newest = t;
			memcpy(best, path, sizeof(path));
		}
	}
	closedir(d);
	return 0;
}

int chainstate_adopt_v1(const char *root, const char *object, const char *kind,
			const char *dir, int *adopted)
{
	char best[PATH_MAX];
	int rc;

	*adopted = 0;
	if (access(dir, F_OK) == 0 || errno != ENOENT)
		return 0;
	rc = find_v1(root, object, kind, best);
	if (rc || !best[0])
		return rc;
	if (rename(best, dir)) {
		rc = -errno;
		lf_err("cannot move the chain of version 1 from %s to %s: %s",
		       best, dir, strerror(errno));
		return rc;
	}
	lf_info("%s/%s: adopted the chain that version 1 kept in %s; it goes "
		"on from where it was",
		object, kind, best);
	*adopted = 1;
	return 0;
}
