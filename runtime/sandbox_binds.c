/* The spec's bind mounts in the sandbox.  The guest cannot see the host
 * mounts below the rootfs (the 9p server never crosses a mount), so each
 * bind's source is cloned on its own (open_tree: a detached mount of the
 * source alone, as the rootfs is), served by a 9p device of its own (tag
 * bind<N>, vmm_config.shares) and mounted by the guest init on the bind's
 * destination, in the spec's order among the kernel filesystems, read-only
 * when the bind is.  A file's share is its directory (the guest's 9p
 * mounts a directory as the root) restricted to its one name: the guest
 * init mounts it aside and binds that name on the destination.  Sources that
 * are neither (devices, sockets) stay on the host: the guest has its own
 * devices, and a host socket cannot cross 9p. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "rootfs/rootfs.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "vmm/vmm.h"

_Static_assert(4 + VMM_SHARES_MAX <= SANDBOX_FDS_MAX, "sandbox_keep_fds");

static struct bind {
	int fd;
	size_t mount;  /* index in spec->mounts */
	bool readonly;
	char *file;    /* a file's name in the shared directory, NULL: a
			  directory */
} binds[VMM_SHARES_MAX];
static unsigned nbinds;

static bool has_option(const struct spec_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->noptions; i++)
		if (!strcmp(m->options[i], opt))
			return true;
	return false;
}

/* the source's clone (a file's: its directory's, *file its name), or -1
 * (not served: neither a file nor a directory) */
static int clone_source(const char *bundle, const struct spec_mount *m,
			char **file, struct herr *e)
{
	_cleanup_free_ char *path = NULL, *src = NULL;
	struct stat st;
	long fd;

	if (!(path = rootfs_bind_source(bundle, m)))
		return herr_set(e, 0, "mount on `%s`: bind mount without a "
				"source", m->destination);
	/* symlinks followed, as the host's bind does */
	if (!(src = realpath(path, NULL)) || stat(src, &st) < 0)
		return herr_sys(e, "mount `%s` on `%s`: source", m->source,
				m->destination);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return -1;
	if (S_ISREG(st.st_mode)) {
		char *slash = strrchr(src, '/');
		*file = xstrdup(slash + 1);
		slash[slash == src ? 1 : 0] = 0;
	}
	fd = syscall(SYS_open_tree, AT_FDCWD, src,
		     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "sandbox: mount `%s` on `%s`: clone the "
				"source for the guest", m->source,
				m->destination);
	return (int)fd;
}

int sandbox_binds_prepare(const struct spec *spec, const char *bundle,
			  struct herr *e)
{
	for (size_t i = 0; i < spec->nmounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		struct herr se = {0};
		char *file = NULL;
		int fd;

		if (!rootfs_mount_is_bind(m) || !m->destination)
			continue;
		fd = clone_source(bundle, m, &file, &se);
		if (fd < 0 && se.msg[0])
			return *e = se, -1;
		if (fd < 0)
			continue;
		if (nbinds == VMM_SHARES_MAX) {
			close(fd);
			free(file);
			return herr_set(e, E2BIG, "sandbox: mount `%s` on `%s`: "
					"more than %d bind mounts of files and "
					"directories", m->source, m->destination,
					VMM_SHARES_MAX);
		}
		binds[nbinds++] = (struct bind){.fd = fd, .mount = i,
			.readonly = has_option(m, "ro"), .file = file};
	}
	return 0;
}

size_t sandbox_binds_keep(int *fds, size_t max)
{
	size_t n = 0;

	for (unsigned i = 0; i < nbinds && n < max; i++)
		fds[n++] = binds[i].fd;
	return n;
}

void sandbox_binds_vmm(struct vmm_config *c)
{
	for (unsigned i = 0; i < nbinds; i++)
		c->shares[i] = (struct vmm_share){.fd = binds[i].fd,
						  .readonly = binds[i].readonly,
						  .only = binds[i].file};
	c->nshares = nbinds;
}

/* the config item of spec->mounts[mount] if it is a served bind: TYPE
 * `bind`, the data "TAG" or "TAG,NAME" (a file); NULL otherwise */
const char *sandbox_bind_item(size_t mount, bool *readonly)
{
	static char data[300];

	for (unsigned i = 0; i < nbinds; i++) {
		if (binds[i].mount != mount)
			continue;
		snprintf(data, sizeof(data), "bind%u%s%s", i,
			 binds[i].file ? "," : "",
			 binds[i].file ? binds[i].file : "");
		*readonly = binds[i].readonly;
		return data;
	}
	return NULL;
}
