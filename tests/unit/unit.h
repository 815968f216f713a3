/* A tiny TAP unit-test harness: TEST(name) { CHECK(cond); } and main()
 * from UNIT_MAIN().  Each CHECK failure marks the current test failed. */
#ifndef HUTCH_UNIT_H
#define HUTCH_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failed);
};

#define TEST(name)                                                             \
	static void test_##name(int *unit_failed_);                            \
	static const struct unit_test unit_##name                              \
		__attribute__((used, section("unit_tests"), aligned(8))) = {   \
			#name, test_##name};                                   \
	static void test_##name(int *unit_failed_)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__,      \
			       __LINE__, #cond);                               \
			*unit_failed_ = 1;                                     \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_)) {                            \
			printf("#   %s:%d: \"%s\" != \"%s\"\n", __FILE__,       \
			       __LINE__, a_ ? a_ : "(null)",                   \
			       b_ ? b_ : "(null)");                            \
			*unit_failed_ = 1;                                     \
		}                                                              \
	} while (0)

extern const struct unit_test __start_unit_tests[], __stop_unit_tests[];

#define UNIT_MAIN()                                                            \
	int main(void)                                                         \
	{                                                                      \
		int n = 0, bad = 0;                                            \
		for (const struct unit_test *t = __start_unit_tests;          \
		     t < __stop_unit_tests; t++) {                             \
			int failed = 0;                                        \
			t->fn(&failed);                                        \
			printf("%sok %d %s\n", failed ? "not " : "", ++n,      \
			       t->name);                                       \
			bad += failed;                                         \
		}                                                              \
		return bad ? 1 : 0;                                            \
	}

#endif
