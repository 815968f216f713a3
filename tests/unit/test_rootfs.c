/* rootfs: the default config end to end, and path escapes (needs root). */
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include "tests/unit/rootfs_fixture.h"

static void check_dev(const char *path, mode_t type, int maj, int min,
		      mode_t perm, int *unit_failed_)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		printf("#   %s: %s\n", path, strerror(errno));
		*unit_failed_ = 1;
		return;
	}
	CHECK((st.st_mode & S_IFMT) == type);
	CHECK(major(st.st_rdev) == (unsigned)maj);
	CHECK(minor(st.st_rdev) == (unsigned)min);
	CHECK((st.st_mode & 07777) == perm);
}

static void check_link(const char *path, const char *target,
		       int *unit_failed_)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, target);
}

static void check_default(struct fx *f, int *unit_failed_)
{
	char buf[64];
	int fd;

	CHECK(fx_mnt_has("/proc", "proc"));
	CHECK(fx_mnt_has("/dev", "tmpfs"));
	CHECK(fx_mnt_has("/dev", "size=65536k"));
	CHECK(fx_mnt_has("/dev/pts", "devpts"));
	CHECK(fx_mnt_has("/dev/pts", "ptmxmode=666"));
	CHECK(fx_mnt_has("/dev/shm", "size=65536k"));
	CHECK(fx_mnt_has("/dev/shm", "nodev"));
	CHECK(fx_mnt_has("/dev/mqueue", "mqueue"));
	CHECK(fx_mnt_has("/sys", "ro"));
	CHECK(fx_mnt_has("/sys/fs/cgroup", "ro"));
	CHECK(fx_mnt_has("/sys/fs/cgroup/memory", "ro"));
	CHECK(fx_mnt_has("/sys/fs/cgroup/unified", "cgroup2"));
	/* the cgroup namespace root: our own cgroup, not the host's tree */
	CHECK(access("/sys/fs/cgroup/memory/process_api", F_OK) < 0);
	check_dev("/dev/null", S_IFCHR, 1, 3, 0666, unit_failed_);
	check_dev("/dev/zero", S_IFCHR, 1, 5, 0666, unit_failed_);
	check_dev("/dev/full", S_IFCHR, 1, 7, 0666, unit_failed_);
	check_dev("/dev/random", S_IFCHR, 1, 8, 0666, unit_failed_);
	check_dev("/dev/urandom", S_IFCHR, 1, 9, 0666, unit_failed_);
	check_dev("/dev/tty", S_IFCHR, 5, 0, 0666, unit_failed_);
	check_link("/dev/ptmx", "pts/ptmx", unit_failed_);
	check_link("/dev/fd", "/proc/self/fd", unit_failed_);
	check_link("/dev/stdin", "/proc/self/fd/0", unit_failed_);
	check_link("/dev/stderr", "/proc/self/fd/2", unit_failed_);
	/* masked: /proc/keys reads nothing, /sys/firmware is empty;
	 * readonly: /proc/sys */
	fd = open("/proc/keys", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	CHECK(fx_mnt_has("/sys/firmware", "ro"));
	DIR *d = opendir("/sys/firmware");
	int n = 0;
	while (d && readdir(d))
		n++;
	CHECK(d && n == 2);
	if (d)
		closedir(d);
	fd = open("/proc/sys/kernel/domainname", O_WRONLY);
	CHECK(fd < 0 && errno == EROFS);
	CHECK(fx_mnt_has("/proc/sys", "ro"));
	/* `hutch spec` has root.readonly: true, as runc's */
	CHECK(fx_mnt_has("/", "ro"));
	fd = open("/tmp/w", O_WRONLY | O_CREAT, 0644);
	CHECK(fd < 0 && errno == EROFS);
	if (getenv("SHOW"))
		printf("%s\n", fx_read("/proc/self/mountinfo"));
	char cwd[64];
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"));
}

TEST(default_config)
{
	struct fx f;
	_cleanup_free_ char *json = spec_default_json(false);

	fx_init(&f);
	f.timing = true;
	f.spec = fx_spec(json);
	CHECK(fx_run(&f, check_default) == 0);
	fx_done(&f);
}

/* a user namespace container: devices bound from the host, sysfs bound
 * (no network namespace of its own), devpts without gid=5 (unmapped) */
static void check_userns(struct fx *f, int *unit_failed_)
{
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0 && st.st_rdev == makedev(1, 3));
	CHECK(fx_mnt_has("/dev/null", "devtmpfs"));
	CHECK(fx_mnt_has("/sys", "ro"));
	/* the host's /sys submounts under the bind are read-only too */
	_cleanup_free_ char *mi = fx_read("/proc/self/mountinfo");
	CHECK(mi && !strstr(mi, " /sys/fs/cgroup/memory rw"));
	CHECK(fx_mnt_has("/dev/pts", "devpts"));
	CHECK(fx_mnt_has("/sys/fs/cgroup", "ro"));
	CHECK(fx_mnt_has("/sys/fs/cgroup/memory", "ro"));
	CHECK(fx_mnt_has("/proc/sys", "ro"));
	if (getenv("SHOW"))
		printf("%s\n", fx_read("/proc/self/mountinfo"));
	int fd = open("/proc/sys/kernel/domainname", O_WRONLY);
	CHECK(fd < 0 && errno == EROFS);
}

