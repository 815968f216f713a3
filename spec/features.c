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
	jw_open(w, key, '[');
	for (; t->name; t++)
		jw_str(w, NULL, t->name);
	jw_close(w, ']');
}

static void write_enabled(struct jw *w, const char *key, bool on)
{
	jw_open(w, key, '{');
	jw_bool(w, "enabled", on);
	jw_close(w, '}');
}

static void write_seccomp(struct jw *w)
{
	jw_open(w, "seccomp", '{');
	jw_bool(w, "enabled", true);
	jw_strs(w, "actions", seccomp_actions);
	jw_strs(w, "operators", seccomp_ops);
	jw_strs(w, "archs", seccomp_features_archs);
	jw_strs(w, "knownFlags", seccomp_flags);
	jw_strs(w, "supportedFlags", seccomp_supported_flags);
	jw_close(w, '}');
}

static void write_linux(struct jw *w)
{
	jw_open(w, "linux", '{');
	write_names(w, "namespaces", ns_names);
	write_names(w, "capabilities", cap_names);
	jw_open(w, "cgroup", '{');
	jw_bool(w, "v1", true);
	jw_bool(w, "v2", true);
	jw_bool(w, "systemd", false);
	jw_bool(w, "systemdUser", false);
	jw_bool(w, "rdma", false);
	jw_close(w, '}');
	write_seccomp(w);
	write_enabled(w, "apparmor", false);
	write_enabled(w, "selinux", false);
	write_enabled(w, "intelRdt", false);
	jw_open(w, "mountExtensions", '{');
	write_enabled(w, "idmap", true);
	jw_close(w, '}');
	jw_close(w, '}');
}

/* the org.hutch.* annotations config.json may carry (DESIGN.md 6, issue 7),
 * with the values they take */
static void write_annotations(struct jw *w)
{
	jw_open(w, "annotations", '{');
	jw_str(w, "org.hutch.version", HUTCH_VERSION);
	jw_str(w, "org.hutch.sandbox", "vm");
	jw_str(w, "org.hutch.network", "none|bridge|NAME");
	jw_str(w, "org.hutch.ports", "HOST:CONTAINER[/tcp|/udp],...");
	jw_close(w, '}');
	jw_strs(w, "potentiallyUnsafeConfigAnnotations", V("org.hutch."));
}

char *spec_features_json(void)
{
	struct jw w;

	jw_init(&w, "    ");
	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersionMin", "1.0.0");
	jw_str(&w, "ociVersionMax", "1.2.0");
	jw_strs(&w, "hooks", V("prestart", "createRuntime", "createContainer",
			       "startContainer", "poststart", "poststop"));
	jw_strs(&w, "mountOptions", mount_options);
	write_linux(&w);
	write_annotations(&w);
	jw_close(&w, '}');
	return jw_finish(&w);
}
