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

#endif
