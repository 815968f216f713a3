/* What the lifecycle commands need from a container's cgroup. */
#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

static struct cgroup *open_cg(struct container *c)
{
	struct cgroup *cg = NULL;
	struct herr e;

	if (!c->st.cgroup || cgroup_open(c->st.cgroup, &cg, &e) < 0)
		return NULL;
	return cg;
}

bool container_paused(struct container *c)
{
	_cleanup_cgroup_ struct cgroup *cg = open_cg(c);
	bool frozen = false;
	struct herr e;

	return cg && cgroup_frozen(cg, &frozen, &e) == 0 && frozen;
}

void container_thaw(struct container *c)
{
	_cleanup_cgroup_ struct cgroup *cg = open_cg(c);
	struct herr e;

	if (cg && cgroup_freeze(cg, false, &e) < 0)
		log_warn("container `%s`: %s", c->id, e.msg);
}

int container_kill_all(struct container *c, int sig, struct herr *e)
{
	_cleanup_cgroup_ struct cgroup *cg = open_cg(c);

	if (!cg)
		return herr_set(e, 0, "container `%s` has no cgroup", c->id);
	if (cgroup_signal_all(cg, sig, e) < 0)
		return herr_wrap(e, "kill container `%s`", c->id);
	return 0;
}
