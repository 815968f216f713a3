# The sandbox lane: `make check-vm`.  QEMU (TCG, -cpu max) boots Debian's
# kernel with kvm_amd loaded (tests/lanes/qemu/run --kvm), and inside it the
# bats files of tests/vm run hutch's VM mode against /dev/kvm, with this tree
# shared read-only.  Everything is nested under software emulation: slow,
# but a real KVM guest of our own VMM.
#
# VM_BATS_FILES=tests/vm/foo.bats narrows the lane.

VM_BATS_FILES ?= $(sort $(wildcard tests/vm/*.bats))
VM_TEST_TOOLS := $(O)/tests/vm/vmm-boot

LANES += vm

# a direct driver of vmm_run() for the VMM's own tests (no OCI, no runtime)
$(O)/tests/vm/vmm-boot: tests/vm/vmm-boot.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lpthread

check-vm: all test-helpers guest $(VM_TEST_TOOLS)
	@mkdir -p $(O)/results
	@rm -f $(O)/results/vm
	@start=$$(date +%s); \
	tests/lanes/vm/run $(abspath $(O))/results/vm $(VM_BATS_FILES); \
	st=$$?; \
	echo "vm lane: $$(( $$(date +%s) - start )) s (QEMU TCG boot + nested KVM)"; \
	if [ ! -r $(O)/results/vm ]; then \
		echo "0 1 0" > $(O)/results/vm; echo "0 passed, 1 failed"; \
	fi; \
	exit $$st

check-vm: export HUTCH_BUILD = $(abspath $(O))

.PHONY: check-vm
