/* Putting a mount onto a resolved destination fd.
 *
 * Targets are always O_PATH fds from rfs_open, never path strings, so a
 * destination swapped for a symlink after we resolved it cannot redirect
 * the mount (CVE-2021-30465).  Bind mounts use the new mount API (5.2+):
 * open_tree clones the source detached, mount_setattr gives it its flags
 * before anyone can see it, move_mount attaches it to the fd.  Without it,
 * and for new filesystems, mount(2) gets the target as /proc/self/fd/N. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>

#include "rootfs/priv.h"

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000 /* linux/statfs.h; glibc 2.36 lacks it */
#endif

bool have_mount_api(void)
{
	static int have = -1;

	if (rootfs_compat & ROOTFS_COMPAT_NO_MOUNT_API)
		return false;
	if (have < 0) {
		int fd = open_tree(-1, "", 0); /* EBADF if the call exists */
		have = !(fd < 0 && errno == ENOSYS);
		if (fd >= 0)
			close(fd);
	}
	return have;
}

/* After mount(2) on /proc/self/fd/N the fd still names the covered
 * directory: look the destination up again and make sure it is a new mount
 * (a different mount id), not something a racer put there. */
static int reopen_mounted(int rootfd, const char *dest, int old_fd,
			  const char *what, struct herr *e)
{
	uint64_t old_id = fd_mnt_id(old_fd);
	int fd = rfs_open(rootfd, dest, RFS_OPEN, 0, false, e);

	if (fd < 0)
		return herr_wrap(e, "%s: reopen", what);
	if (old_id && fd_mnt_id(fd) == old_id) {
		close(fd);
		return herr_set(e, EXDEV, "%s: destination changed while "
				"mounting", what);
	}
	return fd;
}

int bind_tree(const struct bind_req *b, const char *what, struct herr *e)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			 (b->recursive ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree =
		b->src_fd >= 0 ? open_tree(b->src_fd, "", flags | AT_EMPTY_PATH)
			       : open_tree(AT_FDCWD, b->src, flags);
	struct mount_attr top = {0};
	struct mnt_opts mo = {.set = b->set, .clr = b->clr};

	if (tree < 0)
		return herr_sys(e, "%s", what);
	if (b->userns_fd >= 0) {
		struct mount_attr id = {.attr_set = MOUNT_ATTR_IDMAP,
					.userns_fd = b->userns_fd};
		if (mnt_setattr(tree, b->idmap_recursive, &id, what, e) < 0)
			return -1;
	}
	mnt_opts_attr(&mo, &top);
	if ((top.attr_set || top.attr_clr) &&
	    mnt_setattr(tree, false, &top, what, e) < 0)
		return -1;
	if (b->rec && mnt_setattr(tree, true, b->rec, what, e) < 0)
		return -1;
	return steal_fd(&tree);
}

