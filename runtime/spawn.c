/* Clone the container's init and bring it to READY (parent side). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups/cgroups.h"
#include "namespaces/namespaces.h"
#include "rootfs/rootfs.h"
#include "runtime/runtime.h"
#include "security/security.h"

/* New namespaces are made by clone3 (one process, the fast path), except
 * the cgroup namespace, which the child unshares once it sits in its
 * cgroup (its root is the cgroup it is in at that moment), and the time
 * namespace, which the parent unshares to write the offsets. */
static int plan_namespaces(struct launch *l, bool *new_time, struct herr *e)
{
	const struct spec_linux *lx = l->spec->linux;
	bool joins_other = false;

	*new_time = false;
	for (size_t i = 0; lx && i < lx->nnamespaces; i++) {
		const struct spec_namespace *ns = &lx->namespaces[i];
		if (ns->path) {
			l->ns_fd[ns->type] = ns_open(ns->path, ns->type, e);
			if (l->ns_fd[ns->type] < 0)
				return herr_wrap(e, "linux.namespaces[%zu].path", i);
			if (ns->type != SPEC_NS_PID && ns->type != SPEC_NS_TIME &&
			    ns->type != SPEC_NS_USER)
				joins_other = true;
		} else if (ns->type == SPEC_NS_CGROUP) {
			l->late_unshare_flags |= CLONE_NEWCGROUP;
		} else if (ns->type == SPEC_NS_TIME) {
			*new_time = true;
		} else {
			l->clone_flags |= spec_ns_clone_flag(ns->type);
		}
	}
	l->userns = (l->clone_flags & CLONE_NEWUSER) || l->ns_fd[SPEC_NS_USER] >= 0;
	if (l->ns_fd[SPEC_NS_USER] >= 0 || ((l->clone_flags & CLONE_NEWUSER) && joins_other))
		return launch_plan_two_step(l, e);
	return 0;
}

/* pid and time namespaces apply to the children of the caller: the parent
 * enters them around the clone and goes back after */
struct parent_ns {
	int pid, time;
};

static int enter_parent_ns(struct launch *l, bool new_time,
			   struct parent_ns *saved, struct herr *e)
{
	saved->pid = saved->time = -1;
	if (l->ns_fd[SPEC_NS_PID] >= 0) {
		saved->pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (saved->pid < 0 || ns_join(l->ns_fd[SPEC_NS_PID], SPEC_NS_PID, e) < 0)
			return herr_wrap(e, "linux.namespaces: pid");
	}
	if (l->ns_fd[SPEC_NS_TIME] >= 0 || new_time) {
		saved->time = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
		if (saved->time < 0)
			return herr_sys(e, "open /proc/self/ns/time");
		if (l->ns_fd[SPEC_NS_TIME] >= 0) {
			if (ns_join(l->ns_fd[SPEC_NS_TIME], SPEC_NS_TIME, e) < 0)
				return herr_wrap(e, "linux.namespaces: time");
		} else if (unshare(CLONE_NEWTIME) < 0) {
			return herr_sys(e, "linux.namespaces: time: unshare");
		} else if (ns_write_time_offsets(l->spec->linux, e) < 0) {
			return -1;
		}
	}
	return 0;
}

static void leave_parent_ns(struct parent_ns *saved)
{
	struct herr e;

	if (saved->pid >= 0) {
		ns_join(saved->pid, SPEC_NS_PID, &e);
		close(saved->pid);
	}
	if (saved->time >= 0) {
		ns_join(saved->time, SPEC_NS_TIME, &e);
		close(saved->time);
	}
}

static int make_channels(struct launch *l, struct herr *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return herr_sys(e, "socketpair");
	l->sync_parent = sv[0];
	l->sync_child = sv[1];
	if (mkfifoat(l->c->dir_fd, "exec.fifo", 0600) < 0)
		return herr_sys(e, "mkfifo exec.fifo");
	/* O_RDWR never blocks on a fifo: the child holds the only reader
	 * and blocks in read() until `start` writes a byte */
	l->fifo_fd = openat(l->c->dir_fd, "exec.fifo", O_RDWR | O_CLOEXEC);
	if (l->fifo_fd < 0)
		return herr_sys(e, "open exec.fifo");
	return 0;
}

