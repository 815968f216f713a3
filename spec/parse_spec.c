/* The top of config.json (config.md): ociVersion, root, mounts, hooks,
 * hostname, annotations, and the checks that span sections. */
#include <string.h>

#include "spec/internal.h"

/* ---------- root, mounts, hooks ---------- */

static int check_root(struct pctx *c, void *obj)
{
	if (!*((struct spec_root *)obj)->path)
		return sp_ppush_key(c, "path"),
		       sp_pfail(c, "must not be empty");
	return 0;
}

static const struct fdesc root_desc = {
	.size = sizeof(struct spec_root),
	.fields = (const struct field[]){
		FLD("path", FK_STR, struct spec_root, path, NO_AUX, F_REQUIRED),
		FLD("readonly", FK_BOOL, struct spec_root, readonly, NO_AUX, 0),
		{0},
	},
	.check = check_root,
};

/* config.md "Mounts", Linux: destination SHOULD be absolute; a relative one
 * "MUST be interpreted as relative to /", so we make it absolute here and
 * rootfs/ only ever sees absolute destinations.  uidMappings "MUST be
 * specified along with gidMappings" (and the other way round). */
static int check_mount(struct pctx *c, void *obj)
{
	struct spec_mount *m = obj;

	if (!*m->destination)
		return sp_ppush_key(c, "destination"),
		       sp_pfail(c, "must not be empty");
	if (m->destination[0] != '/') {
		char *abs = xasprintf("/%s", m->destination);
		free(m->destination);
		m->destination = abs;
	}
	if (!m->uid_mappings != !m->gid_mappings)
		return sp_ppush_key(c, m->uid_mappings ? "gidMappings"
						    : "uidMappings"),
		       sp_pfail(c, "required with %s", m->uid_mappings
							    ? "uidMappings"
							    : "gidMappings");
	return 0;
}

#define MT struct spec_mount
static const struct fdesc mount_desc = {
	.size = sizeof(MT),
	.fields = (const struct field[]){
		FLD("destination", FK_STR, MT, destination, NO_AUX,
		    F_REQUIRED),
		FLD("type", FK_STR, MT, type, NO_AUX, 0),
		FLD("source", FK_STR, MT, source, NO_AUX, 0),
		FN("options", FK_STRV, MT, options, noptions, 0),
		FSUB("uidMappings", FK_ARR, MT, uid_mappings,
		     offsetof(MT, nuid_mappings), 0, &sp_idmap_desc),
		FSUB("gidMappings", FK_ARR, MT, gid_mappings,
		     offsetof(MT, ngid_mappings), 0, &sp_idmap_desc),
		{0},
	},
	.check = check_mount,
};
#undef MT

/* config.md "POSIX-platform Hooks": path "MUST be absolute"; timeout, "If
 * set, MUST be greater than zero" */
static int check_hook(struct pctx *c, void *obj)
{
	struct spec_hook *h = obj;

	if (sp_check_abs_path(c, "path", h->path) < 0)
		return -1;
	if (h->has_timeout && h->timeout <= 0)
		return sp_ppush_key(c, "timeout"),
		       sp_pfail(c, "must be greater than 0, got %d",
				h->timeout);
	return 0;
}

#define HK struct spec_hook
static const struct fdesc hook_desc = {
	.size = sizeof(HK),
	.fields = (const struct field[]){
		FLD("path", FK_STR, HK, path, NO_AUX, F_REQUIRED),
		FN("args", FK_STRV, HK, args, nargs, 0),
		FN("env", FK_STRV, HK, env, nenv, 0),
		FHAS("timeout", FK_I32, HK, timeout, has_timeout),
		{0},
	},
	.check = check_hook,
};
#undef HK

