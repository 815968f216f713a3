/* hutch delete [--force] ID (runtime.md delete): a container that is not
 * stopped is refused unless --force, which kills it first. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

/* the init may not be our child: wait on a pidfd */
int container_kill_wait(struct container *c, int sig, int timeout_ms)
{
	_cleanup_close_ int pfd = syscall(SYS_pidfd_open, c->st.pid, 0);
	struct pollfd p = {.fd = pfd, .events = POLLIN};

	if (pfd < 0)
		return errno == ESRCH ? 0 : -1;
	/* a pid reused since: never signal a stranger */
	if (!container_pid_alive(c))
		return 0;
	if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 &&
	    errno != ESRCH)
		return -1;
	while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
		;
	return container_pid_alive(c) ? -1 : 0;
}

int container_teardown(struct container *c, struct spec *spec,
		       struct herr *e)
{
	struct cgroup *cg = NULL;
	int r = 0;

	if (c->st.cgroup && cgroup_open(c->st.cgroup, &cg, e) == 0) {
		r = cgroup_destroy(cg, e);
		cgroup_free(cg);
		if (r < 0)
			return herr_wrap(e, "delete container `%s`", c->id);
	}
	herr_clear(e);
	container_net_destroy(c);
	if (spec && spec->hooks.npoststop) {
		_cleanup_free_ char *json = container_state_json(c, false);
		struct herr he;
		if (hooks_run(spec->hooks.poststop, spec->hooks.npoststop,
			      "poststop", json, &he) < 0)
			log_warn("container `%s`: %s", c->id, he.msg);
	}
	return container_remove(c, e);
}

static int delete_one(struct globals *g, const char *id, bool force,
		      struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;
	enum cstatus st;
	struct spec *spec;
	int r;

	if (container_load(g->root, id, &c, e) < 0)
		return -1;
	st = container_status(c);
	if ((st == ST_RUNNING || st == ST_PAUSED) && !force)
		return herr_set(e, 0, "container `%s` is %s: stop it first or "
				"use delete --force", id, cstatus_name(st));
	if (st == ST_PAUSED)
		container_thaw(c);
	/* created: the init only waits on exec.fifo, killing it is the
	 * spec's "delete a created container" */
	if (st != ST_STOPPED &&
	    container_kill_wait(c, SIGKILL, 10000) < 0)
		return herr_sys(e, "delete container `%s`: kill", id);
	container_report_oom(c);
	spec = container_saved_spec(c);
	r = container_teardown(c, spec, e);
	spec_free(spec);
	return r;
}

static int cmd_delete(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool force = false;
	struct herr e;
	int c;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'h')
			return command_usage("delete", stdout), 0;
		else
			return 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hutch delete: expected one container id\n");
		return 1;
	}
	if (delete_one(g, argv[optind], force, &e) < 0) {
		/* runc: deleting what is not there with --force succeeds */
		if (force && strstr(e.msg, "does not exist"))
			return 0;
		return log_fail(&e);
	}
	return 0;
}

HUTCH_COMMAND(delete, .name = "delete", .usage = "[--force] ID",
	      .summary = "delete a stopped container (--force: any)",
	      .main = cmd_delete);
