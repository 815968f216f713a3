/* hutch events [--stats] [--interval DUR] ID: runc's event stream, one JSON
 * object a line:
 *   {"type":"stats","id":"ID","data":{"cpu":..,"memory":..,"pids":..}}
 *   {"type":"oom","id":"ID"}
 * --stats prints one stats event and exits; otherwise stats come every
 * interval (default 5s) and OOM events as the kernel reports them, until
 * the container stops. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>

#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

static int print_stats(struct cgroup *cg, const char *id, struct herr *e)
{
	struct strbuf b = {0};

	strbuf_puts(&b, "{\"type\":\"stats\",\"id\":");
	strbuf_json_string(&b, id);
	strbuf_puts(&b, ",\"data\":");
	if (cgroup_stats_json(cg, &b, e) < 0) {
		strbuf_free(&b);
		return -1;
	}
	strbuf_puts(&b, "}\n");
	fputs(b.buf, stdout);
	fflush(stdout);
	strbuf_free(&b);
	return 0;
}

static void print_oom(const char *id)
{
	struct strbuf b = {0};

	strbuf_puts(&b, "{\"type\":\"oom\",\"id\":");
	strbuf_json_string(&b, id);
	strbuf_puts(&b, "}\n");
	fputs(b.buf, stdout);
	fflush(stdout);
	strbuf_free(&b);
}

/* a new OOM since we last looked?  `certain` OOMs were notified already
 * (v1), and the counters may catch up with them only later. */
static void check_oom(struct cgroup *cg, const char *id, uint64_t *seen,
		      uint64_t certain)
{
	uint64_t now = 0;
	struct herr e;

	if (cgroup_oom_events(cg, &now, &e) < 0)
		now = 0;
	if (now > *seen || certain) {
		*seen = now > *seen + certain ? now : *seen + certain;
		print_oom(id);
	}
}

static int stream(struct cgroup *cg, const char *id, pid_t pid,
		  uint64_t interval_ns, struct herr *e)
{
	_cleanup_close_ int oom = cgroup_oom_fd(cg, e);
	_cleanup_close_ int pfd = syscall(SYS_pidfd_open, pid, 0);
	uint64_t seen = 0, next = now_ns() + interval_ns;

	if (oom < 0)
		return -1;
	if (pfd < 0)
		return 0; /* already gone */
	cgroup_oom_events(cg, &seen, e);
	for (;;) {
		struct pollfd p[2] = {{.fd = oom, .events = POLLIN},
				      {.fd = pfd, .events = POLLIN}};
		uint64_t t = now_ns();
		int wait_ms = t >= next ? 0 : (int)((next - t + 999999) / 1000000);

		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			return herr_sys(e, "poll");
		/* the end first: v1 also signals the eventfd when the cgroup
		 * is removed, which is no OOM; the counters tell then */
		if (p[1].revents & POLLIN) {
			check_oom(cg, id, &seen, 0); /* the kill that ended it */
			return 0;
		}
		if (p[0].revents & POLLIN)
			check_oom(cg, id, &seen, cgroup_oom_drain(oom));
		if (now_ns() >= next) {
			if (print_stats(cg, id, e) < 0)
				return -1;
			next += interval_ns;
		}
	}
}

static int events(struct globals *g, const char *id, bool once,
		  uint64_t interval_ns, struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;
	_cleanup_cgroup_ struct cgroup *cg = NULL;

	if (container_load_live(g, id, &c, &cg, e) < 0)
		return -1;
	/* a long stream must not hold the container's lock (delete) */
	container_unlock(c);
	if (once)
		return print_stats(cg, id, e);
	return stream(cg, id, c->st.pid, interval_ns, e);
}

static int cmd_events(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"stats", no_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t interval = 5000000000ull;
	bool once = false;
	struct herr e;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return command_usage("events", stdout), 0;
		if (c == 's')
			once = true;
		else if (c == 'i') {
			if (parse_duration_ns(optarg, &interval) < 0) {
				fprintf(stderr, "hutch events: --interval: `%s` "
					"is not a duration (like 5s, 500ms)\n",
					optarg);
				return 1;
			}
		} else
			return 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hutch events: expected one container id\n");
		return 1;
	}
	if (events(g, argv[optind], once, interval, &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(events, .name = "events",
	      .usage = "[--stats] [--interval DURATION] ID",
	      .summary = "stream a container's stats and OOM events as JSON",
	      .main = cmd_events);
