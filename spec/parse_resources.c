/* linux.resources (config-linux.md "Control groups"), also read alone by
 * `update --resources FILE`. */
#include <ctype.h>
#include <string.h>

#include "spec/internal.h"

#define RS struct spec_resources

/* ---------- devices ---------- */

static int rule_type(struct pctx *c, const struct jnode *v, void *dst)
{
	return sp_one_letter(c, v, dst, "acb", "device type");
}

/* config-linux.md "Allowed Device list": unset type means "a", unset
 * major/minor mean "*" (-1 here); access is a composition of r, w, m */
static int check_rule(struct pctx *c, void *obj)
{
	struct spec_device_rule *r = obj;
	const char *a = r->access;

	if (!r->type)
		r->type = 'a';
	if (!r->has_major)
		r->major = -1;
	if (!r->has_minor)
		r->minor = -1;
	if (a && (!*a || a[strspn(a, "rwm")])) {
		sp_ppush_key(c, "access");
		return sp_pfail(c, "must be made of r, w and m (got \"%.20s\")",
			     a);
	}
	return 0;
}

#define DR struct spec_device_rule
static const struct fdesc rule_desc = {
	.size = sizeof(DR),
	.fields = (const struct field[]){
		FLD("allow", FK_BOOL, DR, allow, NO_AUX, F_REQUIRED),
		FCUSTOM("type", DR, type, rule_type, 0),
		FHAS("major", FK_I64, DR, major, has_major),
		FHAS("minor", FK_I64, DR, minor, has_minor),
		FLD("access", FK_STR, DR, access, NO_AUX, 0),
		{0},
	},
	.check = check_rule,
};
#undef DR

/* ---------- memory, cpu ---------- */