TEST(default_config_in_user_namespace)
{
	struct fx f;
	_cleanup_free_ char *json = spec_default_json(false);

	fx_init(&f);
	f.userns = true;
	f.spec = fx_spec(json);
	CHECK(fx_run(&f, check_userns) == 0);
	fx_done(&f);
}

/* ---- escapes: destinations behind symlinks to "/", "..", host paths ---- */

static void escape_prepare(struct fx *f, int *unit_failed_)
{
	char p[512], t[512];

	/* evil -> /, up -> ../../../..<tmp>/host, abs -> <tmp>/host */
	fx_path(f, p, sizeof(p), "rootfs/evil");
	CHECK(symlink("/", p) == 0);
	fx_path(f, p, sizeof(p), "rootfs/up");
	snprintf(t, sizeof(t), "../../../../../..%s/host", f->tmp);
	CHECK(symlink(t, p) == 0);
	fx_path(f, p, sizeof(p), "rootfs/abs");
	snprintf(t, sizeof(t), "%s/host", f->tmp);
	CHECK(symlink(t, p) == 0);
	/* a chain: a dangling link to a dir that does not exist yet */
	fx_path(f, p, sizeof(p), "rootfs/dangle");
	CHECK(symlink("/made/by/us", p) == 0);
}

static void check_escape(struct fx *f, int *unit_failed_)
{
	char p[512];

	CHECK(fx_mnt_has("/t1", "tmpfs"));
	snprintf(p, sizeof(p), "%s/host/t2", f->tmp);
	CHECK(fx_mnt_has(p, "tmpfs"));
	snprintf(p, sizeof(p), "%s/host/created/sub", f->tmp);
	CHECK(fx_mnt_has(p, "tmpfs"));
	CHECK(fx_mnt_has("/made/by/us", "tmpfs"));
	/* the file bind landed inside too */
	snprintf(p, sizeof(p), "%s/host/marker", f->tmp);
	_cleanup_free_ char *m = fx_read(p);
	CHECK(m && !strcmp(m, "from the bundle\n"));
}

static void run_escape(unsigned compat, int *unit_failed_)
{
	struct fx f;
	char p[512];

	fx_init(&f);
	f.compat = compat;
	f.prepare = escape_prepare;
	fx_path(&f, p, sizeof(p), "host");
	mkdir(p, 0755);
	fx_path(&f, p, sizeof(p), "host/marker");
	fx_write(p, "host file\n");
	fx_path(&f, p, sizeof(p), "src.txt");
	fx_write(p, "from the bundle\n");
	f.spec = fx_spec(
		"{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
		"'linux':{'namespaces':[{'type':'mount'}]},'mounts':["
		"{'destination':'/proc','type':'proc','source':'proc'},"
		"{'destination':'/evil/t1','type':'tmpfs','source':'tmpfs'},"
		"{'destination':'/up/t2','type':'tmpfs','source':'tmpfs'},"
		"{'destination':'/abs/created/sub','type':'tmpfs',"
		" 'source':'tmpfs'},"
		"{'destination':'/abs/marker','type':'bind',"
		" 'source':'src.txt','options':['bind']},"
		"{'destination':'/dangle','type':'tmpfs','source':'tmpfs'}]}");
	CHECK(fx_run(&f, check_escape) == 0);
	/* the host side of the symlinks was never written */
	fx_path(&f, p, sizeof(p), "host/created");
	CHECK(access(p, F_OK) < 0);
	fx_path(&f, p, sizeof(p), "host/marker");
	_cleanup_free_ char *m = fx_read(p);
	CHECK(m && !strcmp(m, "host file\n"));
	CHECK(access("/made", F_OK) < 0);
	fx_done(&f);
}

