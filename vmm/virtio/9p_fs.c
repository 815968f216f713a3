/* The 9P2000.L operations, on the host side of the share.  Linux's v9fs
 * (mounted with access=client) checks permissions in the guest; here every
 * operation is confined to the share by p9_resolve() and names checked by
 * p9_check_name(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "vmm/virtio/9p.h"

#define NAME_MAX_9P 4096
#define GET_FID(v, s, id)                                                      \
	struct p9_fid *v = p9_fid_get((s), (id));                              \
	if (!v)                                                                \
		return -EBADF

static int fstat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int op_attach(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	char uname[NAME_MAX_9P], aname[NAME_MAX_9P];
	uint32_t fid = p9_get32(in), uid;
	struct p9_fid *f;
	struct stat st;
	int fd;

	p9_get32(in); /* afid: no auth */
	if (!p9_getstr(in, uname, sizeof(uname)) ||
	    !p9_getstr(in, aname, sizeof(aname)))
		return -EINVAL;
	uid = p9_get32(in);
	fd = p9_resolve(s, "", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	if (fstat_fd(fd, &st) < 0 || !(f = p9_fid_new(s, fid))) {
		close(fd);
		return -EBADF;
	}
	f->fd = fd;
	f->path = xstrdup("");
	f->uid = uid;
	p9_putqid(out, &st);
	return 0;
}

static int walk_one(struct p9_server *s, const char *from, const char *name,
		    char **to)
{
	if (!strcmp(name, "."))
		*to = xstrdup(from);
	else if (!strcmp(name, "..")) {
		const char *sl = strrchr(from, '/');
		*to = sl ? strndup(from, (size_t)(sl - from)) : xstrdup("");
	} else {
		int r = p9_check_name(name);
		if (r < 0)
			return r;
		*to = p9_join(from, name);
	}
	return 0;
}

static int op_walk(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	uint32_t fid = p9_get32(in), newfid = p9_get32(in);
	uint16_t n = p9_get16(in), done = 0;
	char name[NAME_MAX_9P];
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	uint8_t *count;
	GET_FID(f, s, fid);

	if (n > 16)
		return -EINVAL;
	if (newfid != fid && p9_fid_get(s, newfid))
		return -EBADF;
	path = xstrdup(f->path);
	count = p9_reserve(out, 2);
	fd = p9_resolve(s, path, O_PATH, 0);
	if (fd < 0)
		return fd;
	for (; done < n; done++) {
		char *next = NULL;
		struct stat st;
		int r, nfd;

		if (!p9_getstr(in, name, sizeof(name)))
			return -EINVAL;
		r = walk_one(s, path, name, &next);
		if (r == 0) {
			nfd = p9_resolve(s, next, O_PATH, 0);
			r = nfd < 0 ? nfd : fstat_fd(nfd, &st);
			if (nfd >= 0 && r < 0)
				close(nfd);
		}
		if (r < 0) {
			free(next);
			if (done == 0)
				return r;
			break; /* a partial walk: the qids so far, no newfid */
		}
		free(path);
		path = next;
		close(fd);
		fd = nfd;
		p9_putqid(out, &st);
	}
	if (count) {
		count[0] = (uint8_t)done;
		count[1] = 0;
	}
	if (done < n)
		return 0;
	if (newfid == fid) {
		close(f->fd);
		f->fd = steal_fd(&fd);
		free(f->path);
		f->path = steal_ptr(&path);
		return 0;
	}
	uint32_t uid = f->uid;
	struct p9_fid *nf = p9_fid_new(s, newfid);
	if (!nf)
		return -EBADF;
	nf->fd = steal_fd(&fd);
	nf->path = steal_ptr(&path);
	nf->uid = uid;
	return 0;
}

