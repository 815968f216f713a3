/* `create`, parent side (DESIGN.md section 2, steps 1-4): load the bundle,
 * take the id, prepare cgroups and security, clone, then map ids, join
 * cgroups, run the runtime-namespace hooks and wait for the child's READY.
 * Any failure undoes all of it (runtime.md: an error leaves the host as if
 * the operation was never tried). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups/cgroups.h"
#include "namespaces/namespaces.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "security/security.h"

struct launch *launch_alloc(struct globals *g, const struct create_opts *o)
{
	struct launch *l = xcalloc(1, sizeof(*l));

	l->g = g;
	l->o = o;
	l->sync_parent = l->sync_child = l->fifo_fd = l->console_master = -1;
	l->init_pidfd = l->init_root_fd = -1;
	for (int i = 0; i < SPEC_NS__COUNT; i++)
		l->ns_fd[i] = -1;
	return l;
}

static int load_bundle(struct launch *l, struct herr *e)
{
	const char *bundle = l->o->bundle ? l->o->bundle : ".";
	char buf[PATH_MAX];
	_cleanup_free_ char *config = NULL;
	const char *root;

	if (!realpath(bundle, buf))
		return herr_sys(e, "bundle `%s`", bundle);
	l->bundle = xstrdup(buf);
	config = xasprintf("%s/config.json", l->bundle);
	if (spec_load(config, &l->spec, e) < 0)
		return -1;
	if (!l->spec->process)
		return herr_set(e, 0, "%s: process: required to create a "
				"container", config);
	if (!l->spec->root || !l->spec->root->path)
		return herr_set(e, 0, "%s: root.path: required", config);
	if (!spec_namespace(l->spec, SPEC_NS_MOUNT))
		return herr_set(e, 0, "%s: linux.namespaces: hutch needs a "
				"mount namespace", config);
	root = l->spec->root->path;
	if (root[0] == '/')
		snprintf(buf, sizeof(buf), "%s", root);
	else
		snprintf(buf, sizeof(buf), "%s/%s", l->bundle, root);
	l->rootfs = realpath(buf, NULL);
	if (!l->rootfs)
		return herr_sys(e, "%s: root.path `%s`", config, root);
	return 0;
}

/* env of the process; LISTEN_FDS from our caller (socket activation) is
 * passed on as runc does: the fds follow --preserve-fds' */
void launch_build_env(struct launch *l)
{
	const struct spec_process *p = l->spec->process;
	const char *listen = getenv("LISTEN_FDS");
	uint64_t nlisten = 0;

	l->nfds = l->o->preserve_fds;
	l->env = xcalloc(p->nenv + 3, sizeof(char *));
	for (size_t i = 0; i < p->nenv; i++)
		l->env[l->nenv++] = p->env[i];
	if (listen && parse_u64(listen, &nlisten) == 0 && nlisten > 0 &&
	    nlisten < 1024) {
		l->nfds += nlisten;
		l->env[l->nenv++] = xasprintf("LISTEN_FDS=%u", (unsigned)nlisten);
		l->env[l->nenv++] = xstrdup("LISTEN_PID=1");
	}
}

static int check_options(struct launch *l, struct herr *e)
{
	if (l->spec->process->terminal && !l->o->console_socket &&
	    !l->o->foreground)
		return herr_set(e, 0, "process.terminal is true: a detached "
				"container needs --console-socket");
	if (!l->spec->process->terminal && l->o->console_socket)
		return herr_set(e, 0, "--console-socket given but "
				"process.terminal is false");
	return 0;
}

/* What a later delete needs if this create dies half way: the cgroup path
 * (as a bare path only its leaf counts as ours).  The init needs no record:
 * it dies with us. */
static int save_early_state(struct launch *l, struct herr *e)
{
	l->c->st.creating = true;
	if (cgroup_resolve_path(l->spec, l->o->id, &l->c->st.cgroup, e) < 0)
		return -1;
	return container_save(l->c, e);
}

/* security/ logs through us; its seccomp cache lives under --root */
int launch_security_init(struct globals *g, struct herr *e)
{
	static char *cache_dir;
	struct security_options so = {.debug = log_debug, .warn = log_warn};

	if (security_protect_self(e) < 0)
		return -1;
	if (!cache_dir)
		cache_dir = security_cache_dir_for_root(g->root);
	so.seccomp_cache_dir = cache_dir;
	security_init(&so);
	return 0;
}

