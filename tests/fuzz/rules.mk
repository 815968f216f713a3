# `make fuzz`: libFuzzer (clang, ASan + UBSan) on the config parser for a
# bounded time.  FUZZ_TIME=600 make fuzz runs ten minutes (default 60 s).
# Seeds: tests/fuzz/seeds/ and the broken configs of the bats tests; the
# dictionary is every quoted name in spec/'s field and name tables.
# New inputs go to $(O)/fuzz/corpus (kept between runs); a crash leaves
# $(O)/fuzz/crash-* and fails the target.

FUZZ_TIME ?= 60
FUZZ_CC   ?= clang
FUZZ_DIR  := $(O)/fuzz
FUZZ_SRCS := $(sort $(wildcard spec/*.c util/*.c))
FUZZ_FLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Ulinux -I. \
              -DHUTCH_VERSION='"$(VERSION)"' -DHUTCH_GIT_REV='"$(GIT_REV)"' \
              -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined $(shell pkg-config --cflags yajl)

$(FUZZ_DIR)/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_SRCS) $(wildcard spec/*.h) util/util.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_spec.c $(FUZZ_SRCS) \
		$(shell pkg-config --libs yajl)

$(FUZZ_DIR)/spec.dict: $(wildcard spec/parse_*.c spec/names.c)
	@mkdir -p $(dir $@)
	grep -oh '"[A-Za-z_][A-Za-z0-9_.]*"' $^ | sort -u > $@

fuzz: DEPS = clang libyajl-dev
fuzz: deps $(FUZZ_DIR)/fuzz_spec $(FUZZ_DIR)/spec.dict
	@rm -rf $(FUZZ_DIR)/seeds && mkdir -p $(FUZZ_DIR)/seeds $(FUZZ_DIR)/corpus
	@cp tests/fuzz/seeds/*.json tests/integration/fixtures/bad-config/*.json \
		$(FUZZ_DIR)/seeds/
	$(FUZZ_DIR)/fuzz_spec -max_total_time=$(FUZZ_TIME) -timeout=10 \
		-max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict=$(FUZZ_DIR)/spec.dict -artifact_prefix=$(FUZZ_DIR)/ \
		$(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds

.PHONY: fuzz
