/* hutch exec: run a new process in a running container (DESIGN.md section
 * 4).  The parent stays in the host (cgroups, console socket, pid file);
 * the child is cloned into the container's pid namespace and joins the
 * rest (exec_child.c). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroups/cgroups.h"
#include "namespaces/namespaces.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "security/security.h"

/* the init's namespaces that are not already ours */
static int namespaces_to_join(pid_t pid)
{
	static const struct { const char *name; int flag; } ns[] = {
		{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},
		{"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC},
		{"uts", CLONE_NEWUTS},   {"cgroup", CLONE_NEWCGROUP},
		{"time", CLONE_NEWTIME}, {"pid", CLONE_NEWPID},
	};
	int flags = 0;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid,
			 ns[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns[i].name);
		if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 &&
		    (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
			flags |= ns[i].flag;
	}
	return flags;
}

static int open_init(struct launch *l, struct herr *e)
{
	char path[64];

	l->init_pidfd = syscall(SYS_pidfd_open, l->c->st.pid, 0);
	if (l->init_pidfd < 0 || !container_pid_alive(l->c))
		return herr_set(e, 0, "container `%s` is not running", l->c->id);
	snprintf(path, sizeof(path), "/proc/%d/root", (int)l->c->st.pid);
	l->init_root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->init_root_fd < 0)
		return herr_sys(e, "open the container's root");
	l->join_flags = namespaces_to_join(l->c->st.pid);
	return 0;
}

/* clone into the container's pid namespace (pid_for_children) and, on
 * cgroup2, straight into its cgroup */
static int clone_exec_child(struct launch *l, struct herr *e)
{
	_cleanup_close_ int own_pid = -1;
	bool into;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return herr_sys(e, "socketpair");
	l->sync_parent = sv[0];
	l->sync_child = sv[1];
	if (l->join_flags & CLONE_NEWPID) {
		own_pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pid < 0 || setns(l->init_pidfd, CLONE_NEWPID) < 0)
			return herr_sys(e, "enter the container's pid namespace");
	}
	l->join_flags &= ~CLONE_NEWPID;
	l->pid = ns_clone(0, l->cg && !l->late_cgroup ? cgroup_clone_fd(l->cg) : -1,
			  &into, e);
	if (l->pid == 0)
		exec_child_main(l);
	if (own_pid >= 0)
		setns(own_pid, CLONE_NEWPID);
	if (l->pid < 0) {
		l->pid = 0;
		return -1;
	}
	close(l->sync_child);
	l->sync_child = -1;
	return 0;
}

static int enter_cgroup(struct launch *l, const char *sub, struct herr *e)
{
	if (!l->cg)
		return 0;
	if (sub)
		return cgroup_enter_sub(l->cg, sub, l->pid, e) < 0
			       ? herr_wrap(e, "--cgroup")
			       : 0;
	return cgroup_enter(l->cg, l->pid, e);
}

static int exec_start(struct launch *l, const struct exec_opts *x,
		      struct herr *e)
{
	if (open_init(l, e) < 0)
		return -1;
	if (l->c->st.cgroup && cgroup_open(l->c->st.cgroup, &l->cg, e) < 0)
		return -1;
	if (security_prepare(l->spec, l->spec->process, &l->sec, e) < 0)
		return -1;
	if (clone_exec_child(l, e) < 0)
		return -1;
	/* into a frozen cgroup only once set up (it stops there at once),
	 * and still before execve: the child waits for a last GO */
	if (!l->late_cgroup && enter_cgroup(l, x->cgroup, e) < 0)
		return -1;
	if (sync_send(l->sync_parent, SYNC_GO, "", 1, -1, e) < 0 ||
	    launch_wait_ready(l, e) < 0)
		return -1;
	if (l->late_cgroup &&
	    (enter_cgroup(l, x->cgroup, e) < 0 ||
	     sync_send(l->sync_parent, SYNC_GO, "", 1, -1, e) < 0))
		return -1;
	if (x->pid_file) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", (int)l->pid);
		if (write_file_atomic_at(AT_FDCWD, x->pid_file, buf, n, 0644, e) < 0)
			return herr_wrap(e, "--pid-file");
	}
	return 0;
}

static int check_running(struct container *c, bool ignore_paused,
			 struct herr *e)
{
	enum cstatus st = container_status(c);

	if (st == ST_PAUSED && !ignore_paused)
		return herr_set(e, 0, "container `%s` is paused (use "
				"--ignore-paused to exec anyway)", c->id);
	if (st != ST_RUNNING && st != ST_PAUSED && st != ST_CREATED)
		return herr_set(e, 0, "container `%s` is %s", c->id,
				cstatus_name(st));
	return 0;
}

int exec_run(struct globals *g, const struct exec_opts *x, int *code,
	     struct herr *e)
{
	struct create_opts o = {.id = x->id, .console_socket = x->console_socket,
				.preserve_fds = x->preserve_fds,
				.foreground = !x->detach};
	struct launch *l = launch_alloc(g, &o);
	struct spec_process *p = NULL;
	int status = 0, r = -1;

	l->exec = true;
	if (launch_security_init(g, e) < 0)
		goto out;
	if (container_load(g->root, x->id, &l->c, e) < 0 ||
	    check_running(l->c, x->ignore_paused, e) < 0)
		goto out;
	l->late_cgroup = container_status(l->c) == ST_PAUSED;
	container_unlock(l->c);
	if (!(l->spec = container_saved_spec(l->c))) {
		herr_set(e, 0, "container `%s` has no saved config", x->id);
		goto out;
	}
	if (exec_build_process(x, l->spec, &p, e) < 0)
		goto out;
	spec_process_free(l->spec->process);
	l->spec->process = p;
	if (p->terminal && !x->console_socket && x->detach) {
		herr_set(e, 0, "exec --tty --detach needs --console-socket");
		goto out;
	}
	launch_build_env(l);
	if (!x->detach)
		wait_block_signals();
	if (sandbox_is_vm(l->c)) {
		r = sandbox_exec_client(l, x, code, e);
		goto out;
	}
	if (exec_start(l, x, e) < 0)
		goto out;
	*code = 0;
	if (!x->detach) {
		if (wait_container(l->pid, l->console_master, &status, e) < 0)
			goto out;
		*code = wait_exit_code(status);
	}
	l->pid = 0;
	r = 0;
out:
	if (r < 0) {
		herr_wrap(e, "exec in container `%s`", x->id);
		if (l->pid > 0) {
			kill(l->pid, SIGKILL);
			waitpid(l->pid, NULL, 0);
		}
	}
	l->pid = 0;
	launch_free(l);
	return r;
}
