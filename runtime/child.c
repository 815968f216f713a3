/* The container's init, from clone to execve (DESIGN.md section 2, step 5).
 * It runs on a copy-on-write copy of the parent's memory, so it reads the
 * launch directly.  Every failure is sent to the parent over the sync
 * socket, which prints it and cleans up; the child then _exits (it must
 * never return into the parent's code path). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "namespaces/namespaces.h"
#include "rootfs/rootfs.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "security/security.h"

__attribute__((noreturn)) static void child_fail(struct launch *l,
						 struct herr *e)
{
	sync_send_error(l->sync_child, e);
	_exit(1);
}

/* namespaces given by path: the user namespace first (it decides what the
 * others allow), the mount namespace last (it changes our root) */
static int join_namespaces(struct launch *l, struct herr *e)
{
	static const enum spec_ns_type order[] = {
		SPEC_NS_USER, SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NETWORK,
		SPEC_NS_CGROUP, SPEC_NS_MOUNT,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int fd = l->ns_fd[order[i]];
		if (fd >= 0 && ns_join(fd, order[i], e) < 0)
			return -1;
	}
	return 0;
}

/* wait for GO: the parent has mapped our ids and placed us in cgroups */
static char *wait_go(struct launch *l, struct herr *e)
{
	_cleanup_free_ struct sync_msg *m = xmalloc(sizeof(*m));
	int t = sync_recv(l->sync_child, m, e);

	while (t == SYNC_NET) { /* a sandbox's NIC comes before GO */
		sandbox_net_received(m->fd, m->data, m->hdr.len);
		t = sync_recv(l->sync_child, m, e);
	}
	if (t < 0)
		return NULL;
	if (t != SYNC_GO) {
		herr_set(e, EPROTO, "unexpected sync message %d", t);
		return NULL;
	}
	/* payload: state JSON while creating, NUL, state JSON once created */
	l->start_state_json = xstrdup(m->data + strlen(m->data) + 1);
	return xstrdup(m->data);
}

static int become_root_in_userns(struct launch *l, struct herr *e)
{
	if (!l->userns)
		return 0;
	/* we are the overflow uid until we switch to the mapped root */
	if (setresgid(0, 0, 0) < 0)
		return herr_sys(e, "setresgid(0) in the user namespace (is "
				   "container gid 0 mapped?)");
	if (setresuid(0, 0, 0) < 0)
		return herr_sys(e, "setresuid(0) in the user namespace (is "
				   "container uid 0 mapped?)");
	return 0;
}

static int mount_and_pivot(struct launch *l, const char *state_json,
			   struct herr *e)
{
	struct rootfs_opts ro = {
		.spec = l->spec,
		.bundle = l->bundle,
		.rootfs = l->rootfs,
		.no_pivot = l->o->no_pivot,
		.userns = l->userns,
		.console_fd = -1,
		.idmap_fds = l->idmap_fds,
	};

	if (rootfs_mount(&ro, e) < 0)
		return -1;
	if (hooks_run(l->spec->hooks.create_container,
		      l->spec->hooks.ncreate_container, "createContainer",
		      state_json, e) < 0)
		return -1;
	if (rootfs_pivot(&ro, e) < 0)
		return -1;
	if (l->spec->process->terminal) {
		int master = console_child_setup(l->spec->process, true, e);
		if (master < 0)
			return -1;
		if (sync_send(l->sync_child, SYNC_CONSOLE, NULL, 0, master, e) < 0)
			return -1;
		close(master);
	}
	if (child_sysctl(l, e) < 0)
		return -1;
	return rootfs_finish(&ro, e);
}

/* a seccomp listener fd goes to the parent, which hands it to
 * linux.seccomp.listenerPath before anything else runs under the filter */
static int send_notify_fd(void *ctx, int fd, struct herr *e)
{
	struct launch *l = ctx;

	return sync_send(l->sync_child, SYNC_SECCOMP, NULL, 0, fd, e);
}

static int apply_security(struct launch *l, struct herr *e)
{
	int notify_fd = -1;

	security_set_notify_sender(l->sec, send_notify_fd, l);
	return security_apply(l->sec, &notify_fd, e);
}

/* create has returned: the only channel left is the container's own
 * stderr (and `run`'s sync socket, still open until execve) */
__attribute__((noreturn)) static void late_fail(struct launch *l,
					       const struct herr *e)
{
	sync_send_error(l->sync_child, e);
	dprintf(2, "hutch: container `%s`: %s\n", l->c->id, e->msg);
	_exit(127);
}

/* After READY: block until `start` writes exec.fifo, then exec. */
__attribute__((noreturn)) static void wait_start_and_exec(struct launch *l,
							  const char *path)
{
	struct herr e;
	char c;
	ssize_t n;

	do
		n = read(l->fifo_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(l->fifo_fd);
	herr_clear(&e);
	if (hooks_run(l->spec->hooks.start_container,
		      l->spec->hooks.nstart_container, "startContainer",
		      l->start_state_json, &e) < 0)
		goto fail;
	security_execve(l->sec, path, l->spec->process->args, l->env, &e);
fail:
	late_fail(l, &e);
}

/* The sandbox: the VMM boots the guest now, READY and exec.fifo follow
 * (sandbox_exec). */
__attribute__((noreturn)) static void boot_sandbox(struct launch *l)
{
	bool created = false;
	struct herr e;

	herr_clear(&e);
	sandbox_exec(l, &created, &e);
	if (!created)
		child_fail(l, &e);
	late_fail(l, &e);
}

void child_main(struct launch *l)
{
	_cleanup_free_ char *state_json = NULL;
	_cleanup_free_ char *path = NULL;
	struct herr e;

	herr_clear(&e);
	signals_reset();
	close(l->sync_parent);
	/* die with `create` while we are being set up (a parent that died
	 * before this shows up as EOF on the sync socket) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	state_json = wait_go(l, &e);
	if (!state_json)
		_exit(1); /* the parent is gone or gave up */
	if (join_namespaces(l, &e) < 0)
		child_fail(l, &e);
	if (l->late_unshare_flags && unshare(l->late_unshare_flags) < 0) {
		herr_sys(&e, "unshare (flags %#lx)", l->late_unshare_flags);
		child_fail(l, &e);
	}
	if (child_two_step(l, &e) < 0 || become_root_in_userns(l, &e) < 0 ||
	    launch_net_child(l, &e) < 0)
		child_fail(l, &e);
	if (setsid() < 0 && errno != EPERM) {
		herr_sys(&e, "setsid");
		child_fail(l, &e);
	}
	if (child_identity(l, &e) < 0 || mount_and_pivot(l, state_json, &e) < 0)
		child_fail(l, &e);
	if (child_prepare_cwd(l, &e) < 0)
		child_fail(l, &e);
	if (child_close_fds(l, &e) < 0 || apply_security(l, &e) < 0)
		child_fail(l, &e);
	if (child_enter_cwd(l, &e) < 0)
		child_fail(l, &e);
	if (!l->sandbox && !(path = child_find_executable(l, &e)))
		child_fail(l, &e);
	/* seccomp under noNewPrivileges: late, but while `create` can still
	 * take a listener fd (runc does the same) */
	{
		int notify_fd = -1;
		if (security_apply_late(l->sec, &notify_fd, &e) < 0)
			child_fail(l, &e);
	}
	if (l->sandbox)
		boot_sandbox(l);
	/* credentials changed (the kernel clears PDEATHSIG then) and `create`
	 * exits after READY: from here on we outlive it */
	prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(l->sync_child, SYNC_READY, NULL, 0, -1, &e) < 0)
		_exit(1);
	wait_start_and_exec(l, path);
}
