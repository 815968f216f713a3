/* `exec`, child side: join every namespace of the container's init (one
 * setns on a pidfd where the kernel has it), take its root, then the same
 * security steps as the init, and execve. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "runtime/runtime.h"
#include "security/security.h"

static int join_by_files(struct launch *l, struct herr *e)
{
	/* user first: it decides what the others allow */
	static const struct { const char *name; int flag; } order[] = {
		{"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},
		{"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},
		{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
		{"mnt", CLONE_NEWNS},
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char path[64];
		_cleanup_close_ int fd = -1;
		if (!(l->join_flags & order[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)l->c->st.pid,
			 order[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, order[i].flag) < 0)
			return herr_sys(e, "join the container's %s namespace",
					order[i].name);
	}
	return 0;
}

static int join_container(struct launch *l, struct herr *e)
{
	/* setns(pidfd, flags) joins them all at once (Linux 5.8) */
	if (setns(l->init_pidfd, l->join_flags) < 0) {
		if (errno != EINVAL)
			return herr_sys(e, "join the container's namespaces");
		if (join_by_files(l, e) < 0)
			return -1;
	}
	/* the mount namespace's root is the container's after pivot_root,
	 * but not after --no-pivot's chroot: take the init's root itself */
	if (fchdir(l->init_root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return herr_sys(e, "enter the container's root");
	close(l->init_root_fd);
	l->init_root_fd = -1;
	return 0;
}

static int exec_console(struct launch *l, struct herr *e)
{
	int master;

	if (!l->spec->process->terminal)
		return 0;
	/* TIOCSCTTY needs a session leader without a terminal */
	if (setsid() < 0)
		return herr_sys(e, "setsid");
	master = console_child_setup(l->spec->process, false, e);
	if (master < 0)
		return -1;
	if (sync_send(l->sync_child, SYNC_CONSOLE, NULL, 0, master, e) < 0)
		return -1;
	close(master);
	return 0;
}

static int send_notify_fd(void *ctx, int fd, struct herr *e)
{
	struct launch *l = ctx;

	return sync_send(l->sync_child, SYNC_SECCOMP, NULL, 0, fd, e);
}

__attribute__((noreturn)) void exec_child_main(struct launch *l)
{
	_cleanup_free_ struct sync_msg *m = xmalloc(sizeof(*m));
	_cleanup_free_ char *path = NULL;
	int notify_fd = -1;
	struct herr e;

	herr_clear(&e);
	signals_reset();
	close(l->sync_parent);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (sync_recv(l->sync_child, m, &e) != SYNC_GO)
		_exit(1);
	if (join_container(l, &e) < 0 || exec_console(l, &e) < 0)
		goto fail;
	if (child_close_fds(l, &e) < 0)
		goto fail;
	security_set_notify_sender(l->sec, send_notify_fd, l);
	if (security_apply(l->sec, &notify_fd, &e) < 0)
		goto fail;
	if (child_enter_cwd(l, &e) < 0 || !(path = child_find_executable(l, &e)))
		goto fail;
	if (security_apply_late(l->sec, &notify_fd, &e) < 0)
		goto fail;
	prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(l->sync_child, SYNC_READY, NULL, 0, -1, &e) < 0)
		_exit(1);
	/* paused container: the parent moves us into the frozen cgroup now;
	 * we go on (and exec) once it is resumed */
	if (l->late_cgroup && sync_recv(l->sync_child, m, &e) != SYNC_GO)
		_exit(1);
	security_execve(l->sec, path, l->spec->process->args, l->env, &e);
fail:
	sync_send_error(l->sync_child, &e);
	_exit(127);
}
