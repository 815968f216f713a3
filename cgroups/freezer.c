/* pause/resume: the v1 freezer controller, or v2's cgroup.freeze. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cgroups/internal.h"

#define FREEZE_TIMEOUT_NS (10ull * 1000000000ull)

static void nap(uint64_t ns)
{
	struct timespec ts = {0, (long)ns};
	nanosleep(&ts, NULL);
}

/* v1 "FREEZING" means some task has not stopped yet; writing FROZEN again
 * retries the ones that were in an uninterruptible sleep */
static int freeze_v1(int fd, bool frozen, struct herr *e)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	uint64_t start = now_ns(), wait = 100000;

	for (;;) {
		_cleanup_free_ char *st = NULL;

		if (cg_write(fd, "freezer.state", want, e) < 0 ||
		    cg_read(fd, "freezer.state", &st, e) < 0)
			return -1;
		if (!strcmp(st, want))
			return 0;
		if (now_ns() - start > FREEZE_TIMEOUT_NS) {
			if (frozen)
				cg_write(fd, "freezer.state", "THAWED", e);
			return herr_set(e, ETIMEDOUT, "freezer.state stays `%s`",
					st);
		}
		nap(wait);
		if (wait < 10000000)
			wait *= 2;
	}
}

static int frozen_v2(int fd, bool *frozen, struct herr *e)
{
	uint64_t v;

	if (cg_read_keyed(fd, "cgroup.events", "frozen", &v) < 0)
		return herr_set(e, ENOTSUP, "no `frozen` in cgroup.events "
				"(kernel older than 5.2?)");
	*frozen = v == 1;
	return 0;
}

static int freeze_v2(int fd, bool frozen, struct herr *e)
{
	uint64_t start = now_ns(), wait = 100000;

	if (cg_write(fd, "cgroup.freeze", frozen ? "1" : "0", e) < 0)
		return -1;
	for (;;) {
		bool now = false;

		if (frozen_v2(fd, &now, e) < 0)
			return -1;
		if (now == frozen)
			return 0;
		if (now_ns() - start > FREEZE_TIMEOUT_NS) {
			if (frozen)
				cg_write(fd, "cgroup.freeze", "0", e);
			return herr_set(e, ETIMEDOUT, "the cgroup did not %s",
					frozen ? "freeze" : "thaw");
		}
		nap(wait);
		if (wait < 10000000)
			wait *= 2;
	}
}

static struct cg_dir *freezer(struct cgroup *cg, struct herr *e)
{
	struct cg_dir *d = cg_dir_for(cg, CG_FREEZER);

	if (d && !d->m->v2)
		return d;
	d = cg_v2_dir(cg);
	if (d && cg_has_file(d->fd, "cgroup.freeze"))
		return d;
	herr_set(e, ENOTSUP, "cgroup `%s`: no freezer on this host", cg->path);
	return NULL;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, struct herr *e)
{
	struct cg_dir *d = freezer(cg, e);

	if (!d)
		return -1;
	if ((d->m->v2 ? freeze_v2 : freeze_v1)(d->fd, frozen, e) < 0)
		return herr_wrap(e, "%s cgroup `%s`", frozen ? "freeze" : "thaw",
				 cg->path);
	return 0;
}

int cgroup_frozen(struct cgroup *cg, bool *frozen, struct herr *e)
{
	_cleanup_free_ char *st = NULL;
	struct cg_dir *d = freezer(cg, e);

	if (!d)
		return -1;
	if (d->m->v2)
		return frozen_v2(d->fd, frozen, e);
	if (cg_read(d->fd, "freezer.state", &st, e) < 0)
		return herr_wrap(e, "cgroup `%s`", cg->path);
	*frozen = !strcmp(st, "FROZEN");
	return 0;
}
