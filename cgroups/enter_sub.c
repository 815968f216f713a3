/* `exec --cgroup [CONTROLLER:]PATH`: put an exec'd process in an existing
 * sub-cgroup of the container's (runc's flag). */
#include <fcntl.h>
#include <string.h>

#include "cgroups/internal.h"

static int sub_ok(const char *sub, struct herr *e)
{
	if (!*sub || sub[0] == '/' || strstr(sub, ".."))
		return herr_set(e, 0, "`%s`: a relative path below the "
				"container's cgroup", sub);
	return 0;
}

int cgroup_enter_sub(struct cgroup *cg, const char *spec_sub, pid_t pid,
		     struct herr *e)
{
	const char *colon = strchr(spec_sub, ':');
	const char *sub = colon ? colon + 1 : spec_sub;
	int only = -1;

	if (colon) {
		_cleanup_free_ char *name = strndup(spec_sub, colon - spec_sub);
		only = cg_ctrl_parse(name);
		if (only < 0)
			return herr_set(e, 0, "`%s`: unknown controller", spec_sub);
	}
	if (sub_ok(sub, e) < 0)
		return -1;
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_close_ int fd = -1;
		bool wanted = only < 0 || (cg->d[i].m->ctrls & CG_BIT(only));
		int dfd = cg->d[i].fd;

		if (dfd < 0)
			continue;
		/* the named sub-cgroup where asked, the container's elsewhere */
		if (wanted) {
			fd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				return herr_sys(e, "sub-cgroup `%s` on %s", sub,
						cg->d[i].m->dir);
			dfd = fd;
		}
		if (cg_writef(dfd, "cgroup.procs", e, "%d", (int)pid) < 0)
			return herr_wrap(e, "join `%s` on %s", sub, cg->d[i].m->dir);
	}
	return 0;
}