static int op_getattr(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	struct stat st;
	int r;
	GET_FID(f, s, p9_get32(in));

	if ((r = fstat_fd(f->fd, &st)) < 0)
		return r;
	p9_put64(out, 0x7ff); /* P9_GETATTR_BASIC */
	p9_putqid(out, &st);
	p9_put32(out, st.st_mode);
	p9_put32(out, st.st_uid);
	p9_put32(out, st.st_gid);
	p9_put64(out, st.st_nlink);
	p9_put64(out, st.st_rdev);
	p9_put64(out, (uint64_t)st.st_size);
	p9_put64(out, (uint64_t)st.st_blksize);
	p9_put64(out, (uint64_t)st.st_blocks);
	p9_put64(out, (uint64_t)st.st_atim.tv_sec);
	p9_put64(out, (uint64_t)st.st_atim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_sec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_sec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)
		p9_put64(out, 0); /* btime, gen, data_version */
	return 0;
}

/* guest open flags are Linux's own on x86; drop what makes no sense here */
static int open_flags(uint32_t fl)
{
	return (int)(fl & ~(O_NOCTTY | O_ASYNC | O_CREAT | O_PATH | O_DIRECT)) |
	       O_NONBLOCK;
}

static bool writes(int fl)
{
	return (fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC);
}

static int reply_open(struct p9_msg *out, int fd)
{
	struct stat st;
	int r = fstat_fd(fd, &st);

	if (r < 0)
		return r;
	p9_putqid(out, &st);
	p9_put32(out, 0); /* iounit: msize decides */
	return 0;
}

static int op_lopen(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	int fl = open_flags(p9_get32(in)), fd;

	if (f->ofd >= 0)
		return -EBUSY;
	if (s->readonly && writes(fl))
		return -EROFS;
	fd = p9_resolve(s, f->path, fl, 0);
	if (fd < 0)
		return fd;
	/* reads and writes must block like local ones */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f->ofd = fd;
	return reply_open(out, fd);
}

static int op_lcreate(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	char name[NAME_MAX_9P];
	GET_FID(f, s, p9_get32(in));
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int dfd = -1;
	int fl, fd, r;
	uint32_t mode, gid;

	if (!p9_getstr(in, name, sizeof(name)))
		return -EINVAL;
	fl = open_flags(p9_get32(in));
	mode = p9_get32(in);
	gid = p9_get32(in);
	if ((r = p9_check_name(name)) < 0)
		return r;
	if (s->readonly)
		return -EROFS;
	if (f->ofd >= 0)
		return -EBUSY;
	path = p9_join(f->path, name);
	fd = p9_resolve(s, path, fl | O_CREAT | O_EXCL, mode & 07777);
	if (fd < 0)
		return fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (fchown(fd, f->uid, gid) < 0) {
		/* without CAP_CHOWN (a container that dropped it) the file
		 * stays ours: the guest process's own uid in that case */
	}
	dfd = p9_resolve(s, path, O_PATH, 0);
	if (dfd < 0) {
		close(fd);
		return dfd;
	}
	close(f->fd);
	f->fd = steal_fd(&dfd);
	f->ofd = fd;
	free(f->path);
	f->path = steal_ptr(&path);
	return reply_open(out, fd);
}

static int op_read(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	uint8_t *cnt = p9_reserve(out, 4), *data;
	size_t room = out->cap - out->len;
	ssize_t n;

	if (f->ofd < 0)
		return -EBADF;
	if (count > room)
		count = (uint32_t)room;
	data = out->buf + out->len;
	n = pread(f->ofd, data, count, (off_t)off);
	if (n < 0)
		return -errno;
	out->len += (size_t)n;
	cnt[0] = (uint8_t)n, cnt[1] = (uint8_t)(n >> 8);
	cnt[2] = (uint8_t)(n >> 16), cnt[3] = (uint8_t)(n >> 24);
	return 0;
}

static int op_write(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	ssize_t n;

	if (f->ofd < 0)
		return -EBADF;
	if (count > in->len - in->pos)
		return -EINVAL;
	n = pwrite(f->ofd, in->buf + in->pos, count, (off_t)off);
	if (n < 0)
		return -errno;
	p9_put32(out, (uint32_t)n);
	return 0;
}

