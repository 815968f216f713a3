/* The processes of a cgroup: listing (ps, kill --all, delete) and signals. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>

#include "cgroups/internal.h"

static void add_pids(const char *text, pid_t **pids, size_t *n, size_t *cap)
{
	for (const char *p = text; *p;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*pids = xrealloc(*pids, *cap * sizeof(pid_t));
		}
		(*pids)[(*n)++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
}

static int collect(int dirfd, bool recursive, pid_t **pids, size_t *n,
		   size_t *cap, int depth, struct herr *e)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int fd;

	if (cg_read(dirfd, "cgroup.procs", &text, e) < 0)
		return e->errnum == ENOENT ? 0 : -1; /* removed meanwhile */
	add_pids(text, pids, n, cap);
	if (!recursive)
		return 0;
	if (depth > 64)
		return herr_set(e, ELOOP, "cgroup tree too deep");
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return herr_sys(e, "list cgroup");
	}
	while ((de = readdir(dir))) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue; /* removed meanwhile */
		if (collect(sub, true, pids, n, cap, depth + 1, e) < 0)
			return -1;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static void sort_unique(pid_t *pids, size_t *n)
{
	size_t out = 0;

	qsort(pids, *n, sizeof(pid_t), cmp_pid);
	for (size_t i = 0; i < *n; i++)
		if (!out || pids[out - 1] != pids[i])
			pids[out++] = pids[i];
	*n = out;
}

int cg_read_pids(int dirfd, bool recursive, pid_t **pids, size_t *n,
		 struct herr *e)
{
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	if (collect(dirfd, recursive, pids, n, &cap, 0, e) < 0) {
		free(*pids);
		*pids = NULL;
		return -1;
	}
	sort_unique(*pids, n);
	return 0;
}

/* every hierarchy: a process that joined only some of them still counts */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct herr *e)
{
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->d[i].fd < 0)
			continue;
		if (collect(cg->d[i].fd, true, pids, n, &cap, 0, e) < 0) {
			free(*pids);
			*pids = NULL;
			return herr_wrap(e, "cgroup `%s`", cg->path);
		}
	}
	if (*n)
		sort_unique(*pids, n);
	return 0;
}

bool cg_populated(struct cgroup *cg)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	struct herr e;

	return cgroup_pids(cg, &pids, &n, &e) < 0 || n > 0;
}

int cgroup_signal_all(struct cgroup *cg, int sig, struct herr *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (cgroup_pids(cg, &pids, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return herr_sys(e, "kill %d", (int)pids[i]);
	return 0;
}
