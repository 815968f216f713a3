/* `type: cgroup` mounts.  The container must see only its own cgroups,
 * never the host's hierarchy:
 *  - with a cgroup namespace, fresh cgroup/cgroup2 mounts show the
 *    namespace root;
 *  - without one, the container's own cgroup directories are bind-mounted.
 * cgroup v2: one mount at the destination.  v1 (and hybrid): a tmpfs at the
 * destination holding one mount per hierarchy, named like the host's
 * (cpu, memory, systemd, unified ...), links for co-mounted controllers
 * (cpu -> cpu,cpuacct), and the tmpfs made read-only last if asked — the
 * layout runc and systemd expect. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>

#include "rootfs/priv.h"

struct hier {
	char *name; /* basename of the host mount point */
	char *src;  /* our cgroup's directory on the host */
	char *opts; /* super options minus rw/ro: "cpu", "name=systemd" */
	bool v2;
};

static void free_hiers(struct hier *hs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hs[i].name);
		free(hs[i].src);
		free(hs[i].opts);
	}
	free(hs);
}

static bool has_cgroupns(const struct spec *s)
{
	for (size_t i = 0; s->linux && i < s->linux->nnamespaces; i++)
		if (s->linux->namespaces[i].type == SPEC_NS_CGROUP)
			return true;
	return false;
}

/* "rw,cpu,xattr" -> "cpu,xattr"; true if ctrl (e.g. "cpu" or
 * "name=systemd") is one of them */