static int clone_child(struct launch *l, struct herr *e)
{
	struct parent_ns saved;
	bool new_time, into_cgroup;
	int r;

	if (plan_namespaces(l, &new_time, e) < 0 || make_channels(l, e) < 0)
		return -1;
	l->parent_pid = getpid();
	/* idmapped binds of a userns container are made here, where we
	 * still hold CAP_SYS_ADMIN over the host's filesystems */
	if (l->userns &&
	    rootfs_idmap_prepare(l->spec, l->bundle, &l->idmap_fds, e) < 0)
		return -1;
	r = enter_parent_ns(l, new_time, &saved, e);
	if (r == 0) {
		l->pid = ns_clone(l->clone_flags, cgroup_clone_fd(l->cg),
				  &into_cgroup, e);
		if (l->pid == 0)
			child_main(l);
	}
	leave_parent_ns(&saved);
	rootfs_idmap_free(l->spec, l->idmap_fds);
	l->idmap_fds = NULL;
	if (r < 0 || l->pid < 0) {
		l->pid = 0;
		return -1;
	}
	close(l->sync_child);
	l->sync_child = -1;
	close(l->fifo_fd);
	l->fifo_fd = -1;
	/* v1 hierarchies (and cgroup2 when clone3 could not) */
	(void)into_cgroup;
	if (cgroup_enter(l->cg, l->pid, e) < 0)
		return -1;
	return 0;
}

static void fill_state(struct launch *l)
{
	struct container_state *st = &l->c->st;
	char when[64];

	rfc3339_now(when, sizeof(when));
	st->oci_version = xstrdup(l->spec->oci_version);
	st->pid = l->pid;
	st->pid_start = proc_start_time(l->pid);
	st->bundle = xstrdup(l->bundle);
	st->rootfs = xstrdup(l->rootfs);
	st->created = xstrdup(when);
	free(st->cgroup);
	st->cgroup = xstrdup(cgroup_saved(l->cg));
	st->sandbox = l->sandbox;
	st->owner = getuid();
	st->annotations = xcalloc(l->spec->nannotations + 1,
				  sizeof(struct spec_kv));
	for (size_t i = 0; i < l->spec->nannotations; i++) {
		st->annotations[i].key = xstrdup(l->spec->annotations[i].key);
		st->annotations[i].value = xstrdup(l->spec->annotations[i].value);
	}
	st->nannotations = l->spec->nannotations;
}

char *launch_state_json(struct launch *l, const char *status)
{
	struct spec_state s = {
		.oci_version = l->spec->oci_version,
		.id = l->c->id,
		.status = status,
		.pid = l->pid,
		.bundle = l->bundle,
		.annotations = l->spec->annotations,
		.nannotations = l->spec->nannotations,
	};
	return spec_state_json(&s, false);
}

static int write_oom_score_adj(struct launch *l, struct herr *e)
{
	char path[64], val[16];

	if (!l->spec->process->has_oom_score_adj)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)l->pid);
	snprintf(val, sizeof(val), "%d", (int)l->spec->process->oom_score_adj);
	if (write_file_at(AT_FDCWD, path, val, strlen(val), e) < 0)
		return herr_wrap(e, "process.oomScoreAdj");
	return 0;
}

/* runtime.md: prestart (deprecated) and createRuntime hooks run in the
 * runtime's namespace once the container's namespaces exist */
static int runtime_hooks(struct launch *l, struct herr *e)
{
	_cleanup_free_ char *json = launch_state_json(l, "creating");
	const struct spec_hooks *h = &l->spec->hooks;

	if (hooks_run(h->prestart, h->nprestart, "prestart", json, e) < 0)
		return -1;
	return hooks_run(h->create_runtime, h->ncreate_runtime,
			 "createRuntime", json, e);
}

static int send_go(struct launch *l, struct herr *e)
{
	_cleanup_free_ char *creating = launch_state_json(l, "creating");
	_cleanup_free_ char *created = launch_state_json(l, "created");
	struct strbuf b = {0};
	int r;

	strbuf_puts(&b, creating);
	strbuf_append(&b, "", 1); /* keeps the NUL between the two */
	strbuf_puts(&b, created);
	r = sync_send(l->sync_parent, SYNC_GO, b.buf, b.len, -1, e);
	strbuf_free(&b);
	return r;
}

