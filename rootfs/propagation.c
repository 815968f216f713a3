/* Mount propagation of the container's mount namespace.
 *
 * A new mount namespace copies the host's mounts with their peer groups:
 * anything mounted below a shared mount would appear on the host.  So "/"
 * becomes a slave first, recursively: host mounts may still propagate in
 * (runc's default, rslave), ours never out, whatever rootfsPropagation says
 * afterwards (a slave made shared stays a slave of the host). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "rootfs/priv.h"

static const struct {
	const char *name;
	unsigned long flags;
} props[] = {
	{"private", MS_PRIVATE},   {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},     {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},       {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE},
	{"runbindable", MS_UNBINDABLE | MS_REC},
};

int rootfs_propagation(const struct spec *s, unsigned long *flags,
		       struct herr *e)
{
	const char *p = s->linux ? s->linux->rootfs_propagation : NULL;

	*flags = 0;
	if (!p || !*p)
		return 0;
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (!strcmp(p, props[i].name)) {
			*flags = props[i].flags;
			return 0;
		}
	return herr_set(e, EINVAL, "linux.rootfsPropagation: unknown value "
			"\"%s\"", p);
}

/* pivot_root refuses (EINVAL) when the new root's parent mount is shared:
 * make the mount holding the rootfs directory private, as runc does. */
static int parent_private(const char *rootfs, struct herr *e)
{
	_cleanup_free_ char *dir = xstrdup(rootfs);
	struct stat st, pst;

	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			strcpy(dir, "/");
			break;
		}
		*slash = '\0';
		if (stat(dir, &st) < 0)
			return herr_sys(e, "stat `%s`", dir);
		char *up = xasprintf("%s/..", dir);
		int r = stat(up, &pst);
		free(up);
		if (r < 0)
			return herr_sys(e, "stat `%s/..`", dir);
		if (st.st_dev != pst.st_dev) /* dir is a mount point */
			break;
	}
	/* EINVAL: not a mount point (a bind mount of a subdirectory with the
	 * same device), then the next one up is; rare enough to ignore */
	if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0 && errno != EINVAL)
		return herr_sys(e, "make `%s` private", dir);
	return 0;
}

int prepare_root(const struct rootfs_opts *o, struct herr *e)
{
	unsigned long prop;
	struct stat st;

	if (rootfs_propagation(o->spec, &prop, e) < 0)
		return -1;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return herr_sys(e, "make `/` rslave");
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return herr_sys(e, "linux.rootfsPropagation `%s`",
				o->spec->linux->rootfs_propagation);
	if (stat(o->rootfs, &st) < 0)
		return herr_sys(e, "root.path `%s`", o->rootfs);
	if (!S_ISDIR(st.st_mode))
		return herr_set(e, ENOTDIR, "root.path `%s`", o->rootfs);
	if (parent_private(o->rootfs, e) < 0)
		return -1;
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return herr_sys(e, "bind root.path `%s`", o->rootfs);
	return 0;
}
