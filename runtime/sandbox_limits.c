/* The sandbox's size from the container's limits (runtime/sandbox.h).
 *
 * Memory.  The guest's RAM is anonymous memory of the VMM, charged to the
 * container's cgroup as the guest touches it, on top of the VMM's own
 * memory (its binary, heap, 9p buffers, page tables of the guest mapping,
 * KVM's per-vCPU pages).  Two ways to fit both under one limit:
 *   a. guest RAM = limit - overhead: the cgroup keeps the exact limit, but
 *      the guest sees less than the user asked for (MemTotal of a 256 MiB
 *      container ~190 MiB), and a small limit leaves nothing for the guest;
 *   b. guest RAM = limit, cgroup limit raised by the overhead: the guest
 *      sees what the spec says (as Kata's and Kubernetes' "pod overhead"
 *      do), the host bounds the whole sandbox by limit + overhead.
 * We do b: the spec's limit means "the workload's memory" in both modes,
 * and the guest kernel, not the host, enforces it (the workload is OOM
 * killed inside the guest; the VMM never is).  The overhead is a fixed
 * SANDBOX_VMM_OVERHEAD_MIB: the VMM's own RSS (binary, heap, 9p and virtio
 * buffers) plus KVM's kernel memory charged to the cgroup, with margin
 * (tests/vm/limits.bats fills a 256 MiB guest and checks that the host
 * cgroup sees no OOM kill). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sandbox.h"

#define DEFAULT_MEM_MIB 512
#define MIN_MEM_MIB 128
#define SANDBOX_VMM_OVERHEAD_MIB 64
#define MAX_VCPUS 64

/* decided by sandbox_limits_adjust in the parent, before it raises the
 * spec's limit; the child inherits it */
static struct {
	bool set;
	uint64_t mib;
	unsigned vcpus;
} sized;

static int ann_u64(const struct spec *spec, const char *key, uint64_t *out,
		   struct herr *e)
{
	const char *v = spec_annotation(spec, key);

	if (!v)
		return 0;
	if (parse_u64(v, out) < 0 || *out == 0)
		return herr_set(e, EINVAL, "annotation %s: `%s` is not a "
				"positive number", key, v);
	return 1;
}

static const struct spec_resources *resources(const struct spec *s)
{
	return s->linux ? s->linux->resources : NULL;
}

int sandbox_guest_mem_mib(const struct spec *spec, uint64_t *mib,
			  struct herr *e)
{
	const struct spec_resources *r = resources(spec);
	int n = ann_u64(spec, "org.hutch.vm.memory", mib, e);
	if (n < 0)
		return -1;
	if (n > 0) {
		if (*mib < MIN_MEM_MIB)
			return herr_set(e, EINVAL, "annotation org.hutch.vm.memory: "
					"%llu MiB is below the guest's floor of "
					"%d MiB", (unsigned long long)*mib,
					MIN_MEM_MIB);
		return 0;
	}
	*mib = DEFAULT_MEM_MIB;
	if (r && r->memory && r->memory->has_limit && r->memory->limit > 0) {
		/* rounded up: a limit of 256 MiB + 1 byte is 257 MiB of RAM */
		*mib = ((uint64_t)r->memory->limit + (1 << 20) - 1) >> 20;
		if (*mib < MIN_MEM_MIB)
			*mib = MIN_MEM_MIB;
	}
	return 0;
}

/* "0-3,6,8-9" -> 7 (the spec's cpuset syntax); 0 when unparsable */
static unsigned cpuset_count(const char *s)
{
	unsigned n = 0;

	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return 0;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a)
				return 0;
		}
		n += (unsigned)(b - a + 1);
		if (*end == ',')
			end++;
		else if (*end)
			return 0;
		s = end;
	}
	return n;
}

int sandbox_guest_vcpus(const struct spec *spec, unsigned *vcpus,
			struct herr *e)
{
	const struct spec_resources *r = resources(spec);
	const struct spec_cpu *c = r ? r->cpu : NULL;
	uint64_t v;
	unsigned n = 0;
	int a = ann_u64(spec, "org.hutch.vm.vcpus", &v, e);
	if (a < 0)
		return -1;
	if (a > 0) {
		if (v > MAX_VCPUS)
			return herr_set(e, EINVAL, "annotation org.hutch.vm.vcpus: "
					"%llu is more than %d",
					(unsigned long long)v, MAX_VCPUS);
		*vcpus = (unsigned)v;
		return 0;
	}
	/* quota/period rounded up: 1.5 CPUs of time need 2 vCPUs to use it */
	if (c && c->has_quota && c->quota > 0) {
		uint64_t period = c->has_period && c->period ? c->period : 100000;
		n = (unsigned)(((uint64_t)c->quota + period - 1) / period);
	}
	if (c && c->cpus && *c->cpus) {
		unsigned k = cpuset_count(c->cpus);
		if (!k)
			return herr_set(e, EINVAL, "linux.resources.cpu.cpus: "
					"`%s` is not a cpu list", c->cpus);
		if (!n || k < n)
			n = k;
	}
	*vcpus = n ? (n > MAX_VCPUS ? MAX_VCPUS : n) : 1;
	return 0;
}

int sandbox_guest_size(const struct spec *spec, uint64_t *mib,
		       unsigned *vcpus, struct herr *e)
{
	if (sized.set) {
		*mib = sized.mib, *vcpus = sized.vcpus;
		return 0;
	}
	if (sandbox_guest_mem_mib(spec, mib, e) < 0 ||
	    sandbox_guest_vcpus(spec, vcpus, e) < 0)
		return -1;
	return 0;
}

int sandbox_limits_adjust(struct spec *spec, struct herr *e)
{
	struct spec_resources *r = spec->linux ? spec->linux->resources : NULL;
	struct spec_memory *m = r ? r->memory : NULL;
	uint64_t mib;
	unsigned vcpus;
	int64_t want, delta;

	/* bad annotations fail create before anything exists */
	if (sandbox_guest_mem_mib(spec, &mib, e) < 0 ||
	    sandbox_guest_vcpus(spec, &vcpus, e) < 0)
		return -1;
	sized.set = true, sized.mib = mib, sized.vcpus = vcpus;
	if (!m || !m->has_limit || m->limit <= 0)
		return 0;
	want = (int64_t)((mib + SANDBOX_VMM_OVERHEAD_MIB) << 20);
	if (want <= m->limit)
		return 0;
	delta = want - m->limit;
	m->limit = want;
	/* v1 needs memsw >= memory; the swap the spec allows stays as much */
	if (m->has_swap && m->swap > 0)
		m->swap += delta;
	return 0;
}
