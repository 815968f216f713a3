/* Fixture for the rootfs tests: a temp dir holding a bundle (rootfs/ and
 * whatever host-side files a test needs), and a child that enters new
 * mount/IPC/UTS/cgroup namespaces, makes "/" private, calls
 * rootfs_mount/pivot/finish and then runs the test's checks inside the
 * container.  The checks use CHECK() as usual; the child's verdict comes
 * back as its exit status.  The parent checks that no mount of ours
 * reached the host and removes the temp dir. */
#ifndef HUTCH_ROOTFS_FIXTURE_H
#define HUTCH_ROOTFS_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "spec/spec.h"
#include "tests/unit/unit.h"

struct fx {
	char tmp[64];       /* /tmp/hutch-rootfs.XXXXXX (the bundle) */
	char rootfs[128];   /* tmp/rootfs */
	char *mountinfo;    /* the host's, before */
	struct rootfs_opts o;
	struct spec *spec;
	unsigned compat;    /* rootfs_compat for the child */
	/* in the child, after unshare and before rootfs_mount */
	void (*prepare)(struct fx *f, int *unit_failed_);
	/* in the child, between rootfs_mount and pivot */
	void (*after_mount)(struct fx *f, int *unit_failed_);
	/* in the child, between pivot and finish */
	void (*between)(struct fx *f, int *unit_failed_);
	bool nocgroupns;    /* stay in the caller's cgroup namespace */
	bool userns;        /* a user namespace mapping only root to root,
			       and a PID namespace; o.userns is set too */
	bool prepare_idmap; /* rootfs_idmap_prepare() before the userns */
	bool timing;        /* print how long rootfs_mount+pivot took */
	bool expect_fail;   /* rootfs_* must fail */
	char err[HERR_MSG_MAX]; /* ... with this message (checked by parent) */
};

static char *fx_read(const char *path)
{
	struct herr e;
	char *s = NULL;
	if (read_file_at(AT_FDCWD, path, &s, NULL, 0, &e) < 0)
		return NULL;
	return s;
}

static void fx_write(const char *path, const char *text)
{
	struct herr e;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	} else {
		herr_sys(&e, "%s", path);
		printf("# %s\n", e.msg);
	}
}

static void fx_path(struct fx *f, char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", f->tmp, rel);
}

/* config.json text with ' for " (readable C literals) */
static struct spec *fx_spec(const char *json_sq)
{
	char *j = xstrdup(json_sq);
	struct spec *s = NULL;
	struct herr e = {0};
	for (char *p = j; *p; p++)
		if (*p == '\'')
			*p = '"';
	if (spec_parse(j, strlen(j), &s, &e) < 0)
		printf("# spec_parse: %s\n", e.msg);
	free(j);
	return s;
}

static void fx_init(struct fx *f)
{
	static const char *const dirs[] = {"proc", "sys", "dev", "tmp", "etc",
					   "mnt"};
	memset(f, 0, sizeof(*f));
	strcpy(f->tmp, "/tmp/hutch-rootfs.XXXXXX");
	if (!mkdtemp(f->tmp))
		abort();
	snprintf(f->rootfs, sizeof(f->rootfs), "%s/rootfs", f->tmp);
	mkdir(f->rootfs, 0755);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/%s", f->rootfs, dirs[i]);
		mkdir(p, 0755);
	}
	f->o.bundle = f->tmp;
	f->o.rootfs = f->rootfs;
	f->o.console_fd = -1;
	f->mountinfo = fx_read("/proc/self/mountinfo");
}

