/* SPDX-License-Identifier: MIT */
/*
 * fs: FUSE operations over struct mount. See fs.h.
 *
 * Tree: /tables, /<object>/{schema.json, metadata.json, snapshot.jsonl,
 * snapshot.csv}, where the object has them /<object>/{current.jsonl,
 * current.csv, history.jsonl, history.schema.json}, and
 * /<object>/{changes,deletes}/{<token>.jsonl, _offset} with the unlisted
 * _next.<token>. Small files live in memory; data files live in the cache
 * and are materialized by the first getattr or open that needs them, so the
 * size a stat reports is always the size a read returns.
 */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fuse_lowlevel.h>
#include <linux/fuse.h>

#include "log.h"
#include "mount.h"
#include "wait.h"

enum node_kind {
	NODE_NONE,
	NODE_ROOT,
	NODE_TABLES,
	NODE_STATUS, /* /_status.json */
	NODE_OBJECT,
	NODE_SCHEMA,
	NODE_METADATA,
	NODE_SAMPLE, /* sample.jsonl */
	NODE_JSONL,
	NODE_CSV,
	/* current.jsonl, current.csv, history.jsonl, history.schema.json */
	NODE_CURRENT,
	NODE_CURRENT_CSV,
	NODE_HISTORY,
	NODE_HISTORY_SCHEMA,
	NODE_CHAIN,  /* changes/ or deletes/ */
	NODE_OFFSET, /* <chain>/_offset */
	NODE_NEXT,   /* <chain>/_next.<token> */
	NODE_BATCH,  /* <chain>/<token>.jsonl */
};

struct node {
	enum node_kind kind;
	struct object *obj;
	struct chain *chain;
	char token[256]; /* NODE_NEXT, NODE_BATCH */
};

#define NEXT_PREFIX "_next."

static const struct {
	const char *name;
	enum node_kind kind;
} object_files[] = {
    {"schema.json", NODE_SCHEMA},
    {"metadata.json", NODE_METADATA},
    {"sample.jsonl", NODE_SAMPLE},
    {"snapshot.jsonl", NODE_JSONL},
    {"snapshot.csv", NODE_CSV},
    {"current.jsonl", NODE_CURRENT},
    {"current.csv", NODE_CURRENT_CSV},
    {"history.jsonl", NODE_HISTORY},
    {"history.schema.json", NODE_HISTORY_SCHEMA},
};
#define NOBJECT_FILES (sizeof(object_files) / sizeof(object_files[0]))

/* An open file: data files hold a descriptor of their cache file, so the
 * bytes under an open handle never change even if the file is made again. */
struct handle {
	int fd;                       /* cache file, or -1 */
	struct centry *entry;         /* counted open on it, or NULL */
	const struct memfile *mem;    /* in-memory file, or NULL */
	struct memfile own;           /* content made at open (_offset) */
	struct chain *chain;          /* a batch's chain, or NULL */
	struct chain_batch batch;     /* the batch held open (its fd is fd) */
};

static struct mount *fs_mount(void)
{
	return fuse_get_context()->private_data;
}

/*
 * Whether the kernel interrupted the request this thread serves: it sends
 * FUSE_INTERRUPT when the process waiting for it gets a signal (kill -9
 * included). Every wait for a download asks, so the reader leaves at once.
 */
static int fs_interrupted(void *arg)
{
	(void)arg;
	return fuse_interrupted();
}

static const struct waiter fs_waiter = {fs_interrupted, NULL};

/* Passes rc on, saying at debug level when op of path was interrupted. */
static int fs_result(const char *op, const char *path, int rc)
{
	if (rc == -EINTR)
		lf_debug("interrupted: %s %s gave up waiting", op, path);
	return rc;
}

/* What a data file's failure reads as: its own errno, or an I/O error. */
static int data_errno(int rc)
{
	if (rc == -ENOSPC || rc == -EINTR)
		return rc;
	return rc ? -EIO : 0;
}

/* What a batch's failure reads as: its own errno, or an I/O error. */
static int batch_errno(int rc)
{
	if (rc == -ENOENT || rc == -ENOMEM || rc == -ENOSPC || rc == -EINTR)
		return rc;
	return rc ? -EIO : 0;
}

