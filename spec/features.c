/* `hutch features`: the runtime-spec features.md document.
 *
 * It must claim only what hutch does.  The lists come from spec/names.c;
 * when rootfs/ (mount options, idmap mounts), cgroups/ (v1, v2, rdma) or
 * security/ (seccomp actions, operators, flags, archs; AppArmor, SELinux)
 * gain or lose a feature, this file and names.c change with them.
 * features.md: "the content SHOULD be determined on the compilation time of
 * the runtime, not on the execution time", so nothing here probes the host. */
#include "spec/internal.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

static void write_names(struct jw *w, const char *key,
			const struct name_val *t)
{
	sp_jw_open(w, key, '[');
	for (; t->name; t++)
		sp_jw_str(w, NULL, t->name);
	sp_jw_close(w, ']');
}

static void write_enabled(struct jw *w, const char *key, bool on)
{
	sp_jw_open(w, key, '{');
	sp_jw_bool(w, "enabled", on);
	sp_jw_close(w, '}');
}

static void write_seccomp(struct jw *w)
{
	sp_jw_open(w, "seccomp", '{');
	sp_jw_bool(w, "enabled", true);
	sp_jw_strs(w, "actions", sp_seccomp_actions);
	sp_jw_strs(w, "operators", sp_seccomp_ops);
	sp_jw_strs(w, "archs", sp_seccomp_features_archs);
	sp_jw_strs(w, "knownFlags", sp_seccomp_flags);
	sp_jw_strs(w, "supportedFlags", sp_seccomp_supported_flags);
	sp_jw_close(w, '}');
}

static void write_linux(struct jw *w)
{
	sp_jw_open(w, "linux", '{');
	write_names(w, "namespaces", sp_ns_names);
	write_names(w, "capabilities", sp_cap_names);
	sp_jw_open(w, "cgroup", '{');
	sp_jw_bool(w, "v1", true);
	sp_jw_bool(w, "v2", true);
	sp_jw_bool(w, "systemd", false);
	sp_jw_bool(w, "systemdUser", false);
	sp_jw_bool(w, "rdma", false);
	sp_jw_close(w, '}');
	write_seccomp(w);
	write_enabled(w, "apparmor", false);
	write_enabled(w, "selinux", false);
	write_enabled(w, "intelRdt", false);
	sp_jw_open(w, "mountExtensions", '{');
	write_enabled(w, "idmap", true);
	sp_jw_close(w, '}');
	sp_jw_close(w, '}');
}

/* the org.hutch.* annotations config.json may carry (DESIGN.md 6, issue 7),
 * with the values they take */
static void write_annotations(struct jw *w)
{
	sp_jw_open(w, "annotations", '{');
	sp_jw_str(w, "org.hutch.version", HUTCH_VERSION);
	sp_jw_str(w, "org.hutch.sandbox", "vm");
	sp_jw_str(w, "org.hutch.network", "none|bridge|NAME");
	sp_jw_str(w, "org.hutch.ports", "HOST:CONTAINER[/tcp|/udp],...");
	sp_jw_close(w, '}');
	sp_jw_strs(w, "potentiallyUnsafeConfigAnnotations", V("org.hutch."));
}

char *spec_features_json(void)
{
	struct jw w;

	sp_jw_init(&w, "    ");
	sp_jw_open(&w, NULL, '{');
	sp_jw_str(&w, "ociVersionMin", "1.0.0");
	sp_jw_str(&w, "ociVersionMax", "1.2.0");
	sp_jw_strs(&w, "hooks",
		   V("prestart", "createRuntime", "createContainer",
		     "startContainer", "poststart", "poststop"));
	sp_jw_strs(&w, "mountOptions", sp_mount_options);
	write_linux(&w);
	write_annotations(&w);
	sp_jw_close(&w, '}');
	return sp_jw_finish(&w);
}
