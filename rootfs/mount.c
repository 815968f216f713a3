/* One mounts[] entry: create and resolve its destination inside the root,
 * then bind, cgroup or a new filesystem, then propagation and recursive
 * attributes.  Errors read "mount `SOURCE` on `DEST`: reason". */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "rootfs/priv.h"

/* Files below /proc a mount may cover: what lxcfs emulates (runc allows
 * the same).  Anything else on procfs could redirect writes the kernel
 * trusts (/proc/self/attr, /proc/sys/kernel/core_pattern). */
static const char *const proc_ok[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
	"/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
	"/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	"/proc/pressure/cpu", "/proc/pressure/io", "/proc/pressure/memory",
};

/* "/a//b/./c/../d" -> "/a/b/d" (lexical, for the checks above) */
static char *path_clean(const char *p)
{
	char *out = xmalloc(strlen(p) + 2), *o = out;

	for (const char *s = p; *s;) {
		while (*s == '/')
			s++;
		const char *end = strchrnul(s, '/');
		size_t n = end - s;
		if (n == 2 && !strncmp(s, "..", 2)) {
			while (o > out && *--o != '/')
				;
		} else if (n && !(n == 1 && *s == '.')) {
			*o++ = '/';
			memcpy(o, s, n);
			o += n;
		}
		s = end;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

static bool is_dev_null(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == makedev(1, 3);
}

int check_proc_target(const char *dest, int tgt_fd, int src_fd,
		      const char *type, const char *what, struct herr *e)
{
	_cleanup_free_ char *clean = path_clean(dest);
	struct statfs sf;

	if (!strcmp(clean, "/proc")) {
		bool proc = type && !strcmp(type, "proc");
		if (!proc && src_fd >= 0 && fstatfs(src_fd, &sf) == 0)
			proc = sf.f_type == PROC_SUPER_MAGIC;
		if (!proc)
			return herr_set(e, 0, "%s: only a procfs may be "
					"mounted on /proc", what);
		return 0;
	}
	if (fstatfs(tgt_fd, &sf) < 0)
		return herr_sys(e, "%s: statfs", what);
	if (sf.f_type != PROC_SUPER_MAGIC)
		return 0;
	for (size_t i = 0; i < sizeof(proc_ok) / sizeof(proc_ok[0]); i++)
		if (!strcmp(clean, proc_ok[i]))
			return 0;
	if (src_fd >= 0 && is_dev_null(src_fd))
		return 0;
	return herr_set(e, 0, "%s: destination is inside /proc", what);
}

int check_kind(int fd, bool want_dir, const char *what, struct herr *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return herr_sys(e, "%s: stat", what);
	if (want_dir && !S_ISDIR(st.st_mode))
		return herr_set(e, ENOTDIR, "%s", what);
	if (!want_dir && S_ISDIR(st.st_mode))
		return herr_set(e, EISDIR, "%s", what);
	return 0;
}

/* In a user namespace without its own network namespace the kernel will
 * not mount sysfs, and without an IPC namespace not mqueue: bind the
 * host's instead, as runc does. */
static int userns_fallback(const struct rootfs_opts *o, int rootfd,
			   const char *dest, int tgt, const char *type,
			   const struct mnt_opts *mo, const char *what,
			   struct herr *e)
{
	const char *src = !strcmp(type, "sysfs") ? "/sys" : "/dev/mqueue";
	struct mnt_opts top = {.set = mo->set & MS_PER_MOUNT};
	struct mount_attr rec;
	struct bind_req b = {.src_fd = -1, .src = src, .recursive = true,
			     .set = mo->set, .clr = mo->clr, .userns_fd = -1};

	/* the host's submounts (/sys/fs/cgroup/...) come along: they get
	 * the flags asked for the mount (ro...) too, not just the top */
	mnt_opts_attr(&top, &rec);
	rec.attr_clr = 0;
	rec.attr_set &= ~MOUNT_ATTR__ATIME;
	if (rec.attr_set && have_mount_api())
		b.rec = &rec;
	herr_clear(e);
	return attach_bind(rootfd, dest, tgt, &b, what, e);
}

/* devpts with gid=5 fails (EINVAL) when gid 5 is not mapped in the user
 * namespace: retry without the gid, as crun does. */
static char *strip_gid(const char *data)
{
	struct strbuf b = {0};
	_cleanup_free_ char *d = xstrdup(data);
	char *save = NULL;

	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!str_has_prefix(t, "gid=")) {
			if (b.len)
				strbuf_puts(&b, ",");
			strbuf_puts(&b, t);
		}
	return strbuf_steal(&b);
}

static int fs_entry(const struct rootfs_opts *o, int rootfd,
		    const struct spec_mount *m, const struct mnt_opts *mo,
		    const char *what, struct herr *e)
{
	_cleanup_close_ int tgt = -1;
	const char *type = m->type;
	unsigned long flags = mo->set;
	int fd;

	tgt = rfs_open(rootfd, m->destination, RFS_DIR, 0755, false, e);
	if (tgt < 0)
		return herr_wrap(e, "%s: destination", what);
	if (check_kind(tgt, true, what, e) < 0 ||
	    check_proc_target(m->destination, tgt, -1, type, what, e) < 0)
		return -1;
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
		return mount_cgroup(o, rootfd, m, mo, tgt, what, e);
	fd = attach_fs(rootfd, m->destination, tgt, type, m->source, flags,
		       mo->data, what, e);
	if (fd < 0 && o->userns && e->errnum == EINVAL &&
	    !strcmp(type, "devpts") && mo->data && strstr(mo->data, "gid=")) {
		_cleanup_free_ char *d = strip_gid(mo->data);
		herr_clear(e);
		fd = attach_fs(rootfd, m->destination, tgt, type, m->source,
			       flags, d, what, e);
	}
	if (fd < 0 && o->userns && e->errnum == EPERM &&
	    (!strcmp(type, "sysfs") || !strcmp(type, "mqueue")))
		fd = userns_fallback(o, rootfd, m->destination, tgt, type, mo,
				     what, e);
	if (fd < 0)
		return -1;
	if (mo->tmpcopyup && !strcmp(type, "tmpfs") && copy_tree(tgt, fd, e) < 0) {
		close(fd);
		return herr_wrap(e, "%s", what);
	}
	if ((mo->rec.attr_set | mo->rec.attr_clr) &&
	    mnt_setattr(fd, true, &mo->rec, what, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int remount_entry(int rootfd, const struct spec_mount *m,
			 const struct mnt_opts *mo, const char *what,
			 struct herr *e)
{
	int fd = rfs_open(rootfd, m->destination, RFS_OPEN, 0, false, e);

	if (fd < 0)
		return herr_wrap(e, "%s: destination", what);
	if (mnt_remount(fd, mo->set, mo->clr, mo->bind, what, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int mount_entry(const struct rootfs_opts *o, int rootfd, size_t idx,
		struct herr *e)
{
	const struct spec_mount *m = &o->spec->mounts[idx];
	_cleanup_free_ char *what = xasprintf(
		"mount `%s` on `%s`",
		m->source ? m->source : m->type ? m->type : "none",
		m->destination ? m->destination : "");
	struct mnt_opts mo;
	bool bind;
	int fd, r = 0;

	if (!m->destination || !m->destination[0])
		return herr_set(e, 0, "%s: no destination", what);
	if (mnt_opts_parse(m->options, m->noptions, &mo, e) < 0)
		return herr_wrap(e, "%s", what);
	bind = mo.bind || (m->type && !strcmp(m->type, "bind"));
	if (mo.remount)
		fd = remount_entry(rootfd, m, &mo, what, e);
	else if (bind)
		fd = bind_entry(o, rootfd, idx, m, &mo, what, e);
	else if (!m->type || !m->type[0] || !strcmp(m->type, "none"))
		fd = herr_set(e, 0, "%s: no filesystem type", what);
	else
		fd = fs_entry(o, rootfd, m, &mo, what, e);
	for (size_t i = 0; fd >= 0 && i < mo.nprop && r == 0; i++)
		r = mnt_propagate(fd, mo.prop[i], what, e);
	if (fd >= 0)
		close(fd);
	mnt_opts_free(&mo);
	return fd < 0 || r < 0 ? -1 : 0;
}
