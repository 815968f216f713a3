/* Whole-file reads and writes relative to directory fds. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

ssize_t read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int write_all(int fd, const void *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len,
		 size_t max, struct herr *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, used = 0;

	if (!max)
		max = 64u << 20;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return herr_sys(e, "open `%s`", path);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;
		if (used + 1 >= cap) {
			if (cap > max)
				return herr_set(e, EFBIG, "read `%s`", path);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return herr_sys(e, "read `%s`", path);
		if (n == 0)
			break;
		used += n;
	}
	if (used > max)
		return herr_set(e, EFBIG, "read `%s`", path);
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = steal_ptr(&buf);
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *buf, size_t len,
		  struct herr *e)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return herr_sys(e, "open `%s`", path);
	/* cgroupfs and procfs want the value in one write(2) */
	for (;;) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return herr_sys(e, "write `%.*s` to `%s`",
					(int)(len > 64 ? 64 : len), buf, path);
		if ((size_t)n < len) {
			buf += n;
			len -= n;
			continue;
		}
		return 0;
	}
}

int write_file_atomic_at(int dirfd, const char *path, const char *buf,
			 size_t len, mode_t mode, struct herr *e)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    mode);
	if (fd < 0)
		return herr_sys(e, "create `%s`", tmp);
	if (write_all(fd, buf, len) < 0) {
		int err = errno;
		unlinkat(dirfd, tmp, 0);
		return herr_set(e, err, "write `%s`", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		int err = errno;
		unlinkat(dirfd, tmp, 0);
		return herr_set(e, err, "rename `%s` to `%s`", tmp, path);
	}
	return 0;
}

int mkdir_p_at(int dirfd, const char *path, mode_t mode, struct herr *e)
{
	_cleanup_free_ char *p = xstrdup(path);
	char *s = p;

	while (*s == '/')
		s++;
	for (;;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (*p && mkdirat(dirfd, p, mode) < 0 && errno != EEXIST)
			return herr_sys(e, "mkdir `%s`", p);
		if (!slash)
			return 0;
		*slash = '/';
		s = slash + 1;
		while (*s == '/')
			s++;
		if (!*s)
			return 0;
	}
}

static int rm_rf_fd(int dfd, dev_t dev, struct herr *e)
{
	_cleanup_closedir_ DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return herr_sys(e, "opendir");
	}
	while ((de = readdir(d))) {
		struct stat st;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(dirfd(d), de->d_name, 0) < 0 &&
			    errno != ENOENT)
				return herr_sys(e, "unlink `%s`", de->d_name);
			continue;
		}
		if (st.st_dev != dev)
			return herr_set(e, EBUSY, "`%s` is a mount point",
					de->d_name);
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return herr_sys(e, "open `%s`", de->d_name);
		if (rm_rf_fd(fd, dev, e) < 0)
			return herr_wrap(e, "`%s`", de->d_name);
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 &&
		    errno != ENOENT)
			return herr_sys(e, "rmdir `%s`", de->d_name);
	}
	return 0;
}

int rm_rf_at(int dirfd, const char *path, struct herr *e)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "stat `%s`", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, path, 0) < 0 && errno != ENOENT)
			return herr_sys(e, "unlink `%s`", path);
		return 0;
	}
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open `%s`", path);
	if (rm_rf_fd(fd, st.st_dev, e) < 0)
		return herr_wrap(e, "remove `%s`", path);
	if (unlinkat(dirfd, path, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return herr_sys(e, "rmdir `%s`", path);
	return 0;
}
