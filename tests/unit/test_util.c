/* util: error convention, strbuf, number parsing. */
#include <errno.h>

#include "tests/unit/unit.h"
#include "util/util.h"

TEST(herr_wraps_context)
{
	struct herr e;
	herr_set(&e, EACCES, "mount `%s` on `%s`", "proc", "/proc");
	herr_wrap(&e, "create container `%s`", "web");
	CHECK_STR(e.msg, "create container `web`: mount `proc` on `/proc`: "
			 "Permission denied");
	CHECK(e.errnum == EACCES);
}

TEST(strbuf_escapes_json)
{
	struct strbuf b = {0};
	strbuf_json_string(&b, "a\"b\\c\n\x01");
	CHECK_STR(b.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	strbuf_free(&b);
}

TEST(parse_numbers_strictly)
{
	int64_t v;
	uint64_t u;
	CHECK(parse_i64("-42", &v) == 0 && v == -42);
	CHECK(parse_i64("12x", &v) < 0);
	CHECK(parse_i64("", &v) < 0);
	CHECK(parse_u64("-1", &u) < 0);
	CHECK(parse_u64("18446744073709551615", &u) == 0);
	CHECK(parse_u64("18446744073709551616", &u) < 0);
}

UNIT_MAIN()
