/* hutch update [FLAGS] [--resources FILE|-] ID: change the cgroup limits of
 * a running (or paused, or created) container.  runc's flags; a flag wins
 * over the same field in the --resources JSON (linux.resources shape). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>

#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

enum {
	O_BLKIO_WEIGHT = 256, O_CPU_PERIOD, O_CPU_QUOTA, O_CPU_BURST,
	O_CPU_RT_PERIOD, O_CPU_RT_RUNTIME, O_CPU_SHARES, O_CPUSET_CPUS,
	O_CPUSET_MEMS, O_CPU_IDLE, O_KMEM, O_KMEM_TCP, O_MEMORY,
	O_MEMORY_RES, O_MEMORY_SWAP, O_PIDS, O_L3, O_MEMBW,
};

static const struct option opts[] = {
	{"resources", required_argument, NULL, 'r'},
	{"blkio-weight", required_argument, NULL, O_BLKIO_WEIGHT},
	{"cpu-period", required_argument, NULL, O_CPU_PERIOD},
	{"cpu-quota", required_argument, NULL, O_CPU_QUOTA},
	{"cpu-burst", required_argument, NULL, O_CPU_BURST},
	{"cpu-rt-period", required_argument, NULL, O_CPU_RT_PERIOD},
	{"cpu-rt-runtime", required_argument, NULL, O_CPU_RT_RUNTIME},
	{"cpu-share", required_argument, NULL, O_CPU_SHARES},
	{"cpu-shares", required_argument, NULL, O_CPU_SHARES},
	{"cpuset-cpus", required_argument, NULL, O_CPUSET_CPUS},
	{"cpuset-mems", required_argument, NULL, O_CPUSET_MEMS},
	{"cpu-idle", required_argument, NULL, O_CPU_IDLE},
	{"kernel-memory", required_argument, NULL, O_KMEM},
	{"kernel-memory-tcp", required_argument, NULL, O_KMEM_TCP},
	{"memory", required_argument, NULL, O_MEMORY},
	{"memory-reservation", required_argument, NULL, O_MEMORY_RES},
	{"memory-swap", required_argument, NULL, O_MEMORY_SWAP},
	{"pids-limit", required_argument, NULL, O_PIDS},
	{"l3-cache-schema", required_argument, NULL, O_L3},
	{"mem-bw-schema", required_argument, NULL, O_MEMBW},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static const char *flag_name(int opt)
{
	for (const struct option *o = opts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static int bad(int opt, const char *v, const char *what)
{
	fprintf(stderr, "hutch update: --%s: `%s` is not %s\n", flag_name(opt),
		v, what);
	return -1;
}

static struct spec_memory *mem(struct spec_resources *r)
{
	if (!r->memory)
		r->memory = xcalloc(1, sizeof(*r->memory));
	return r->memory;
}

static struct spec_cpu *cpu(struct spec_resources *r)
{
	if (!r->cpu)
		r->cpu = xcalloc(1, sizeof(*r->cpu));
	return r->cpu;
}

static int set_memory(struct spec_resources *r, int opt, const char *v)
{
	struct spec_memory *m = mem(r);
	int64_t n;

	if (parse_size(v, &n) < 0)
		return bad(opt, v, "a size (like 512m, or -1)");
	switch (opt) {
	case O_KMEM: m->has_kernel = true, m->kernel = n; break;
	case O_KMEM_TCP: m->has_kernel_tcp = true, m->kernel_tcp = n; break;
	case O_MEMORY: m->has_limit = true, m->limit = n; break;
	case O_MEMORY_RES: m->has_reservation = true, m->reservation = n; break;
	case O_MEMORY_SWAP: m->has_swap = true, m->swap = n; break;
	}
	return 0;
}

static int set_cpu_number(struct spec_resources *r, int opt, const char *v)
{
	struct spec_cpu *c = cpu(r);
	int64_t n;

	if (parse_i64(v, &n) < 0 || n < -1 ||
	    (n < 0 && opt != O_CPU_QUOTA && opt != O_CPU_RT_RUNTIME))
		return bad(opt, v, "a number");
	switch (opt) {
	case O_CPU_PERIOD: c->has_period = true, c->period = n; break;
	case O_CPU_QUOTA: c->has_quota = true, c->quota = n; break;
	case O_CPU_BURST: c->has_burst = true, c->burst = n; break;
	case O_CPU_RT_PERIOD:
		c->has_realtime_period = true, c->realtime_period = n;
		break;
	case O_CPU_RT_RUNTIME:
		c->has_realtime_runtime = true, c->realtime_runtime = n;
		break;
	case O_CPU_SHARES: c->has_shares = true, c->shares = n; break;
	case O_CPU_IDLE: c->has_idle = true, c->idle = n; break;
	}
	return 0;
}

static int set_flag(struct spec_resources *r, int opt, const char *v)
{
	int64_t n;

	switch (opt) {
	case O_KMEM: case O_KMEM_TCP: case O_MEMORY: case O_MEMORY_RES:
	case O_MEMORY_SWAP:
		return set_memory(r, opt, v);
	case O_CPUSET_CPUS:
		free(cpu(r)->cpus);
		r->cpu->cpus = xstrdup(v);
		return 0;
	case O_CPUSET_MEMS:
		free(cpu(r)->mems);
		r->cpu->mems = xstrdup(v);
		return 0;
	case O_PIDS:
		if (parse_i64(v, &n) < 0)
			return bad(opt, v, "a number");
		r->has_pids_limit = true, r->pids_limit = n;
		return 0;
	case O_BLKIO_WEIGHT:
		if (parse_i64(v, &n) < 0 || n < 10 || n > 1000)
			return bad(opt, v, "a weight between 10 and 1000");
		if (!r->block_io)
			r->block_io = xcalloc(1, sizeof(*r->block_io));
		r->block_io->has_weight = true, r->block_io->weight = n;
		return 0;
	case O_L3: case O_MEMBW:
		fprintf(stderr, "hutch update: --%s: Intel RDT is not supported "
			"by hutch\n", flag_name(opt));
		return -1;
	}
	return set_cpu_number(r, opt, v);
}

/* "-": the JSON comes on stdin (no /dev/stdin needed) */
static int read_stdin(char **out, size_t *len, struct herr *e)
{
	struct strbuf b = {0};
	char buf[4096];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len > (1u << 20)) {
			strbuf_free(&b);
			return n < 0 ? herr_sys(e, "read stdin")
				     : herr_set(e, EFBIG, "read stdin");
		}
		strbuf_append(&b, buf, n);
	}
	*len = b.len;
	*out = strbuf_steal(&b);
	return 0;
}

