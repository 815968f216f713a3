/* The container series.  Each round runs every runtime once, in an order
 * rotated by one per round; the first O.warmup rounds are not recorded.
 * A failed run is counted (and its first message kept) but gives no
 * sample; after every container the runtime's leftovers are checked. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/hbench.h"

extern volatile sig_atomic_t stopping;

/* runtimes taking part, in round r's order */
static int order(int r, bool with_floor, struct runtime **out)
{
	struct runtime *set[MAX_RT];
	int n = 0;

	for (int i = 0; i < NRT; i++)
		if (with_floor || RT[i].kind == RT_OCI)
			set[n++] = &RT[i];
	for (int k = 0; k < n; k++)
		out[k] = set[(r + k) % n];
	return n;
}

static char *errfile(const struct runtime *rt, int slot)
{
	return fmt("%s/err/%s-%d", E.work, rt->name, slot);
}

/* argv of `run` (OCI) or of the floor */
static char **run_argv(const struct runtime *rt, const char *variant,
		       int slot, const char *id)
{
	char **a = calloc(8, sizeof(char *));

	if (rt->kind == RT_FLOOR) {
		a[0] = rt->path;
		a[1] = E.rootfs;
		a[2] = strcmp(variant, "nonet") ? "/bin/true" : "-N";
		a[3] = strcmp(variant, "nonet") ? NULL : "/bin/true";
		return a;
	}
	a[0] = rt->path;
	a[1] = "--root";
	a[2] = rt->state;
	a[3] = "run";
	a[4] = "-b";
	a[5] = bundle_for(rt, variant, slot);
	a[6] = (char *)id;
	return a[5] ? a : NULL;
}

static void record_run(const char *group, const struct runtime *rt,
		       const struct result *r)
{
	add(group, rt->name, "wall", "ms", r->wall_ms);
	add(group, rt->name, "cpu", "ms", r->cpu_ms);
	add(group, rt->name, "maxrss", "KiB", (double)r->maxrss_kib);
}

/* --alt builds against hutch, paired by round: the median of per-round
 * differences is far steadier than a difference of medians when the
 * machine's load drifts */
static void record_deltas(struct result *res, bool *ok)
{
	for (int i = 1; i < NRT; i++) {
		if (!RT[i].alt || !ok[0] || !ok[i])
			continue;
		add("run-delta", RT[i].name, "wall", "ms",
		    res[i].wall_ms - res[0].wall_ms);
		add("run-delta", RT[i].name, "cpu", "ms",
		    res[i].cpu_ms - res[0].cpu_ms);
	}
}

/* group "run": the bench's config; "run-seccomp": the same with the
 * bench's seccomp profile (variant "seccomp") */
void series_run(const char *group, const char *variant, int rounds)
{
	struct runtime *ord[MAX_RT];
	struct result res[MAX_RT];
	bool ok[MAX_RT];

	printf("%s /bin/true: %d warm-up + %d rounds\n", group, O.warmup,
	       rounds);
	for (int r = 0; r < O.warmup + rounds && !stopping; r++) {
		/* the floor has no seccomp: it takes part in "run" only */
		int n = order(r, !strcmp(variant, "net"), ord);

		for (int k = 0; k < n; k++) {
			struct runtime *rt = ord[k];
			int i = (int)(rt - RT);
			char *id = fmt("hb-%s-%s-%d", rt->name, variant, r);
			char **argv = run_argv(rt, variant, 0, id);
			char *ef = errfile(rt, 0);

			if (!argv)
				return;
			ok[i] = proc_run(rt, argv, ef, &res[i]) == 0;
			if (!ok[i])
				note_failure(rt, ef, "run");
			else if (r >= O.warmup)
				record_run(group, rt, &res[i]);
			proc_reap_strays();
			if (rt->kind == RT_OCI)
				leftovers_check(rt, id, cgroup_for(rt, variant, 0));
			free(argv);
			free(id);
			free(ef);
		}
		if (r >= O.warmup && !strcmp(group, "run"))
			record_deltas(res, ok);
	}
}

static pid_t read_pid(const char *path)
{
	char *s = read_text(path);
	long v = s ? strtol(s, NULL, 10) : 0;

	free(s);
	unlink(path);
	return (pid_t)v;
}

/* the container's init is ours (subreaper) once `create` has exited */
static void wait_container(pid_t pid)
{
	double t0 = now_ms();

	if (pid <= 0)
		return;
	while (waitpid(pid, NULL, 0) < 0) {
		if (errno == EINTR)
			continue;
		/* not our child: poll until it is gone (10 s at most) */
		while (kill(pid, 0) == 0 && now_ms() - t0 < 10000)
			usleep(1000);
		return;
	}
}