/* Whether the object has the file of kind: the destination table's files
 * only where the mount made them. */
static int object_has(const struct object *o, enum node_kind kind)
{
	if (kind == NODE_CURRENT || kind == NODE_CURRENT_CSV)
		return o->has_current;
	if (kind == NODE_HISTORY || kind == NODE_HISTORY_SCHEMA)
		return o->has_history;
	return 1;
}

/* The chain a directory name stands for in an object, or NULL. */
static struct chain *object_chain(struct object *o, const char *name, size_t len)
{
	if (len == 7 && !memcmp(name, "changes", 7) && o->has_changes)
		return &o->changes;
	if (len == 7 && !memcmp(name, "deletes", 7) && o->has_deletes)
		return &o->deletes;
	return NULL;
}

/* Resolves "changes", "changes/_offset", "changes/<token>.jsonl" ... */
static void resolve_chain(struct node *n, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t len;

	n->chain = object_chain(n->obj, name, slash ? (size_t)(slash - name) :
						      strlen(name));
	if (!n->chain)
		return;
	if (!slash) {
		n->kind = NODE_CHAIN;
		return;
	}
	name = slash + 1;
	len = strlen(name);
	if (strcmp(name, "_offset") == 0) {
		n->kind = NODE_OFFSET;
	} else if (!strncmp(name, NEXT_PREFIX, strlen(NEXT_PREFIX)) &&
		   len - strlen(NEXT_PREFIX) < sizeof(n->token)) {
		n->kind = NODE_NEXT;
		strcpy(n->token, name + strlen(NEXT_PREFIX));
	} else if (len > 6 && len - 6 < sizeof(n->token) &&
		   !strcmp(name + len - 6, ".jsonl") && !strchr(name, '/')) {
		n->kind = NODE_BATCH;
		memcpy(n->token, name, len - 6);
		n->token[len - 6] = '\0';
	}
}

/* Maps a path to a node of the tree; NODE_NONE if there is none. */
static struct node resolve(struct mount *m, const char *path)
{
	struct node n = { .kind = NODE_NONE };
	const char *name, *slash;

	if (strcmp(path, "/") == 0) {
		n.kind = NODE_ROOT;
		return n;
	}
	if (strcmp(path, "/tables") == 0) {
		n.kind = NODE_TABLES;
		return n;
	}
	if (strcmp(path, "/_status.json") == 0) {
		n.kind = NODE_STATUS;
		return n;
	}
	slash = strchr(path + 1, '/');
	n.obj = mount_object(m, path + 1,
			     slash ? (size_t)(slash - path - 1) : strlen(path + 1));
	if (!n.obj)
		return n;
	if (!slash) {
		n.kind = NODE_OBJECT;
		return n;
	}
	name = slash + 1;
	for (size_t i = 0; i < NOBJECT_FILES; i++) {
		if (strcmp(name, object_files[i].name) == 0 &&
		    object_has(n.obj, object_files[i].kind))
			n.kind = object_files[i].kind;
	}
	if (n.kind == NODE_NONE)
		resolve_chain(&n, name);
	return n;
}

static const struct memfile *node_memfile(struct mount *m, struct node n)
{
	switch (n.kind) {
	case NODE_TABLES:
		return &m->tables;
	case NODE_SCHEMA:
		return &n.obj->schema;
	case NODE_METADATA:
		return &n.obj->metadata;
	case NODE_HISTORY_SCHEMA:
		return &n.obj->history_schema;
	default:
		return NULL;
	}
}

/* The cache entry of a data file. */
static struct centry *node_centry(struct node n)
{
	struct object *o = n.obj;

	if (n.kind == NODE_SAMPLE)
		return &o->sample;
	if (n.kind == NODE_JSONL)
		return &o->jsonl;
	if (n.kind == NODE_CSV)
		return &o->csv;
	if (n.kind == NODE_CURRENT)
		return o->current;
	if (n.kind == NODE_CURRENT_CSV)
		return &o->current_csv;
	if (n.kind == NODE_HISTORY)
		return &o->target.history;
	return NULL;
}

/*
 * Brings the destination table up to date before its files are looked
 * at, the way a listing of changes/ refreshes the chain; the cache entry
 * then makes the file again only if the table changed.
 */
