/* OOM kills: counts for `run`/`delete` and a pollable fd for `events`. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include "cgroups/internal.h"

static struct cg_dir *memcg(struct cgroup *cg, struct herr *e)
{
	struct cg_dir *d = cg_dir_for(cg, CG_MEMORY);

	if (!d)
		herr_set(e, ENOTSUP, "cgroup `%s`: no memory controller",
			 cg->path);
	return d;
}

/* v1 memory.oom_control has had `oom_kill` since 4.13; v2 memory.events
 * counts the whole subtree */
int cgroup_oom_kills(struct cgroup *cg, uint64_t *n, struct herr *e)
{
	struct cg_dir *d = memcg(cg, e);
	const char *file;

	if (!d)
		return -1;
	file = d->m->v2 ? "memory.events" : "memory.oom_control";
	*n = 0;
	if (cg_read_keyed(d->fd, file, "oom_kill", n) < 0 &&
	    !cg_has_file(d->fd, file))
		return herr_set(e, ENOENT, "cgroup `%s`: no %s", cg->path, file);
	return 0;
}

int cgroup_oom_events(struct cgroup *cg, uint64_t *n, struct herr *e)
{
	struct cg_dir *d = memcg(cg, e);
	uint64_t under = 0;

	if (!d)
		return -1;
	if (!d->m->v2) {
		/* a cgroup with the OOM killer off sits in under_oom */
		if (cgroup_oom_kills(cg, n, e) < 0)
			return -1;
		cg_read_keyed(d->fd, "memory.oom_control", "under_oom", &under);
		*n += under;
		return 0;
	}
	*n = 0;
	cg_read_keyed(d->fd, "memory.events", "oom", n);
	return 0;
}

static int oom_fd_v1(struct cg_dir *d, struct herr *e)
{
	_cleanup_close_ int efd = -1, ofd = -1;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return herr_sys(e, "eventfd");
	ofd = openat(d->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return herr_sys(e, "open memory.oom_control");
	/* the registration lives as long as the eventfd (or the cgroup) */
	if (cg_writef(d->fd, "cgroup.event_control", e, "%d %d", efd, ofd) < 0)
		return -1;
	return steal_fd(&efd);
}

static int oom_fd_v2(struct cg_dir *d, struct herr *e)
{
	_cleanup_close_ int ifd = -1;
	char path[64];

	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		return herr_sys(e, "inotify_init1");
	/* inotify takes a path; the dir fd's /proc link keeps it ours */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/memory.events", d->fd);
	if (inotify_add_watch(ifd, path, IN_MODIFY) < 0)
		return herr_sys(e, "watch memory.events");
	return steal_fd(&ifd);
}

int cgroup_oom_fd(struct cgroup *cg, struct herr *e)
{
	struct cg_dir *d = memcg(cg, e);
	int fd;

	if (!d)
		return -1;
	fd = d->m->v2 ? oom_fd_v2(d, e) : oom_fd_v1(d, e);
	if (fd < 0)
		return herr_wrap(e, "watch OOM events of cgroup `%s`", cg->path);
	return fd;
}

/* v1 notifies from mem_cgroup_oom() before the victim is chosen: at that
 * moment oom_kill has not moved yet and under_oom may already be clear, so
 * only the eventfd's count says an OOM happened.  An eventfd read is
 * exactly 8 bytes; an inotify event is longer, so on v2 the read of the
 * big buffer drains events and counts nothing. */
uint64_t cgroup_oom_drain(int fd)
{
	union { uint64_t n; char buf[4096]; } u;
	uint64_t certain = 0;
	ssize_t r;

	while ((r = read(fd, u.buf, sizeof(u.buf))) > 0)
		if (r == sizeof(uint64_t))
			certain += u.n;
	return certain;
}