static int op_clunk(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	uint32_t fid = p9_get32(in);

	if (!p9_fid_get(s, fid))
		return -EBADF;
	p9_fid_clunk(s, fid);
	return 0;
}

static int op_readdir(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	uint8_t *cnt = p9_reserve(out, 4);
	size_t start = out->len, room = out->cap - out->len;
	char buf[8192];
	long n;

	if (f->ofd < 0)
		return -EBADF;
	if (count < room)
		room = count;
	if (lseek(f->ofd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	while ((n = syscall(SYS_getdents64, f->ofd, buf, sizeof(buf))) > 0) {
		for (long p = 0; p < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + p);
			size_t need = 13 + 8 + 1 + 2 + strlen(d->d_name);
			struct stat st = {.st_ino = d->d_ino,
					  .st_mode = (mode_t)DTTOIF(d->d_type)};
			if (out->len - start + need > room)
				goto done;
			p9_putqid(out, &st);
			p9_put64(out, (uint64_t)d->d_off);
			p9_put8(out, d->d_type);
			p9_putstr(out, d->d_name);
			p += d->d_reclen;
		}
	}
	if (n < 0)
		return -errno;
done:;
	uint32_t len = (uint32_t)(out->len - start);
	cnt[0] = (uint8_t)len, cnt[1] = (uint8_t)(len >> 8);
	cnt[2] = (uint8_t)(len >> 16), cnt[3] = (uint8_t)(len >> 24);
	return 0;
}

static int op_statfs(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	GET_FID(f, s, p9_get32(in));
	struct statfs sf;

	if (fstatfs(f->fd, &sf) < 0)
		return -errno;
	p9_put32(out, (uint32_t)sf.f_type);
	p9_put32(out, (uint32_t)sf.f_bsize);
	p9_put64(out, sf.f_blocks);
	p9_put64(out, sf.f_bfree);
	p9_put64(out, sf.f_bavail);
	p9_put64(out, sf.f_files);
	p9_put64(out, sf.f_ffree);
	p9_put64(out, (uint64_t)sf.f_fsid.__val[0] |
			      (uint64_t)(uint32_t)sf.f_fsid.__val[1] << 32);
	p9_put32(out, (uint32_t)sf.f_namelen);
	return 0;
}

/* a share of one file (s->only, a bind of a file): beside the walk rule
 * of p9_resolve, the directory around it is not the guest's to list or
 * change, nor is any name in it */
static int one_file_rule(struct p9_server *s, uint8_t type,
			 const struct p9_msg *in)
{
	struct p9_fid *f;
	uint32_t fid;

	switch (type) {
	case 14: case 72: case 16: case 18: case 70: case 20: case 74:
	case 76: case 122:
		return -EACCES;
	case 12: case 26: case 40: /* lopen, setattr, readdir: fid first */
		if (in->len - in->pos < 4)
			return -EINVAL;
		memcpy(&fid, in->buf + in->pos, 4);
		f = p9_fid_get(s, fid);
		return f && !*f->path ? -EACCES : 0;
	}
	return 0;
}

int p9_dispatch(struct p9_server *s, uint8_t type, struct p9_msg *in,
		struct p9_msg *out)
{
	int r;

	if (s->only && (r = one_file_rule(s, type, in)) < 0)
		return r;
	switch (type) {
	case 104: return op_attach(s, in, out);
	case 110: return op_walk(s, in, out);
	case 24: return op_getattr(s, in, out);
	case 12: return op_lopen(s, in, out);
	case 14: return op_lcreate(s, in, out);
	case 116: return op_read(s, in, out);
	case 118: return op_write(s, in, out);
	case 120: return op_clunk(s, in, out);
	case 40: return op_readdir(s, in, out);
	case 8: return op_statfs(s, in, out);
	case 108: return 0; /* Tflush: requests are served one at a time */
	case 102: return -EOPNOTSUPP; /* Tauth: no authentication */
	}
	return p9_dispatch_change(s, type, in, out);
}