#define HOOKS(k, m)                                                            \
	FSUB(k, FK_ARR, struct spec_hooks, m,                                  \
	     offsetof(struct spec_hooks, n##m), 0, &hook_desc)
static const struct fdesc hooks_desc = {
	.fields = (const struct field[]){
		HOOKS("prestart", prestart),
		HOOKS("createRuntime", create_runtime),
		HOOKS("createContainer", create_container),
		HOOKS("startContainer", start_container),
		HOOKS("poststart", poststart),
		HOOKS("poststop", poststop),
		{0},
	},
};

/* ---------- checks across sections ---------- */

/* sethostname(2) in the runtime's own UTS namespace would rename the
 * host: refuse a hostname without a uts namespace entry (runc does too) */
static int check_uts(struct pctx *c, const struct spec *s)
{
	const char *keys[] = {"hostname", "domainname"};
	const char *vals[] = {s->hostname, s->domainname};

	for (int i = 0; i < 2; i++) {
		if (!vals[i])
			continue;
		sp_ppush_key(c, keys[i]);
		if (strlen(vals[i]) > 64) /* HOST_NAME_MAX */
			return sp_pfail(c, "longer than 64 bytes");
		if (*vals[i] && !spec_namespace(s, SPEC_NS_UTS))
			return sp_pfail(c, "needs a uts namespace in "
					"linux.namespaces");
		sp_ppop(c, 0);
	}
	return 0;
}

/* id mappings only mean something for a new user namespace, and a new one
 * without both maps cannot hold any process (runc: same rules) */
static int check_userns(struct pctx *c, const struct spec *s)
{
	const struct spec_linux *l = s->linux;
	const struct spec_namespace *u = spec_namespace(s, SPEC_NS_USER);

	if (!l)
		return 0;
	if ((l->nuid_mappings || l->ngid_mappings) && (!u || u->path))
		return sp_ppush_key(c, "linux"),
		       sp_ppush_key(c, l->nuid_mappings ? "uidMappings"
						     : "gidMappings"),
		       sp_pfail(c, "needs a new user namespace in "
				"linux.namespaces");
	if (u && !u->path && (!l->nuid_mappings || !l->ngid_mappings))
		return sp_ppush_key(c, "linux"),
		       sp_ppush_key(c, l->nuid_mappings ? "gidMappings"
						     : "uidMappings"),
		       sp_pfail(c, "required with a new user namespace");
	return 0;
}

/* time_namespaces(7): offsets can only be written for a new time ns */
static int check_timens(struct pctx *c, const struct spec *s)
{
	const struct spec_linux *l = s->linux;
	const struct spec_namespace *t = spec_namespace(s, SPEC_NS_TIME);

	if (l && (l->time_monotonic.present || l->time_boottime.present) &&
	    (!t || t->path))
		return sp_ppush_key(c, "linux"), sp_ppush_key(c, "timeOffsets"),
		       sp_pfail(c, "needs a new time namespace in "
				"linux.namespaces");
	return 0;
}

/* config.md "idmap": with no mappings on the mount and no user namespace,
 * "an error MUST be returned" */
static int check_idmap_mounts(struct pctx *c, const struct spec *s)
{
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		bool idmap = false;

		for (size_t j = 0; j < m->noptions; j++)
			idmap |= !strcmp(m->options[j], "idmap") ||
				 !strcmp(m->options[j], "ridmap");
		if (idmap && !m->uid_mappings &&
		    !spec_namespace(s, SPEC_NS_USER))
			return sp_ppush_key(c, "mounts"), sp_ppush_index(c, i),
			       sp_pfail(c, "idmap needs uidMappings and "
					"gidMappings or a user namespace");
	}
	return 0;
}

/* config.md: ociVersion "MUST be in SemVer v2.0.0 format"; versions keep
 * compatibility within a major version, so any 1.x is ours */
static int check_spec(struct pctx *c, void *obj)
{
	struct spec *s = obj;

	if (!sp_semver_ok(s->oci_version))
		return sp_ppush_key(c, "ociVersion"),
		       sp_pfail(c, "\"%.40s\" is not a SemVer version like "
				"\"1.2.0\"", s->oci_version);
	if (strncmp(s->oci_version, "1.", 2))
		return sp_ppush_key(c, "ociVersion"),
		       sp_pfail(c, "version %.40s is not supported (hutch "
				   "reads runtime-spec 1.x)", s->oci_version);
	if (check_uts(c, s) < 0 || check_userns(c, s) < 0 ||
	    check_timens(c, s) < 0 || check_idmap_mounts(c, s) < 0)
		return -1;
	return 0;
}

#define SP struct spec
const struct fdesc sp_spec_desc = {
	.size = sizeof(SP),
	.fields = (const struct field[]){
		FLD("ociVersion", FK_STR, SP, oci_version, NO_AUX, F_REQUIRED),
		/* config.md: root "On all other platforms ... is REQUIRED" */
		FSUB("root", FK_OBJ, SP, root, NO_AUX, F_REQUIRED, &root_desc),
		FSUB("process", FK_OBJ, SP, process, NO_AUX, 0,
		     &sp_process_desc),
		FLD("hostname", FK_STR, SP, hostname, NO_AUX, 0),
		FLD("domainname", FK_STR, SP, domainname, NO_AUX, 0),
		FSUB("mounts", FK_ARR, SP, mounts, offsetof(SP, nmounts), 0,
		     &mount_desc),
		FSUB("hooks", FK_EMBED, SP, hooks, NO_AUX, 0, &hooks_desc),
		FN("annotations", FK_KV, SP, annotations, nannotations, 0),
		FSUB("linux", FK_OBJ, SP, linux, NO_AUX, 0, &sp_linux_desc),
		{0},
	},
	.check = check_spec,
};