static int node_update(const struct node *n)
{
	int rc;

	if (!n->obj || !n->obj->has_target ||
	    (n->kind != NODE_CURRENT && n->kind != NODE_CURRENT_CSV &&
	     n->kind != NODE_HISTORY))
		return 0;
	rc = target_update(&n->obj->target, &fs_waiter);
	return rc == -ENOMEM ? rc : data_errno(rc);
}

/* The name of an object's file, for log lines. */
static const char *node_name(const struct node *n)
{
	for (size_t i = 0; i < NOBJECT_FILES; i++) {
		if (object_files[i].kind == n->kind)
			return object_files[i].name;
	}
	return "?";
}

/*
 * centry_ensure(), saying at debug level what the cache decided when this
 * request did not make the file itself (the producer logs that): served
 * as it was, made by a fetch already running, or adopted from an earlier
 * run. The before and after are looked at apart from the decision, so a
 * line may miss a race; the file served never does.
 */
static int data_ensure(const struct node *n, struct centry *e, struct stat *cst)
{
	unsigned gen0, gen;
	unsigned long misses0, misses;
	int ready0, busy0, rc;

	pthread_mutex_lock(&e->lock);
	gen0 = e->gen;
	misses0 = e->misses;
	ready0 = e->ready;
	busy0 = e->busy;
	pthread_mutex_unlock(&e->lock);
	rc = centry_ensure(e, &fs_waiter, cst, &gen);
	if (rc || !log_debug_enabled())
		return rc;
	pthread_mutex_lock(&e->lock);
	misses = e->misses;
	pthread_mutex_unlock(&e->lock);
	if (gen == gen0)
		lf_debug("cache: %s/%s: hit: fresh, served from the cache",
			 n->obj->dir, node_name(n));
	else if (busy0)
		lf_debug("cache: %s/%s: made by the fetch that was running",
			 n->obj->dir, node_name(n));
	else if (!ready0 && misses == misses0)
		lf_debug("cache: %s/%s: adopted the file an earlier run left",
			 n->obj->dir, node_name(n));
	return rc;
}

/* Makes the content of _offset or _next.<token> as it is now. */
static int node_generate(struct node *n, struct buf *out)
{
	int rc;

	if (n->kind == NODE_STATUS)
		return mount_status_json(fs_mount(), out);
	if (n->kind == NODE_OFFSET)
		return chain_head_json(n->chain, out);
	rc = chain_batch_end_json(n->chain, n->token, &fs_waiter, out);
	return batch_errno(rc);
}

/* Stats batch <token>, reading it first when it is read on demand. */
static int batch_stat(struct node *n, struct stat *cst)
{
	return batch_errno(
	    chain_batch_stat(n->chain, n->token, &fs_waiter, cst));
}

static void fill_times(struct stat *st, int64_t us)
{
	st->st_mtim.tv_sec = (time_t)(us / 1000000);
	st->st_mtim.tv_nsec = (long)(us % 1000000) * 1000;
	st->st_atim = st->st_mtim;
	st->st_ctim = st->st_mtim;
}

/*
 * The times a chain shows: its directory the time of its last batch,
 * _offset the time its head last moved; the mount's time where none is
 * known yet.
 */
static void chain_fill_times(struct stat *st, struct node *n)
{
	int64_t head, batch;

	chain_times(n->chain, &head, &batch);
	if (n->kind == NODE_CHAIN && batch)
		fill_times(st, batch);
	else if (n->kind == NODE_OFFSET && head)
		fill_times(st, head);
}

/*
 * fstat of an open file: the size of the bytes that very handle reads
 * (its file, even if made again since, or the content it holds).
 */
static int handle_stat(struct handle *h, struct stat *st)
{
	struct stat cst;

	if (h->fd < 0) {
		st->st_size = h->mem ? (off_t)h->mem->len : 0;
		return 0;
	}
	if (fstat(h->fd, &cst))
		return -EIO;
	st->st_size = cst.st_size;
	st->st_blocks = cst.st_blocks;
	st->st_mtim = cst.st_mtim;
	st->st_ctim = cst.st_mtim;
	return 0;
}

