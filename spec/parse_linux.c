/* linux (config-linux.md): namespaces, id mappings, time offsets, devices,
 * sysctl, rootfs propagation, masked/readonly paths, personality, Intel RDT,
 * net devices.  resources and seccomp have files of their own. */
#include <string.h>
#include <sys/stat.h>

#include "spec/internal.h"

#define L struct spec_linux

/* ---------- namespaces ---------- */

static int ns_type(struct pctx *c, const struct jnode *v, void *dst)
{
	int t;

	if (v->type != J_STRING)
		return sp_pfail(c, "must be a string (got %s)",
			     sp_json_type_name(v->type));
	for (t = 0; t < SPEC_NS__COUNT; t++)
		if (!strcmp(sp_ns_names[t].name, v->u.str))
			break;
	if (t == SPEC_NS__COUNT)
		return sp_pfail(c, "unknown namespace \"%.64s\"", v->u.str);
	*(enum spec_ns_type *)dst = t;
	return 0;
}

/* config-linux.md: path "MUST be an absolute path in the runtime mount
 * namespace" */
static int check_ns(struct pctx *c, void *obj)
{
	const struct spec_namespace *ns = obj;

	return sp_check_abs_path(c, "path", ns->path);
}

static const struct fdesc ns_desc = {
	.size = sizeof(struct spec_namespace),
	.fields = (const struct field[]){
		FCUSTOM("type", struct spec_namespace, type, ns_type,
			F_REQUIRED),
		FLD("path", FK_STR, struct spec_namespace, path, NO_AUX, 0),
		{0},
	},
	.check = check_ns,
};

/* ---------- id mappings (also used by mounts) ---------- */

/* user_namespaces(7): a zero count or a range past 2^32 makes the write to
 * uid_map fail with EINVAL */
static int check_idmap(struct pctx *c, void *obj)
{
	struct spec_idmap *m = obj;

	if (!m->size) {
		sp_ppush_key(c, "size");
		return sp_pfail(c, "must be greater than 0");
	}
	if ((uint64_t)m->container_id + m->size > 1ull << 32 ||
	    (uint64_t)m->host_id + m->size > 1ull << 32)
		return sp_pfail(c, "range %u+%u or %u+%u goes past 4294967295",
			     m->container_id, m->size, m->host_id, m->size);
	return 0;
}

const struct fdesc sp_idmap_desc = {
	.size = sizeof(struct spec_idmap),
	.fields = (const struct field[]){
		FLD("containerID", FK_U32, struct spec_idmap, container_id,
		    NO_AUX, F_REQUIRED),
		FLD("hostID", FK_U32, struct spec_idmap, host_id, NO_AUX,
		    F_REQUIRED),
		FLD("size", FK_U32, struct spec_idmap, size, NO_AUX,
		    F_REQUIRED),
		{0},
	},
	.check = check_idmap,
};

/* ---------- timeOffsets ---------- */

static int check_offset(struct pctx *c, void *obj)
{
	struct spec_time_offset *t = obj;

	if (t->nanosecs >= 1000000000u) {
		sp_ppush_key(c, "nanosecs");
		return sp_pfail(c, "must be below 1000000000, got %u",
			     t->nanosecs);
	}
	return 0;
}

static const struct fdesc offset_desc = {
	.fields = (const struct field[]){
		FLD("secs", FK_I64, struct spec_time_offset, secs, NO_AUX, 0),
		FLD("nanosecs", FK_U32, struct spec_time_offset, nanosecs,
		    NO_AUX, 0),
		{0},
	},
	.check = check_offset,
};

/* time_namespaces(7) offsets exist for these two clocks only, so any other
 * key is a value we cannot honour (config.md "Valid values") */
static const struct fdesc offsets_desc = {
	.unknown = "clock",
	.fields = (const struct field[]){
		FSUB("monotonic", FK_EMBED, L, time_monotonic,
		     offsetof(L, time_monotonic.present), 0, &offset_desc),
		FSUB("boottime", FK_EMBED, L, time_boottime,
		     offsetof(L, time_boottime.present), 0, &offset_desc),
		{0},
	},
};

/* ---------- devices ---------- */

/* a one-letter string from `allowed` into a char */
int sp_one_letter(struct pctx *c, const struct jnode *v, char *dst,
	       const char *allowed, const char *what)
{
	if (v->type != J_STRING)
		return sp_pfail(c, "must be a string (got %s)",
			     sp_json_type_name(v->type));
	if (v->n != 1 || !strchr(allowed, v->u.str[0]))
		return sp_pfail(c, "unknown %s \"%.20s\" (one of: %s)", what,
			     v->u.str, allowed);
	*dst = v->u.str[0];
	return 0;
}

static int dev_type(struct pctx *c, const struct jnode *v, void *dst)
{
	return sp_one_letter(c, v, dst, "cbup", "device type");
}

