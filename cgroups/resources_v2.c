/* linux.resources on cgroup v2: memory, cpu, io.  The OCI fields are v1
 * shaped; the conversions below are the ones runc and crun use, so a
 * config means the same under every runtime. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

static int unsupported(const char *field, const char *why, struct herr *e)
{
	return cg_field_err(e, ENOTSUP, field, "not supported on cgroup v2 (%s)",
			    why);
}

/* OCI swap is memory+swap (v1 memsw); memory.swap.max is swap alone */
static int swap(int fd, const struct spec_memory *m, struct herr *e)
{
	char buf[24];
	int64_t limit = m->limit;
	uint64_t cur;

	if (m->swap < 0)
		return cg_set(fd, "memory.swap.max", "memory.swap", e, "max");
	if (!m->has_limit) {
		if (cg_read_u64(fd, "memory.max", &cur, e) < 0)
			return herr_wrap(e, "linux.resources.memory.swap");
		limit = cur == UINT64_MAX ? -1 : (int64_t)cur;
	}
	if (limit < 0)
		return cg_field_err(e, EINVAL, "memory.swap",
				    "a swap limit needs a memory limit");
	if (m->swap < limit)
		return cg_field_err(e, EINVAL, "memory.swap",
				    "%lld (memory+swap) is below memory.limit "
				    "%lld", (long long)m->swap,
				    (long long)limit);
	if (!cg_has_file(fd, "memory.swap.max") && m->swap == limit)
		return 0; /* no swap accounting, and no swap asked for */
	return cg_set(fd, "memory.swap.max", "memory.swap", e, "%s",
		      cg_max(m->swap - limit, buf));
}

static int memory_v1_fields(const struct spec_memory *m, struct herr *e)
{
	if (m->has_kernel || m->has_kernel_tcp)
		cg_debug("cgroup: linux.resources.memory.kernel/kernelTCP "
			 "ignored: cgroup v2 has no kernel memory limits");
	if (m->has_swappiness)
		return unsupported("memory.swappiness",
				   "no per-cgroup swappiness", e);
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return unsupported("memory.disableOOMKiller",
				   "the OOM killer cannot be turned off", e);
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return unsupported("memory.useHierarchy",
				   "v2 is always hierarchical", e);
	return 0;
}

int cg_v2_memory(int fd, const struct spec_memory *m, struct herr *e)
{
	char buf[24];
	uint64_t usage;

	if (memory_v1_fields(m, e) < 0)
		return -1;
	if (m->has_check_before_update && m->check_before_update &&
	    m->has_limit && m->limit >= 0 &&
	    cg_read_u64(fd, "memory.current", &usage, e) == 0 &&
	    usage > (uint64_t)m->limit)
		return cg_field_err(e, EBUSY, "memory.limit",
				    "%lld is below the current usage %llu",
				    (long long)m->limit,
				    (unsigned long long)usage);
	if (m->has_limit &&
	    cg_set(fd, "memory.max", "memory.limit", e, "%s",
		   cg_max(m->limit, buf)) < 0)
		return -1;
	if (m->has_swap && swap(fd, m, e) < 0)
		return -1;
	if (m->has_reservation &&
	    cg_set(fd, "memory.low", "memory.reservation", e, "%s",
		   cg_max(m->reservation, buf)) < 0)
		return -1;
	return 0;
}

/* shares 2..262144 -> weight 1..10000, linearly (runc, crun < 1.23) */
static uint64_t shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* cpu.max holds quota and period together: keep the one not given */
static int cpu_max(int fd, const struct spec_cpu *c, struct herr *e)
{
	_cleanup_free_ char *cur = NULL;
	char quota[24] = "max";
	unsigned long long period = 100000;
	const char *field = c->has_quota ? "cpu.quota" : "cpu.period";

	if (cg_read(fd, "cpu.max", &cur, e) < 0)
		return herr_wrap(e, "linux.resources.%s", field);
	sscanf(cur, "%23s %llu", quota, &period);
	if (c->has_quota)
		cg_max(c->quota, quota);
	if (c->has_period)
		period = c->period;
	return cg_set(fd, "cpu.max", field, e, "%s %llu", quota, period);
}

