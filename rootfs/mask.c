/* rootfs_finish: maskedPaths, readonlyPaths, root.readonly — after
 * pivot_root, so "/" is the container's root, and still resolved through
 * fds inside it.
 *
 * CVE-2025-31133: runc bound "/dev/null" by path over masked files; a
 * container that had swapped its /dev/null for a symlink (to
 * /proc/sys/kernel/core_pattern, say) got that file bound writable in place
 * of the mask.  We open /dev/null without following links and check it is
 * the null device (char 1:3) before binding it by fd; a masked path is
 * checked for what it is (directory -> empty read-only tmpfs, anything else
 * -> /dev/null) on the fd we mount onto. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rootfs/priv.h"

static int open_null(int rootfd, struct herr *e)
{
	struct stat st;
	int fd = rfs_open(rootfd, "/dev/null", RFS_OPEN, 0, true, e);

	if (fd < 0)
		return herr_wrap(e, "maskedPaths: /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3)) {
		close(fd);
		return herr_set(e, EPERM, "maskedPaths: `/dev/null` in the "
				"container is not the null device");
	}
	return fd;
}

/* a path that is absent (or not a path in this rootfs at all) has nothing
 * to mask or protect */
static bool absent(const struct herr *e)
{
	return e->errnum == ENOENT || e->errnum == ENOTDIR;
}

static int mask_one(int rootfd, int nullfd, const char *path, struct herr *e)
{
	_cleanup_free_ char *what = xasprintf("maskedPaths: mask `%s`", path);
	_cleanup_close_ int tgt = rfs_open(rootfd, path, RFS_OPEN, 0, false, e);
	struct stat st;
	int fd;

	if (tgt < 0) {
		if (absent(e))
			return 0;
		return herr_wrap(e, "maskedPaths");
	}
	if (fstat(tgt, &st) < 0)
		return herr_sys(e, "%s: stat", what);
	if (S_ISDIR(st.st_mode)) {
		fd = attach_empty_ro(rootfd, path, tgt, what, e);
	} else {
		struct bind_req b = {.src_fd = nullfd, .userns_fd = -1};
		fd = attach_bind(rootfd, path, tgt, &b, what, e);
	}
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int mask_paths(const struct spec *s, int rootfd, struct herr *e)
{
	const struct spec_linux *l = s->linux;
	_cleanup_close_ int nullfd = -1;

	if (!l || !l->nmasked_paths)
		return 0;
	nullfd = open_null(rootfd, e);
	if (nullfd < 0)
		return -1;
	for (size_t i = 0; i < l->nmasked_paths; i++)
		if (mask_one(rootfd, nullfd, l->masked_paths[i], e) < 0)
			return -1;
	return 0;
}

/* a recursive bind of the path onto itself, read-only all the way down */
static int readonly_one(int rootfd, const char *path, struct herr *e)
{
	_cleanup_free_ char *what = xasprintf("readonlyPaths: `%s`", path);
	_cleanup_close_ int tgt = rfs_open(rootfd, path, RFS_OPEN, 0, false, e);
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	if (tgt < 0) {
		if (absent(e))
			return 0;
		return herr_wrap(e, "readonlyPaths");
	}
	struct bind_req b = {.src_fd = tgt, .recursive = true,
			     .set = MS_RDONLY, .userns_fd = -1};
	/* submounts too, where the kernel can (mount_setattr, 5.12) */
	if (have_mount_api())
		b.rec = &ro;
	int fd = attach_bind(rootfd, path, tgt, &b, what, e);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int readonly_paths(const struct spec *s, int rootfd, struct herr *e)
{
	const struct spec_linux *l = s->linux;

	for (size_t i = 0; l && i < l->nreadonly_paths; i++)
		if (readonly_one(rootfd, l->readonly_paths[i], e) < 0)
			return -1;
	return 0;
}