TEST(symlinked_destinations_stay_inside)
{
	run_escape(0, unit_failed_);
}

TEST(symlinked_destinations_stay_inside_without_openat2)
{
	run_escape(ROOTFS_COMPAT_NO_OPENAT2, unit_failed_);
}

TEST(symlinked_destinations_stay_inside_old_kernel)
{
	run_escape(ROOTFS_COMPAT_NO_OPENAT2 | ROOTFS_COMPAT_NO_MOUNT_API,
		   unit_failed_);
}

/* ---- CVE-2021-30465: a destination swapped for a symlink mid-setup ----
 * A racer (standing in for another container sharing the volume) keeps
 * exchanging vol/dir with vol/link -> a relative path that, followed on
 * the host, leads to <tmp>/host, where the same m<N>/x directories exist.
 * Whatever it wins, no mount may land below <tmp>/host: checked in the
 * container's mount namespace right after rootfs_mount, before pivot. */

static pid_t racer = -1;

static void race_prepare(struct fx *f, int *unit_failed_)
{
	char dir[512], link[512], t[512];
	pid_t parent = getpid();

	fx_path(f, dir, sizeof(dir), "rootfs/vol/dir");
	fx_path(f, link, sizeof(link), "rootfs/vol/link");
	snprintf(t, sizeof(t), "../../../../../../..%s/host", f->tmp);
	CHECK(symlink(t, link) == 0);
	fflush(stdout);
	racer = fork();
	if (racer == 0) {
		/* dies with the child, whichever way that ends */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(STDOUT_FILENO);
		for (;;)
			renameat2(AT_FDCWD, dir, AT_FDCWD, link,
				  RENAME_EXCHANGE);
	}
}

static void race_check(struct fx *f, int *unit_failed_)
{
	char host[512];
	_cleanup_free_ char *mi = fx_read("/proc/self/mountinfo");

	kill(racer, SIGKILL);
	waitpid(racer, NULL, 0);
	snprintf(host, sizeof(host), " %s/host/", f->tmp);
	CHECK(mi && !strstr(mi, host));
}

static void race_dirs(struct fx *f, const char *base)
{
	char p[512];
	fx_path(f, p, sizeof(p), base);
	mkdir_p_at(AT_FDCWD, p, 0755, NULL);
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "%s/%s/m%d/x", f->tmp, base, i);
		mkdir_p_at(AT_FDCWD, p, 0755, NULL);
	}
}

TEST(swapped_destination_race_stays_inside)
{
	struct strbuf json = {0};

	strbuf_puts(&json, "{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
			   "'mounts':[");
	for (int i = 0; i < 40; i++)
		strbuf_printf(&json, "%s{'destination':'/vol/dir/m%d/x',"
			      "'type':'tmpfs','source':'tmpfs'}",
			      i ? "," : "", i);
	strbuf_puts(&json, "]}");
	for (int round = 0; round < 5; round++) {
		struct fx f;
		fx_init(&f);
		race_dirs(&f, "rootfs/vol/dir");
		race_dirs(&f, "host");
		f.prepare = race_prepare;
		f.after_mount = race_check;
		f.spec = fx_spec(json.buf);
		int r = fx_run(&f, NULL);
		if (r)
			printf("# round %d: %d\n", round, r);
		CHECK(r == 0);
		fx_done(&f);
	}
	strbuf_free(&json);
}

UNIT_MAIN()
