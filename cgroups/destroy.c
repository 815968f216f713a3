/* delete: kill what is left in the cgroup, then remove what hutch made. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "cgroups/internal.h"

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A v1-frozen task keeps a pending SIGKILL until it is thawed; sub-cgroups
 * can be frozen on their own, so thaw the whole tree. */
static void thaw_tree(int fd, int depth)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	struct herr e;
	int dfd;

	cg_write(fd, "freezer.state", "THAWED", &e);
	if (depth > 32)
		return;
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(dir = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(dir))) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			thaw_tree(sub, depth + 1);
	}
}

static void thaw(struct cgroup *cg)
{
	struct cg_dir *f = cg_dir_for(cg, CG_FREEZER);
	struct cg_dir *v2 = cg_v2_dir(cg);
	struct herr e;

	if (f && !f->m->v2)
		thaw_tree(f->fd, 0);
	/* v2 frozen tasks do die of SIGKILL; thawing is for the rest */
	if (v2 && cg_has_file(v2->fd, "cgroup.freeze"))
		cg_write(v2->fd, "cgroup.freeze", "0", &e);
}

static int kill_all(struct cgroup *cg, struct herr *e)
{
	struct cg_dir *v2 = cg_v2_dir(cg);
	struct herr ignore;
	int wait_ms = 1;

	/* cgroup.kill (5.14): one write kills the tree, frozen or not */
	if (v2 && cg_has_file(v2->fd, "cgroup.kill"))
		cg_write(v2->fd, "cgroup.kill", "1", &ignore);
	for (int total = 0;; total += wait_ms) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;

		if (cgroup_pids(cg, &pids, &n, e) < 0)
			return -1;
		if (!n)
			return 0;
		if (total > 10000)
			return herr_set(e, EBUSY, "%zu process(es) did not die",
					n);
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		if (total == 0)
			thaw(cg);
		sleep_ms(wait_ms);
		if (wait_ms < 50)
			wait_ms *= 2;
	}
}

static int rmdir_tree(int fd, int depth)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int dfd, rc = 0;

	if (depth > 64)
		return -1;
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(dir = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((de = readdir(dir))) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0 || rmdir_tree(sub, depth + 1) < 0 ||
		    (unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0 &&
		     errno != ENOENT))
			rc = -1;
	}
	return rc;
}

/* the fd of the ancestor of path that is `up` levels above the leaf
 * (1 = parent); *name is the component below it */
static int ancestor(const struct cg_mount *m, char *path, int up,
		    const char **name)
{
	char *cut = NULL;
	int fd;

	for (int i = 0; i < up; i++) {
		cut = strrchr(path, '/');
		if (!cut)
			return -1;
		*cut = '\0';
		*name = cut + 1;
	}
	fd = *path ? openat(m->fd, path + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		   : openat(m->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/* the leaf: sub-cgroups and late-exiting tasks make rmdir fail with
 * EBUSY; kill again and retry for a while */
static int remove_leaf(struct cgroup *cg, struct cg_dir *d, struct herr *e)
{
	_cleanup_free_ char *copy = xstrdup(cg->path);
	_cleanup_close_ int pfd = -1;
	const char *name = NULL;

	pfd = ancestor(d->m, copy, 1, &name);
	if (pfd < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "open parent of `%s`",
						       cg->path);
	for (int i = 0; i < 200; i++) {
		if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != ENOTEMPTY)
			break;
		if (i == 0) {
			if (kill_all(cg, e) < 0)
				return -1;
			if (d->fd >= 0)
				rmdir_tree(d->fd, 0);
			continue;
		}
		sleep_ms(5);
	}
	return herr_sys(e, "rmdir `%s` on %s", cg->path, d->m->dir);
}

/* Remove the leaf (and its sub-cgroups) and the parents we made, deepest
 * first.  A parent another container uses now (EBUSY/ENOTEMPTY) stays. */
static int remove_dirs(struct cgroup *cg, struct cg_dir *d, struct herr *e)
{
	if (remove_leaf(cg, d, e) < 0)
		return -1;
	for (int up = 2; up <= d->made; up++) {
		_cleanup_free_ char *copy = xstrdup(cg->path);
		_cleanup_close_ int fd = -1;
		const char *name = NULL;

		fd = ancestor(d->m, copy, up, &name);
		if (fd < 0 || (unlinkat(fd, name, AT_REMOVEDIR) < 0 &&
			       errno != ENOENT))
			break; /* shared parent in use: not ours to take */
	}
	return 0;
}

/* populated? v2's cgroup.events answers for the whole subtree in one read;
 * on v1 the leaves' task lists (a busy sub-cgroup shows up as EBUSY at
 * rmdir, which kills again) */
static bool maybe_populated(struct cgroup *cg)
{
	struct cg_dir *v2 = cg_v2_dir(cg);
	uint64_t pop = 1;

	if (v2 && cg_read_keyed(v2->fd, "cgroup.events", "populated", &pop) == 0)
		return pop != 0;
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		struct herr e;

		if (cg->d[i].fd < 0)
			continue;
		if (cg_read_pids(cg->d[i].fd, false, &pids, &n, &e) < 0 || n)
			return true;
	}
	return false;
}

int cgroup_destroy(struct cgroup *cg, struct herr *e)
{
	int rc = 0;

	if (maybe_populated(cg) && kill_all(cg, e) < 0)
		return herr_wrap(e, "cgroup `%s`", cg->path);
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_dir *d = &cg->d[i];

		if (d->made > 0 && remove_dirs(cg, d, e) < 0) {
			rc = -1;
			continue;
		}
		if (d->fd >= 0)
			close(d->fd);
		d->fd = -1;
		d->made = 0;
	}
	return rc < 0 ? herr_wrap(e, "cgroup `%s`", cg->path) : 0;
}
