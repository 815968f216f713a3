/* spec: `hutch spec` output parses with our own parser, features and state
 * JSON are well-formed and say what they should. */
#include <unistd.h>

#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"
#include "spec/internal.h"

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

static const struct jnode *get(const struct jnode *o, const char *key)
{
	if (!o || o->type != J_OBJECT)
		return NULL;
	for (const struct jnode *m = o->u.first; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

static bool array_has(const struct jnode *a, const char *s)
{
	for (const struct jnode *m = a ? a->u.first : NULL; m; m = m->next)
		if (m->type == J_STRING && !strcmp(m->u.str, s))
			return true;
	return false;
}

TEST(features_document)
{
	char *json = spec_features_json();
	struct herr e = {0};
	struct jdoc *d = NULL;
	const struct jnode *r, *l, *sc;

	REQUIRE(sp_json_parse(json, strlen(json), &d, &e) == 0);
	r = sp_json_root(d);
	CHECK_STR(get(r, "ociVersionMin")->u.str, "1.0.0");
	CHECK_STR(get(r, "ociVersionMax")->u.str, "1.2.0");
	CHECK(get(r, "hooks")->n == 6);
	CHECK(array_has(get(r, "mountOptions"), "rbind"));
	CHECK(array_has(get(r, "mountOptions"), "idmap"));
	l = get(r, "linux");
	CHECK(get(l, "namespaces")->n == SPEC_NS__COUNT);
	CHECK(array_has(get(l, "namespaces"), "time"));
	CHECK(get(l, "capabilities")->n == 41);
	CHECK(array_has(get(l, "capabilities"), "CAP_CHECKPOINT_RESTORE"));
	CHECK(get(get(l, "cgroup"), "v1")->u.b && get(get(l, "cgroup"), "v2")->u.b);
	CHECK(!get(get(l, "cgroup"), "systemd")->u.b);
	sc = get(l, "seccomp");
	CHECK(get(sc, "enabled")->u.b);
	CHECK(array_has(get(sc, "actions"), "SCMP_ACT_NOTIFY"));
	CHECK(array_has(get(sc, "operators"), "SCMP_CMP_MASKED_EQ"));
	CHECK(array_has(get(sc, "archs"), "SCMP_ARCH_X86_64"));
	CHECK(get(sc, "supportedFlags")->n == 3);
	CHECK(!get(get(l, "apparmor"), "enabled")->u.b);
	CHECK(!get(get(l, "selinux"), "enabled")->u.b);
	CHECK(!get(get(l, "intelRdt"), "enabled")->u.b);
	CHECK(get(get(get(l, "mountExtensions"), "idmap"), "enabled")->u.b);
	CHECK_STR(get(get(r, "annotations"), "org.hutch.sandbox")->u.str, "vm");
	CHECK(get(get(r, "annotations"), "org.hutch.network") != NULL);
	CHECK(get(get(r, "annotations"), "org.hutch.ports") != NULL);
	sp_json_free(d);
	free(json);
}

TEST(state_json_pretty)
{
	struct spec_kv ann[] = {{"a", "1"}, {"org.hutch.sandbox", "vm"}};
	struct spec_state st = {.oci_version = "1.2.0", .id = "web",
				.status = "running", .pid = 4422,
				.bundle = "/b", .annotations = ann,
				.nannotations = 2};
	char *json = spec_state_json(&st, true);

	CHECK_STR(json, "{\n"
			"  \"ociVersion\": \"1.2.0\",\n"
			"  \"id\": \"web\",\n"
			"  \"status\": \"running\",\n"
			"  \"pid\": 4422,\n"
			"  \"bundle\": \"/b\",\n"
			"  \"annotations\": {\n"
			"    \"a\": \"1\",\n"
			"    \"org.hutch.sandbox\": \"vm\"\n"
			"  }\n"
			"}\n");
	free(json);
}

TEST(state_json_compact_omits_and_escapes)
{
	struct spec_state st = {.oci_version = "1.2.0", .id = "a\"b",
				.status = "stopped", .bundle = "/x\xff\n",
				.created = "2024-01-01T00:00:00Z"};
	char *json = spec_state_json(&st, false);

	/* no pid when 0, no annotations when none, bad UTF-8 -> U+FFFD */
	CHECK_STR(json, "{\"ociVersion\":\"1.2.0\",\"id\":\"a\\\"b\","
			"\"status\":\"stopped\",\"bundle\":\"/x\\ufffd\\n\","
			"\"created\":\"2024-01-01T00:00:00Z\"}\n");
	free(json);
}

TEST(writer_empty_containers)
{
	struct jw w;
	char *s;

	sp_jw_init(&w, "\t");
	sp_jw_open(&w, NULL, '{');
	sp_jw_open(&w, "a", '[');
	sp_jw_close(&w, ']');
	sp_jw_open(&w, "o", '{');
	sp_jw_close(&w, '}');
	sp_jw_close(&w, '}');
	s = sp_jw_finish(&w);
	CHECK_STR(s, "{\n\t\"a\": [],\n\t\"o\": {}\n}\n");
	free(s);
}

UNIT_MAIN()