int cg_v2_cpu(int fd, const struct spec_cpu *c, struct herr *e)
{
	if ((c->has_realtime_runtime && c->realtime_runtime) ||
	    (c->has_realtime_period && c->realtime_period))
		return unsupported(c->has_realtime_runtime
					   ? "cpu.realtimeRuntime"
					   : "cpu.realtimePeriod",
				   "no realtime group scheduling", e);
	if (c->has_shares && c->shares &&
	    cg_set(fd, "cpu.weight", "cpu.shares", e, "%llu",
		   (unsigned long long)shares_to_weight(c->shares)) < 0)
		return -1;
	if ((c->has_quota || c->has_period) && cpu_max(fd, c, e) < 0)
		return -1;
	if (c->has_burst &&
	    cg_set(fd, "cpu.max.burst", "cpu.burst", e, "%llu",
		   (unsigned long long)c->burst) < 0)
		return -1;
	if (c->has_idle &&
	    cg_set(fd, "cpu.idle", "cpu.idle", e, "%lld", (long long)c->idle) < 0)
		return -1;
	return 0;
}

/* blkio weight 10..1000 -> io.weight 1..10000; BFQ's io.bfq.weight keeps
 * the blkio range */
static int io_weight(int fd, const char *field, const char *dev, unsigned w,
		     struct herr *e)
{
	if (cg_has_file(fd, "io.bfq.weight"))
		return cg_set(fd, "io.bfq.weight", field, e, "%s%u", dev, w);
	if (w < 10)
		w = 10;
	return cg_set(fd, "io.weight", field, e, "%s%u", dev,
		      1 + (w - 10) * 9999 / 990);
}

static int io_max(int fd, const char *key, const char *field,
		  const struct spec_throttle_device *t, size_t n,
		  struct herr *e)
{
	for (size_t i = 0; i < n; i++) {
		char f[64], buf[24];

		snprintf(f, sizeof(f), "blockIO.%s[%zu]", field, i);
		/* v1 takes 0 as "no limit"; v2 spells that "max" */
		if (cg_set(fd, "io.max", f, e, "%lld:%lld %s=%s",
			   (long long)t[i].major, (long long)t[i].minor, key,
			   t[i].rate ? cg_max((int64_t)t[i].rate, buf)
				     : "max") < 0)
			return -1;
	}
	return 0;
}

int cg_v2_io(int fd, const struct spec_blkio *b, struct herr *e)
{
	if (b->has_leaf_weight)
		return unsupported("blockIO.leafWeight", "no leaf weights", e);
	if (b->has_weight &&
	    io_weight(fd, "blockIO.weight", "default ", b->weight, e) < 0)
		return -1;
	for (size_t i = 0; i < b->nweight_device; i++) {
		const struct spec_weight_device *w = &b->weight_device[i];
		char f[64], dev[48];

		snprintf(f, sizeof(f), "blockIO.weightDevice[%zu]", i);
		if (w->has_leaf_weight)
			return unsupported(f, "no leaf weights", e);
		snprintf(dev, sizeof(dev), "%lld:%lld ", (long long)w->major,
			 (long long)w->minor);
		if (w->has_weight && io_weight(fd, f, dev, w->weight, e) < 0)
			return -1;
	}
	if (io_max(fd, "rbps", "throttleReadBpsDevice", b->throttle_read_bps,
		   b->nthrottle_read_bps, e) < 0 ||
	    io_max(fd, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps,
		   b->nthrottle_write_bps, e) < 0 ||
	    io_max(fd, "riops", "throttleReadIOPSDevice", b->throttle_read_iops,
		   b->nthrottle_read_iops, e) < 0 ||
	    io_max(fd, "wiops", "throttleWriteIOPSDevice",
		   b->throttle_write_iops, b->nthrottle_write_iops, e) < 0)
		return -1;
	return 0;
}