static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	struct mount *m = fs_mount();
	struct node n = resolve(m, path);
	const struct memfile *mem = node_memfile(m, n);
	struct centry *e = node_centry(n);
	struct stat cst;
	int rc;

	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	fill_times(st, m->started_us);
	if (n.kind == NODE_ROOT || n.kind == NODE_OBJECT || n.kind == NODE_CHAIN) {
		st->st_mode = S_IFDIR | 0555;
		/* 2 + subdirectories, as fts-based walkers may rely on */
		st->st_nlink = 2 + (n.kind == NODE_ROOT ? m->nobjects : 0);
		if (n.kind == NODE_OBJECT)
			st->st_nlink +=
			    (nlink_t)(n.obj->has_changes + n.obj->has_deletes);
		if (n.kind == NODE_CHAIN)
			chain_fill_times(st, &n);
		return 0;
	}
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	if (fi)
		return handle_stat((struct handle *)(uintptr_t)fi->fh, st);
	if (mem) {
		st->st_size = (off_t)mem->len;
		return 0;
	}
	if (n.kind == NODE_OFFSET || n.kind == NODE_NEXT || n.kind == NODE_STATUS) {
		struct buf b;

		buf_init(&b, 0);
		rc = node_generate(&n, &b);
		st->st_size = (off_t)b.len;
		buf_free(&b);
		if (n.kind == NODE_OFFSET)
			chain_fill_times(st, &n);
		return fs_result("getattr", path, rc);
	}
	if (n.kind == NODE_BATCH) {
		rc = batch_stat(&n, &cst);
		if (rc)
			return fs_result("getattr", path, rc);
		st->st_size = cst.st_size;
		st->st_blocks = cst.st_blocks;
		st->st_mtim = cst.st_mtim;
		st->st_ctim = cst.st_mtim;
		return 0;
	}
	if (!e)
		return -ENOENT;
	rc = node_update(&n);
	if (rc)
		return rc;
	rc = data_ensure(&n, e, &cst);
	if (rc)
		return fs_result("getattr", path, data_errno(rc));
	st->st_size = cst.st_size;
	st->st_blocks = cst.st_blocks;
	st->st_mtim = cst.st_mtim;
	st->st_ctim = cst.st_mtim;
	return 0;
}

/*
 * Adds one entry with its file type, so that find, tree walkers and
 * os.walk learn what it is without a stat; a stat of a data file would
 * materialize it. Never FUSE_FILL_DIR_PLUS: with it libfuse would look
 * every entry up, which is a getattr, which is a download.
 */
static void fill_typed(void *buf, fuse_fill_dir_t fill, const char *name,
		       mode_t type)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = type;
	fill(buf, name, &st, 0, 0);
}

/* Listing a chain is a refresh (at most once per refresh interval). */
static int readdir_chain(struct chain *ch, void *buf, fuse_fill_dir_t fill)
{
	char **tokens, name[300];
	int rc;

	rc = chain_refresh(ch, &fs_waiter);
	if (rc == -EINTR)
		return rc;
	if (rc) {
		lf_err("%s: refresh failed: %s", ch->dir, strerror(-rc));
		return -EIO;
	}
	rc = chain_tokens(ch, &tokens);
	if (rc)
		return rc;
	fill_typed(buf, fill, ".", S_IFDIR);
	fill_typed(buf, fill, "..", S_IFDIR);
	fill_typed(buf, fill, "_offset", S_IFREG);
	for (size_t i = 0; tokens[i]; i++) {
		snprintf(name, sizeof(name), "%s.jsonl", tokens[i]);
		fill_typed(buf, fill, name, S_IFREG);
	}
	source_names_free(tokens);
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct mount *m = fs_mount();
	struct node n = resolve(m, path);

	if (n.kind == NODE_CHAIN)
		return fs_result("readdir", path,
				 readdir_chain(n.chain, buf, fill));
	if (n.kind != NODE_ROOT && n.kind != NODE_OBJECT)
		return n.kind == NODE_NONE ? -ENOENT : -ENOTDIR;
	fill_typed(buf, fill, ".", S_IFDIR);
	fill_typed(buf, fill, "..", S_IFDIR);
	if (n.kind == NODE_ROOT) {
		fill_typed(buf, fill, "tables", S_IFREG);
		fill_typed(buf, fill, "_status.json", S_IFREG);
		for (size_t i = 0; i < m->nobjects; i++)
			fill_typed(buf, fill, m->objects[i].dir, S_IFDIR);
		return 0;
	}
	for (size_t i = 0; i < NOBJECT_FILES; i++) {
		if (object_has(n.obj, object_files[i].kind))
			fill_typed(buf, fill, object_files[i].name, S_IFREG);
	}
	if (n.obj->has_changes)
		fill_typed(buf, fill, "changes", S_IFDIR);
	if (n.obj->has_deletes)
		fill_typed(buf, fill, "deletes", S_IFDIR);
	return 0;
}

