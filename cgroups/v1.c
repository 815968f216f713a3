/* cgroup v1 set-up that the kernel does not do for us. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

/* A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems,
 * and a process cannot join it until both are filled: copy the parent's
 * (what runc and crun do; setting cgroup.clone_children on a parent we do
 * not own would change the host's behaviour). */
int cg_v1_init_cpuset(int parentfd, int fd, struct herr *e)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *mine = NULL, *parent = NULL;

		if (cg_read(fd, files[i], &mine, e) < 0)
			return -1;
		if (*mine)
			continue;
		if (cg_read(parentfd, files[i], &parent, e) < 0)
			return -1;
		if (cg_write(fd, files[i], *parent ? parent : "\n", e) < 0)
			return -1;
	}
	return 0;
}
