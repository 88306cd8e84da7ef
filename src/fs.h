/* SPDX-License-Identifier: MIT */
/*
 * fs: the FUSE operations, a thin adapter from paths to the mount's state.
 * Each callback resolves the path, asks the mount or the cache, and returns
 * 0 or -errno; it never exits the process.
 */
#ifndef LF_FS_H
#define LF_FS_H

#include <fuse.h>

extern const struct fuse_operations fs_operations;

/*
 * Routes the mounted session's messages through fs's I/O, which carries
 * fs_init's wish for parallel lookups to the kernel where libfuse would
 * drop it. Call after fuse_mount() and before the loop. Returns 0 or
 * -errno.
 */
int fs_session_io(struct fuse *fuse);

#endif
