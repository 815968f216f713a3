/* clone3 used like fork: no separate stack, the child continues on a copy
 * of the caller's.  Only safe in a single-threaded process (hutch is). */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "namespaces/namespaces.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static pid_t clone3_raw(unsigned long flags, int cgroup_fd)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = cgroup_fd;
	}
	return syscall(SYS_clone3, &args, sizeof(args));
}

pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *into_cgroup,
	       struct herr *e)
{
	pid_t pid;

	if (into_cgroup)
		*into_cgroup = false;
	pid = clone3_raw(flags, cgroup_fd);
	/* EINVAL/E2BIG: a kernel without CLONE_INTO_CGROUP; retry without */
	if (pid < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		cgroup_fd = -1;
		pid = clone3_raw(flags, -1);
	}
	if (pid < 0 && errno == ENOSYS) {
		cgroup_fd = -1;
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	}
	if (pid < 0)
		return herr_sys(e, "clone (flags %#lx)", flags);
	if (pid > 0 && into_cgroup)
		*into_cgroup = cgroup_fd >= 0;
	return pid;
}
