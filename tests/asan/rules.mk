# `make check-asan`: the sanitizer lane.  Builds everything again into
# build-asan/ with -fsanitize=address,undefined (a separate O, so the
# normal ./hutch is untouched), runs every unit test and a sample of the
# integration tests against build-asan/hutch, and fails on any report.
# See tests/asan/README.md for what is and is not covered, and why.
LANES += asan

ASAN_O    := build-asan
ASAN_SAN  := address,undefined
# the sample: the lifecycle, plus the files that exercise security/
ASAN_BATS ?= $(wildcard tests/integration/lifecycle.bats \
	tests/integration/process.bats tests/integration/caps.bats \
	tests/integration/seccomp.bats tests/integration/security-fds.bats)
# abort on the first report of either sanitizer, so that a report is a
# failed test and never a line lost in a log; leaks are checked at exit
ASAN_ENV  := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(abspath tests/asan/lsan.supp)

# the top Makefile links ./hutch; a sanitized build links $(O)/hutch
$(O)/hutch: $(O)/hutch.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(O)/hutch.o -Wl,--whole-archive $(LIB) \
	  -Wl,--no-whole-archive $(LDLIBS)

asan-build:
	@$(MAKE) --no-print-directory O=$(ASAN_O) SANITIZE=$(ASAN_SAN) \
	  $(ASAN_O)/hutch test-helpers \
	  $(UNIT_SRCS:tests/unit/%.c=$(ASAN_O)/tests/unit/%)

check-asan: asan-build
	@mkdir -p $(O)/results
	@$(ASAN_ENV) tests/run-unit $(ASAN_O)/results/unit \
	  $(UNIT_SRCS:tests/unit/%.c=$(ASAN_O)/tests/unit/%) \
	  > $(ASAN_O)/unit.log 2>&1; \
	  grep -E '^(not ok|#)' $(ASAN_O)/unit.log | head -50; \
	  tail -1 $(ASAN_O)/unit.log | sed 's/^/asan unit: /'
	@if [ -n "$(strip $(ASAN_BATS))" ]; then \
	  $(ASAN_ENV) HUTCH_BIN=$(abspath $(ASAN_O))/hutch \
	  HUTCH_BUILD=$(abspath $(ASAN_O)) \
	  tests/run-bats $(ASAN_O)/results/integration $(ASAN_BATS) \
	  > $(ASAN_O)/integration.log 2>&1; \
	  grep -E '^not ok|ERROR: |runtime error' $(ASAN_O)/integration.log | head -50; \
	  tail -1 $(ASAN_O)/integration.log | sed 's/^/asan integration: /'; \
	else echo "0 0 0" > $(ASAN_O)/results/integration; fi
	@cat $(ASAN_O)/results/unit $(ASAN_O)/results/integration | \
	  awk '{p+=$$1; f+=$$2; s+=$$3} END {print p, f, s}' > $(O)/results/asan
	@read p f s < $(O)/results/asan; line="$$p passed, $$f failed"; \
	  [ "$$s" -gt 0 ] && line="$$line, $$s skipped"; echo "$$line"; \
	  [ "$$f" -eq 0 ]

.PHONY: asan-build check-asan
