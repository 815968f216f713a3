/* Bind mounts of mounts[]: the host source, the destination created to
 * match it (file or directory) inside the root, the attributes, and
 * idmapped binds.
 *
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the source filesystem's user
 * namespace (the host's), which a child in the container's user namespace
 * never has.  So for such containers the runtime's parent makes the
 * idmapped trees before clone (rootfs_idmap_prepare) and the child only
 * attaches them, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "rootfs/priv.h"

char *rootfs_bind_source(const char *bundle, const struct spec_mount *m)
{
	if (!m->source)
		return NULL;
	return m->source[0] == '/' ? xstrdup(m->source)
				   : xasprintf("%s/%s", bundle, m->source);
}

bool rootfs_mount_is_bind(const struct spec_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (size_t i = 0; i < m->noptions; i++)
		if (!strcmp(m->options[i], "bind") ||
		    !strcmp(m->options[i], "rbind"))
			return true;
	return false;
}

/* the host source: absolute, or relative to the bundle; symlinks followed
 * (it is the config author's path, not the container's) */
static int open_source(const char *bundle, const struct spec_mount *m,
		       struct stat *st, const char *what, struct herr *e)
{
	_cleanup_free_ char *src = rootfs_bind_source(bundle, m);
	int fd;

	if (!src)
		return herr_set(e, 0, "%s: bind mount without a source", what);
	fd = open(src, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st) < 0) {
		herr_sys(e, "%s: source", what);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* the user namespace carrying the mount's mappings (runtime-spec: the
 * container's own when the mount names none) */
static int idmap_of(const struct spec *s, const struct spec_mount *m,
		    const char *what, struct herr *e)
{
	const struct spec_linux *l = s->linux;
	const struct spec_idmap *u = m->uid_mappings, *g = m->gid_mappings;
	size_t nu = m->nuid_mappings, ng = m->ngid_mappings;

	if (!nu && l) {
		u = l->uid_mappings;
		nu = l->nuid_mappings;
	}
	if (!ng && l) {
		g = l->gid_mappings;
		ng = l->ngid_mappings;
	}
	if (!nu || !ng)
		return herr_set(e, 0, "%s: idmap needs uidMappings and "
				"gidMappings", what);
	int fd = idmap_userns(u, nu, g, ng, e);
	return fd < 0 ? herr_wrap(e, "%s", what) : fd;
}

static struct bind_req bind_request(int src_fd, const struct mnt_opts *mo,
				    int userns)
{
	return (struct bind_req){
		.src_fd = src_fd,
		.recursive = mo->rbind,
		.set = mo->set,
		.clr = mo->clr,
		.rec = (mo->rec.attr_set | mo->rec.attr_clr) ? &mo->rec : NULL,
		.userns_fd = userns,
		.idmap_recursive = mo->ridmap,
	};
}

/* a tree the parent prepared: attach it */
static int attach_prepared(const struct rootfs_opts *o, int rootfd,
			   int tree, const struct spec_mount *m,
			   const char *what, struct herr *e)
{
	_cleanup_close_ int tgt = -1;
	struct stat st;
	int fd = fcntl(tree, F_DUPFD_CLOEXEC, 3);

	if (fd < 0 || fstat(tree, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return herr_sys(e, "%s: prepared tree", what);
	}
	tgt = rfs_open(rootfd, m->destination,
		       S_ISDIR(st.st_mode) ? RFS_DIR : RFS_FILE,
		       S_ISDIR(st.st_mode) ? 0755 : 0644, false, e);
	if (tgt < 0 || check_kind(tgt, S_ISDIR(st.st_mode), what, e) < 0 ||
	    check_proc_target(m->destination, tgt, fd, NULL, what, e) < 0 ||
	    attach_tree(fd, tgt, what, e) < 0) {
		close(fd);
		return tgt < 0 ? herr_wrap(e, "%s: destination", what) : -1;
	}
	return fd;
}

int bind_entry(const struct rootfs_opts *o, int rootfd, size_t idx,
	       const struct spec_mount *m, const struct mnt_opts *mo,
	       const char *what, struct herr *e)
{
	_cleanup_close_ int src_fd = -1, tgt = -1, userns = -1;
	struct stat st;

	if (o->idmap_fds && o->idmap_fds[idx] >= 0)
		return attach_prepared(o, rootfd, o->idmap_fds[idx], m, what, e);
	src_fd = open_source(o->bundle, m, &st, what, e);
	if (src_fd < 0)
		return -1;
	tgt = rfs_open(rootfd, m->destination,
		       S_ISDIR(st.st_mode) ? RFS_DIR : RFS_FILE,
		       S_ISDIR(st.st_mode) ? 0755 : 0644, false, e);
	if (tgt < 0)
		return herr_wrap(e, "%s: destination", what);
	if (check_kind(tgt, S_ISDIR(st.st_mode), what, e) < 0 ||
	    check_proc_target(m->destination, tgt, src_fd, NULL, what, e) < 0)
		return -1;
	if (mo->idmap && o->userns)
		return herr_set(e, EPERM, "%s: idmap in a user namespace: "
				"the runtime must prepare the mount "
				"(rootfs_idmap_prepare)", what);
	if (mo->idmap && (userns = idmap_of(o->spec, m, what, e)) < 0)
		return -1;
	struct bind_req b = bind_request(src_fd, mo, userns);
	return attach_bind(rootfd, m->destination, tgt, &b, what, e);
}

static bool is_bind(const struct spec_mount *m, const struct mnt_opts *mo)
{
	return mo->bind || (m->type && !strcmp(m->type, "bind"));
}

static int prepare_one(const struct spec *s, const char *bundle,
		       const struct spec_mount *m, int *out, struct herr *e)
{
	_cleanup_free_ char *what = xasprintf(
		"mount `%s` on `%s`", m->source ? m->source : "none",
		m->destination ? m->destination : "");
	_cleanup_close_ int src_fd = -1, userns = -1;
	struct mnt_opts mo;
	struct stat st;
	int r = 0;

	*out = -1;
	if (mnt_opts_parse(m->options, m->noptions, &mo, e) < 0)
		return herr_wrap(e, "%s", what);
	if (mo.idmap && is_bind(m, &mo)) {
		src_fd = open_source(bundle, m, &st, what, e);
		userns = src_fd < 0 ? -1 : idmap_of(s, m, what, e);
		if (src_fd < 0 || userns < 0) {
			r = -1;
		} else {
			struct bind_req b = bind_request(src_fd, &mo, userns);
			*out = bind_tree(&b, what, e);
			r = *out < 0 ? -1 : 0;
		}
	}
	mnt_opts_free(&mo);
	return r;
}

int rootfs_idmap_prepare(const struct spec *s, const char *bundle,
			 int **fds, struct herr *e)
{
	int *f = NULL;

	*fds = NULL;
	for (size_t i = 0; i < s->nmounts; i++) {
		int fd;
		if (prepare_one(s, bundle, &s->mounts[i], &fd, e) < 0) {
			rootfs_idmap_free(s, f);
			return herr_wrap(e, "mounts[%zu]", i);
		}
		if (fd < 0)
			continue;
		if (!f) {
			f = xmalloc(s->nmounts * sizeof(int));
			for (size_t j = 0; j < s->nmounts; j++)
				f[j] = -1;
		}
		f[i] = fd;
	}
	*fds = f;
	return 0;
}

void rootfs_idmap_free(const struct spec *s, int *fds)
{
	for (size_t i = 0; fds && i < s->nmounts; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}
