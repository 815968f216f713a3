/* Resolving container paths without leaving the root.
 *
 * A rootfs is untrusted: any component may be a symlink to "/", "..", or a
 * host path, and another container sharing a volume may swap a directory
 * for a symlink while we set up (CVE-2021-30465).  So paths are never
 * handed to the kernel as strings below the root: openat2 with
 * RESOLVE_IN_ROOT resolves "/" and ".." to the root, and where openat2 is
 * missing (< 5.6) or something must be created, we walk one component at a
 * time with O_PATH|O_NOFOLLOW, expanding each symlink ourselves against the
 * root and keeping a stack of directory fds so ".." can never climb above
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/priv.h"

unsigned rootfs_compat;

#define MAX_SYMLINKS 40

const char *fdpath(int fd, struct fdpath *b)
{
	snprintf(b->s, sizeof(b->s), "/proc/self/fd/%d", fd);
	return b->s;
}

uint64_t fd_mnt_id(int fd)
{
	struct statx st;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID,
		  &st) < 0 || !(st.stx_mask & STATX_MNT_ID))
		return 0;
	return st.stx_mnt_id;
}

static int try_openat2(int rootfd, const char *path, bool nofollow)
{
	static bool missing;
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries = 0;

	if (missing || (rootfs_compat & ROOTFS_COMPAT_NO_OPENAT2)) {
		errno = ENOSYS;
		return -1;
	}
	do /* EAGAIN: a rename or mount raced the lookup; the kernel asks us
	      to retry rather than risk an escape */
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	/* ENOSYS: old kernel; EPERM: a seccomp filter of an outer container */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG)) {
		missing = true;
		errno = ENOSYS;
	}
	return fd;
}

/* ---- the walk ---- */

struct walk {
	int *fds; /* fds[0] is the root */
	size_t n, cap;
	int links;
};

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		close(w->fds[i]);
	free(w->fds);
}

static void walk_push(struct walk *w, int fd)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->fds = xrealloc(w->fds, w->cap * sizeof(int));
	}
	w->fds[w->n++] = fd;
}

static void walk_pop_to(struct walk *w, size_t n)
{
	while (w->n > n)
		close(w->fds[--w->n]);
}

/* Create the missing component `name` in dir: a directory, or for the last
 * one of RFS_FILE an empty file.  EEXIST is fine: something (maybe a
 * dangling symlink, maybe a racer) is there, and the caller looks again. */
static int create_component(int dir, const char *name, bool last,
			    enum rfs_kind kind, mode_t mode)
{
	if (last && kind == RFS_FILE) {
		int fd = openat(dir, name,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC,
				mode);
		if (fd < 0)
			return errno == EEXIST ? 0 : -1;
		close(fd);
		return 0;
	}
	if (mkdirat(dir, name, last ? mode : 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Replace the walked prefix by a symlink's target: rest = target/rest. */
static int expand_link(struct walk *w, int fd, char **rest, const char *tail)
{
	char target[PATH_MAX];
	ssize_t n;

	if (++w->links > MAX_SYMLINKS) {
		errno = ELOOP;
		return -1;
	}
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	if (target[0] == '/')
		walk_pop_to(w, 1);
	char *next = xasprintf("%s/%s", target, tail ? tail : "");
	free(*rest);
	*rest = next;
	return 0;
}

static int walk_component(struct walk *w, char **rest, char *comp,
			  char *tail, enum rfs_kind kind, mode_t mode,
			  bool nofollow)
{
	bool last = !tail || !*tail;
	int dir = w->fds[w->n - 1];
	struct stat st;
	int fd;

	for (int tries = 0;; tries++) {
		fd = openat(dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT || kind == RFS_OPEN ||
		    tries == 3)
			break;
		if (create_component(dir, comp, last, kind, mode) < 0)
			return -1;
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode) && !(last && nofollow)) {
		char *t = tail ? xstrdup(tail) : NULL;
		int r = expand_link(w, fd, rest, t);
		free(t);
		close(fd);
		return r < 0 ? -1 : 1; /* 1: restart on the new rest */
	}
	if (!last && !S_ISDIR(st.st_mode)) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	walk_push(w, fd);
	return 0;
}

static int walk(int rootfd, const char *path, enum rfs_kind kind,
		mode_t mode, bool nofollow)
{
	struct walk w = {0};
	char *rest = xstrdup(path);
	int root = fcntl(rootfd, F_DUPFD_CLOEXEC, 3), ret = -1;

	if (root < 0)
		goto out;
	walk_push(&w, root);
	for (char *p = rest;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *comp = p, *slash = strchr(p, '/');
		char *tail = NULL;
		if (slash) {
			*slash = '\0';
			tail = slash + 1;
		}
		p = tail ? tail : comp + strlen(comp);
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			walk_pop_to(&w, w.n > 1 ? w.n - 1 : 1);
			continue;
		}
		int r = walk_component(&w, &rest, comp, tail, kind, mode,
				       nofollow);
		if (r < 0)
			goto out;
		if (r > 0)
			p = rest;
	}
	ret = fcntl(w.fds[w.n - 1], F_DUPFD_CLOEXEC, 3);
out:;
	int saved = errno;
	walk_free(&w);
	free(rest);
	errno = saved;
	return ret;
}

int rfs_open(int rootfd, const char *path, enum rfs_kind kind, mode_t mode,
	     bool nofollow, struct herr *e)
{
	int fd = try_openat2(rootfd, path, nofollow);

	if (fd >= 0)
		return fd;
	if (errno == ENOSYS || (errno == ENOENT && kind != RFS_OPEN))
		fd = walk(rootfd, path, kind, mode, nofollow);
	if (fd < 0)
		return herr_sys(e, "`%s`", path);
	if (nofollow) {
		/* nofollow is for targets we mount on or mask: never a
		 * symlink, whatever it points to */
		struct stat st;
		if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
			close(fd);
			herr_set(e, 0, "`%s` is a symlink", path);
			e->errnum = ELOOP;
			return -1;
		}
	}
	return fd;
}
