/* Steps of the container's init that belong to no other folder: hostname,
 * sysctl, the working directory, fds, finding the executable. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/runtime.h"
#include "runtime/sandbox.h"

int child_identity(struct launch *l, struct herr *e)
{
	const struct spec *s = l->spec;

	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return herr_sys(e, "hostname: set `%s`", s->hostname);
	if (s->domainname &&
	    setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return herr_sys(e, "domainname: set `%s`", s->domainname);
	return 0;
}

/* runc's rule: a sysctl must belong to a namespace the container has of
 * its own, or it would change the host */
static bool sysctl_allowed(const struct launch *l, const char *key)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax",
		"kernel.shmmni", "kernel.shm_rmid_forced", NULL,
	};
	bool own_ipc = (l->clone_flags & CLONE_NEWIPC) || l->ns_fd[SPEC_NS_IPC] >= 0;
	bool own_net = (l->clone_flags & CLONE_NEWNET) || l->ns_fd[SPEC_NS_NETWORK] >= 0;
	bool own_uts = (l->clone_flags & CLONE_NEWUTS) || l->ns_fd[SPEC_NS_UTS] >= 0;

	for (size_t i = 0; ipc_keys[i]; i++)
		if (!strcmp(key, ipc_keys[i]))
			return own_ipc;
	if (str_has_prefix(key, "fs.mqueue."))
		return own_ipc;
	if (str_has_prefix(key, "net."))
		return own_net;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return own_uts;
	return false;
}

int child_sysctl(struct launch *l, struct herr *e)
{
	const struct spec_linux *lx = l->spec->linux;

	for (size_t i = 0; lx && i < lx->nsysctl; i++) {
		const struct spec_kv *kv = &lx->sysctl[i];
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", kv->key);

		if (strstr(kv->key, "..") || strchr(kv->key, '/'))
			return herr_set(e, 0, "linux.sysctl: invalid key `%s`",
					kv->key);
		if (!sysctl_allowed(l, kv->key))
			return herr_set(e, 0, "linux.sysctl: `%s` is not in a "
					"namespace of the container's own",
					kv->key);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		if (write_file_at(AT_FDCWD, path, kv->value, strlen(kv->value),
				  e) < 0)
			return herr_wrap(e, "linux.sysctl `%s`", kv->key);
	}
	return 0;
}

/* process.cwd is created if missing (runc does the same), as root, before
 * the user switch */
int child_prepare_cwd(struct launch *l, struct herr *e)
{
	const char *cwd = l->spec->process->cwd;
	struct stat st;

	if (stat(cwd, &st) == 0)
		return 0;
	if (mkdir_p_at(AT_FDCWD, cwd, 0755, e) < 0)
		return herr_wrap(e, "process.cwd");
	return 0;
}

/* CVE-2024-21626: a leaked directory fd plus a cwd like /proc/self/fd/N
 * gave the container the host's filesystem.  All fds but stdio, the
 * preserved ones and our own (sync, fifo, close-on-exec) are closed before
 * chdir, and the result must be reachable from the container's root. */
int child_enter_cwd(struct launch *l, struct herr *e)
{
	const char *cwd = l->spec->process->cwd;
	char buf[4096];

	if (chdir(cwd) < 0)
		return herr_sys(e, "process.cwd: chdir `%s`", cwd);
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return herr_set(e, 0, "process.cwd `%s` is outside the "
				"container", cwd);
	return 0;
}

int child_close_fds(struct launch *l, struct herr *e)
{
	/* and the sandbox's /dev/kvm and rootfs, opened before pivot_root */
	int keep[2 + SANDBOX_FDS_MAX] = {l->sync_child, l->fifo_fd};
	size_t n = 2 + sandbox_keep_fds(keep + 2, SANDBOX_FDS_MAX);

	if (close_fds_from(3 + l->nfds, keep, n) < 0)
		return herr_sys(e, "close inherited fds");
	/* preserved fds must survive execve */
	for (unsigned i = 0; i < l->nfds; i++)
		fd_set_cloexec(3 + i, false);
	return 0;
}

static const char *env_get(struct launch *l, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < l->nenv; i++)
		if (!strncmp(l->env[i], name, n) && l->env[i][n] == '=')
			return l->env[i] + n + 1;
	return NULL;
}

/* args[0] resolved as execvp would, checked before READY so that a
 * missing executable fails `create`, not the later `start` */
char *child_find_executable(struct launch *l, struct herr *e)
{
	const char *arg0 = l->spec->process->args[0];
	const char *pathvar = env_get(l, "PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save, *dir;

	if (strchr(arg0, '/')) {
		if (access(arg0, X_OK) < 0) {
			herr_sys(e, "process.args[0]: `%s`", arg0);
			return NULL;
		}
		return xstrdup(arg0);
	}
	dirs = xstrdup(pathvar ? pathvar : "/usr/local/sbin:/usr/local/bin:"
					   "/usr/sbin:/usr/bin:/sbin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", arg0);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		free(cand);
	}
	herr_set(e, 0, "process.args[0]: `%s`: executable file not "
		 "found in $PATH", arg0);
	return NULL;
}
