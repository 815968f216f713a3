/* /dev: the default devices and linux.devices (mknod, or a bind of the
 * host's node in a user namespace where mknod is not allowed), the
 * conventional links, and /dev/console from the pty.  All created through
 * fds of the container's /dev, never by host path. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rootfs/priv.h"

/* runtime-spec config-linux.md "Default Devices" */
static const struct spec_device defaults[] = {
	{.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
	{.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
	{.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
	{.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
	{.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
	{.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
};

static const char *const links[][2] = {
	{"/proc/self/fd", "fd"},
	{"/proc/self/fd/0", "stdin"},
	{"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"},
};

/* runc's rule: a /dev bind-mounted from the host is left as it is */
static bool dev_is_bind(const struct spec *s)
{
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (rootfs_mount_is_bind(m) && m->destination &&
		    strspn(m->destination, "/") == 1 &&
		    (!strcmp(m->destination + 1, "dev") ||
		     !strcmp(m->destination + 1, "dev/")))
			return true;
	}
	return false;
}

static mode_t dev_type(char t)
{
	return t == 'b' ? S_IFBLK : t == 'p' ? S_IFIFO : S_IFCHR;
}

/* an old node in the rootfs's own /dev: keep it if it is the same device,
 * else replace it (never a directory) */
static int reuse_node(int dir, const char *name, mode_t type, dev_t rdev)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if ((st.st_mode & S_IFMT) == type &&
	    (type == S_IFIFO || st.st_rdev == rdev))
		return 1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	return unlinkat(dir, name, 0) < 0 ? -1 : 0;
}

static int mknod_dev(int dir, const char *name, const struct spec_device *d,
		     mode_t perm)
{
	mode_t type = dev_type(d->type);
	dev_t rdev = makedev(d->major, d->minor);
	mode_t old = umask(0);
	int r = mknodat(dir, name, type | perm, rdev);

	if (r < 0 && errno == EEXIST) {
		r = reuse_node(dir, name, type, rdev);
		if (r == 0)
			r = mknodat(dir, name, type | perm, rdev);
		else if (r == 1)
			r = fchmodat(dir, name, perm, AT_SYMLINK_NOFOLLOW);
	}
	umask(old);
	if (r < 0)
		return -1;
	uid_t uid = d->has_uid ? d->uid : 0;
	gid_t gid = d->has_gid ? d->gid : 0;
	return fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

static int make_device(const struct rootfs_opts *o, int rootfd,
		       const struct spec_device *d, struct herr *e)
{
	_cleanup_free_ char *dup = xstrdup(d->path);
	_cleanup_free_ char *what = xasprintf("device `%s`", d->path);
	char *slash = strrchr(dup, '/');
	const char *name = slash ? slash + 1 : "";
	mode_t perm = d->has_file_mode ? d->file_mode & 07777 : 0666;
	_cleanup_close_ int dir = -1, tgt = -1, fd = -1;

	if (d->path[0] != '/' || !*name || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return herr_set(e, EINVAL, "%s", what);
	if (o->userns && d->type != 'p') {
		/* mknod of devices is refused in a user namespace: bind the
		 * host's node onto an empty file */
		tgt = rfs_open(rootfd, d->path, RFS_FILE, 0, true, e);
		if (tgt < 0)
			return herr_wrap(e, "%s", what);
		struct bind_req b = {.src_fd = -1, .src = d->path,
				     .userns_fd = -1};
		fd = attach_bind(rootfd, d->path, tgt, &b, what, e);
		return fd < 0 ? -1 : 0;
	}
	*slash = '\0'; /* dup is now the parent ("" for "/x") */
	dir = rfs_open(rootfd, dup[0] ? dup : "/", RFS_DIR, 0755, false, e);
	if (dir < 0)
		return herr_wrap(e, "%s", what);
	if (mknod_dev(dir, name, d, perm) < 0)
		return herr_sys(e, "%s", what);
	return 0;
}

static int make_devices(const struct rootfs_opts *o, int rootfd,
			struct herr *e)
{
	const struct spec_linux *l = o->spec->linux;
	size_t n = l ? l->ndevices : 0;

	for (size_t i = 0; i < n; i++)
		if (make_device(o, rootfd, &l->devices[i], e) < 0)
			return -1;
	/* defaults the config did not name itself (runc: the config's entry
	 * for the same path wins) */
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		bool named = false;
		for (size_t j = 0; j < n && !named; j++)
			named = !strcmp(l->devices[j].path, defaults[i].path);
		if (!named && make_device(o, rootfd, &defaults[i], e) < 0)
			return -1;
	}
	return 0;
}

static int make_links(int devfd, struct herr *e)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0 &&
		    errno != EEXIST)
			return herr_sys(e, "link `/dev/%s`", links[i][1]);
	if (access("/proc/kcore", F_OK) == 0 &&
	    symlinkat("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
		return herr_sys(e, "link `/dev/core`");
	/* /dev/ptmx must be the container's devpts instance, not the
	 * host's: whatever the rootfs had there is replaced */
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		return herr_sys(e, "remove `/dev/ptmx`");
	if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
		return herr_sys(e, "link `/dev/ptmx`");
	return 0;
}

static int make_console(const struct rootfs_opts *o, int rootfd,
			struct herr *e)
{
	const char *what = "mount console on `/dev/console`";
	_cleanup_close_ int tgt = -1, fd = -1;

	tgt = rfs_open(rootfd, "/dev/console", RFS_FILE, 0666, true, e);
	if (tgt < 0)
		return herr_wrap(e, "%s", what);
	struct bind_req b = {.src_fd = o->console_fd, .userns_fd = -1};
	fd = attach_bind(rootfd, "/dev/console", tgt, &b, what, e);
	return fd < 0 ? -1 : 0;
}

int dev_setup(const struct rootfs_opts *o, int rootfd, struct herr *e)
{
	_cleanup_close_ int dev = -1, devdir = -1;

	if (dev_is_bind(o->spec))
		return o->console_fd >= 0 ? make_console(o, rootfd, e) : 0;
	dev = rfs_open(rootfd, "/dev", RFS_DIR, 0755, false, e);
	if (dev < 0)
		return herr_wrap(e, "/dev");
	if (make_devices(o, rootfd, e) < 0)
		return -1;
	devdir = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devdir < 0)
		return herr_sys(e, "open `/dev`");
	if (make_links(devdir, e) < 0)
		return -1;
	return o->console_fd >= 0 ? make_console(o, rootfd, e) : 0;
}