/* attach a detached tree; returns fd (then the attached mount's root) */
int attach_tree(int tree, int tgt_fd, const char *what, struct herr *e)
{
	if (move_mount(tree, "", tgt_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return herr_sys(e, "%s: move_mount", what);
	return tree;
}

static int bind_new_api(int tgt_fd, const struct bind_req *b,
			const char *what, struct herr *e)
{
	int tree = bind_tree(b, what, e);

	if (tree < 0)
		return -1;
	if (attach_tree(tree, tgt_fd, what, e) < 0) {
		close(tree);
		return -1;
	}
	return tree;
}

static int bind_classic(int rootfd, const char *dest, int tgt_fd,
			const struct bind_req *b, const char *what,
			struct herr *e)
{
	struct fdpath sp, tp;
	const char *src = b->src_fd >= 0 ? fdpath(b->src_fd, &sp) : b->src;
	int fd;

	if (b->userns_fd >= 0)
		return herr_set(e, ENOSYS, "%s: idmapped mounts need the new "
				"mount API (Linux 5.12)", what);
	if (mount(src, fdpath(tgt_fd, &tp), NULL,
		  MS_BIND | (b->recursive ? MS_REC : 0), NULL) < 0)
		return herr_sys(e, "%s", what);
	fd = reopen_mounted(rootfd, dest, tgt_fd, what, e);
	if (fd < 0)
		return -1;
	if (((b->set | b->clr) & MS_PER_MOUNT) &&
	    mnt_remount(fd, b->set, b->clr, true, what, e) < 0) {
		close(fd);
		return -1;
	}
	if (b->rec && mnt_setattr(fd, true, b->rec, what, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int attach_bind(int rootfd, const char *dest, int tgt_fd,
		const struct bind_req *b, const char *what, struct herr *e)
{
	if (have_mount_api())
		return bind_new_api(tgt_fd, b, what, e);
	return bind_classic(rootfd, dest, tgt_fd, b, what, e);
}

int attach_fs(int rootfd, const char *dest, int tgt_fd, const char *type,
	      const char *src, unsigned long flags, const char *data,
	      const char *what, struct herr *e)
{
	struct fdpath tp;

	if (have_mount_api())
		return fs_mount_new(type, src, flags, data, tgt_fd, what, e);
	if (mount(src, fdpath(tgt_fd, &tp), type, flags, data) < 0)
		return herr_sys(e, "%s", what);
	return reopen_mounted(rootfd, dest, tgt_fd, what, e);
}

int mnt_propagate(int mnt_fd, unsigned long prop, const char *what,
		  struct herr *e)
{
	struct fdpath p;

	if (mount(NULL, fdpath(mnt_fd, &p), NULL, prop, NULL) < 0)
		return herr_sys(e, "%s: set propagation", what);
	return 0;
}

int mnt_setattr(int mnt_fd, bool recursive, const struct mount_attr *a,
		const char *what, struct herr *e)
{
	struct mount_attr attr = *a;

	if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH |
			  (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0) {
		if (errno == ENOSYS)
			return herr_set(e, ENOSYS, "%s: recursive mount "
					"options need mount_setattr (Linux "
					"5.12)", what);
		return herr_sys(e, "%s: mount_setattr", what);
	}
	return 0;
}

static const struct {
	unsigned long st, ms;
} st_ms[] = {
	{ST_RDONLY, MS_RDONLY},         {ST_NOSUID, MS_NOSUID},
	{ST_NODEV, MS_NODEV},           {ST_NOEXEC, MS_NOEXEC},
	{ST_NOATIME, MS_NOATIME},       {ST_NODIRATIME, MS_NODIRATIME},
	{ST_RELATIME, MS_RELATIME},     {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
	{ST_MANDLOCK, MS_MANDLOCK},     {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW},
};

/* A remount replaces every per-mount flag, and in a user namespace the
 * kernel refuses (EPERM) to drop nosuid/nodev/noexec/atime flags that the
 * source had when it was locked.  So start from the mount's current flags
 * and change only what the spec names. */
int mnt_remount(int mnt_fd, unsigned long set, unsigned long clr, bool bind,
		const char *what, struct herr *e)
{
	struct fdpath p;
	struct statvfs sv;
	unsigned long cur = 0, flags;

	if (statvfs(fdpath(mnt_fd, &p), &sv) < 0)
		return herr_sys(e, "%s: statvfs", what);
	for (size_t i = 0; i < sizeof(st_ms) / sizeof(st_ms[0]); i++)
		if (sv.f_flag & st_ms[i].st)
			cur |= st_ms[i].ms;
	if ((set | clr) & MS_ATIME_MASK)
		cur &= ~MS_ATIME_MASK;
	flags = (cur | set) & ~clr;
	flags &= MS_PER_MOUNT | MS_SYNCHRONOUS | MS_MANDLOCK | MS_DIRSYNC |
		 MS_LAZYTIME | MS_SILENT | MS_I_VERSION;
	if (mount(NULL, p.s, NULL, MS_REMOUNT | (bind ? MS_BIND : 0) | flags,
		  NULL) < 0)
		return herr_sys(e, "%s: remount", what);
	return 0;
}

/* An empty read-only tmpfs on tgt_fd (masking a directory).  With the new
 * API it is created detached, read-only from the start, and needs no
 * /proc: maskedPaths are applied after pivot_root, where the container may
 * have no /proc of its own. */
int attach_empty_ro(int rootfd, const char *dest, int tgt_fd,
		    const char *what, struct herr *e)
{
	return attach_fs(rootfd, dest, tgt_fd, "tmpfs", "tmpfs",
			 MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
			 what, e);
}
