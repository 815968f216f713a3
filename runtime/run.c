/* hutch run = create + start + wait + delete, in one process. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "runtime/runtime.h"

/* after start, the sync socket carries only an exec failure; EOF (the
 * socket was close-on-exec) means the workload is running */
static void report_exec_error(struct launch *l)
{
	_cleanup_free_ struct sync_msg *m = xmalloc(sizeof(*m));
	struct herr e;

	if (sync_recv(l->sync_parent, m, &e) == SYNC_ERROR)
		log_error("container `%s`: %s", l->c->id, m->data);
}

static int finish(struct launch *l, bool keep)
{
	const struct spec_hooks *h = &l->spec->hooks;
	struct herr e;

	l->pid = 0; /* reaped */
	if (container_relock(l->c, &e) < 0)
		return log_fail(&e);
	container_report_oom(l->c);
	if (keep)
		return 0;
	if (h->npoststop) {
		_cleanup_free_ char *json = container_state_json(l->c, false);
		if (hooks_run(h->poststop, h->npoststop, "poststop", json, &e) < 0)
			log_warn("container `%s`: %s", l->c->id, e.msg);
	}
	launch_destroy(l);
	return 0;
}

static int cmd_run(struct globals *g, int argc, char **argv)
{
	struct create_opts o;
	struct run_flags rf = {0};
	struct launch *l;
	struct herr e;
	int status = 0, code, r;

	herr_clear(&e);
	r = parse_create_args(g, argc, argv, &o, &rf);
	if (r)
		return r == 2 ? 0 : r;
	o.foreground = !rf.detach;
	/* signals meant for the workload wait in the mask until we forward
	 * them; the child clears its mask */
	if (o.foreground)
		wait_block_signals();
	if (launch_create(g, &o, &l, &e) < 0)
		return log_fail(&e);
	if (container_start(l->c, &e) < 0) {
		log_fail(&e);
		launch_destroy(l);
		launch_free(l);
		return 1;
	}
	if (rf.detach) {
		launch_free(l);
		return 0;
	}
	container_unlock(l->c);
	report_exec_error(l);
	if (wait_container(l->pid, l->console_master, &status, &e) < 0) {
		log_fail(&e);
		status = 255 << 8;
	}
	code = wait_exit_code(status);
	finish(l, rf.keep);
	launch_free(l);
	return code;
}

HUTCH_COMMAND(run, .name = "run",
	      .usage = "[create options] [--detach] [--keep] ID",
	      .summary = "create and start a container, wait for it, delete it",
	      .main = cmd_run);
