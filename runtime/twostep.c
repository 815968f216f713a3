/* The two-step start, for namespaces the fast path cannot make: a user
 * namespace joined by path, or a new user namespace together with other
 * namespaces joined by path.  setns() into a namespace needs privileges
 * over its owner, so the joins must come before the new user namespace,
 * and a new pid namespace must be made after it (to be owned by it): the
 * child joins, unshares, has the parent write its id maps, and forks the
 * real init, which is pid 1 of the new pid namespace. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "namespaces/namespaces.h"
#include "runtime/runtime.h"

int launch_plan_two_step(struct launch *l, struct herr *e)
{
	l->two_step = true;
	l->late_unshare_flags |= l->clone_flags;
	l->clone_flags = 0;
	/* `run` waits for an init that is not its child */
	if (l->o->foreground && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return herr_sys(e, "PR_SET_CHILD_SUBREAPER");
	return 0;
}

/* child: after joining by path and unsharing */
int child_two_step(struct launch *l, struct herr *e)
{
	_cleanup_free_ struct sync_msg *m = NULL;
	pid_t pid;

	if (!l->two_step)
		return 0;
	if (l->late_unshare_flags & CLONE_NEWUSER) {
		m = xmalloc(sizeof(*m));
		if (sync_send(l->sync_child, SYNC_USERNS, NULL, 0, -1, e) < 0)
			return -1;
		if (sync_recv(l->sync_child, m, e) != SYNC_GO)
			return herr_set(e, EPROTO, "user namespace maps");
	}
	if (!(l->late_unshare_flags & CLONE_NEWPID))
		return 0;
	pid = fork();
	if (pid < 0)
		return herr_sys(e, "fork the init of the new pid namespace");
	if (pid > 0) {
		/* the parent knows the init by its pid in its namespace,
		 * which is ours: we are still in the parent's */
		int n = pid;
		sync_send(l->sync_child, SYNC_PID, &n, sizeof(n), -1, e);
		_exit(0);
	}
	return 0;
}

/* parent: the child unshared a user namespace; map it and let it go on */
int launch_on_userns(struct launch *l, struct herr *e)
{
	const struct spec_linux *lx = l->spec->linux;

	if (ns_write_idmaps(l->pid, lx->uid_mappings, lx->nuid_mappings,
			    lx->gid_mappings, lx->ngid_mappings, false, e) < 0)
		return -1;
	return sync_send(l->sync_parent, SYNC_GO, NULL, 0, -1, e);
}

/* parent: the real init is the child's child */
int launch_on_pid(struct launch *l, const void *data, size_t len,
		  struct herr *e)
{
	int pid;

	if (len != sizeof(pid))
		return herr_set(e, EPROTO, "malformed pid message");
	memcpy(&pid, data, sizeof(pid));
	while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
		;
	l->pid = pid;
	l->c->st.pid = pid;
	l->c->st.pid_start = proc_start_time(pid);
	return 0;
}