/* the line of "/" in a mountinfo text, minus the mount id */
static char *fx_root_line(const char *mi)
{
	_cleanup_free_ char *dup = mi ? xstrdup(mi) : NULL;
	char *save = NULL;
	for (char *l = dup ? strtok_r(dup, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char m[4096];
		if (sscanf(l, "%*d %*d %*s %*s %4095s", m) == 1 && !strcmp(m, "/"))
			return xstrdup(strchr(l, ' '));
	}
	return NULL;
}

/* the mountinfo line whose mount point is mp (last one wins), or NULL */
static char *fx_mnt(const char *mp)
{
	_cleanup_free_ char *mi = fx_read("/proc/self/mountinfo");
	char *found = NULL, *save = NULL;
	for (char *l = mi ? strtok_r(mi, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char m[4096];
		if (sscanf(l, "%*d %*d %*s %*s %4095s", m) == 1 &&
		    !strcmp(m, mp)) {
			free(found);
			found = xstrdup(l);
		}
	}
	return found;
}

/* mp's mountinfo line has the word opt ("ro", "size=64k", "shared:3"
 * ...) among its options or tags */
static bool fx_mnt_has(const char *mp, const char *opt)
{
	_cleanup_free_ char *l = fx_mnt(mp);
	if (!l)
		return false;
	size_t n = strlen(opt);
	for (const char *s = l; (s = strstr(s, opt)); s++) {
		bool start = s == l || s[-1] == ',' || s[-1] == ' ';
		bool end = s[n] == ',' || s[n] == ' ' || !s[n];
		if (start && end)
			return true;
	}
	return false;
}

/* A user namespace in which we are root, mapped to our own uid/gid: the
 * one mapping a process may write for itself.  No capabilities over the
 * host's namespaces (network, the host's /dev nodes), as for a userns
 * container.  Then a PID namespace, so that proc can be mounted. */
static int fx_enter_userns(void)
{
	struct herr e;
	pid_t pid;
	int st;

	if (unshare(CLONE_NEWUSER) < 0 ||
	    write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny", 4, &e) < 0 ||
	    write_file_at(AT_FDCWD, "/proc/self/uid_map", "0 0 1", 5, &e) < 0 ||
	    write_file_at(AT_FDCWD, "/proc/self/gid_map", "0 0 1", 5, &e) < 0 ||
	    unshare(CLONE_NEWPID) < 0) {
		printf("#   userns: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		return 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

/* the child's verdict; stdout is a pipe under run-unit: flush first */
static void fx_exit(int status)
{
	fflush(stdout);
	_exit(status);
}

static void fx_child(struct fx *f, void (*check)(struct fx *, int *))
{
	int failed = 0, *unit_failed_ = &failed;
	struct herr e = {0};
	int r;

	rootfs_compat = f->compat;
	if (f->prepare_idmap) {
		int *fds = NULL;
		if (rootfs_idmap_prepare(f->spec, f->tmp, &fds, &e) < 0) {
			printf("#   rootfs_idmap_prepare: %s\n", e.msg);
			fx_exit(1);
		}
		f->o.idmap_fds = fds;
	}
	if (f->userns && fx_enter_userns() < 0)
		fx_exit(1);
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS |
		    (f->nocgroupns ? 0 : CLONE_NEWCGROUP)) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("#   unshare: %s\n", strerror(errno));
		fx_exit(1);
	}
	if (f->prepare)
		f->prepare(f, unit_failed_);
	uint64_t t0 = now_ns();
	r = rootfs_mount(&f->o, &e);
	if (r == 0 && f->after_mount)
		f->after_mount(f, unit_failed_);
	if (r == 0)
		r = rootfs_pivot(&f->o, &e);
	if (f->timing && r == 0)
		printf("# rootfs_mount+rootfs_pivot: %.0f us\n",
		       (now_ns() - t0) / 1e3);
	if (r == 0 && f->between)
		f->between(f, unit_failed_);
	if (r == 0)
		r = rootfs_finish(&f->o, &e);
	if (r < 0) {
		/* hand the message to the parent through the temp dir's
		 * err file: the old root is gone after pivot, so print it */
		printf("#   rootfs: %s\n", e.msg);
		if (f->expect_fail && f->err[0] && !strstr(e.msg, f->err)) {
			printf("#   expected error containing: %s\n", f->err);
			fx_exit(1);
		}
		fx_exit(f->expect_fail ? failed : 1);
	}
	if (f->expect_fail) {
		printf("#   rootfs_* succeeded, a failure was expected\n");
		fx_exit(1);
	}
	if (check)
		check(f, unit_failed_);
	fx_exit(failed);
}

/* run the container; returns the child's verdict (0 = all checks held) and
 * checks the host saw nothing */
static int fx_run(struct fx *f, void (*check)(struct fx *, int *))
{
	int st = 0;
	pid_t pid;

	f->o.spec = f->spec;
	f->o.userns |= f->userns;
	if (!f->spec)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		fx_child(f, check);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* other developers' tests mount and unmount on this machine while
	 * we run: what must hold is that nothing of ours reached the host
	 * (no mount mentions our temp dir) and "/" kept its propagation */
	_cleanup_free_ char *after = fx_read("/proc/self/mountinfo");
	_cleanup_free_ char *root_before = fx_root_line(f->mountinfo);
	_cleanup_free_ char *root_after = fx_root_line(after);
	if (!after || strstr(after, f->tmp) || !root_before || !root_after ||
	    strcmp(root_before, root_after)) {
		printf("#   the host's mountinfo changed\n");
		return 1;
	}
	if (WIFSIGNALED(st))
		printf("#   child killed by signal %d\n", WTERMSIG(st));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void fx_done(struct fx *f)
{
	struct herr e;
	if (f->tmp[0] && rm_rf_at(AT_FDCWD, f->tmp, &e) < 0)
		printf("# cleanup: %s\n", e.msg);
	free(f->mountinfo);
	spec_free(f->spec);
	f->spec = NULL;
}

#endif