static int load_resources(const char *path, struct spec_resources **r,
			  struct herr *e)
{
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int rc = !strcmp(path, "-")
			 ? read_stdin(&json, &len, e)
			 : read_file_at(AT_FDCWD, path, &json, &len, 0, e);

	if (rc < 0 || spec_resources_parse(json, len, r, e) < 0)
		return herr_wrap(e, "--resources `%s`", path);
	return 0;
}

static int update(struct globals *g, const char *id,
		  const struct spec_resources *r, struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;
	_cleanup_cgroup_ struct cgroup *cg = NULL;

	if (container_load_live(g, id, &c, &cg, e) < 0 ||
	    cgroup_update(cg, r, e) < 0)
		return herr_wrap(e, "update container `%s`", id);
	return 0;
}

static int cmd_update(struct globals *g, int argc, char **argv)
{
	struct spec_resources *r = NULL;
	const char *file = NULL;
	int opt, rc = 1;
	struct herr e;
	/* flags are applied after --resources is read, whatever their order */
	int flags[64], nflags = 0;
	char *vals[64];

	while ((opt = getopt_long(argc, argv, "+r:h", opts, NULL)) != -1) {
		if (opt == 'h')
			return command_usage("update", stdout), 0;
		if (opt == 'r')
			file = optarg;
		else if (opt == '?' || nflags == 64)
			return 1;
		else
			flags[nflags] = opt, vals[nflags++] = optarg;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hutch update: expected one container id\n");
		return 1;
	}
	if (file && load_resources(file, &r, &e) < 0)
		return log_fail(&e);
	if (!r)
		r = xcalloc(1, sizeof(*r));
	for (int i = 0; i < nflags; i++)
		if (set_flag(r, flags[i], vals[i]) < 0)
			goto out;
	rc = update(g, argv[optind], r, &e) < 0 ? log_fail(&e) : 0;
out:
	spec_resources_free(r);
	return rc;
}

HUTCH_COMMAND(update, .name = "update",
	      .usage = "[--resources FILE|-] [--memory SIZE] [--memory-swap SIZE] "
		       "[--memory-reservation SIZE] [--kernel-memory SIZE] "
		       "[--cpu-shares N] [--cpu-quota N] [--cpu-period N] "
		       "[--cpu-burst N] [--cpu-rt-period N] [--cpu-rt-runtime N] "
		       "[--cpuset-cpus LIST] [--cpuset-mems LIST] [--cpu-idle 0|1] "
		       "[--pids-limit N] [--blkio-weight N] ID",
	      .summary = "change the resource limits of a container",
	      .main = cmd_update);