static bool opt_has(const char *opts, const char *ctrl)
{
	size_t n = strlen(ctrl);
	for (const char *p = opts; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, ctrl, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* our path in the hierarchy from /proc/self/cgroup */
static char *own_path(const char *cgfile, const struct hier *h,
		      const char *root)
{
	_cleanup_free_ char *dup = xstrdup(cgfile);
	char *save = NULL;

	for (char *l = strtok_r(dup, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool match = h->v2 ? !*ctrls : false;
		if (!h->v2 && *ctrls) {
			_cleanup_free_ char *cs = xstrdup(ctrls);
			char *s2 = NULL;
			match = true;
			for (char *c = strtok_r(cs, ",", &s2); c; c = strtok_r(NULL, ",", &s2))
				match = match && opt_has(h->opts, c);
		}
		if (!match)
			continue;
		/* a mount whose root is not "/" (we are in a cgroupns of our
		 * own): the path is below that root */
		size_t rl = strcmp(root, "/") ? strlen(root) : 0;
		if (rl && strncmp(path, root, rl))
			return NULL;
		return xstrdup(path + rl);
	}
	return NULL;
}

static char *strip_rw(const char *in)
{
	struct strbuf b = {0};
	_cleanup_free_ char *d = xstrdup(in);
	char *save = NULL;

	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "rw") && strcmp(t, "ro")) {
			if (b.len)
				strbuf_puts(&b, ",");
			strbuf_puts(&b, t);
		}
	return strbuf_steal(&b);
}

/* the host's hierarchies below /sys/fs/cgroup (or it, for pure v2) */
static int find_hiers(bool want_v1, bool cgroupns, struct hier **out,
		      size_t *n, struct herr *e)
{
	_cleanup_free_ char *mi = NULL, *cg = NULL;
	char *save = NULL;

	*out = NULL;
	*n = 0;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi, NULL, 0, e) < 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/cgroup", &cg, NULL, 0, e) < 0)
		return -1;
	for (char *l = strtok_r(mi, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[PATH_MAX], mp[PATH_MAX], fstype[32], super[256];
		char *dash = strstr(l, " - ");
		if (!dash || sscanf(l, "%*d %*d %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(dash + 3, "%31s %*s %255s", fstype, super) != 2)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if (!v2 && strcmp(fstype, "cgroup"))
			continue;
		const char *base = want_v1 ? "/sys/fs/cgroup/" : "/sys/fs/cgroup";
		if (want_v1 ? strncmp(mp, base, strlen(base)) ||
				      strchr(mp + strlen(base), '/')
			    : strcmp(mp, base))
			continue;
		struct hier h = {.v2 = v2, .opts = strip_rw(super)};
		/* a fresh mount in our cgroupns needs no host path (and the
		 * host mount's root is then outside the namespace, "/..") */
		_cleanup_free_ char *own = cgroupns ? NULL : own_path(cg, &h, root);
		if (!cgroupns && !own) {
			free(h.opts);
			continue;
		}
		h.name = xstrdup(want_v1 ? mp + strlen(base) : "");
		h.src = own ? xasprintf("%s%s", mp, own) : NULL;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = h;
	}
	return 0;
}

/* one hierarchy on tgt: a fresh mount in a cgroupns, else a bind of our
 * own directory */
static int mount_hier(int rootfd, const char *dest, int tgt,
		      const struct hier *h, bool cgroupns,
		      const struct mnt_opts *mo, const char *what,
		      struct herr *e)
{
	int fd = -1;

	if (cgroupns) {
		fd = attach_fs(rootfd, dest, tgt, h->v2 ? "cgroup2" : "cgroup",
			       h->v2 ? "cgroup2" : "cgroup", mo->set,
			       h->v2 ? NULL : h->opts, what, e);
		if (fd >= 0 || e->errnum != EPERM || !h->src)
			return fd;
		herr_clear(e); /* not allowed in this user namespace: bind */
	}
	struct bind_req b = {.src_fd = -1, .src = h->src, .set = mo->set,
			     .clr = mo->clr, .userns_fd = -1};
	return attach_bind(rootfd, dest, tgt, &b, what, e);
}

static int comount_links(int dirfd, const struct hier *h)
{
	if (!strchr(h->name, ','))
		return 0;
	_cleanup_free_ char *d = xstrdup(h->name);
	char *save = NULL;
	for (char *c = strtok_r(d, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (symlinkat(h->name, dirfd, c) < 0 && errno != EEXIST)
			return -1;
	return 0;
}

static int mount_v1(const struct rootfs_opts *o, int rootfd,
		    const struct spec_mount *m, const struct mnt_opts *mo,
		    int tgt, struct hier *hs, size_t n, const char *what,
		    struct herr *e)
{
	bool ns = has_cgroupns(o->spec);
	_cleanup_close_ int top = attach_fs(
		rootfd, m->destination, tgt, "tmpfs", "tmpfs",
		MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", what, e);

	if (top < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dest =
			xasprintf("%s/%s", m->destination, hs[i].name);
		_cleanup_close_ int sub =
			rfs_open(rootfd, dest, RFS_DIR, 0755, true, e);
		if (sub < 0)
			return herr_wrap(e, "%s", what);
		int fd = mount_hier(rootfd, dest, sub, &hs[i], ns, mo, what, e);
		if (fd < 0)
			return herr_wrap(e, "`%s`", hs[i].name);
		close(fd);
		_cleanup_close_ int dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0 || comount_links(dir, &hs[i]) < 0)
			return herr_sys(e, "%s: link `%s`", what, hs[i].name);
	}
	if ((mo->set & MS_RDONLY) &&
	    mnt_remount(top, MS_RDONLY, 0, false, what, e) < 0)
		return -1;
	return steal_fd(&top);
}

int mount_cgroup(const struct rootfs_opts *o, int rootfd,
		 const struct spec_mount *m, const struct mnt_opts *mo,
		 int tgt, const char *what, struct herr *e)
{
	struct statfs sf;
	struct hier *hs = NULL;
	size_t n = 0;
	int r;

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		return herr_sys(e, "%s: statfs /sys/fs/cgroup", what);
	bool v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
	if (find_hiers(!v2, has_cgroupns(o->spec), &hs, &n, e) < 0)
		return herr_wrap(e, "%s", what);
	if (!v2 && !strcmp(m->type, "cgroup2")) {
		/* an explicit cgroup2 on a hybrid host: the unified one */
		size_t j = 0;
		for (size_t i = 0; i < n; i++) {
			if (hs[i].v2) {
				struct hier t = hs[j];
				hs[j++] = hs[i];
				hs[i] = t;
			}
		}
		for (size_t i = j; i < n; i++) {
			free(hs[i].name);
			free(hs[i].src);
			free(hs[i].opts);
		}
		n = j;
		v2 = true;
	}
	if (v2 && n != 1)
		r = herr_set(e, ENOENT, "%s: no cgroup2 hierarchy of ours", what);
	else if (v2)
		r = mount_hier(rootfd, m->destination, tgt, &hs[0],
			       has_cgroupns(o->spec), mo, what, e);
	else
		r = mount_v1(o, rootfd, m, mo, tgt, hs, n, what, e);
	free_hiers(hs, n);
	return r;
}
