/* linux.resources on cgroup v1 hierarchies: memory, cpu, blkio. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

/* Kernel memory limits are deprecated since 5.4 and were removed in 6.x;
 * like runc, a request for them is noted and otherwise ignored when the
 * kernel no longer has the file or refuses the write. */
static int kmem(int fd, const char *file, const char *field, int64_t v,
		struct herr *e)
{
	if (!cg_has_file(fd, file)) {
		cg_debug("cgroup: linux.resources.%s ignored: the kernel has "
			 "no kernel memory limits", field);
		return 0;
	}
	if (cg_writef(fd, file, e, "%lld", (long long)v) == 0) {
		uint64_t now = 0;
		/* 6.x keeps the file but ignores what is written to it */
		if (v >= 0 && cg_read_u64(fd, file, &now, e) == 0 &&
		    now > (uint64_t)v + 4096)
			cg_debug("cgroup: linux.resources.%s ignored: this kernel "
				 "no longer enforces kernel memory limits", field);
		return 0;
	}
	if (e->errnum == EOPNOTSUPP || e->errnum == ENOTSUP) {
		cg_debug("cgroup: linux.resources.%s ignored: %s", field,
			 e->msg);
		return 0;
	}
	return herr_wrap(e, "linux.resources.%s", field);
}

static int check_usage(int fd, const char *file, const struct spec_memory *m,
		       struct herr *e)
{
	uint64_t usage;

	if (!m->has_check_before_update || !m->check_before_update ||
	    !m->has_limit || m->limit < 0)
		return 0;
	if (cg_read_u64(fd, file, &usage, e) < 0)
		return herr_wrap(e, "linux.resources.memory.limit");
	if (usage > (uint64_t)m->limit)
		return cg_field_err(e, EBUSY, "memory.limit",
				    "%lld is below the current usage %llu",
				    (long long)m->limit,
				    (unsigned long long)usage);
	return 0;
}

/* memory.memsw.limit_in_bytes (memory+swap) must stay >= the memory limit
 * at every moment: raising both needs swap first, lowering memory first */
static int limit_and_swap(int fd, const struct spec_memory *m, struct herr *e)
{
	const char *mem = "memory.limit_in_bytes";
	const char *sw = "memory.memsw.limit_in_bytes";

	if (!m->has_swap)
		return m->has_limit ? cg_set(fd, mem, "memory.limit", e, "%lld",
					     (long long)m->limit)
				    : 0;
	if (!cg_has_file(fd, sw)) {
		if (m->swap < 0 || (m->has_limit && m->swap == m->limit))
			return m->has_limit ? cg_set(fd, mem, "memory.limit", e,
						     "%lld", (long long)m->limit)
					    : 0;
		return cg_field_err(e, ENOTSUP, "memory.swap",
				    "swap accounting is off in this kernel");
	}
	if (m->has_limit && cg_writef(fd, mem, e, "%lld", (long long)m->limit) < 0) {
		if (e->errnum != EINVAL)
			return herr_wrap(e, "linux.resources.memory.limit");
		if (cg_set(fd, sw, "memory.swap", e, "%lld", (long long)m->swap) < 0)
			return -1;
		return cg_set(fd, mem, "memory.limit", e, "%lld",
			      (long long)m->limit);
	}
	return cg_set(fd, sw, "memory.swap", e, "%lld", (long long)m->swap);
}

int cg_v1_memory(int fd, const struct spec_memory *m, struct herr *e)
{
	if (check_usage(fd, "memory.usage_in_bytes", m, e) < 0 ||
	    limit_and_swap(fd, m, e) < 0)
		return -1;
	if (m->has_reservation &&
	    cg_set(fd, "memory.soft_limit_in_bytes", "memory.reservation", e,
		   "%lld", (long long)m->reservation) < 0)
		return -1;
	if (m->has_kernel &&
	    kmem(fd, "memory.kmem.limit_in_bytes", "memory.kernel", m->kernel,
		 e) < 0)
		return -1;
	if (m->has_kernel_tcp &&
	    kmem(fd, "memory.kmem.tcp.limit_in_bytes", "memory.kernelTCP",
		 m->kernel_tcp, e) < 0)
		return -1;
	if (m->has_swappiness &&
	    cg_set(fd, "memory.swappiness", "memory.swappiness", e, "%llu",
		   (unsigned long long)m->swappiness) < 0)
		return -1;
	if (m->has_disable_oom_killer &&
	    cg_set(fd, "memory.oom_control", "memory.disableOOMKiller", e,
		   "%d", m->disable_oom_killer) < 0)
		return -1;
	if (m->has_use_hierarchy &&
	    cg_set(fd, "memory.use_hierarchy", "memory.useHierarchy", e, "%d",
		   m->use_hierarchy) < 0)
		return -1;
	return 0;
}

/* cfs period and quota are checked against each other (and the parent) on
 * every write: if period first is refused, try quota first */
