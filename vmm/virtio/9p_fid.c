/* Fids and path resolution for the 9p server.  Every path the guest names
 * is resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_XDEV) from the shared root: symlinks are the guest's to
 * follow (it reads them and walks again), ".." is computed on our stored
 * path and never goes above the root, and mount points below the root
 * (the container's /proc, /sys, /dev) stay invisible — /proc/<pid>/mem of
 * the VMM itself would otherwise be one walk away. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>

#include "vmm/virtio/9p.h"

#define MAX_FIDS (1u << 20)

struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t fid)
{
	if (fid >= s->nfids || !s->fids[fid].used)
		return NULL;
	return &s->fids[fid];
}

struct p9_fid *p9_fid_new(struct p9_server *s, uint32_t fid)
{
	struct p9_fid *f;

	if (fid >= MAX_FIDS)
		return NULL;
	if (fid >= s->nfids) {
		uint32_t n = s->nfids ? s->nfids : 64;
		while (n <= fid)
			n *= 2;
		s->fids = xrealloc(s->fids, n * sizeof(*s->fids));
		memset(s->fids + s->nfids, 0, (n - s->nfids) * sizeof(*s->fids));
		s->nfids = n;
	}
	f = &s->fids[fid];
	if (f->used)
		return NULL;
	*f = (struct p9_fid){.used = true, .fd = -1, .ofd = -1};
	return f;
}

void p9_fid_clunk(struct p9_server *s, uint32_t fid)
{
	struct p9_fid *f = p9_fid_get(s, fid);

	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->ofd >= 0)
		close(f->ofd);
	free(f->path);
	*f = (struct p9_fid){0};
}

void p9_fid_reset_all(struct p9_server *s)
{
	for (uint32_t i = 0; i < s->nfids; i++)
		p9_fid_clunk(s, i);
}

int p9_resolve(struct p9_server *s, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd;

	if (s->only && *path && strcmp(path, s->only))
		return -ENOENT;
	do
		fd = syscall(SYS_openat2, s->root, *path ? path : ".", &how,
			     sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

int p9_check_name(const char *name)
{
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strchr(name, '/'))
		return -EINVAL;
	if (strlen(name) > 255)
		return -ENAMETOOLONG;
	return 0;
}

char *p9_join(const char *dir, const char *name)
{
	if (!*dir)
		return xstrdup(name);
	return xasprintf("%s/%s", dir, name);
}

int p9_parent(struct p9_server *s, const struct p9_fid *f, const char **name)
{
	const char *slash = strrchr(f->path, '/');
	_cleanup_free_ char *dir = NULL;

	if (!*f->path)
		return -EBUSY; /* the root has no name to act on */
	if (!slash) {
		*name = f->path;
		return p9_resolve(s, "", O_PATH | O_DIRECTORY, 0);
	}
	*name = slash + 1;
	dir = strndup(f->path, (size_t)(slash - f->path));
	return p9_resolve(s, dir, O_PATH | O_DIRECTORY, 0);
}

void p9_fid_rename(struct p9_server *s, const char *from, const char *to)
{
	size_t n = strlen(from);

	for (uint32_t i = 0; i < s->nfids; i++) {
		struct p9_fid *f = &s->fids[i];
		if (!f->used || strncmp(f->path, from, n) ||
		    (f->path[n] && f->path[n] != '/'))
			continue;
		char *p = xasprintf("%s%s", to, f->path + n);
		free(f->path);
		f->path = p;
	}
}
