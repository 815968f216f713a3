/* spec: hostile and broken JSON gets one clear error, never a crash or a
 * hang; spec_load's file checks; process.json and resources files. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"

static const char *raw_err(const char *json, size_t len)
{
	static struct herr e;
	struct spec *s = NULL;

	herr_clear(&e);
	if (spec_parse(json, len, &s, &e) == 0) {
		spec_free(s);
		return "";
	}
	return e.msg;
}

#define ERR(lit) raw_err(lit, sizeof(lit) - 1)

TEST(syntax_errors_have_positions)
{
	CHECK_STR(ERR("{\"ociVersion\": \"1.0"),
		  "line 1, column 19: invalid JSON: premature EOF (is the file "
		  "truncated?)");
	CHECK_STR(ERR("{\n  \"a\": 1,\n  \"b\": tru\n}"),
		  "line 3, column 10: invalid JSON: invalid string in json text");
	CHECK_STR(ERR("hello"),
		  "line 1, column 1: invalid JSON: invalid char in json text");
	CHECK_STR(ERR("{} {}"),
		  "line 1, column 4: invalid JSON: trailing garbage");
	CHECK_STR(ERR("{/* c */}"),
		  "line 1, column 1: invalid JSON: probable comment found in "
		  "input text, comments are not enabled");
	CHECK_STR(ERR(""), "empty file (no JSON document)");
	CHECK_STR(ERR(" \n\t "), "empty file (no JSON document)");
	CHECK_STR(ERR("[1]"), "the document must be a JSON object, not an "
			      "array");
	CHECK_STR(ERR("\"x\""), "the document must be a JSON object, not a "
				"string");
}

TEST(invalid_utf8_and_nul)
{
	CHECK_STR(ERR("{\"a\": \"\xff\"}"),
		  "line 1, column 8: invalid JSON: invalid bytes in UTF8 "
		  "string");
	CHECK_STR(ERR("{\"a\xc3\": 1}"),
		  "line 1, column 5: invalid JSON: invalid bytes in UTF8 "
		  "string");
	CHECK_STR(ERR("{\"a\": \"x\0y\"}"),
		  "line 1, column 8: invalid JSON: invalid character inside "
		  "string");
	CHECK_STR(ERR("{\"linux\": {\"k\\u0000\": 1}}"),
		  "linux: member name contains a NUL character");
}

TEST(duplicate_keys_name_their_object)
{
	CHECK_STR(ERR("{\"a\": 1, \"b\": 2, \"a\": 3}"),
		  "duplicate key \"a\"");
	CHECK_STR(ERR("{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, "
		      "{\"type\": \"uts\", \"type\": \"ipc\"}]}}"),
		  "linux.namespaces[1]: duplicate key \"type\"");
	CHECK_STR(ERR("{\"annotations\": {\"x.y\": {\"k\": 1, \"k\": 2}}}"),
		  "annotations[\"x.y\"]: duplicate key \"k\"");
}

TEST(huge_numbers)
{
	/* anywhere unknown: fine; in a known field: a range error */
	CHECK_STR(parse_err("{'ociVersion': '1.0.0', 'root': {'path': 'r'}, "
			    "'x': 1e999999, 'y': "
			    "-123456789012345678901234567890}"),
		  "");
	CHECK_STR(parse_err("{'ociVersion': '1.0.0', 'root': {'path': 'r'}, "
			    "'process': {'cwd': '/', 'args': ['a'], "
			    "'rlimits': [{'type': 'RLIMIT_CPU', 'soft': 1, "
			    "'hard': 18446744073709551616}]}}"),
		  "process.rlimits[0].hard: must be an integer between 0 and "
		  "18446744073709551615 (got 18446744073709551616)");
	CHECK_STR(parse_err("{'ociVersion': '1.0.0', 'root': {'path': 'r'}, "
			    "'linux': {'resources': {'memory': {'limit': "
			    "-9223372036854775809}}}}"),
		  "linux.resources.memory.limit: must be an integer between "
		  "-9223372036854775808 and 9223372036854775807 "
		  "(got -9223372036854775809)");
}

static char *nested(size_t depth, size_t *len)
{
	char *s = malloc(2 * depth + 1);
	for (size_t i = 0; i < depth; i++) {
		s[i] = '[';
		s[2 * depth - 1 - i] = ']';
	}
	s[2 * depth] = '\0';
	*len = 2 * depth;
	return s;
}

