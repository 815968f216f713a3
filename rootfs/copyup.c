/* tmpcopyup: a tmpfs mounted over a directory starts with a copy of what
 * it covers.  We copy from an fd of the covered directory taken before the
 * mount, so no path is looked up twice, and never follow a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rootfs/priv.h"

static int copy_entry(int src, int dst, const char *name, struct herr *e);

static int copy_data(int src, int dst, const char *name, struct herr *e)
{
	_cleanup_close_ int in =
		openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	struct stat st;
	char buf[65536];
	ssize_t n;

	if (in < 0 || fstat(in, &st) < 0)
		return herr_sys(e, "tmpcopyup: open `%s`", name);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			 O_CLOEXEC, st.st_mode & 07777);
	if (out < 0)
		return herr_sys(e, "tmpcopyup: create `%s`", name);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, n) < 0)
			return herr_sys(e, "tmpcopyup: write `%s`", name);
	if (n < 0)
		return herr_sys(e, "tmpcopyup: read `%s`", name);
	return 0;
}

static int copy_dir(int src, int dst, const char *name, mode_t mode,
		    struct herr *e)
{
	_cleanup_close_ int s = -1, d = -1;

	if (mkdirat(dst, name, mode & 07777) < 0 && errno != EEXIST)
		return herr_sys(e, "tmpcopyup: mkdir `%s`", name);
	s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return herr_sys(e, "tmpcopyup: open `%s`", name);
	if (copy_tree(s, d, e) < 0)
		return herr_wrap(e, "`%s`", name);
	return 0;
}

static int copy_entry(int src, int dst, const char *name, struct herr *e)
{
	struct stat st;
	char target[PATH_MAX];
	ssize_t n;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return herr_sys(e, "tmpcopyup: stat `%s`", name);
	if (S_ISDIR(st.st_mode)) {
		if (copy_dir(src, dst, name, st.st_mode, e) < 0)
			return -1;
	} else if (S_ISREG(st.st_mode)) {
		if (copy_data(src, dst, name, e) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return herr_sys(e, "tmpcopyup: readlink `%s`", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return herr_sys(e, "tmpcopyup: symlink `%s`", name);
	} else if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0) {
		return herr_sys(e, "tmpcopyup: mknod `%s`", name);
	}
	if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0
	    && errno != EINVAL) /* an id not mapped in our user namespace */
		return herr_sys(e, "tmpcopyup: chown `%s`", name);
	if (!S_ISLNK(st.st_mode) &&
	    fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
		return herr_sys(e, "tmpcopyup: chmod `%s`", name);
	return 0;
}

int copy_tree(int src_dir, int dst_dir, struct herr *e)
{
	int fd = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (fd < 0)
		return herr_sys(e, "tmpcopyup: open directory");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return herr_sys(e, "tmpcopyup: open directory");
	}
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (copy_entry(dirfd(d), dst_dir, de->d_name, e) < 0)
			return -1;
	}
	if (errno)
		return herr_sys(e, "tmpcopyup: readdir");
	return 0;
}
