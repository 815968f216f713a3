/* linux.resources -> cgroupfs.  Each controller is written in the dialect
 * of the hierarchy that holds it: on a hybrid host memory is v1
 * (memory.limit_in_bytes) while hugetlb is v2 (hugetlb.2MB.max). */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

int cg_field_err(struct herr *e, int errnum, const char *field,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return herr_set(e, errnum, "linux.resources.%s: %s", field, msg);
}

int cg_set(int fd, const char *file, const char *field, struct herr *e,
	   const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (cg_write(fd, file, val, e) == 0)
		return 0;
	if (e->errnum == ENOENT)
		return cg_field_err(e, ENOTSUP, field,
				    "not available on this host (no `%s`)",
				    file);
	return herr_wrap(e, "linux.resources.%s", field);
}

const char *cg_max(int64_t v, char buf[24])
{
	if (v < 0)
		return "max";
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

static int need(struct cgroup *cg, enum cg_ctrl c, const char *field,
		struct cg_dir **out, struct herr *e)
{
	*out = cg_dir_for(cg, c);
	if (*out)
		return 0;
	return cg_field_err(e, ENOTSUP, field,
			    "the %s controller is not available on this host",
			    cg_ctrl_name(c));
}

static bool cpuset_set(const struct spec_cpu *c)
{
	return c->cpus || c->mems;
}

static bool cpu_set(const struct spec_cpu *c)
{
	return c->has_shares || c->has_quota || c->has_period ||
	       c->has_burst || c->has_realtime_runtime ||
	       c->has_realtime_period || c->has_idle;
}

static int apply_cpu(struct cgroup *cg, const struct spec_cpu *c,
		     struct herr *e)
{
	struct cg_dir *d;

	if (cpu_set(c)) {
		if (need(cg, CG_CPU, "cpu", &d, e) < 0)
			return -1;
		if ((d->m->v2 ? cg_v2_cpu : cg_v1_cpu)(d->fd, c, e) < 0)
			return -1;
	}
	if (cpuset_set(c)) {
		if (need(cg, CG_CPUSET, "cpu.cpus", &d, e) < 0 ||
		    cg_cpuset(d->fd, c, e) < 0)
			return -1;
	}
	return 0;
}

static bool memory_set(const struct spec_memory *m)
{
	return m->has_limit || m->has_reservation || m->has_swap ||
	       m->has_kernel || m->has_kernel_tcp || m->has_swappiness ||
	       m->has_disable_oom_killer || m->has_use_hierarchy;
}

static bool blkio_set(const struct spec_blkio *b)
{
	return b->has_weight || b->has_leaf_weight || b->nweight_device ||
	       b->nthrottle_read_bps || b->nthrottle_write_bps ||
	       b->nthrottle_read_iops || b->nthrottle_write_iops;
}

static int apply_net(struct cgroup *cg, const struct spec_resources *r,
		     struct herr *e)
{
	struct cg_dir *d;

	/* runc skips controllers that are not mounted; a limit the user
	 * asked for and silently did not get is worse: refuse */
	if (r->has_net_class_id &&
	    (need(cg, CG_NET_CLS, "network.classID", &d, e) < 0 ||
	     cg_set(d->fd, "net_cls.classid", "network.classID", e, "%u",
		    r->net_class_id) < 0))
		return -1;
	for (size_t i = 0; i < r->nnet_priorities; i++) {
		const struct spec_net_priority *p = &r->net_priorities[i];
		char field[64];

		snprintf(field, sizeof(field), "network.priorities[%zu]", i);
		if (need(cg, CG_NET_PRIO, field, &d, e) < 0 ||
		    cg_set(d->fd, "net_prio.ifpriomap", field, e, "%s %u",
			   p->name, p->priority) < 0)
			return -1;
	}
	return 0;
}

static int apply_rdma(struct cgroup *cg, const struct spec_resources *r,
		      struct herr *e)
{
	for (size_t i = 0; i < r->nrdma; i++) {
		const struct spec_rdma *x = &r->rdma[i];
		char field[48], h[24] = "max", o[24] = "max";
		struct cg_dir *d;

		snprintf(field, sizeof(field), "rdma[%zu]", i);
		if (x->has_hca_handles)
			snprintf(h, sizeof(h), "%u", x->hca_handles);
		if (x->has_hca_objects)
			snprintf(o, sizeof(o), "%u", x->hca_objects);
		if (need(cg, CG_RDMA, field, &d, e) < 0 ||
		    cg_set(d->fd, "rdma.max", field, e,
			   "%s hca_handle=%s hca_object=%s", x->device, h,
			   o) < 0)
			return -1;
	}
	return 0;
}

static int apply_devices(struct cgroup *cg, const struct spec_resources *r,
			 struct herr *e)
{
	_cleanup_free_ struct cg_dev_rule *rules = NULL;
	struct cg_dir *d = cg_dir_for(cg, CG_DEVICES);
	size_t n;
	int rc;

	if (!r->ndevices)
		return 0;
	if (cg_dev_rules(r, &rules, &n, e) < 0)
		return -1; /* names the rule already */
	if (d && !d->m->v2)
		rc = cg_devices_v1(d->fd, rules, n, e);
	else if ((d = cg_v2_dir(cg)))
		rc = cg_devices_bpf(d->fd, rules, n, e);
	else
		return cg_field_err(e, ENOTSUP, "devices",
				    "no devices controller and no cgroup v2");
	return rc < 0 ? herr_wrap(e, "linux.resources.devices") : 0;
}

static int apply_simple(struct cgroup *cg, const struct spec_resources *r,
			struct herr *e)
{
	struct cg_dir *d;
	char buf[24];

	if (r->memory && memory_set(r->memory) &&
	    (need(cg, CG_MEMORY, "memory", &d, e) < 0 ||
	     (d->m->v2 ? cg_v2_memory : cg_v1_memory)(d->fd, r->memory, e) < 0))
		return -1;
	if (r->cpu && apply_cpu(cg, r->cpu, e) < 0)
		return -1;
	if (r->has_pids_limit &&
	    (need(cg, CG_PIDS, "pids.limit", &d, e) < 0 ||
	     cg_set(d->fd, "pids.max", "pids.limit", e, "%s",
		    cg_max(r->pids_limit <= 0 ? -1 : r->pids_limit, buf)) < 0))
		return -1;
	if (r->block_io && blkio_set(r->block_io)) {
		enum cg_ctrl c = cg_dir_for(cg, CG_IO) ? CG_IO : CG_BLKIO;
		if (need(cg, c, "blockIO", &d, e) < 0 ||
		    (d->m->v2 ? cg_v2_io : cg_v1_blkio)(d->fd, r->block_io, e) < 0)
			return -1;
	}
	if (r->nhugepage_limits &&
	    (need(cg, CG_HUGETLB, "hugepageLimits", &d, e) < 0 ||
	     cg_hugetlb(d->fd, d->m->v2, r, e) < 0))
		return -1;
	return 0;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *r,
		  struct herr *e)
{
	/* unified last: its keys are meant to override the mapped fields */
	if (apply_simple(cg, r, e) < 0 || apply_net(cg, r, e) < 0 ||
	    apply_rdma(cg, r, e) < 0 || apply_devices(cg, r, e) < 0 ||
	    cg_unified(cg, r, e) < 0)
		return -1;
	return 0;
}
