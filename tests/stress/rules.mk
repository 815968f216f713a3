# make stress: the reliability tests, ten times larger (HUTCH_STRESS=10).
STRESS ?= 10
stress: all test-helpers
	@HUTCH_STRESS=$(STRESS) HUTCH_BUILD=$(abspath $(O)) \
	  tests/run-bats $(O)/results/stress tests/integration/reliability.bats

.PHONY: stress
