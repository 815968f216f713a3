/* rootfs/ internals shared between its files (not API: only the files of
 * rootfs/ include this; the API is rootfs.h). */
#ifndef HUTCH_ROOTFS_PRIV_H
#define HUTCH_ROOTFS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "rootfs/rootfs.h"

/* ---- resolve.c: paths inside the root, through fds ---- */
enum rfs_kind {
	RFS_OPEN, /* must exist */
	RFS_DIR,  /* create missing components, the last one a directory */
	RFS_FILE, /* ... the last one an empty regular file */
};
/* O_PATH|O_CLOEXEC fd of `path` below rootfd.  Every symlink (the last
 * component too unless nofollow) and every ".." resolves inside the root,
 * magic links are refused.  With RFS_DIR/RFS_FILE missing components are
 * created (directories 0755, the last one with `mode`).  On failure returns
 * -1 with e->errnum set and the message "`path`: reason". */
int rfs_open(int rootfd, const char *path, enum rfs_kind kind, mode_t mode,
	     bool nofollow, struct herr *e);

/* "/proc/self/fd/N", for mount(2) calls that need a path */
struct fdpath {
	char s[40];
};
const char *fdpath(int fd, struct fdpath *b);
/* mount id of the mount an fd is on (statx STATX_MNT_ID), 0 if unknown */
uint64_t fd_mnt_id(int fd);

/* ---- mount_options.c: mounts[].options -> flags ---- */
struct mnt_opts {
	unsigned long set, clr;  /* MS_* flags asked on / off (last wins) */
	unsigned long prop[8];   /* propagation changes, in order */
	size_t nprop;
	struct mount_attr rec;   /* rro, rnosuid, ...: AT_RECURSIVE */
	bool bind, rbind, remount;
	bool tmpcopyup, idmap, ridmap;
	char *data;              /* unknown options, comma-joined, or NULL */
};
int mnt_opts_parse(char *const *opts, size_t n, struct mnt_opts *m,
		   struct herr *e);
void mnt_opts_free(struct mnt_opts *m);
/* the non-recursive MS_* set/clr as a mount_setattr request */
void mnt_opts_attr(const struct mnt_opts *m, struct mount_attr *a);
/* MS_* per-mount flags (atime included) as MOUNT_ATTR_* */
uint64_t ms_to_attr(unsigned long ms);
#define MS_ATIME_MASK (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)
/* flags that only a remount can change on an existing bind mount */
#define MS_PER_MOUNT                                                           \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME |        \
	 MS_ATIME_MASK | MS_NOSYMFOLLOW)

/* ---- attach.c: putting mounts on target fds ---- */
struct bind_req {
	int src_fd;              /* source as an O_PATH fd, or -1 ... */
	const char *src;         /* ... a host path */
	bool recursive;          /* rbind */
	unsigned long set, clr;  /* MS_* per-mount flags for the top mount */
	const struct mount_attr *rec; /* AT_RECURSIVE attributes, or NULL */
	int userns_fd;           /* idmap, -1 if none */
	bool idmap_recursive;
};
/* The detached tree of a bind with its attributes (new mount API) */
int bind_tree(const struct bind_req *b, const char *what, struct herr *e);
int attach_tree(int tree, int tgt_fd, const char *what, struct herr *e);
/* Bind src onto tgt_fd (the resolved destination, `dest` inside rootfd).
 * With the new mount API the tree is cloned, given its attributes while
 * still detached (never visible writable) and attached with move_mount;
 * otherwise mount(MS_BIND) and a remount keeping the source's locked
 * flags.  Returns an O_PATH fd of the new mount's root.  Errors start with
 * `what`. */
int attach_bind(int rootfd, const char *dest, int tgt_fd,
		const struct bind_req *b, const char *what, struct herr *e);
/* A new filesystem on tgt_fd; returns an fd of the new mount's root. */
int attach_fs(int rootfd, const char *dest, int tgt_fd, const char *type,
	      const char *src, unsigned long flags, const char *data,
	      const char *what, struct herr *e);
/* fsmount.c: a new filesystem with the new mount API (attach_fs uses it
 * where the kernel has it) */
int fs_mount_new(const char *type, const char *src, unsigned long flags,
		 const char *data, int tgt_fd, const char *what,
		 struct herr *e);
/* an empty read-only tmpfs (masking a directory) */
int attach_empty_ro(int rootfd, const char *dest, int tgt_fd,
		    const char *what, struct herr *e);
/* propagation change (MS_SHARED|MS_REC ...) on a mount root fd */
int mnt_propagate(int mnt_fd, unsigned long prop, const char *what,
		  struct herr *e);
/* mount_setattr on a mount root fd (recursive or not) */
int mnt_setattr(int mnt_fd, bool recursive, const struct mount_attr *a,
		const char *what, struct herr *e);
/* remount a mount (bind or not) with per-mount flags set/cleared, keeping
 * the flags the kernel locks in a user namespace (nosuid, nodev, noexec,
 * atime) from the current state */
int mnt_remount(int mnt_fd, unsigned long set, unsigned long clr,
		bool bind, const char *what, struct herr *e);
bool have_mount_api(void);

/* ---- idmap.c ---- */
/* a user namespace fd with the given maps, for MOUNT_ATTR_IDMAP */
int idmap_userns(const struct spec_idmap *uid, size_t nuid,
		 const struct spec_idmap *gid, size_t ngid, struct herr *e);

/* ---- copyup.c ---- */
/* copy the tree below src_dir into dst_dir (tmpcopyup) */
int copy_tree(int src_dir, int dst_dir, struct herr *e);

/* ---- mount.c / cgroup.c / dev.c / propagation.c / mask.c ---- */
int mount_entry(const struct rootfs_opts *o, int rootfd, size_t idx,
		struct herr *e);
/* the destination fd is a directory (want_dir) or not */
int check_kind(int fd, bool want_dir, const char *what, struct herr *e);
/* nothing below /proc but what lxcfs emulates, only procfs on /proc */
int check_proc_target(const char *dest, int tgt_fd, int src_fd,
		      const char *type, const char *what, struct herr *e);
/* bind.c: a bind mounts[] entry (idx: its index, for prepared trees) */
int bind_entry(const struct rootfs_opts *o, int rootfd, size_t idx,
	       const struct spec_mount *m, const struct mnt_opts *mo,
	       const char *what, struct herr *e);
int mount_cgroup(const struct rootfs_opts *o, int rootfd,
		 const struct spec_mount *m, const struct mnt_opts *mo,
		 int tgt_fd, const char *what, struct herr *e);
int dev_setup(const struct rootfs_opts *o, int rootfd, struct herr *e);
int prepare_root(const struct rootfs_opts *o, struct herr *e);
/* linux.rootfsPropagation as MS_* (0 when absent) */
int rootfs_propagation(const struct spec *s, unsigned long *flags,
		       struct herr *e);
int mask_paths(const struct spec *s, int rootfd, struct herr *e);
int readonly_paths(const struct spec *s, int rootfd, struct herr *e);

#endif
