/* rootfs: the container's filesystem view — mounts[], propagation,
 * pivot_root, /dev, masked and read-only paths — with every container path
 * resolved through fds inside the root (openat2 RESOLVE_IN_ROOT, or a
 * symlink-by-symlink walk with O_PATH|O_NOFOLLOW on older kernels), so a
 * symlink in the rootfs can never make us mount onto the host
 * (CVE-2021-30465, CVE-2025-31133).
 *
 * The runtime's child calls the three steps in order, as root of its (maybe
 * user-) namespace, single-threaded, inside its own mount namespace:
 *
 *     rootfs_mount()   before createContainer hooks
 *     rootfs_pivot()
 *     ... sysctls, hostname ...
 *     rootfs_finish()
 *
 * For `type: cgroup` mounts the child must already be in its cgroups, and,
 * with a cgroup namespace, have unshared it after joining them (the mount
 * shows the namespace root). */
#ifndef HUTCH_ROOTFS_H
#define HUTCH_ROOTFS_H

#include <stdbool.h>

#include "spec/spec.h"
#include "util/util.h"

struct rootfs_opts {
	const struct spec *spec;
	const char *bundle; /* absolute bundle dir (relative mount sources) */
	const char *rootfs; /* absolute root.path resolved against the bundle */
	bool no_pivot;      /* --no-pivot: MS_MOVE + chroot (ramfs roots) */
	bool userns;        /* new user namespace: bind devices, no mknod */
	int console_fd;     /* pty slave for /dev/console, -1 if none */
	/* from rootfs_idmap_prepare() in the parent, or NULL */
	const int *idmap_fds;
};

/* Parent side, before clone, for a container with a user namespace:
 * idmapped mounts need CAP_SYS_ADMIN in the initial user namespace, which
 * the child lacks.  Makes the detached, idmapped tree of every idmap/ridmap
 * bind in mounts[] (with its flags); *fds gets one fd per mounts[] entry,
 * -1 for the others, or NULL when there are none.  The child inherits them
 * through clone and gets them in rootfs_opts.idmap_fds; the parent frees
 * its copies with rootfs_idmap_free() once the child is running. */
int rootfs_idmap_prepare(const struct spec *s, const char *bundle,
			 int **fds, struct herr *e);
void rootfs_idmap_free(const struct spec *s, int *fds);

/* How rootfs_mount() reads a mounts[] entry, for the sandbox, which
 * serves binds to its guest: whether it is a bind (type "bind", or option
 * bind or rbind), and a bind's host source (absolute, or relative to the
 * bundle; NULL without one). */
bool rootfs_mount_is_bind(const struct spec_mount *m);
char *rootfs_bind_source(const char *bundle, const struct spec_mount *m);

/* Make "/" a slave of the host recursively (nothing we mount ever reaches
 * the host), apply linux.rootfsPropagation (default rslave, as runc), bind
 * the rootfs onto itself, perform mounts[] in order, and fill /dev (default
 * devices, linux.devices, the /dev/fd, stdio and ptmx links, /dev/console).
 * Errors name the mount: "mount `tmpfs` on `/dev/shm`: Invalid argument". */
int rootfs_mount(const struct rootfs_opts *o, struct herr *e);

/* pivot_root into the rootfs (or MS_MOVE + chroot with no_pivot); after it
 * "/" is the container root, the cwd is "/" and the old root is detached. */
int rootfs_pivot(const struct rootfs_opts *o, struct herr *e);

/* After sysctls: maskedPaths, readonlyPaths, then root.readonly. */
int rootfs_finish(const struct rootfs_opts *o, struct herr *e);

/* Tests only: force the fallbacks for kernels without openat2 (< 5.6) or
 * without the new mount API (< 5.2), so both paths stay exercised. */
enum {
	ROOTFS_COMPAT_NO_OPENAT2 = 1 << 0,
	ROOTFS_COMPAT_NO_MOUNT_API = 1 << 1,
};
extern unsigned rootfs_compat;

#endif