int launch_spawn(struct launch *l, struct herr *e)
{
	const struct spec_linux *lx = l->spec->linux;

	if (clone_child(l, e) < 0)
		return -1;
	fill_state(l);
	if ((l->clone_flags & CLONE_NEWUSER) &&
	    ns_write_idmaps(l->pid, lx->uid_mappings, lx->nuid_mappings,
			    lx->gid_mappings, lx->ngid_mappings, false, e) < 0)
		return -1;
	if (write_oom_score_adj(l, e) < 0)
		return -1;
	if (launch_net_setup(l, e) < 0)
		return -1;
	if (runtime_hooks(l, e) < 0)
		return -1;
	return send_go(l, e);
}

/* the child died without a word: say how */
static int child_died(struct launch *l, struct herr *e)
{
	int status;

	if (waitpid(l->pid, &status, WNOHANG) == l->pid) {
		l->pid = 0;
		if (WIFSIGNALED(status))
			return herr_set(e, 0, "the container process was "
					"killed by signal %d during set-up",
					WTERMSIG(status));
		return herr_set(e, 0, "the container process exited with "
				"status %d during set-up", WEXITSTATUS(status));
	}
	return -1;
}

static int on_seccomp_fd(struct launch *l, int fd, struct herr *e)
{
	const struct spec_seccomp *sc = l->spec->linux->seccomp;
	_cleanup_free_ char *json = launch_state_json(l, "creating");
	int r;

	r = security_send_listener(sc->listener_path, fd, json,
				   sc->listener_metadata, e);
	close(fd);
	return r < 0 ? herr_wrap(e, "linux.seccomp.listenerPath") : 0;
}

static int on_console_fd(struct launch *l, int fd, struct herr *e)
{
	int r = 0;

	if (l->o->console_socket) {
		r = console_send(l->o->console_socket, fd, e);
		close(fd);
	} else {
		l->console_master = fd;
	}
	return r;
}

int launch_wait_ready(struct launch *l, struct herr *e)
{
	_cleanup_free_ struct sync_msg *m = xmalloc(sizeof(*m));

	for (;;) {
		int t = sync_recv(l->sync_parent, m, e);
		int r = 0;

		if (t < 0)
			return e->errnum == EPIPE ? (child_died(l, e), -1) : -1;
		switch (t) {
		case SYNC_ERROR:
			return herr_set(e, 0, "%s", m->data);
		case SYNC_CONSOLE:
			r = on_console_fd(l, m->fd, e);
			break;
		case SYNC_SECCOMP:
			r = on_seccomp_fd(l, m->fd, e);
			break;
		case SYNC_USERNS:
			r = launch_on_userns(l, e);
			break;
		case SYNC_PID:
			r = launch_on_pid(l, m->data, m->hdr.len, e);
			break;
		case SYNC_READY:
			return 0;
		default:
			if (m->fd >= 0)
				close(m->fd);
			return herr_set(e, EPROTO, "unexpected sync message %d", t);
		}
		if (r < 0)
			return -1;
	}
}

/* READY: the container is `created` once state.json exists */
int launch_created(struct launch *l, struct herr *e)
{
	/* start, exec and delete use the config as create saw it (hooks,
	 * the process exec starts from, seccomp), not as the bundle holds it
	 * later */
	{
		_cleanup_free_ char *path = xasprintf("%s/config.json", l->bundle);
		_cleanup_free_ char *json = NULL;
		size_t len;
		if (read_file_at(AT_FDCWD, path, &json, &len, 0, e) < 0 ||
		    write_file_atomic_at(l->c->dir_fd, "config.json", json, len,
					 0600, e) < 0)
			return herr_wrap(e, "keep the config");
	}
	l->c->st.creating = false;
	if (container_save(l->c, e) < 0)
		return -1;
	if (l->o->pid_file) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", (int)l->pid);
		if (write_file_atomic_at(AT_FDCWD, l->o->pid_file, buf, n,
					 0644, e) < 0)
			return herr_wrap(e, "--pid-file");
	}
	return 0;
}