TEST(nesting_is_limited)
{
	size_t len;
	char *s = nested(64, &len);
	/* 64 levels: valid JSON, only the wrong top-level type */
	CHECK_STR(raw_err(s, len), "the document must be a JSON object, not "
				   "an array");
	free(s);
	s = nested(65, &len);
	CHECK_STR(raw_err(s, len),
		  "line 1, column 65: nesting deeper than 64 levels");
	free(s);
	/* 15 MB of '[' stops at the limit, long before the end */
	s = malloc(15 << 20);
	memset(s, '[', 15 << 20);
	CHECK_STR(raw_err(s, 15 << 20),
		  "line 1, column 65: nesting deeper than 64 levels");
	free(s);
}

TEST(size_and_value_count_limits)
{
	size_t n = (16u << 20) + 1;
	char *s = malloc(n);
	memset(s, ' ', n);
	CHECK_STR(raw_err(s, n),
		  "16777217 bytes is more than the 16 MiB limit");
	/* two million numbers: over the value limit, refused quickly */
	n = 2 * 2000000 + 1;
	s = realloc(s, n);
	s[0] = '[';
	for (size_t i = 1; i < n; i += 2) {
		s[i] = '0';
		s[i + 1] = ',';
	}
	s[n - 1] = ']';
	CHECK(strstr(raw_err(s, n), "more than 1048576 values") != NULL);
	free(s);
}

TEST(load_checks_the_file)
{
	char dir[] = "/tmp/hutch-unit.XXXXXX";
	char path[64];
	struct herr e = {0};
	struct spec *s = NULL;
	int fd;

	REQUIRE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	CHECK(spec_load(path, &s, &e) < 0);
	CHECK(strstr(e.msg, "config.json: No such file or directory") != NULL);
	mkdir(path, 0700);
	CHECK(spec_load(path, &s, &e) < 0);
	CHECK(strstr(e.msg, "config.json: Is a directory") != NULL);
	rmdir(path);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(ftruncate(fd, 100 << 20) == 0); /* sparse: costs nothing */
	CHECK(spec_load(path, &s, &e) < 0);
	CHECK(strstr(e.msg, "config.json: 104857600 bytes is more than the "
			    "16 MiB limit") != NULL);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(write(fd, "{\"ociVersion\": \"1.0.0\"}", 23) == 23);
	close(fd);
	CHECK(spec_load(path, &s, &e) < 0);
	CHECK(strstr(e.msg, "config.json: root: required field is missing"));
	CHECK(!strncmp(e.msg, dir, strlen(dir)));
	CHECK(s == NULL);
	unlink(path);
	rmdir(dir);
}

TEST(process_json)
{
	struct herr e = {0};
	struct spec_process *p = NULL;
	const char *j = q("{'args': ['ls', '-l'], 'cwd': '/tmp', 'env': "
			  "['A=1'], 'user': {'uid': 7, 'gid': 8}, "
			  "'capabilities': {'effective': ['CAP_CHOWN']}}");

	REQUIRE(spec_process_parse(j, strlen(j), &p, &e) == 0);
	CHECK(p->nargs == 2 && p->user.uid == 7 && p->user.gid == 8);
	CHECK_STR(p->cwd, "/tmp");
	CHECK(p->capabilities.has_effective && !p->capabilities.has_bounding);
	spec_process_free(p);
	j = q("{'args': [], 'cwd': '/'}");
	CHECK(spec_process_parse(j, strlen(j), &p, &e) < 0);
	CHECK_STR(e.msg, "args: must be a non-empty array of strings");
	j = q("{'args': ['a'], 'cwd': 'x'}");
	CHECK(spec_process_parse(j, strlen(j), &p, &e) < 0);
	CHECK_STR(e.msg, "cwd: must be an absolute path (got \"x\")");
}

TEST(resources_json)
{
	struct herr e = {0};
	struct spec_resources *r = NULL;
	const char *j = q("{'memory': {'limit': 1048576}, 'pids': {'limit': "
			  "-1}, 'cpu': {'cpus': '0'}}");

	REQUIRE(spec_resources_parse(j, strlen(j), &r, &e) == 0);
	CHECK(r->memory->has_limit && r->memory->limit == 1048576);
	CHECK(r->has_pids_limit && r->pids_limit == -1);
	CHECK_STR(r->cpu->cpus, "0");
	spec_resources_free(r);
	j = q("{'memory': {'limit': 'lots'}}");
	CHECK(spec_resources_parse(j, strlen(j), &r, &e) < 0);
	CHECK_STR(e.msg, "memory.limit: must be an integer (got a string)");
}

UNIT_MAIN()
