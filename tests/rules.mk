# Test lanes on the host: C unit tests and bats integration tests.
# Every lane target ends with its own `N passed, N failed` line and writes
# $(O)/results/<lane>; `make check` sums them (tests/summary).

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)
TEST_HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
TEST_HELPERS := $(TEST_HELPER_SRCS:tests/helpers/%.c=$(O)/tests/helpers/%)

$(O)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# test helpers run inside busybox containers: static, no libraries of ours
$(O)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -D_GNU_SOURCE -static -o $@ $<

test-helpers: $(TEST_HELPERS)

check-unit: $(UNIT_BINS)
	@tests/run-unit $(O)/results/unit $(UNIT_BINS)

# BATS_FILES=tests/integration/foo.bats narrows the lane
BATS_FILES ?= $(sort $(wildcard tests/integration/*.bats))
check-integration: all test-helpers
	@HUTCH_BUILD=$(abspath $(O)) tests/run-bats $(O)/results/integration $(BATS_FILES)

.PHONY: test-helpers
