# Engine lane: podman+conmon and containerd drive this tree's hutch
# (tests/engines/*.bats).  ENGINES_BATS=tests/engines/podman.bats narrows it.

LANES += engines
# podman, conmon and containerd are in the Makefile's DEPS_TEST; podman needs
# containers-common's policy.json and seccomp.json, script(1) is in bsdutils
DEPS_TEST += golang-github-containers-common bsdutils

ENGINES_BATS ?= $(sort $(wildcard tests/engines/*.bats))
check-engines: all
	@HUTCH_BUILD=$(abspath $(O)) tests/run-bats $(O)/results/engines $(ENGINES_BATS)
