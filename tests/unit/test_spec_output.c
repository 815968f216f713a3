/* spec: `hutch spec` output parses with our own parser, features and state
 * JSON are well-formed and say what they should. */
#include <unistd.h>

#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"

static struct spec *parse_text(const char *json)
{
	struct herr e = {0};
	struct spec *s = NULL;

	if (spec_parse(json, strlen(json), &s, &e) < 0)
		printf("#   %s\n", e.msg);
	return s;
}

static bool has_name(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

TEST(default_round_trips)
{
	char *json = spec_default_json(false);
	struct spec *s = parse_text(json);

	REQUIRE(s);
	CHECK_STR(s->oci_version, "1.2.0");
	CHECK_STR(s->hostname, "hutch");
	CHECK_STR(s->root->path, "rootfs");
	CHECK(s->root->readonly);
	CHECK(s->process->terminal && s->process->no_new_privileges);
	CHECK(s->process->nargs == 1);
	CHECK_STR(s->process->args[0], "sh");
	CHECK_STR(s->process->cwd, "/");
	CHECK(s->process->capabilities.npermitted == 3);
	CHECK(!s->process->capabilities.has_inheritable);
	CHECK(!s->process->capabilities.has_ambient);
	CHECK(s->process->nrlimits == 1 && s->process->rlimits[0].hard == 1024);
	CHECK(s->nmounts == 7);
	CHECK_STR(s->mounts[6].destination, "/sys/fs/cgroup");
	CHECK(s->linux->nnamespaces == 6);
	CHECK(spec_namespace(s, SPEC_NS_NETWORK) != NULL);
	CHECK(spec_namespace(s, SPEC_NS_CGROUP) != NULL);
	CHECK(spec_namespace(s, SPEC_NS_USER) == NULL);
	CHECK(s->linux->resources && s->linux->resources->ndevices == 1);
	CHECK(has_name(s->linux->masked_paths, s->linux->nmasked_paths,
		       "/proc/kcore"));
	CHECK(has_name(s->linux->readonly_paths, s->linux->nreadonly_paths,
		       "/proc/sys"));
	spec_free(s);
	free(json);
}

TEST(rootless_default_round_trips)
{
	char *json = spec_default_json(true);
	struct spec *s = parse_text(json);

	REQUIRE(s);
	CHECK(spec_namespace(s, SPEC_NS_USER) != NULL);
	CHECK(spec_namespace(s, SPEC_NS_NETWORK) == NULL);
	CHECK(s->linux->nuid_mappings == 1 && s->linux->ngid_mappings == 1);
	CHECK(s->linux->uid_mappings[0].host_id == geteuid());
	CHECK(s->linux->gid_mappings[0].host_id == getegid());
	CHECK(s->linux->uid_mappings[0].container_id == 0);
	CHECK(s->linux->uid_mappings[0].size == 1);
	CHECK(s->linux->resources == NULL);
	CHECK_STR(s->mounts[5].source, "/sys");
	CHECK(!has_name(s->mounts[2].options, s->mounts[2].noptions, "gid=5"));
	spec_free(s);
	free(json);
}

UNIT_MAIN()
