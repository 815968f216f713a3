/* Spawning and timing.  Every runtime process is started with fork and
 * execve (proc_spawn says why not vfork) and reaped with wait4, which gives its wall time, CPU time and peak RSS
 * (the kernel reports the largest of the process and the children it
 * waited for: runc's `runc init`, hutch's or crun's container before
 * execve).
 *
 * crun 1.8 fails every container on a hybrid cgroup host (it sees cgroup2
 * at /sys/fs/cgroup/unified with a controller enabled and refuses).  The
 * work-around is a private mount namespace with an empty tmpfs over
 * /sys/fs/cgroup/unified.  We make it once and keep an fd; the driver
 * switches into it with setns() just around crun's spawns, outside the
 * timed interval (proc_ns).  hutch and runc run in the host's namespace: hutch
 * cannot run in crun's (it finds the covered cgroup2 mount in mountinfo),
 * and that is where they run in real life.
 *
 * The driver is a child subreaper: after `create`, a container's init is
 * re-parented to us (not to PID 1, which on our machines reaps nothing),
 * and we wait for its exit as conmon would before `delete`. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/hbench.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#define UNIFIED "/sys/fs/cgroup/unified"

extern char **environ;

int fail(const char *f, ...)
{
	va_list ap;

	fputs("hbench: ", stderr);
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void warnx_(const char *f, ...)
{
	va_list ap;

	fputs("hbench: warning: ", stderr);
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* setns() into a mount namespace puts us at that namespace's root mount,
 * which is not our root when we run chrooted (the QEMU lane's init
 * switches into an overlay): keep a root fd per namespace and go back to
 * it.  Every path we use is absolute, so the cwd does not matter. */
static int host_root = -1, priv_root = -1;

static int switch_ns(int ns, int root)
{
	if (setns(ns, CLONE_NEWNS) < 0 || fchdir(root) < 0 || chroot(".") < 0)
		return -1;
	return 0;
}

int proc_init(void)
{
	struct statfs sf;

	E.host_ns = E.priv_ns = -1;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return fail("prctl PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	if (statfs(UNIFIED, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return 0; /* not a hybrid host: crun runs where the others do */
	E.hybrid = true;
	E.host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (E.host_ns < 0 || host_root < 0)
		return fail("open /proc/self/ns/mnt and /: %s", strerror(errno));
	if (unshare(CLONE_NEWNS) < 0)
		return fail("unshare a mount namespace for crun: %s",
			    strerror(errno));
	/* private first: nothing we mount may reach the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", UNIFIED, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755") < 0) {
		int err = errno;
		switch_ns(E.host_ns, host_root);
		return fail("private mount namespace for crun: %s",
			    strerror(err));
	}
	E.priv_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	priv_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (E.priv_ns < 0 || priv_root < 0 ||
	    switch_ns(E.host_ns, host_root) < 0)
		return fail("switch back to the host mount namespace: %s",
			    strerror(errno));
	return 0;
}

void proc_fini(void)
{
	int *fds[] = {&E.priv_ns, &E.host_ns, &priv_root, &host_root};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	proc_reap_strays();
}

/* called outside the timed interval */
void proc_ns(const struct runtime *rt, bool in)
{
	if (!rt || !rt->priv_ns || E.priv_ns < 0)
		return;
	if (in ? switch_ns(E.priv_ns, priv_root) : switch_ns(E.host_ns, host_root))
		warnx_("switch %s crun's mount namespace: %s",
		       in ? "into" : "out of", strerror(errno));
}

/* fork, not vfork or posix_spawn: exec records the old mm's RSS peak in
 * the process's ru_maxrss, and a vfork child's old mm is the driver's
 * whole mm (1.6 MiB here, more than some runtimes).  A forked child holds
 * only the driver's few anonymous pages (fork does not copy file-backed
 * page tables), far below any runtime.  fork costs ~0.1 ms, inside the
 * interval for every runtime alike. */
pid_t proc_spawn(char *const argv[], const char *errfile, int outfd)
{
	pid_t pid = fork();

	if (pid < 0) {
		fail("fork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	/* child: only async-signal-safe calls until execve */
	int in = open("/dev/null", O_RDONLY);
	int out = outfd >= 0 ? outfd : open("/dev/null", O_WRONLY);
	int err = errfile ? open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644)
			  : 2;

	if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 ||
	    dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	execve(argv[0], argv, environ);
	_exit(127);
}

int proc_wait(pid_t pid, double t0, struct result *r)
{
	struct rusage ru;
	int st;

	while ((r->pid = wait4(pid, &st, 0, &ru)) < 0)
		if (errno != EINTR)
			return fail("wait4 %d: %s", (int)pid, strerror(errno));
	r->wall_ms = now_ms() - t0;
	r->cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	r->maxrss_kib = ru.ru_maxrss;
	r->status = st;
	return 0;
}

int proc_run(const struct runtime *rt, char *const argv[], const char *errfile,
	     struct result *r)
{
	double t0;
	pid_t pid;
	int ret;

	*r = (struct result){.status = -1};
	proc_ns(rt, true);
	t0 = now_ms();
	pid = proc_spawn(argv, errfile, -1);
	ret = pid < 0 ? -1 : proc_wait(pid, t0, r);
	proc_ns(rt, false);
	return ret < 0 || r->status ? -1 : 0;
}

void proc_reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int sh_run(char *const argv[], const char *out_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return fail("spawn %s: %s", argv[0], strerror(r));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return fail("waitpid %s: %s", argv[0], strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *find_exe(const char *name)
{
	char *path = getenv("PATH"), *copy, *dir, *save = NULL, *r = NULL;

	if (strchr(name, '/'))
		return realpath(name, NULL);
	copy = strdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !r;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = fmt("%s/%s", dir, name);

		if (access(p, X_OK) == 0)
			r = realpath(p, NULL);
		free(p);
	}
	free(copy);
	return r;
}

char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}
