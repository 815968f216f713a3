/* Entering the rootfs: pivot_root, or MS_MOVE + chroot for roots that
 * cannot be pivoted (initramfs/ramfs: pivot_root says EINVAL). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "rootfs/priv.h"

static int do_pivot(const char *rootfs, struct herr *e)
{
	_cleanup_close_ int oldroot = -1, newroot = -1;

	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0 || newroot < 0)
		return herr_sys(e, "pivot_root: open");
	if (fchdir(newroot) < 0)
		return herr_sys(e, "pivot_root: chdir `%s`", rootfs);
	/* pivot_root(".", "."): the old root lands on top of the new one,
	 * so no directory for it is needed in the rootfs */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return herr_sys(e, "pivot_root `%s`", rootfs);
	if (fchdir(oldroot) < 0)
		return herr_sys(e, "pivot_root: chdir old root");
	/* the unmount must not propagate to whatever the old root shares
	 * mounts with */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return herr_sys(e, "pivot_root: make old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return herr_sys(e, "pivot_root: detach old root");
	if (chdir("/") < 0)
		return herr_sys(e, "pivot_root: chdir /");
	return 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* Without pivot_root the host's mounts stay below the chroot.  Detach the
 * host's proc and sysfs ones (runc does the same) so a process that gets
 * out of the chroot, or the kernel's "fully visible" check for new
 * proc/sysfs mounts in a user namespace, finds none of them. */
static int hide_host_procfs(const char *rootfs, struct herr *e)
{
	_cleanup_free_ char *mi = NULL;
	char *save = NULL;
	struct strbuf todo = {0};

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi, NULL, 0, e) < 0)
		return -1;
	for (char *l = strtok_r(mi, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[PATH_MAX], mp[PATH_MAX], fstype[32];
		char *dash = strstr(l, " - ");
		if (!dash || sscanf(l, "%*d %*d %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(dash + 3, "%31s", fstype) != 1)
			continue;
		if (strcmp(root, "/") || under(mp, rootfs) ||
		    (strcmp(fstype, "proc") && strcmp(fstype, "sysfs")))
			continue;
		strbuf_append(&todo, mp, strlen(mp) + 1);
	}
	for (size_t off = 0; off < todo.len; off += strlen(todo.buf + off) + 1) {
		const char *mp = todo.buf + off;
		mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL);
		if (umount2(mp, MNT_DETACH) == 0 || errno == ENOENT)
			continue;
		/* not ours to unmount (locked in a user namespace): cover */
		if (mount("tmpfs", mp, "tmpfs", MS_RDONLY, "size=0") < 0) {
			strbuf_free(&todo);
			return herr_sys(e, "no-pivot: hide `%s`", mp);
		}
	}
	strbuf_free(&todo);
	return 0;
}

static int move_root(const char *rootfs, struct herr *e)
{
	if (hide_host_procfs(rootfs, e) < 0)
		return -1;
	if (chdir(rootfs) < 0)
		return herr_sys(e, "no-pivot: chdir `%s`", rootfs);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return herr_sys(e, "no-pivot: move `%s` to /", rootfs);
	if (chroot(".") < 0)
		return herr_sys(e, "no-pivot: chroot");
	if (chdir("/") < 0)
		return herr_sys(e, "no-pivot: chdir /");
	return 0;
}

int rootfs_pivot(const struct rootfs_opts *o, struct herr *e)
{
	unsigned long prop;

	if ((o->no_pivot ? move_root(o->rootfs, e) : do_pivot(o->rootfs, e)) < 0)
		return -1;
	/* The root had to be private for pivot_root (its parent too): give
	 * it the asked propagation now that it is "/", as runc does, but to
	 * the root mount only: a recursive change here would override the
	 * propagation options of every mounts[] entry.  It stays a slave of
	 * the host (prepare_root), so even "shared" never sends our mounts
	 * out. */
	if (rootfs_propagation(o->spec, &prop, e) < 0)
		return -1;
	prop &= ~MS_REC;
	if (prop && prop != MS_PRIVATE &&
	    mount(NULL, "/", NULL, prop, NULL) < 0)
		return herr_sys(e, "linux.rootfsPropagation `%s`",
				o->spec->linux->rootfs_propagation);
	return 0;
}
