/* 9P2000.L operations that change the shared tree, plus readlink, fsync,
 * locks and xattrs.  Every new name goes through p9_check_name() and every
 * *at() call gets a directory fd from p9_resolve(): a single component,
 * never followed if it is a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vmm/virtio/9p.h"

#define NAME_LEN 4096
#define GET_FID(v, s, id)                                                      \
	struct p9_fid *v = p9_fid_get((s), (id));                              \
	if (!v)                                                                \
		return -EBADF

enum {
	SET_MODE = 1, SET_UID = 2, SET_GID = 4, SET_SIZE = 8, SET_ATIME = 0x10,
	SET_MTIME = 0x20, SET_CTIME = 0x40, SET_ATIME_SET = 0x80,
	SET_MTIME_SET = 0x100,
};

static int stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* a real fd for fchmod/ftruncate/futimens: files and directories only;
 * special files are never opened (a device open can have effects) */
static int open_for_attr(struct p9_server *s, struct p9_fid *f, bool wr)
{
	struct stat st;
	int r = stat_fd(f->fd, &st);

	if (r < 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return p9_resolve(s, f->path, O_RDONLY | O_DIRECTORY, 0);
	if (S_ISREG(st.st_mode))
		return p9_resolve(s, f->path, (wr ? O_WRONLY : O_RDONLY) | O_NONBLOCK, 0);
	return -EOPNOTSUPP;
}

static struct timespec ts(uint32_t valid, uint32_t now_bit, uint32_t set_bit,
			  uint64_t sec, uint64_t nsec)
{
	if (!(valid & now_bit))
		return (struct timespec){.tv_nsec = UTIME_OMIT};
	if (!(valid & set_bit))
		return (struct timespec){.tv_nsec = UTIME_NOW};
	return (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = (long)nsec};
}

static int op_setattr(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(f, s, p9_get32(in));
	uint32_t valid = p9_get32(in), mode = p9_get32(in);
	uint32_t uid = p9_get32(in), gid = p9_get32(in);
	uint64_t size = p9_get64(in), as = p9_get64(in), an = p9_get64(in);
	uint64_t ms = p9_get64(in), mn = p9_get64(in);
	_cleanup_close_ int fd = -1, dir = -1;
	const char *name = NULL;

	if (s->readonly)
		return -EROFS;
	if (valid & (SET_MODE | SET_SIZE)) {
		fd = f->ofd >= 0 && (valid & SET_SIZE) == 0
			     ? fcntl(f->ofd, F_DUPFD_CLOEXEC, 3)
			     : open_for_attr(s, f, valid & SET_SIZE);
		if (fd < 0)
			return fd;
		if ((valid & SET_MODE) && fchmod(fd, mode & 07777) < 0)
			return -errno;
		if ((valid & SET_SIZE) && ftruncate(fd, (off_t)size) < 0)
			return -errno;
	}
	if (valid & (SET_UID | SET_GID | SET_ATIME | SET_MTIME)) {
		struct timespec t[2] = {ts(valid, SET_ATIME, SET_ATIME_SET, as, an),
					ts(valid, SET_MTIME, SET_MTIME_SET, ms, mn)};
		if (!*f->path) {
			dir = p9_resolve(s, "", O_PATH | O_DIRECTORY, 0);
			name = "";
		} else {
			dir = p9_parent(s, f, &name);
		}
		if (dir < 0)
			return dir;
		int fl = *name ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH;
		if ((valid & (SET_UID | SET_GID)) &&
		    fchownat(dir, name, valid & SET_UID ? uid : (uid_t)-1,
			     valid & SET_GID ? gid : (gid_t)-1, fl) < 0)
			return -errno;
		if ((valid & (SET_ATIME | SET_MTIME)) && *name &&
		    utimensat(dir, name, t, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if ((valid & (SET_ATIME | SET_MTIME)) && !*name) {
			_cleanup_close_ int rfd = open_for_attr(s, f, false);
			if (rfd < 0)
				return rfd;
			if (futimens(rfd, t) < 0)
				return -errno;
		}
	}
	return 0;
}

/* the common part of mkdir/symlink/mknod: dfid + name, then the qid */
static int made(struct p9_server *s, struct p9_fid *d, const char *name,
		uint32_t gid, struct p9_msg *out)
{
	_cleanup_free_ char *path = p9_join(d->path, name);
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (fchownat(d->fd, name, d->uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		/* without CAP_CHOWN the entry stays ours (see 9p_fs.c) */
	}
	fd = p9_resolve(s, path, O_PATH, 0);
	if (fd < 0)
		return fd;
	if ((r = stat_fd(fd, &st)) < 0)
		return r;
	p9_putqid(out, &st);
	return 0;
}

static int op_create(struct p9_server *s, uint8_t type, struct p9_msg *in,
		     struct p9_msg *out)
{
	char name[NAME_LEN], target[NAME_LEN];
	GET_FID(d, s, p9_get32(in));
	uint32_t mode = 0, major = 0, minor = 0, gid;
	int r;

	if (!p9_getstr(in, name, sizeof(name)))
		return -EINVAL;
	if (type == 16 && !p9_getstr(in, target, sizeof(target)))
		return -EINVAL;
	if (type != 16)
		mode = p9_get32(in);
	if (type == 18) {
		major = p9_get32(in);
		minor = p9_get32(in);
	}
	gid = p9_get32(in);
	if (in->bad)
		return -EINVAL;
	if ((r = p9_check_name(name)) < 0)
		return r;
	if (s->readonly)
		return -EROFS;
	if (type == 72)
		r = mkdirat(d->fd, name, mode & 07777);
	else if (type == 16)
		r = symlinkat(target, d->fd, name);
	else
		r = mknodat(d->fd, name, mode, makedev(major, minor));
	if (r < 0)
		return -errno;
	return made(s, d, name, gid, out);
}

static int op_readlink(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	char buf[NAME_LEN];
	ssize_t n = readlinkat(f->fd, "", buf, sizeof(buf) - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	p9_putstr(out, buf);
	return 0;
}

static int op_link(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(d, s, p9_get32(in));
	GET_FID(f, s, p9_get32(in));
	char name[NAME_LEN];
	const char *old;
	_cleanup_close_ int odir = -1;
	int r;

	if (!p9_getstr(in, name, sizeof(name)))
		return -EINVAL;
	if ((r = p9_check_name(name)) < 0)
		return r;
	if (s->readonly)
		return -EROFS;
	if ((odir = p9_parent(s, f, &old)) < 0)
		return odir;
	return linkat(odir, old, d->fd, name, 0) < 0 ? -errno : 0;
}

static int rename_paths(struct p9_server *s, const char *from_dir,
			const char *from, const char *to_dir, const char *to)
{
	_cleanup_close_ int od = -1, nd = -1;
	_cleanup_free_ char *op = NULL, *np = NULL;
	int r;

	if ((r = p9_check_name(from)) < 0 || (r = p9_check_name(to)) < 0)
		return r;
	if (s->readonly)
		return -EROFS;
	od = p9_resolve(s, from_dir, O_PATH | O_DIRECTORY, 0);
	if (od < 0)
		return od;
	nd = p9_resolve(s, to_dir, O_PATH | O_DIRECTORY, 0);
	if (nd < 0)
		return nd;
	if (renameat(od, from, nd, to) < 0)
		return -errno;
	op = p9_join(from_dir, from);
	np = p9_join(to_dir, to);
	p9_fid_rename(s, op, np);
	return 0;
}

static int op_rename(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(f, s, p9_get32(in));
	GET_FID(d, s, p9_get32(in));
	char name[NAME_LEN];
	const char *sl = strrchr(f->path, '/');
	_cleanup_free_ char *dir = NULL, *to_dir = NULL;

	if (!p9_getstr(in, name, sizeof(name)))
		return -EINVAL;
	if (!*f->path)
		return -EBUSY;
	dir = sl ? strndup(f->path, (size_t)(sl - f->path)) : xstrdup("");
	to_dir = xstrdup(d->path);
	return rename_paths(s, dir, sl ? sl + 1 : f->path, to_dir, name);
}

static int op_renameat(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(od, s, p9_get32(in));
	char from[NAME_LEN], to[NAME_LEN];
	_cleanup_free_ char *fdir = NULL;

	if (!p9_getstr(in, from, sizeof(from)))
		return -EINVAL;
	fdir = xstrdup(od->path);
	GET_FID(nd, s, p9_get32(in));
	if (!p9_getstr(in, to, sizeof(to)))
		return -EINVAL;
	return rename_paths(s, fdir, from, nd->path, to);
}

static int op_unlinkat(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(d, s, p9_get32(in));
	char name[NAME_LEN];
	uint32_t flags;
	int r;

	if (!p9_getstr(in, name, sizeof(name)))
		return -EINVAL;
	flags = p9_get32(in);
	if ((r = p9_check_name(name)) < 0)
		return r;
	if (s->readonly)
		return -EROFS;
	return unlinkat(d->fd, name, flags & AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int op_remove(struct p9_server *s, struct p9_msg *in)
{
	uint32_t fid = p9_get32(in);
	GET_FID(f, s, fid);
	_cleanup_close_ int dir = -1;
	const char *name;
	struct stat st;
	int r = s->readonly ? -EROFS : stat_fd(f->fd, &st);

	if (r == 0 && (dir = p9_parent(s, f, &name)) < 0)
		r = dir;
	if (r == 0 && unlinkat(dir, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		r = -errno;
	p9_fid_clunk(s, fid); /* clunked even when the remove fails */
	return r;
}

static int op_fsync(struct p9_server *s, struct p9_msg *in)
{
	GET_FID(f, s, p9_get32(in));
	uint32_t datasync = p9_get32(in);

	if (f->ofd < 0)
		return -EBADF;
	return (datasync ? fdatasync(f->ofd) : fsync(f->ofd)) < 0 ? -errno : 0;
}

/* The guest kernel keeps POSIX locks among its own processes before it
 * asks us, and it is this share's only client: granting is right. */
static int op_lock(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	(void)f;
	p9_put8(out, 0); /* P9_LOCK_SUCCESS */
	return 0;
}

static int op_getlock(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	char client[NAME_LEN];
	uint64_t start, length;
	uint32_t pid;

	(void)f;
	p9_get8(in);
	start = p9_get64(in);
	length = p9_get64(in);
	pid = p9_get32(in);
	if (!p9_getstr(in, client, sizeof(client)))
		return -EINVAL;
	p9_put8(out, 2); /* F_UNLCK: no conflicting lock */
	p9_put64(out, start);
	p9_put64(out, length);
	p9_put32(out, pid);
	p9_putstr(out, client);
	return 0;
}

int p9_dispatch_change(struct p9_server *s, uint8_t type, struct p9_msg *in,
		       struct p9_msg *out)
{
	switch (type) {
	case 26: return op_setattr(s, in);
	case 72: case 16: case 18: return op_create(s, type, in, out);
	case 22: return op_readlink(s, in, out);
	case 70: return op_link(s, in);
	case 20: return op_rename(s, in);
	case 74: return op_renameat(s, in);
	case 76: return op_unlinkat(s, in);
	case 122: return op_remove(s, in);
	case 50: return op_fsync(s, in);
	case 52: return op_lock(s, in, out);
	case 54: return op_getlock(s, in, out);
	case 30: case 32: return -EOPNOTSUPP; /* xattrs are not shared */
	}
	return -EOPNOTSUPP;
}
