/* Helpers for the spec unit tests: JSON written with single quotes in C
 * (converted to double quotes here) and parse-expecting-an-error. */
#ifndef HUTCH_TEST_SPEC_UTIL_H
#define HUTCH_TEST_SPEC_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

/* CHECK, and stop the test when it fails (the rest would dereference it);
 * cond is evaluated once */
#define REQUIRE(cond)                                                          \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("#   %s:%d: REQUIRE(%s) failed\n", __FILE__,     \
			       __LINE__, #cond);                               \
			*unit_failed_ = 1;                                     \
			return;                                                \
		}                                                              \
	} while (0)

/* 'x' -> "x"; the returned string is static storage reused by each call */
static inline const char *q(const char *s)
{
	static char *buf;
	free(buf);
	buf = strdup(s);
	for (char *p = buf; *p; p++)
		if (*p == '\'')
			*p = '"';
	return buf;
}

static inline struct spec *parse_ok(const char *json_sq)
{
	struct herr e = {0};
	struct spec *s = NULL;
	const char *j = q(json_sq);

	if (spec_parse(j, strlen(j), &s, &e) < 0) {
		printf("#   unexpected error: %s\n", e.msg);
		return NULL;
	}
	return s;
}

/* the error message of parsing json_sq, or "" when it parsed */
static inline const char *parse_err(const char *json_sq)
{
	static struct herr e;
	struct spec *s = NULL;
	const char *j = q(json_sq);

	herr_clear(&e);
	if (spec_parse(j, strlen(j), &s, &e) == 0) {
		spec_free(s);
		return "";
	}
	return e.msg;
}

#endif
