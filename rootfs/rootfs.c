/* The three steps the runtime's child calls (rootfs.h). */
#include <errno.h>
#include <fcntl.h>

#include "rootfs/priv.h"

int rootfs_mount(const struct rootfs_opts *o, struct herr *e)
{
	_cleanup_close_ int rootfd = -1;

	if (prepare_root(o, e) < 0)
		return -1;
	/* after the self-bind: the fd is on the container's root mount, and
	 * every path below is resolved from it */
	rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open root.path `%s`", o->rootfs);
	for (size_t i = 0; i < o->spec->nmounts; i++)
		if (mount_entry(o, rootfd, i, e) < 0)
			return herr_wrap(e, "mounts[%zu]", i);
	return dev_setup(o, rootfd, e);
}

static int root_readonly(int rootfd, struct herr *e)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};

	/* only the root mount: /proc, /dev ... keep their own flags */
	if (have_mount_api())
		return mnt_setattr(rootfd, false, &ro, "root.readonly", e);
	return mnt_remount(rootfd, MS_RDONLY, 0, true, "root.readonly", e);
}

int rootfs_finish(const struct rootfs_opts *o, struct herr *e)
{
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return herr_sys(e, "open /");
	if (mask_paths(o->spec, rootfd, e) < 0 ||
	    readonly_paths(o->spec, rootfd, e) < 0)
		return -1;
	if (o->spec->root && o->spec->root->readonly &&
	    root_readonly(rootfd, e) < 0)
		return -1;
	return 0;
}
