/* Which cgroup layout this machine has, and where each controller lives.
 * statfs(2) on /sys/fs/cgroup tells v2 from v1; /proc/self/mountinfo lists
 * the hierarchies (cpu and cpuacct may be separate or co-mounted, named ones
 * like name=systemd exist); a cgroup2 mount next to v1 ones makes the layout
 * hybrid, and the controllers in its root cgroup.controllers (hugetlb on our
 * machines) can only be used there: a controller is bound to one hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "cgroups/internal.h"

static const char *const ctrl_names[CG__COUNT] = {
	[CG_CPU] = "cpu",	      [CG_CPUACCT] = "cpuacct",
	[CG_CPUSET] = "cpuset",	      [CG_MEMORY] = "memory",
	[CG_DEVICES] = "devices",     [CG_FREEZER] = "freezer",
	[CG_BLKIO] = "blkio",	      [CG_IO] = "io",
	[CG_PIDS] = "pids",	      [CG_HUGETLB] = "hugetlb",
	[CG_NET_CLS] = "net_cls",     [CG_NET_PRIO] = "net_prio",
	[CG_PERF_EVENT] = "perf_event", [CG_RDMA] = "rdma",
	[CG_MISC] = "misc",
};

const char *cg_ctrl_name(enum cg_ctrl c)
{
	return ctrl_names[c];
}

int cg_ctrl_parse(const char *name)
{
	for (int i = 0; i < CG__COUNT; i++)
		if (!strcmp(ctrl_names[i], name))
			return i;
	return -1;
}

uint32_t cg_ctrl_mask(const char *list, const char *seps)
{
	_cleanup_free_ char *copy = xstrdup(list);
	uint32_t mask = 0;
	char *save = NULL;

	for (char *t = strtok_r(copy, seps, &save); t;
	     t = strtok_r(NULL, seps, &save)) {
		int c = cg_ctrl_parse(t);
		if (c >= 0)
			mask |= CG_BIT(c);
	}
	return mask;
}

/* mountinfo fields: id parent maj:min root mountpoint opts [tags] - fstype
 * source superopts */
static int parse_line(char *line, char **mnt, char **fstype, char **sopts)
{
	char *f[6], *save = NULL, *sep;
	int i = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return -1;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && i < 6;
	     t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	if (i < 5)
		return -1;
	*mnt = f[4];
	save = NULL;
	*fstype = strtok_r(sep + 3, " ", &save);
	if (!*fstype || !strtok_r(NULL, " ", &save))
		return -1;
	*sopts = strtok_r(NULL, " \n", &save);
	return *sopts ? 0 : -1;
}

/* mountinfo also lists hierarchies something else was mounted over (crun's
 * workaround puts a tmpfs on /sys/fs/cgroup/unified): trust only what the
 * opened directory really is */
static bool fd_is(int fd, long magic)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == magic;
}

static bool seen(const struct cg_layout *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->m[i].key, key))
			return true;
	return false;
}

static void add_v1(struct cg_layout *l, const char *mnt, const char *sopts)
{
	_cleanup_free_ char *copy = xstrdup(sopts);
	struct strbuf key = {0};
	char *save = NULL;
	uint32_t mask = 0;
	int fd;

	for (char *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int c = cg_ctrl_parse(t);
		if (c < 0 && !str_has_prefix(t, "name="))
			continue;
		if (c >= 0)
			mask |= CG_BIT(c);
		strbuf_printf(&key, "%s%s", key.len ? "," : "", t);
	}
	if (!key.len || seen(l, key.buf) || l->n == CG_MAX_MOUNTS) {
		strbuf_free(&key);
		return;
	}
	fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !fd_is(fd, CGROUP_SUPER_MAGIC)) {
		if (fd >= 0)
			close(fd);
		strbuf_free(&key);
		return;
	}
	l->m[l->n++] = (struct cg_mount){.dir = xstrdup(mnt),
					 .key = strbuf_steal(&key),
					 .ctrls = mask, .fd = fd};
}

static int add_v2(struct cg_layout *l, const char *mnt, struct herr *e)
{
	_cleanup_free_ char *ctrls = NULL;
	_cleanup_close_ int fd = -1;

	if (seen(l, "unified") || l->n == CG_MAX_MOUNTS)
		return 0;
	fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open `%s`", mnt);
	if (!fd_is(fd, CGROUP2_SUPER_MAGIC))
		return 0;
	if (cg_read(fd, "cgroup.controllers", &ctrls, e) < 0)
		return herr_wrap(e, "%s", mnt);
	l->m[l->n++] = (struct cg_mount){.dir = xstrdup(mnt),
					 .key = xstrdup("unified"),
					 .ctrls = cg_ctrl_mask(ctrls, " "),
					 .v2 = true, .fd = steal_fd(&fd)};
	return 0;
}

static int scan_mountinfo(struct cg_layout *l, struct herr *e)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return herr_sys(e, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char *mnt, *fstype, *sopts;

		if (parse_line(line, &mnt, &fstype, &sopts) < 0)
			continue;
		/* only the host's own hierarchies, not bind mounts elsewhere */
		if (!str_has_prefix(mnt, CG_ROOT))
			continue;
		if (!strcmp(fstype, "cgroup") && l->kind != CGROUP_V2)
			add_v1(l, mnt, sopts);
		else if (!strcmp(fstype, "cgroup2") &&
			 (l->kind != CGROUP_V2 || !strcmp(mnt, CG_ROOT))) {
			if (add_v2(l, mnt, e) < 0)
				return -1;
		}
	}
	return 0;
}

static int detect(struct cg_layout *l, struct herr *e)
{
	struct statfs sf;

	if (statfs(CG_ROOT, &sf) < 0)
		return herr_sys(e, "statfs %s", CG_ROOT);
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		l->kind = CGROUP_V2;
	else if (statfs(CG_ROOT "/unified", &sf) == 0 &&
		 sf.f_type == CGROUP2_SUPER_MAGIC)
		l->kind = CGROUP_HYBRID;
	else if (sf.f_type == TMPFS_MAGIC || sf.f_type == CGROUP_SUPER_MAGIC)
		l->kind = CGROUP_V1;
	else
		return herr_set(e, 0, "%s is not a cgroup mount", CG_ROOT);
	if (scan_mountinfo(l, e) < 0)
		return -1;
	if (!l->n)
		return herr_set(e, 0, "no cgroup hierarchy is mounted under %s",
				CG_ROOT);
	return 0;
}

int cg_detect(const struct cg_layout **out, struct herr *e)
{
	static struct cg_layout layout;
	static bool done;

	if (!done) {
		if (detect(&layout, e) < 0) {
			for (size_t i = 0; i < layout.n; i++) {
				free(layout.m[i].dir);
				free(layout.m[i].key);
				close(layout.m[i].fd);
			}
			layout = (struct cg_layout){0};
			return herr_wrap(e, "detect cgroups");
		}
		done = true;
	}
	*out = &layout;
	return 0;
}

int cgroup_layout(enum cgroup_layout *out, struct herr *e)
{
	const struct cg_layout *l;

	if (cg_detect(&l, e) < 0)
		return -1;
	*out = l->kind;
	return 0;
}

const char *cgroup_layout_name(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_V1: return "v1";
	case CGROUP_HYBRID: return "hybrid";
	case CGROUP_V2: return "v2";
	}
	return "unknown";
}