/* runtime.md: a failing prestart/createRuntime/createContainer hook stops
 * the container and "continues the lifecycle at step 12" (delete), where
 * poststop hooks run; a failing poststop hook is only a warning */
static void launch_poststop_on_failure(struct launch *l)
{
	_cleanup_free_ char *json = NULL;
	struct herr e;

	if (!l->spec || !l->spec->hooks.npoststop || l->pid <= 0 || !l->c)
		return;
	kill(l->pid, SIGKILL);
	while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
		;
	l->pid = 0;
	json = launch_state_json(l, "stopped");
	if (hooks_run(l->spec->hooks.poststop, l->spec->hooks.npoststop,
		      "poststop", json, &e) < 0)
		log_warn("container `%s`: %s", l->c->id, e.msg);
}

int launch_create(struct globals *g, const struct create_opts *o,
		  struct launch **out, struct herr *e)
{
	struct launch *l = launch_alloc(g, o);

	if (launch_security_init(g, e) < 0 || load_bundle(l, e) < 0 || check_options(l, e) < 0)
		goto fail;
	launch_build_env(l);
	{
		const char *mode = spec_annotation(l->spec, "org.hutch.sandbox");
		l->sandbox = o->sandbox_vm || (mode && !strcmp(mode, "vm"));
	}
	/* before anything exists: no /dev/kvm must leave nothing behind */
	if (l->sandbox && (sandbox_limits_adjust(l->spec, e) < 0 ||
			   sandbox_prepare(l->spec, l->rootfs, e) < 0 ||
			   sandbox_binds_prepare(l->spec, l->bundle, e) < 0))
		goto fail;
	if (container_new(g->root, o->id, &l->c, e) < 0 || launch_net_prepare(l, e) < 0)
		goto fail;
	if (l->sandbox && sandbox_listen(l->c->dir_fd, e) < 0)
		goto fail;
	if (save_early_state(l, e) < 0)
		goto fail;
	if (cgroup_create(l->spec, o->id, &l->cg, e) < 0)
		goto fail;
	if (security_prepare(l->spec, l->spec->process, &l->sec, e) < 0)
		goto fail;
	if (l->sandbox && sandbox_confine_prepare(l->sec, e) < 0)
		goto fail;
	if (launch_spawn(l, e) < 0 || launch_wait_ready(l, e) < 0 ||
	    launch_created(l, e) < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	herr_wrap(e, "create container `%s`", o->id);
	launch_poststop_on_failure(l);
	launch_destroy(l);
	launch_free(l);
	return -1;
}

void launch_destroy(struct launch *l)
{
	struct herr e;

	if (l->pid > 0) {
		kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->pid = 0;
	}
	if (l->net_done)
		launch_net_destroy(l);
	if (l->cg) {
		if (cgroup_destroy(l->cg, &e) < 0)
			log_warn("%s", e.msg);
		cgroup_free(l->cg);
		l->cg = NULL;
	}
	if (l->c) {
		if (container_remove(l->c, &e) < 0)
			log_warn("%s", e.msg);
		container_free(l->c);
		l->c = NULL;
	}
}

void launch_free(struct launch *l)
{
	if (!l)
		return;
	for (int i = 0; i < SPEC_NS__COUNT; i++)
		if (l->ns_fd[i] >= 0)
			close(l->ns_fd[i]);
	if (l->sync_parent >= 0)
		close(l->sync_parent);
	if (l->sync_child >= 0)
		close(l->sync_child);
	if (l->fifo_fd >= 0)
		close(l->fifo_fd);
	if (l->console_master >= 0)
		close(l->console_master);
	if (l->init_pidfd >= 0)
		close(l->init_pidfd);
	if (l->init_root_fd >= 0)
		close(l->init_root_fd);
	if (l->cg)
		cgroup_free(l->cg);
	if (l->sec)
		security_free(l->sec);
	container_free(l->c);
	/* env entries past process.env are ours (LISTEN_FDS, LISTEN_PID) */
	for (size_t i = l->spec && l->spec->process ? l->spec->process->nenv : 0;
	     l->env && i < l->nenv; i++)
		free(l->env[i]);
	spec_free(l->spec);
	free(l->bundle);
	free(l->rootfs);
	free(l->env);
	free(l);
}