static mode_t dev_ifmt(char type)
{
	return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

/* config-linux.md "Devices": major/minor "REQUIRED unless type is p";
 * fileMode is permission bits (mknod takes the type from `type`).  podman
 * and docker put the file type in too (020666 for a char device), and runc
 * and crun take it: accept the type bits that match `type` and drop them. */
static int check_device(struct pctx *c, void *obj)
{
	struct spec_device *d = obj;

	if (sp_check_abs_path(c, "path", d->path) < 0)
		return -1;
	if (d->type != 'p' && (!d->has_major || !d->has_minor)) {
		sp_ppush_key(c, d->has_major ? "minor" : "major");
		return sp_pfail(c, "required for device type '%c'", d->type);
	}
	if (d->has_file_mode && (d->file_mode & S_IFMT) == dev_ifmt(d->type))
		d->file_mode &= 07777;
	if (d->has_file_mode && d->file_mode > 07777) {
		sp_ppush_key(c, "fileMode");
		return sp_pfail(c, "must be permission bits, at most 07777 "
				"(decimal 4095), optionally with the file "
				"type of type '%c' (0%o), got %u (0%o)",
				d->type, (unsigned)dev_ifmt(d->type),
				d->file_mode, d->file_mode);
	}
	return 0;
}

#define D struct spec_device
static const struct fdesc device_desc = {
	.size = sizeof(D),
	.fields = (const struct field[]){
		FLD("path", FK_STR, D, path, NO_AUX, F_REQUIRED),
		FCUSTOM("type", D, type, dev_type, F_REQUIRED),
		FHAS("major", FK_I64, D, major, has_major),
		FHAS("minor", FK_I64, D, minor, has_minor),
		FHAS("fileMode", FK_U32, D, file_mode, has_file_mode),
		FHAS("uid", FK_U32, D, uid, has_uid),
		FHAS("gid", FK_U32, D, gid, has_gid),
		{0},
	},
	.check = check_device,
};
#undef D

/* ---------- personality, intelRdt, netDevices ---------- */

/* config-linux.md "Personality": LINUX or LINUX32; "Currently no flag
 * values are supported" */
static int check_personality(struct pctx *c, void *obj)
{
	static const char *const domains[] = {"LINUX", "LINUX32", NULL};
	static const char *const no_flags[] = {NULL};
	struct spec_personality *p = obj;

	if (!sp_str_in(domains, p->domain))
		return sp_fail_not_in(c, "domain", "personality domain",
				   p->domain);
	return sp_check_names(c, "flags", p->flags, p->nflags, no_flags,
			   "personality flag");
}

static const struct fdesc personality_desc = {
	.size = sizeof(struct spec_personality),
	.fields = (const struct field[]){
		FLD("domain", FK_STR, struct spec_personality, domain, NO_AUX,
		    F_REQUIRED),
		FN("flags", FK_STRV, struct spec_personality, flags, nflags,
		   0),
		{0},
	},
	.check = check_personality,
};

/* closID names a directory of the resctrl mount ("/" = its root): one
 * component only.  memBwSchema "MUST start with MB: and MUST NOT contain
 * newlines" */
static int check_rdt(struct pctx *c, void *obj)
{
	struct spec_intel_rdt *r = obj;
	const char *mb = r->mem_bw_schema;

	if (r->clos_id && strcmp(r->clos_id, "/") &&
	    !sp_component_ok(r->clos_id))
		return sp_ppush_key(c, "closID"),
		       sp_pfail(c, "must be one directory name or \"/\"");
	if (mb && (strncmp(mb, "MB:", 3) || strchr(mb, '\n')))
		return sp_ppush_key(c, "memBwSchema"),
		       sp_pfail(c, "must be one line starting with \"MB:\"");
	return 0;
}

#define R struct spec_intel_rdt
static const struct fdesc rdt_desc = {
	.size = sizeof(R),
	.fields = (const struct field[]){
		FLD("closID", FK_STR, R, clos_id, NO_AUX, 0),
		FLD("l3CacheSchema", FK_STR, R, l3_cache_schema, NO_AUX, 0),
		FLD("memBwSchema", FK_STR, R, mem_bw_schema, NO_AUX, 0),
		FLD("enableCMT", FK_BOOL, R, enable_cmt, NO_AUX, 0),
		FLD("enableMBM", FK_BOOL, R, enable_mbm, NO_AUX, 0),
		{0},
	},
	.check = check_rdt,
};
#undef R

static int check_netdev(struct pctx *c, void *obj)
{
	struct spec_net_device *d = obj;

	if (!sp_ifname_ok(d->name))
		return sp_pfail(c, "not a network interface name");
	if (d->new_name && !sp_ifname_ok(d->new_name))
		return sp_ppush_key(c, "name"),
		       sp_pfail(c, "not a network interface name: \"%.40s\"",
			     d->new_name);
	return 0;
}

static const struct fdesc netdev_desc = {
	.size = sizeof(struct spec_net_device),
	.key_off = offsetof(struct spec_net_device, name),
	.fields = (const struct field[]){
		FLD("name", FK_STR, struct spec_net_device, new_name, NO_AUX,
		    0),
		{0},
	},
	.check = check_netdev,
};

/* ---------- linux ---------- */

static bool same_ns(const void *a, const void *b)
{
	return ((const struct spec_namespace *)a)->type ==
	       ((const struct spec_namespace *)b)->type;
}

/* config-linux.md: "If a namespaces field contains duplicated namespaces
 * with same type, the runtime MUST generate an error" */
static int check_ns_dups(struct pctx *c, const L *l)
{
	size_t i = sp_first_dup(l->namespaces, l->nnamespaces,
			     sizeof(*l->namespaces), same_ns);

	if (!i)
		return 0;
	sp_ppush_key(c, "namespaces");
	sp_ppush_index(c, i);
	sp_ppush_key(c, "type");
	return sp_pfail(c, "duplicate namespace \"%s\"",
		     spec_ns_name(l->namespaces[i].type));
}

/* user_namespaces(7): at most 340 lines per map since Linux 4.15 */
static int check_map_count(struct pctx *c, const char *key, size_t n)
{
	if (n <= 340)
		return 0;
	sp_ppush_key(c, key);
	return sp_pfail(c, "%zu entries, more than the kernel's 340", n);
}

static int check_paths(struct pctx *c, const char *key, char **v, size_t n)
{
	size_t old = sp_ppush_key(c, key);

	for (size_t i = 0; i < n; i++) {
		size_t o = sp_ppush_index(c, i);
		if (sp_check_abs_path(c, NULL, v[i]) < 0)
			return -1;
		sp_ppop(c, o);
	}
	sp_ppop(c, old);
	return 0;
}

static int check_linux(struct pctx *c, void *obj)
{
	static const char *const propagations[] = {
		"shared", "slave", "private", "unbindable", "rshared",
		"rslave", "rprivate", "runbindable", NULL,
	};
	L *l = obj;

	if (check_ns_dups(c, l) < 0 ||
	    check_map_count(c, "uidMappings", l->nuid_mappings) < 0 ||
	    check_map_count(c, "gidMappings", l->ngid_mappings) < 0 ||
	    check_paths(c, "maskedPaths", l->masked_paths,
			l->nmasked_paths) < 0 ||
	    check_paths(c, "readonlyPaths", l->readonly_paths,
			l->nreadonly_paths) < 0)
		return -1;
	if (l->rootfs_propagation &&
	    !sp_str_in(propagations, l->rootfs_propagation))
		return sp_fail_not_in(c, "rootfsPropagation", "propagation",
				   l->rootfs_propagation);
	if (l->cgroups_path && !sp_no_dotdot(l->cgroups_path))
		return sp_ppush_key(c, "cgroupsPath"),
		       sp_pfail(c, "must not contain \"..\" components");
	return 0;
}

static const struct field linux_fields[] = {
	FSUB("namespaces", FK_ARR, L, namespaces, offsetof(L, nnamespaces), 0,
	     &ns_desc),
	FSUB("uidMappings", FK_ARR, L, uid_mappings,
	     offsetof(L, nuid_mappings), 0, &sp_idmap_desc),
	FSUB("gidMappings", FK_ARR, L, gid_mappings,
	     offsetof(L, ngid_mappings), 0, &sp_idmap_desc),
	{"timeOffsets", FK_EMBED, 0, 0, NO_AUX, &offsets_desc, NULL},
	FSUB("devices", FK_ARR, L, devices, offsetof(L, ndevices), 0,
	     &device_desc),
	FLD("cgroupsPath", FK_STR, L, cgroups_path, NO_AUX, 0),
	FSUB("resources", FK_OBJ, L, resources, NO_AUX, 0, &sp_resources_desc),
	FN("sysctl", FK_KV, L, sysctl, nsysctl, 0),
	FSUB("seccomp", FK_OBJ, L, seccomp, NO_AUX, 0, &sp_seccomp_desc),
	FLD("rootfsPropagation", FK_STR, L, rootfs_propagation, NO_AUX, 0),
	FN("maskedPaths", FK_STRV, L, masked_paths, nmasked_paths, 0),
	FN("readonlyPaths", FK_STRV, L, readonly_paths, nreadonly_paths, 0),
	FLD("mountLabel", FK_STR, L, mount_label, NO_AUX, 0),
	FSUB("intelRdt", FK_OBJ, L, intel_rdt, NO_AUX, 0, &rdt_desc),
	FSUB("personality", FK_OBJ, L, personality, NO_AUX, 0,
	     &personality_desc),
	FSUB("netDevices", FK_KEYED, L, net_devices, offsetof(L, nnet_devices),
	     0, &netdev_desc),
	{0},
};

const struct fdesc sp_linux_desc = {
	.size = sizeof(L),
	.fields = linux_fields,
	.check = check_linux,
};