static int open_generated(struct node *n, struct handle *h)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = node_generate(n, &b);
	h->own.len = b.len;
	h->own.data = buf_steal(&b);
	h->mem = &h->own;
	return rc;
}

/* Opens a batch: published ones never change, so the kernel may keep
 * their pages; one read on demand may be read again later. A step that
 * read nothing reads as an empty file. */
static int open_batch(struct node *n, struct handle *h, int *keep_cache,
		      int *direct_io)
{
	int rc = chain_batch_open(n->chain, n->token, &fs_waiter, &h->batch);

	if (rc)
		return batch_errno(rc);
	h->chain = n->chain;
	h->fd = h->batch.fd;
	if (h->fd < 0)
		h->mem = &h->own; /* empty */
	*keep_cache = h->batch.published;
	/* Read on demand: may be fetched again later; bypass the page cache. */
	*direct_io = !h->batch.published;
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	struct mount *m = fs_mount();
	struct node n = resolve(m, path);
	struct centry *e = node_centry(n);
	struct handle *h;
	int rc;

	if (n.kind == NODE_NONE)
		return -ENOENT;
	if (n.kind == NODE_ROOT || n.kind == NODE_OBJECT || n.kind == NODE_CHAIN)
		return -EISDIR;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = -1;
	h->mem = node_memfile(m, n);
	if (n.kind == NODE_OFFSET || n.kind == NODE_NEXT || n.kind == NODE_STATUS) {
		rc = open_generated(&n, h);
		if (rc) {
			free(h->own.data);
			free(h);
			return fs_result("open", path, rc);
		}
		/* Its content moves with the head: never trust cached pages. */
		fi->direct_io = 1;
	} else if (n.kind == NODE_BATCH) {
		int keep = 0, direct = 0;

		rc = open_batch(&n, h, &keep, &direct);
		if (rc) {
			free(h);
			return fs_result("open", path, rc);
		}
		fi->keep_cache = keep;
		fi->direct_io = direct;
	} else if (e) {
		int keep = 0;

		rc = centry_open(e, &fs_waiter, &h->fd, &keep);
		if (rc) {
			free(h);
			return fs_result("open", path, data_errno(rc));
		}
		h->entry = e;
		fi->keep_cache = keep;
	} else {
		fi->keep_cache = 1;
	}
	fi->fh = (uintptr_t)h;
	return 0;
}

/*
 * Hands libfuse the cache file itself, so it can splice the bytes to the
 * kernel instead of copying them through our buffer.
 */
static int fs_read_buf(const char *path, struct fuse_bufvec **bufp,
		       size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	struct fuse_bufvec *bv = malloc(sizeof(*bv));

	if (!bv)
		return -ENOMEM;
	*bv = FUSE_BUFVEC_INIT(size);
	if (h->mem) {
		/* libfuse frees memory buffers: give it a copy */
		size_t n = off < 0 || (size_t)off >= h->mem->len ?
				   0 : h->mem->len - (size_t)off;

		n = n < size ? n : size;
		bv->buf[0].size = n;
		bv->buf[0].mem = malloc(n ? n : 1);
		if (!bv->buf[0].mem) {
			free(bv);
			return -ENOMEM;
		}
		if (n)
			memcpy(bv->buf[0].mem, h->mem->data + off, n);
	} else {
		bv->buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY;
		bv->buf[0].fd = h->fd;
		bv->buf[0].pos = off;
	}
	*bufp = bv;
	return 0;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;

	if (h->chain)
		chain_batch_close(h->chain, &h->batch); /* closes fd */
	else if (h->fd >= 0)
		close(h->fd);
	if (h->entry)
		centry_close(h->entry);
	free(h->own.data);
	free(h);
	return 0;
}