static int quota_period(int fd, const struct spec_cpu *c, struct herr *e)
{
	const char *qf = "cpu.cfs_quota_us", *pf = "cpu.cfs_period_us";

	if (c->has_period &&
	    cg_set(fd, pf, "cpu.period", e, "%llu",
		   (unsigned long long)c->period) < 0) {
		if (!c->has_quota || e->errnum != EINVAL)
			return -1;
		if (cg_set(fd, qf, "cpu.quota", e, "%lld", (long long)c->quota) < 0)
			return -1;
		return cg_set(fd, pf, "cpu.period", e, "%llu",
			      (unsigned long long)c->period);
	}
	if (c->has_quota &&
	    cg_set(fd, qf, "cpu.quota", e, "%lld", (long long)c->quota) < 0)
		return -1;
	return 0;
}

int cg_v1_cpu(int fd, const struct spec_cpu *c, struct herr *e)
{
	if (c->has_shares &&
	    cg_set(fd, "cpu.shares", "cpu.shares", e, "%llu",
		   (unsigned long long)c->shares) < 0)
		return -1;
	if (quota_period(fd, c, e) < 0)
		return -1;
	if (c->has_burst &&
	    cg_set(fd, "cpu.cfs_burst_us", "cpu.burst", e, "%llu",
		   (unsigned long long)c->burst) < 0)
		return -1;
	/* the runtime is checked against the period: period first */
	if (c->has_realtime_period &&
	    cg_set(fd, "cpu.rt_period_us", "cpu.realtimePeriod", e, "%llu",
		   (unsigned long long)c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime &&
	    cg_set(fd, "cpu.rt_runtime_us", "cpu.realtimeRuntime", e, "%lld",
		   (long long)c->realtime_runtime) < 0) {
		/* the budget comes out of the parent's, 0 below the root */
		if (e->errnum == EINVAL)
			cg_field_err(e, EINVAL, "cpu.realtimeRuntime",
				     "%lld is more than the parent cgroup's "
				     "cpu.rt_runtime_us leaves",
				     (long long)c->realtime_runtime);
		return -1;
	}
	if (c->has_idle &&
	    cg_set(fd, "cpu.idle", "cpu.idle", e, "%lld", (long long)c->idle) < 0)
		return -1;
	return 0;
}

/* CFQ had blkio.weight; with BFQ (5.0+) the files are blkio.bfq.* */
static const char *blkio_file(int fd, const char *cfq, const char *bfq)
{
	return cg_has_file(fd, cfq) || !cg_has_file(fd, bfq) ? cfq : bfq;
}

static int throttles(int fd, const char *file, const char *field,
		     const struct spec_throttle_device *t, size_t n,
		     struct herr *e)
{
	for (size_t i = 0; i < n; i++) {
		char f[64];

		snprintf(f, sizeof(f), "blockIO.%s[%zu]", field, i);
		if (cg_set(fd, file, f, e, "%lld:%lld %llu",
			   (long long)t[i].major, (long long)t[i].minor,
			   (unsigned long long)t[i].rate) < 0)
			return -1;
	}
	return 0;
}

static int weight_devices(int fd, const struct spec_blkio *b, struct herr *e)
{
	const char *wf = blkio_file(fd, "blkio.weight_device",
				    "blkio.bfq.weight_device");

	for (size_t i = 0; i < b->nweight_device; i++) {
		const struct spec_weight_device *w = &b->weight_device[i];
		char f[64];

		snprintf(f, sizeof(f), "blockIO.weightDevice[%zu]", i);
		if (w->has_weight &&
		    cg_set(fd, wf, f, e, "%lld:%lld %u", (long long)w->major,
			   (long long)w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight &&
		    cg_set(fd, "blkio.leaf_weight_device", f, e,
			   "%lld:%lld %u", (long long)w->major,
			   (long long)w->minor, w->leaf_weight) < 0)
			return -1;
	}
	return 0;
}

int cg_v1_blkio(int fd, const struct spec_blkio *b, struct herr *e)
{
	if (b->has_weight &&
	    cg_set(fd, blkio_file(fd, "blkio.weight", "blkio.bfq.weight"),
		   "blockIO.weight", e, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight &&
	    cg_set(fd, "blkio.leaf_weight", "blockIO.leafWeight", e, "%u",
		   b->leaf_weight) < 0)
		return -1;
	if (weight_devices(fd, b, e) < 0 ||
	    throttles(fd, "blkio.throttle.read_bps_device", "throttleReadBpsDevice",
		      b->throttle_read_bps, b->nthrottle_read_bps, e) < 0 ||
	    throttles(fd, "blkio.throttle.write_bps_device",
		      "throttleWriteBpsDevice", b->throttle_write_bps,
		      b->nthrottle_write_bps, e) < 0 ||
	    throttles(fd, "blkio.throttle.read_iops_device",
		      "throttleReadIOPSDevice", b->throttle_read_iops,
		      b->nthrottle_read_iops, e) < 0 ||
	    throttles(fd, "blkio.throttle.write_iops_device",
		      "throttleWriteIOPSDevice", b->throttle_write_iops,
		      b->nthrottle_write_iops, e) < 0)
		return -1;
	return 0;
}
