/* A user namespace carrying a mount's uidMappings/gidMappings, for
 * MOUNT_ATTR_IDMAP.  The kernel takes the mapping from a userns fd, so we
 * fork a child into a new user namespace, write its maps, keep an fd of
 * the namespace and let the child go. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "rootfs/priv.h"

static int write_map(pid_t pid, const char *which,
		     const struct spec_idmap *m, size_t n, struct herr *e)
{
	struct strbuf b = {0};
	_cleanup_free_ char *path = xasprintf("/proc/%d/%s", (int)pid, which);
	int r;

	for (size_t i = 0; i < n; i++)
		strbuf_printf(&b, "%u %u %u\n", m[i].container_id,
			      m[i].host_id, m[i].size);
	r = write_file_at(AT_FDCWD, path, b.buf ? b.buf : "", b.len, e);
	strbuf_free(&b);
	return r < 0 ? herr_wrap(e, "idmap: write %s", which) : 0;
}

int idmap_userns(const struct spec_idmap *uid, size_t nuid,
		 const struct spec_idmap *gid, size_t ngid, struct herr *e)
{
	int pfd[2], fd = -1, st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return herr_sys(e, "idmap: pipe");
	/* a bare fork into a new userns: the child only waits for EOF */
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL,
		      NULL);
	if (pid == 0) {
		char c;
		close(pfd[1]);
		(void)!read(pfd[0], &c, 1);
		_exit(0);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return herr_sys(e, "idmap: clone user namespace");
	}
	if (write_map(pid, "uid_map", uid, nuid, e) == 0 &&
	    write_map(pid, "gid_map", gid, ngid, e) == 0) {
		_cleanup_free_ char *ns = xasprintf("/proc/%d/ns/user", pid);
		fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			herr_sys(e, "idmap: open %s", ns);
	}
	close(pfd[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return fd;
}