static int fs_opendir(const char *path, struct fuse_file_info *fi)
{
	struct node n = resolve(fs_mount(), path);

	if (n.kind == NODE_NONE)
		return -ENOENT;
	if (n.kind != NODE_ROOT && n.kind != NODE_OBJECT && n.kind != NODE_CHAIN)
		return -ENOTDIR;
	return 0;
}

static int fs_statfs(const char *path, struct statvfs *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = 4096;
	sv->f_frsize = 4096;
	sv->f_namemax = 255;
	return 0;
}

/* ------------------------------------------------- parallel lookups --- */

/*
 * libfuse before 3.16.2 never tells the kernel it wants
 * FUSE_CAP_PARALLEL_DIROPS, whatever fs_init asks for. This session I/O
 * passes every message through unchanged but one: the answer to the
 * kernel's INIT request, where it sets FUSE_PARALLEL_DIROPS when fs_init
 * asked for it (and so the kernel offered it). A newer libfuse sets the
 * same bit itself. One mount per process, so the state is the process's.
 */
static struct {
	uint64_t unique; /* the INIT request's id; 0: not seen */
	int want;	 /* fs_init asked for parallel dirops */
} init_patch;

static ssize_t init_read(int fd, void *buf, size_t len, void *userdata)
{
	const struct fuse_in_header *in = buf;
	ssize_t n = read(fd, buf, len);

	(void)userdata;
	if (n >= (ssize_t)sizeof(*in) && in->opcode == FUSE_INIT)
		__atomic_store_n(&init_patch.unique, in->unique,
				 __ATOMIC_RELEASE);
	return n;
}

static ssize_t init_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	uint64_t init = __atomic_load_n(&init_patch.unique, __ATOMIC_ACQUIRE);

	(void)userdata;
	if (init && count >= 2 && iov[0].iov_len >= sizeof(*out) &&
	    out->unique == init && out->error == 0 &&
	    iov[1].iov_len >= offsetof(struct fuse_init_out, flags) + 4 &&
	    __atomic_load_n(&init_patch.want, __ATOMIC_ACQUIRE))
		((struct fuse_init_out *)iov[1].iov_base)->flags |=
		    FUSE_PARALLEL_DIROPS;
	return writev(fd, iov, count);
}

int fs_session_io(struct fuse *fuse)
{
	static const struct fuse_custom_io io = {
	    .read = init_read,
	    .writev = init_writev,
	};
	struct fuse_session *se = fuse_get_session(fuse);

	return fuse_session_custom_io(se, &io, fuse_session_fd(se));
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/*
	 * A snapshot may be made again (never while a handle holds it open),
	 * so the kernel must not trust a size it cached: attributes expire at
	 * once, and a read past the size it knows asks again (through the
	 * handle, so for that very file). Without auto_inval_data the kernel
	 * does not ask on every read, so a warm file reads from the page
	 * cache; keep_cache, set per version at open, guards those pages.
	 */
	cfg->entry_timeout = 1;
	cfg->negative_timeout = 1;
	cfg->attr_timeout = 0;
	conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	cfg->use_ino = 0;
	/*
	 * Listings carry file types (fill_typed), never attributes: an
	 * attribute of a data file is a download. READDIRPLUS would only
	 * make the kernel ask for entries libfuse then sends without
	 * attributes, so plain READDIR it is.
	 */
	conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
	/*
	 * Without parallel directory operations the kernel serializes
	 * LOOKUP and READDIR per directory: a lookup that downloads would
	 * hold up every ls and cat of its object until it ends.
	 */
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS) {
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
		__atomic_store_n(&init_patch.want, 1, __ATOMIC_RELEASE);
	} else {
		lf_warn("the kernel cannot run lookups in parallel: a download "
			"blocks listing its directory");
	}
	return fuse_get_context()->private_data;
}

const struct fuse_operations fs_operations = {
	.init = fs_init,
	.getattr = fs_getattr,
	.opendir = fs_opendir,
	.readdir = fs_readdir,
	.open = fs_open,
	.read_buf = fs_read_buf,
	.release = fs_release,
	.statfs = fs_statfs,
};
