/* runtime/sandbox_limits.c: guest RAM and vCPUs from the spec's limits and
 * annotations, and the cgroup limit raised by the VMM's overhead. */
#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"
#include "runtime/sandbox.h"

#define MIN_SPEC "{'ociVersion': '1.2.0', 'root': {'path': 'rootfs'}, "

static uint64_t mem_of(const char *rest)
{
	struct spec *s = parse_ok(rest);
	struct herr e = {0};
	uint64_t mib = 0;

	if (!s || sandbox_guest_mem_mib(s, &mib, &e) < 0)
		mib = 0;
	spec_free(s);
	return mib;
}

static unsigned vcpus_of(const char *rest)
{
	struct spec *s = parse_ok(rest);
	struct herr e = {0};
	unsigned n = 0;

	if (!s || sandbox_guest_vcpus(s, &n, &e) < 0)
		n = 0;
	spec_free(s);
	return n;
}

TEST(memory_from_limit_floor_and_annotation)
{
	CHECK(mem_of(MIN_SPEC "'linux': {}}") == 512);
	CHECK(mem_of(MIN_SPEC "'linux': {'resources': {'memory': "
		     "{'limit': 268435456}}}}") == 256);
	/* rounded up to MiB */
	CHECK(mem_of(MIN_SPEC "'linux': {'resources': {'memory': "
		     "{'limit': 268435457}}}}") == 257);
	CHECK(mem_of(MIN_SPEC "'linux': {'resources': {'memory': "
		     "{'limit': 33554432}}}}") == 128);
	CHECK(mem_of(MIN_SPEC "'annotations': {'org.hutch.vm.memory': '384'},"
		     "'linux': {'resources': {'memory': {'limit': 268435456}}}}")
	      == 384);
	/* below the floor, or not a number: an error (0 here) */
	CHECK(mem_of(MIN_SPEC "'annotations': {'org.hutch.vm.memory': '64'}}")
	      == 0);
	CHECK(mem_of(MIN_SPEC "'annotations': {'org.hutch.vm.memory': 'lots'}}")
	      == 0);
}

TEST(vcpus_from_quota_cpuset_and_annotation)
{
	CHECK(vcpus_of(MIN_SPEC "'linux': {}}") == 1);
	CHECK(vcpus_of(MIN_SPEC "'linux': {'resources': {'cpu': "
		       "{'quota': 150000, 'period': 100000}}}}") == 2);
	CHECK(vcpus_of(MIN_SPEC "'linux': {'resources': {'cpu': "
		       "{'quota': 50000}}}}") == 1);
	CHECK(vcpus_of(MIN_SPEC "'linux': {'resources': {'cpu': "
		       "{'cpus': '0-3,6,8-9'}}}}") == 7);
	CHECK(vcpus_of(MIN_SPEC "'linux': {'resources': {'cpu': "
		       "{'cpus': '0-3', 'quota': 200000, 'period': 100000}}}}") == 2);
	CHECK(vcpus_of(MIN_SPEC "'annotations': {'org.hutch.vm.vcpus': '3'},"
		       "'linux': {'resources': {'cpu': {'cpus': '0'}}}}") == 3);
	CHECK(vcpus_of(MIN_SPEC "'annotations': {'org.hutch.vm.vcpus': '65'}}")
	      == 0);
}

TEST(cgroup_limit_raised_by_the_overhead)
{
	struct spec *s = parse_ok(MIN_SPEC "'linux': {'resources': {'memory': "
				  "{'limit': 268435456, 'swap': 536870912}}}}");
	struct herr e = {0};
	uint64_t mib = 0;
	unsigned vcpus = 0;

	REQUIRE(s);
	CHECK(sandbox_limits_adjust(s, &e) == 0);
	CHECK(s->linux->resources->memory->limit == (256 + 64) << 20);
	CHECK(s->linux->resources->memory->swap == 536870912 + (64 << 20));
	/* the guest keeps the size decided before the raise */
	CHECK(sandbox_guest_size(s, &mib, &vcpus, &e) == 0 && mib == 256 &&
	      vcpus == 1);
	spec_free(s);
}

UNIT_MAIN()
