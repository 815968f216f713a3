# make check-v2: the cgroup tests on a cgroup-v2-only host, i.e. inside a
# QEMU guest (tests/lanes/qemu/run --cgroup-v2) booting Debian's kernel with
# only cgroup2 mounted.  Runs the cgroups library's unit test and the
# cgroups-*.bats files there; writes $(O)/results/v2.
LANES += v2

V2_BATS ?= $(sort $(wildcard tests/integration/cgroups-*.bats))

check-v2: all test-helpers $(O)/tests/unit/test_cgroups
	@O=$(O) tests/lanes/v2/run $(abspath $(O)) $(V2_BATS)

.PHONY: check-v2
