# bench/: start-up benchmarks (DESIGN.md section 8).
#
#   make bench        installs crun, runc and gnuplot (DEPS_BENCH), then the
#                     full run (~5 minutes on 2 loaded cores): table on the
#                     terminal, bench/results/<date>-<host>.json and .png
#   make bench-quick  the same in about a minute (fewer rounds, 4 parallel)
#   make bench-vm     the VM series inside the nested-KVM QEMU lane (builds
#                     the guest kernel if missing: make guest, 8-15 minutes
#                     once); slow, nested emulation
#   BENCH_FLAGS=...   more hbench options (--only run, --rounds N, ...)

BENCH_DIR   := $(O)/bench
BENCH_SRCS  := bench/main.c bench/proc.c bench/setup.c bench/series.c \
               bench/vm.c bench/figures.c bench/report.c bench/plot.c
BENCH_BIN   := $(BENCH_DIR)/hbench
BENCH_FLOOR := $(BENCH_DIR)/floor
BENCH_VMINIT := $(BENCH_DIR)/vminit
BENCH_TRUE  := $(BENCH_DIR)/true
BENCH_ROOTFS := $(BENCH_DIR)/bundle/rootfs
BENCH_CONFIG := $(BENCH_DIR)/config.json
BENCH_OUT   ?= bench/results

$(BENCH_BIN): $(BENCH_SRCS) bench/hbench.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wshadow -D_GNU_SOURCE \
	  -I. -o $@ $(BENCH_SRCS) -lm

# static: the floor pays for no dynamic loader
$(BENCH_FLOOR): bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

$(BENCH_VMINIT): bench/vminit.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

# the workload: one page, no libc
$(BENCH_TRUE): bench/true.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -static -nostdlib -fno-pie -no-pie \
	  -fno-stack-protector -Wl,--build-id=none -s -o $@ $<

# one config for every runtime: `hutch spec` (runc's defaults: pid, net,
# ipc, uts, mount, cgroup namespaces, no terminal) running /bin/true.
# ociVersion 1.0.2: crun 1.8 refuses 1.2.0 ("unknown version specified").
$(BENCH_CONFIG): hutch tests/mkbundle bench/rules.mk
	@mkdir -p $(BENCH_DIR)/bundle
	@rm -f $(BENCH_DIR)/bundle/config.json
	@tests/mkbundle $(BENCH_DIR)/bundle >/dev/null
	jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]' \
	  $(BENCH_DIR)/bundle/config.json > $@.tmp && mv $@.tmp $@

# `run` once more with a seccomp profile (bench/seccomp-profile), where the
# x86-64 syscall table is at hand
BENCH_SECCOMP := $(BENCH_DIR)/seccomp.json
BENCH_UNISTD := /usr/include/x86_64-linux-gnu/asm/unistd_64.h

$(BENCH_SECCOMP): bench/seccomp-profile
	@mkdir -p $(dir $@)
	@if [ -r $(BENCH_UNISTD) ]; then bench/seccomp-profile $(BENCH_UNISTD) > $@.tmp && \
	  mv $@.tmp $@; else echo '{}' > $@; fi

BENCH_ARGS = --hutch ./hutch --floor $(BENCH_FLOOR) --rootfs $(BENCH_ROOTFS) \
	--true $(BENCH_TRUE) $(if $(wildcard $(BENCH_UNISTD)),--seccomp $(BENCH_SECCOMP)) \
	--config $(BENCH_CONFIG) --out $(BENCH_OUT) --data $(BENCH_DIR) \
	--plot bench/plot.gp --vm-init $(BENCH_VMINIT) $(BENCH_FLAGS)

bench-build: all $(BENCH_BIN) $(BENCH_FLOOR) $(BENCH_VMINIT) $(BENCH_TRUE) \
	$(BENCH_CONFIG) $(BENCH_SECCOMP)

bench:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS_BUILD) busybox-static $(DEPS_BENCH)"
	@$(MAKE) --no-print-directory bench-build
	$(BENCH_BIN) $(BENCH_ARGS)

bench-quick:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS_BUILD) busybox-static $(DEPS_BENCH)"
	@$(MAKE) --no-print-directory bench-build
	$(BENCH_BIN) --quick $(BENCH_ARGS)

bench-vm:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS_BUILD) busybox-static $(DEPS_BENCH) qemu-system-x86"
	@$(MAKE) --no-print-directory bench-build
	@[ -r $(O)/guest/vmlinux ] && [ -r $(O)/guest/init ] || \
	  $(MAKE) --no-print-directory guest
	tests/lanes/qemu/run --kvm --mem 3072 --copy-back $(abspath $(BENCH_OUT)) -- \
	  $(BENCH_BIN) --only vm $(BENCH_ARGS)

.PHONY: bench bench-quick bench-vm bench-build

# where one `hutch run` spends its time (strace, perf, the loader)
bench-profile: bench-build
	bench/profile ./hutch

.PHONY: bench-profile