static int one_lifecycle(struct runtime *rt, const char *variant, int r)
{
	char *id = fmt("hb-%s-%s-%d", rt->name, variant, r);
	char *bundle = bundle_for(rt, variant, 0);
	char *pidf = fmt("%s/%s.pid", E.work, rt->name);
	char *ef = errfile(rt, 0);
	char *group = fmt("life-%s", variant);
	char *create[] = {rt->path, "--root", rt->state, "create", "-b", bundle,
			  "--pid-file", pidf, id, NULL};
	char *start[] = {rt->path, "--root", rt->state, "start", id, NULL};
	char *del[] = {rt->path, "--root", rt->state, "delete", id, NULL};
	char *force[] = {rt->path, "--root", rt->state, "delete", "--force",
			 id, NULL};
	struct result c, s, d;
	int ok = -1;

	if (!bundle)
		return -1;
	if (proc_run(rt, create, ef, &c) < 0) {
		note_failure(rt, ef, "create");
		goto out;
	}
	if (proc_run(rt, start, ef, &s) < 0) {
		note_failure(rt, ef, "start");
		proc_run(rt, force, ef, &d);
		goto out;
	}
	wait_container(read_pid(pidf));
	if (proc_run(rt, del, ef, &d) < 0) {
		note_failure(rt, ef, "delete");
		proc_run(rt, force, ef, &d);
		goto out;
	}
	ok = 0;
	if (r >= O.warmup) {
		add(group, rt->name, "create", "ms", c.wall_ms);
		add(group, rt->name, "start", "ms", s.wall_ms);
		add(group, rt->name, "delete", "ms", d.wall_ms);
		add(group, rt->name, "total", "ms",
		    c.wall_ms + s.wall_ms + d.wall_ms);
		add(group, rt->name, "cpu", "ms", c.cpu_ms + s.cpu_ms + d.cpu_ms);
		add(group, rt->name, "maxrss", "KiB", (double)c.maxrss_kib);
	}
out:
	proc_reap_strays();
	leftovers_check(rt, id, cgroup_for(rt, variant, 0));
	free(id);
	free(pidf);
	free(ef);
	free(group);
	return ok;
}

void series_lifecycle(const char *variant)
{
	struct runtime *ord[MAX_RT];

	printf("create -> start -> delete, %s: %d warm-up + %d rounds\n",
	       strcmp(variant, "net") ? "no network namespace"
				      : "with a network namespace",
	       O.warmup, O.rounds_life);
	for (int r = 0; r < O.warmup + O.rounds_life && !stopping; r++) {
		int n = order(r, false, ord);

		for (int k = 0; k < n; k++)
			one_lifecycle(ord[k], variant, r);
	}
}

/* O.par_n containers of one runtime at once; throughput = n / batch time */
static void one_batch(struct runtime *rt, int r)
{
	pid_t *pid = calloc((size_t)O.par_n, sizeof(pid_t));
	char **ids = calloc((size_t)O.par_n, sizeof(char *));
	char **efs = calloc((size_t)O.par_n, sizeof(char *));
	struct result res;
	int failed = 0;
	double t0, t1;

	for (int i = 0; i < O.par_n; i++) {
		ids[i] = fmt("hb-%s-par-%d-%d", rt->name, r, i);
		efs[i] = errfile(rt, i);
		if (rt->kind == RT_OCI && !bundle_for(rt, "net", i))
			goto out; /* made before the clock starts */
	}
	proc_ns(rt, true);
	t0 = now_ms();
	for (int i = 0; i < O.par_n; i++) {
		char **argv = run_argv(rt, "net", i, ids[i]);

		pid[i] = proc_spawn(argv, efs[i], -1);
		free(argv);
	}
	/* reap in the order they end: each latency is its own */
	for (int left = O.par_n, i; left > 0; left--) {
		if (proc_wait(-1, t0, &res) < 0)
			break;
		for (i = 0; i < O.par_n && pid[i] != res.pid; i++)
			;
		if (i == O.par_n) {
			left++; /* a stray, not one of ours */
			continue;
		}
		pid[i] = 0;
		if (res.status) {
			failed++;
			note_failure(rt, efs[i], "parallel run");
		} else if (r >= O.warmup) {
			add("par", rt->name, "latency", "ms", res.wall_ms);
		}
	}
	t1 = now_ms();
	proc_ns(rt, false);
	for (int i = 0; i < O.par_n; i++)
		if (pid[i] < 0)
			failed++; /* not spawned */
	if (!failed && r >= O.warmup) {
		add("par", rt->name, "batch", "ms", t1 - t0);
		add("par", rt->name, "throughput", "/s", O.par_n * 1000.0 / (t1 - t0));
	}
out:
	proc_reap_strays();
	for (int i = 0; i < O.par_n; i++) {
		if (rt->kind == RT_OCI)
			leftovers_check(rt, ids[i], cgroup_for(rt, "net", i));
		free(ids[i]);
		free(efs[i]);
	}
	free(pid);
	free(ids);
	free(efs);
}

void series_parallel(void)
{
	struct runtime *ord[MAX_RT];

	printf("parallel: %d containers at once, %d warm-up + %d rounds\n",
	       O.par_n, O.warmup, O.rounds_par);
	for (int r = 0; r < O.warmup + O.rounds_par && !stopping; r++) {
		int n = order(r, true, ord);

		for (int k = 0; k < n; k++)
			one_batch(ord[k], r);
	}
}

/* the binary, and the binary with the shared libraries ldd resolves */
static double libs_kib(const char *path)
{
	char *out = fmt("%s/ldd.out", E.work), *text, *p;
	double kib = 0;
	struct stat st;

	/* ldd says "not a dynamic executable" on stderr for a static one */
	if (sh_run((char *[]){"sh", "-c", "exec ldd \"$1\" 2>/dev/null", "sh",
			      (char *)path, NULL}, out) != 0) {
		free(out);
		return 0; /* static: "not a dynamic executable" */
	}
	text = read_text(out);
	for (p = text; p && *p;) {
		char lib[512], *nl = strchr(p, '\n');
		char *slash = strchr(p, '/');

		if (slash && (!nl || slash < nl) &&
		    sscanf(slash, "%511[^ (\n]", lib) == 1 && stat(lib, &st) == 0)
			kib += (double)st.st_size / 1024;
		p = nl ? nl + 1 : NULL;
	}
	free(text);
	free(out);
	return kib;
}

void series_sizes(void)
{
	struct stat st;

	for (int i = 0; i < NRT; i++) {
		if (stat(RT[i].path, &st) < 0)
			continue;
		add("size", RT[i].name, "binary", "KiB", (double)st.st_size / 1024);
		add("size", RT[i].name, "with_libs", "KiB",
		    (double)st.st_size / 1024 + libs_kib(RT[i].path));
	}
}
