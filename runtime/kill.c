/* hutch kill [--all] ID [SIGNAL] (runtime.md kill): names (TERM, SIGTERM)
 * and numbers; default SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "runtime/runtime.h"
#include "runtime/sandbox.h"

int signal_parse(const char *s)
{
	uint64_t n;

	if (parse_u64(s, &n) == 0)
		return n > 0 && n < (uint64_t)NSIG ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *name = sigabbrev_np(i);
		if (name && !strcasecmp(s, name))
			return i;
	}
	/* real-time signals: RTMIN, RTMIN+3, RTMAX-1 */
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		int base = !strncasecmp(s, "RTMIN", 5) ? SIGRTMIN : SIGRTMAX;
		int64_t off = 0;
		if (s[5] && parse_i64(s + 5, &off) < 0)
			return -1;
		if (base + off < SIGRTMIN || base + off > SIGRTMAX)
			return -1;
		return base + off;
	}
	return -1;
}

static int kill_container(struct container *c, int sig, bool all,
			  struct herr *e)
{
	enum cstatus st = container_status(c);
	_cleanup_close_ int pfd = -1;

	/* ESRCH: containerd's shim reads "no such process" (like runc's
	 * "container not running") as "already finished", which is what lets
	 * CRI stop a container that has exited */
	if (st == ST_CREATING)
		return herr_set(e, ESRCH, "container `%s` is not running",
				c->id);
	/* in a sandbox the cgroup holds the VMM alone, which passes a
	 * signal to the container's process only; SIGKILL ends the VM, and
	 * so everything in it, as it is */
	if (all && sig != SIGKILL && st == ST_RUNNING && sandbox_is_vm(c))
		return sandbox_signal_all(c, sig, e);
	/* as runc: --all reaches what is left in the cgroup after the init
	 * died (a container in the host's pid namespace leaves processes
	 * behind); an empty cgroup is success */
	if (all)
		return container_kill_all(c, sig, e);
	if (st == ST_STOPPED)
		return herr_set(e, ESRCH, "container `%s` is not running",
				c->id);
	/* pidfd: the signal cannot reach a recycled pid */
	pfd = syscall(SYS_pidfd_open, c->st.pid, 0);
	if (pfd < 0 || !container_pid_alive(c))
		return herr_set(e, ESRCH, "container `%s` is not running",
				c->id);
	if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0)
		return herr_sys(e, "kill container `%s`", c->id);
	return 0;
}

static int cmd_kill(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	_cleanup_container_ struct container *c = NULL;
	bool all = false;
	int sig = SIGTERM, opt;
	struct herr e;

	while ((opt = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'h')
			return command_usage("kill", stdout), 0;
		else
			return 1;
	}
	if (optind != argc - 1 && optind != argc - 2) {
		fprintf(stderr, "hutch kill: expected ID [SIGNAL]\n");
		return 1;
	}
	if (optind == argc - 2 && (sig = signal_parse(argv[argc - 1])) < 0) {
		fprintf(stderr, "hutch kill: unknown signal `%s`\n",
			argv[argc - 1]);
		return 1;
	}
	if (container_load(g->root, argv[optind], &c, &e) < 0 ||
	    kill_container(c, sig, all, &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(kill, .name = "kill", .usage = "[--all] ID [SIGNAL]",
	      .summary = "send a signal (default SIGTERM) to the container",
	      .main = cmd_kill);