/* "Values for memory specify the limit in bytes, or -1 for unlimited" */
static int check_memory(struct pctx *c, void *obj)
{
	struct spec_memory *m = obj;
	const struct {
		const char *key;
		bool has;
		int64_t v;
	} vals[] = {
		{"limit", m->has_limit, m->limit},
		{"reservation", m->has_reservation, m->reservation},
		{"swap", m->has_swap, m->swap},
		{"kernel", m->has_kernel, m->kernel},
		{"kernelTCP", m->has_kernel_tcp, m->kernel_tcp},
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (vals[i].has && vals[i].v < -1)
			return sp_ppush_key(c, vals[i].key),
			       sp_pfail(c, "must be -1 (unlimited) or a "
					   "number of bytes, got %lld",
					(long long)vals[i].v);
	if (m->has_swappiness && m->swappiness > 100)
		return sp_ppush_key(c, "swappiness"),
		       sp_pfail(c, "must be between 0 and 100");
	/* swap is memory+swap: below the memory limit it cannot be met */
	if (m->has_swap && m->has_limit && m->swap > 0 && m->limit > 0 &&
	    m->swap < m->limit)
		return sp_ppush_key(c, "swap"),
		       sp_pfail(c, "memory+swap limit %lld is below the memory "
				"limit %lld", (long long)m->swap,
			     (long long)m->limit);
	return 0;
}

#define M struct spec_memory
static const struct fdesc memory_desc = {
	.size = sizeof(M),
	.fields = (const struct field[]){
		FHAS("limit", FK_I64, M, limit, has_limit),
		FHAS("reservation", FK_I64, M, reservation, has_reservation),
		FHAS("swap", FK_I64, M, swap, has_swap),
		FHAS("kernel", FK_I64, M, kernel, has_kernel),
		FHAS("kernelTCP", FK_I64, M, kernel_tcp, has_kernel_tcp),
		FHAS("swappiness", FK_U64, M, swappiness, has_swappiness),
		FHAS("disableOOMKiller", FK_BOOL, M, disable_oom_killer,
		     has_disable_oom_killer),
		FHAS("useHierarchy", FK_BOOL, M, use_hierarchy,
		     has_use_hierarchy),
		FHAS("checkBeforeUpdate", FK_BOOL, M, check_before_update,
		     has_check_before_update),
		{0},
	},
	.check = check_memory,
};
#undef M

/* shares: cgroup v1 clamps cpu.shares to 2..262144 without a word, and the
 * v2 conversion to cpu.weight is only defined on that range, so refuse the
 * rest (0 is "not set", as runc reads it); quota: -1 (max) or
 * microseconds; burst "MUST be no larger than any positive quota"; idle is
 * 0 or 1 */
static int check_cpu(struct pctx *c, void *obj)
{
	struct spec_cpu *p = obj;

	if (p->has_shares && p->shares && (p->shares < 2 ||
					   p->shares > 262144))
		return sp_ppush_key(c, "shares"),
		       sp_pfail(c, "must be between 2 and 262144, got %llu",
			     (unsigned long long)p->shares);
	if (p->has_quota && p->quota < -1)
		return sp_ppush_key(c, "quota"),
		       sp_pfail(c, "must be -1 (no limit) or a number of "
				"microseconds, got %lld", (long long)p->quota);
	if (p->has_burst && p->has_quota && p->quota > 0 &&
	    p->burst > (uint64_t)p->quota)
		return sp_ppush_key(c, "burst"),
		       sp_pfail(c, "%llu is larger than the quota %lld",
			     (unsigned long long)p->burst, (long long)p->quota);
	if (p->has_idle && p->idle != 0 && p->idle != 1)
		return sp_ppush_key(c, "idle"), sp_pfail(c, "must be 0 or 1");
	if (sp_check_cpu_list(c, "cpus", p->cpus) < 0)
		return -1;
	return sp_check_cpu_list(c, "mems", p->mems);
}

#define C struct spec_cpu
static const struct fdesc cpu_desc = {
	.size = sizeof(C),
	.fields = (const struct field[]){
		FHAS("shares", FK_U64, C, shares, has_shares),
		FHAS("quota", FK_I64, C, quota, has_quota),
		FHAS("burst", FK_U64, C, burst, has_burst),
		FHAS("period", FK_U64, C, period, has_period),
		FHAS("realtimeRuntime", FK_I64, C, realtime_runtime,
		     has_realtime_runtime),
		FHAS("realtimePeriod", FK_U64, C, realtime_period,
		     has_realtime_period),
		FLD("cpus", FK_STR, C, cpus, NO_AUX, 0),
		FLD("mems", FK_STR, C, mems, NO_AUX, 0),
		FHAS("idle", FK_I64, C, idle, has_idle),
		{0},
	},
	.check = check_cpu,
};
#undef C

/* ---------- blockIO ---------- */

/* "You MUST specify at least one of weight or leafWeight" */
static int check_wdev(struct pctx *c, void *obj)
{
	struct spec_weight_device *w = obj;

	if (!w->has_weight && !w->has_leaf_weight)
		return sp_pfail(c, "needs weight or leafWeight");
	return 0;
}

#define W struct spec_weight_device
static const struct fdesc wdev_desc = {
	.size = sizeof(W),
	.fields = (const struct field[]){
		FLD("major", FK_I64, W, major, NO_AUX, F_REQUIRED),
		FLD("minor", FK_I64, W, minor, NO_AUX, F_REQUIRED),
		FHAS("weight", FK_U16, W, weight, has_weight),
		FHAS("leafWeight", FK_U16, W, leaf_weight, has_leaf_weight),
		{0},
	},
	.check = check_wdev,
};
#undef W

#define T struct spec_throttle_device
static const struct fdesc tdev_desc = {
	.size = sizeof(T),
	.fields = (const struct field[]){
		FLD("major", FK_I64, T, major, NO_AUX, F_REQUIRED),
		FLD("minor", FK_I64, T, minor, NO_AUX, F_REQUIRED),
		FLD("rate", FK_U64, T, rate, NO_AUX, F_REQUIRED),
		{0},
	},
};
#undef T

#define B struct spec_blkio
#define THROTTLE(k, m)                                                         \
	FSUB(k, FK_ARR, B, m, offsetof(B, n##m), 0, &tdev_desc)
static const struct fdesc blkio_desc = {
	.size = sizeof(B),
	.fields = (const struct field[]){
		FHAS("weight", FK_U16, B, weight, has_weight),
		FHAS("leafWeight", FK_U16, B, leaf_weight, has_leaf_weight),
		FSUB("weightDevice", FK_ARR, B, weight_device,
		     offsetof(B, nweight_device), 0, &wdev_desc),
		THROTTLE("throttleReadBpsDevice", throttle_read_bps),
		THROTTLE("throttleWriteBpsDevice", throttle_write_bps),
		THROTTLE("throttleReadIOPSDevice", throttle_read_iops),
		THROTTLE("throttleWriteIOPSDevice", throttle_write_iops),
		{0},
	},
};
#undef B

/* ---------- hugepages, network, rdma ---------- */

/* pageSize is "<size><unit-prefix>B" (64KB, 2MB, 1GB): it names the
 * hugetlb.<pagesize>.limit_in_bytes file, so nothing else may pass */
static int check_hugepage(struct pctx *c, void *obj)
{
	const char *s = ((struct spec_hugepage_limit *)obj)->page_size;
	size_t digits = strspn(s, "0123456789");

	if (!digits || !s[digits] || !strchr("KMGT", s[digits]) ||
	    strcmp(s + digits + 1, "B"))
		return sp_ppush_key(c, "pageSize"),
		       sp_pfail(c, "must look like 2MB or 1GB (got \"%.20s\")",
				s);
	return 0;
}

static const struct fdesc hugepage_desc = {
	.size = sizeof(struct spec_hugepage_limit),
	.fields = (const struct field[]){
		FLD("pageSize", FK_STR, struct spec_hugepage_limit, page_size,
		    NO_AUX, F_REQUIRED),
		FLD("limit", FK_U64, struct spec_hugepage_limit, limit, NO_AUX,
		    F_REQUIRED),
		{0},
	},
	.check = check_hugepage,
};

static const struct fdesc prio_desc = {
	.size = sizeof(struct spec_net_priority),
	.fields = (const struct field[]){
		FLD("name", FK_STR, struct spec_net_priority, name, NO_AUX,
		    F_REQUIRED),
		FLD("priority", FK_U32, struct spec_net_priority, priority,
		    NO_AUX, F_REQUIRED),
		{0},
	},
};

/* network maps into spec_resources itself */
static const struct fdesc network_desc = {
	.fields = (const struct field[]){
		FHAS("classID", FK_U32, RS, net_class_id, has_net_class_id),
		FSUB("priorities", FK_ARR, RS, net_priorities,
		     offsetof(RS, nnet_priorities), 0, &prio_desc),
		{0},
	},
};

/* "You MUST specify at least one of the hcaHandles or hcaObjects" */
static int check_rdma(struct pctx *c, void *obj)
{
	struct spec_rdma *r = obj;

	if (!r->has_hca_handles && !r->has_hca_objects)
		return sp_pfail(c, "needs hcaHandles or hcaObjects");
	return 0;
}

static const struct fdesc rdma_desc = {
	.size = sizeof(struct spec_rdma),
	.key_off = offsetof(struct spec_rdma, device),
	.fields = (const struct field[]){
		FHAS("hcaHandles", FK_U32, struct spec_rdma, hca_handles,
		     has_hca_handles),
		FHAS("hcaObjects", FK_U32, struct spec_rdma, hca_objects,
		     has_hca_objects),
		{0},
	},
	.check = check_rdma,
};

/* pids maps into spec_resources itself; limit is REQUIRED in 1.2 */
static const struct fdesc pids_desc = {
	.fields = (const struct field[]){
		{"limit", FK_I64, F_REQUIRED, offsetof(RS, pids_limit),
		 offsetof(RS, has_pids_limit), NULL, NULL},
		{0},
	},
};

/* unified keys are file names in the container's cgroup directory: a "/"
 * or ".." would write outside it */
static int check_resources(struct pctx *c, void *obj)
{
	RS *r = obj;

	for (size_t i = 0; i < r->nunified; i++)
		if (!sp_component_ok(r->unified[i].key))
			return sp_ppush_key(c, "unified"),
			       sp_ppush_mapkey(c, r->unified[i].key),
			       sp_pfail(c, "not a cgroup file name");
	return 0;
}

const struct fdesc sp_resources_desc = {
	.size = sizeof(RS),
	.fields = (const struct field[]){
		FSUB("devices", FK_ARR, RS, devices, offsetof(RS, ndevices), 0,
		     &rule_desc),
		FSUB("memory", FK_OBJ, RS, memory, NO_AUX, 0, &memory_desc),
		FSUB("cpu", FK_OBJ, RS, cpu, NO_AUX, 0, &cpu_desc),
		{"pids", FK_EMBED, 0, 0, NO_AUX, &pids_desc, NULL},
		FSUB("blockIO", FK_OBJ, RS, block_io, NO_AUX, 0, &blkio_desc),
		FSUB("hugepageLimits", FK_ARR, RS, hugepage_limits,
		     offsetof(RS, nhugepage_limits), 0, &hugepage_desc),
		{"network", FK_EMBED, 0, 0, NO_AUX, &network_desc, NULL},
		FSUB("rdma", FK_KEYED, RS, rdma, offsetof(RS, nrdma), 0,
		     &rdma_desc),
		FN("unified", FK_KV, RS, unified, nunified, 0),
		{0},
	},
	.check = check_resources,
};
