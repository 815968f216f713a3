/* cgroups library against the real cgroupfs of this machine (v1 hybrid on
 * the host, v2 in the check-v2 guest): creates cgroups under /hutch-test/,
 * puts forked children in, applies limits, reads them back, destroys.
 * Needs root; every test removes what it made. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups/cgroups.h"
#include "tests/unit/unit.h"

static enum cgroup_layout layout;

/* the directory of controller ctrl for cgroup path (NULL ctrl: cgroup2) */
static char *ctrl_dir(const char *ctrl, const char *path)
{
	struct stat st;
	struct herr e;
	char *d;

	if (!layout && cgroup_layout(&layout, &e) < 0)
		return xstrdup("/nonexistent");

	if (layout == CGROUP_V2 || !ctrl)
		return xasprintf("/sys/fs/cgroup%s%s",
				 layout == CGROUP_HYBRID ? "/unified" : "", path);
	d = xasprintf("/sys/fs/cgroup/%s%s", ctrl, path);
	if (stat(d, &st) == 0 || strcmp(ctrl, "cpu"))
		return d;
	free(d);
	return xasprintf("/sys/fs/cgroup/cpu,cpuacct%s", path);
}

static char *read_ctrl(const char *ctrl, const char *path, const char *file)
{
	_cleanup_free_ char *d = ctrl_dir(ctrl, path);
	_cleanup_free_ char *p = xasprintf("%s/%s", d, file);
	char *out = NULL;
	size_t len = 0;
	struct herr e;

	if (read_file_at(AT_FDCWD, p, &out, &len, 0, &e) < 0)
		return xstrdup("(unreadable)");
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	return out;
}

static bool exists(const char *ctrl, const char *path)
{
	_cleanup_free_ char *d = ctrl_dir(ctrl, path);
	return access(d, F_OK) == 0;
}

/* a spec with only what cgroups looks at */
struct fixture {
	struct spec s;
	struct spec_linux l;
	struct spec_resources r;
	struct spec_memory m;
	struct spec_cpu c;
	char path[128];
};

static void fixture(struct fixture *f, const char *leaf)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/hutch-test/unit-%d/%s",
		 (int)getpid(), leaf);
	f->s.linux = &f->l;
	f->l.cgroups_path = f->path;
	f->l.resources = &f->r;
}

/* a child that waits on a pipe, then runs fn */
static pid_t spawn(int *release, int (*fn)(void))
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(0);
		_exit(fn ? fn() : 0);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static int status_of(pid_t pid)
{
	int st = 0;
	waitpid(pid, &st, 0);
	return st;
}

static int sleep_forever(void)
{
	pause();
	return 0;
}

TEST(resolve_paths)
{
	struct spec s = {0};
	struct spec_linux l = {0};
	char *p = NULL;
	struct herr e;

	s.linux = &l;
	CHECK(cgroup_resolve_path(&s, "web", &p, &e) == 0);
	CHECK_STR(p, "/hutch/web");
	free(p);
	l.cgroups_path = "/a//b/";
	CHECK(cgroup_resolve_path(&s, "web", &p, &e) == 0);
	CHECK_STR(p, "/a/b");
	free(p);
	l.cgroups_path = "pod1/web";
	CHECK(cgroup_resolve_path(&s, "web", &p, &e) == 0);
	CHECK_STR(p, "/hutch/pod1/web");
	free(p);
	l.cgroups_path = "/a/../../etc";
	CHECK(cgroup_resolve_path(&s, "web", &p, &e) < 0);
	CHECK(strstr(e.msg, "linux.cgroupsPath") != NULL);
	l.cgroups_path = "/";
	CHECK(cgroup_resolve_path(&s, "web", &p, &e) < 0);
}

TEST(detect_layout)
{
	struct herr e;

	CHECK(cgroup_layout(&layout, &e) == 0);
	printf("# layout: %s\n", cgroup_layout_name(layout));
	CHECK(layout == CGROUP_V1 || layout == CGROUP_HYBRID ||
	      layout == CGROUP_V2);
}

TEST(create_enter_limits_destroy)
{
	struct fixture f;
	struct cgroup *cg = NULL;
	struct herr e;
	int release;
	pid_t child, *pids = NULL;
	size_t n = 0;
	bool frozen = true;
	struct strbuf js = {0};
	char *v, *procs;

	fixture(&f, "a");
	f.r.memory = &f.m;
	f.m.has_limit = true;
	f.m.limit = 64 << 20;
	f.r.cpu = &f.c;
	f.c.has_quota = f.c.has_period = true;
	f.c.quota = 20000;
	f.c.period = 100000;
	f.r.has_pids_limit = true;
	f.r.pids_limit = 10;
	if (cgroup_create(&f.s, "ignored", &cg, &e) < 0) {
		printf("# %s\n", e.msg);
		CHECK(!"cgroup_create");
		return;
	}
	CHECK_STR(cgroup_path(cg), f.path);
	CHECK((layout == CGROUP_V1) == (cgroup_clone_fd(cg) < 0));
	v = read_ctrl("memory", f.path,
		      layout == CGROUP_V2 ? "memory.max" : "memory.limit_in_bytes");
	CHECK_STR(v, "67108864");
	free(v);
	v = read_ctrl("pids", f.path, "pids.max");
	CHECK_STR(v, "10");
	free(v);
	v = layout == CGROUP_V2 ? read_ctrl("cpu", f.path, "cpu.max")
				: read_ctrl("cpu", f.path, "cpu.cfs_quota_us");
	CHECK_STR(v, layout == CGROUP_V2 ? "20000 100000" : "20000");
	free(v);

	child = spawn(&release, sleep_forever);
	CHECK(cgroup_enter(cg, child, &e) == 0);
	procs = read_ctrl("memory", f.path, "cgroup.procs");
	CHECK(atoi(procs) == child);
	free(procs);
	CHECK(cgroup_pids(cg, &pids, &n, &e) == 0 && n == 1 && pids[0] == child);
	free(pids);
	CHECK(write(release, "x", 1) == 1);
	close(release);

	CHECK(cgroup_freeze(cg, true, &e) == 0);
	CHECK(cgroup_frozen(cg, &frozen, &e) == 0 && frozen);
	CHECK(cgroup_freeze(cg, false, &e) == 0);
	CHECK(cgroup_frozen(cg, &frozen, &e) == 0 && !frozen);

	CHECK(cgroup_stats_json(cg, &js, &e) == 0);
	CHECK(js.buf && strstr(js.buf, "\"pids\":{\"current\":1,\"limit\":10}"));
	CHECK(js.buf && strstr(js.buf, "\"memory\":{"));
	strbuf_free(&js);

	/* a frozen container is killed too */
	CHECK(cgroup_freeze(cg, true, &e) == 0);
	CHECK(cgroup_destroy(cg, &e) == 0);
	CHECK(WIFSIGNALED(status_of(child)));
	CHECK(!exists("memory", f.path));
	CHECK(!exists("pids", f.path));
	/* the parent /hutch-test/unit-<pid> was ours too */
	{
		_cleanup_free_ char *parent = xasprintf("/hutch-test/unit-%d",
							(int)getpid());
		CHECK(!exists("memory", parent));
		CHECK(!exists("pids", parent));
		CHECK(!exists(NULL, parent) || layout == CGROUP_V1);
	}
	cgroup_free(cg);
}

TEST(saved_form_reopens)
{
	struct fixture f;
	struct cgroup *cg = NULL, *again = NULL;
	struct herr e;

	fixture(&f, "b");
	CHECK(cgroup_create(&f.s, "x", &cg, &e) == 0);
	if (!cg)
		return;
	printf("# saved: %s\n", cgroup_saved(cg));
	CHECK(cgroup_open(cgroup_saved(cg), &again, &e) == 0);
	cgroup_free(cg);
	if (!again)
		return;
	CHECK_STR(cgroup_path(again), f.path);
	CHECK(exists("memory", f.path));
	CHECK(cgroup_destroy(again, &e) == 0);
	CHECK(cgroup_destroy(again, &e) == 0); /* twice is fine */
	CHECK(!exists("memory", f.path));
	cgroup_free(again);
}

TEST(bad_value_names_field_and_leaves_nothing)
{
	struct fixture f;
	struct cgroup *cg = NULL;
	struct herr e;
	_cleanup_free_ char *parent = xasprintf("/hutch-test/unit-%d",
						(int)getpid());

	fixture(&f, "c");
	f.r.cpu = &f.c;
	f.c.cpus = "4095";
	CHECK(cgroup_create(&f.s, "x", &cg, &e) < 0);
	printf("# %s\n", e.msg);
	CHECK(strstr(e.msg, "linux.resources.cpu.cpus") != NULL);
	CHECK(!exists("memory", f.path) && !exists("cpuset", f.path));
	CHECK(!exists("memory", parent));
}

static int write_dev_null(void)
{
	int fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		return 0;
	return errno == EPERM ? 42 : 1;
}

static int read_dev_null(void)
{
	int fd = open("/dev/null", O_RDONLY);
	return fd >= 0 ? 0 : 1;
}

static int run_in(struct cgroup *cg, int (*fn)(void))
{
	struct herr e;
	int release, st;
	pid_t child = spawn(&release, fn);

	if (cgroup_enter(cg, child, &e) < 0) {
		printf("# %s\n", e.msg);
		kill(child, SIGKILL);
	}
	if (write(release, "x", 1) != 1)
		kill(child, SIGKILL);
	close(release);
	st = status_of(child);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST(device_rule_denies_dev_null_write)
{
	struct fixture f;
	struct cgroup *cg = NULL;
	struct herr e;
	struct spec_device_rule rules[2] = {
		{.allow = false, .type = 'a', .major = -1, .minor = -1,
		 .access = "rwm"},
		{.allow = false, .type = 'c', .has_major = true, .major = 1,
		 .has_minor = true, .minor = 3, .access = "w"},
	};

	fixture(&f, "d");
	f.r.devices = rules;
	f.r.ndevices = 2;
	if (cgroup_create(&f.s, "x", &cg, &e) < 0) {
		printf("# %s\n", e.msg);
		CHECK(!"create");
		return;
	}
	CHECK(run_in(cg, write_dev_null) == 42);
	CHECK(run_in(cg, read_dev_null) == 0); /* the default allow stays */
	CHECK(cgroup_destroy(cg, &e) == 0);
	cgroup_free(cg);
}

static int eat_64m(void)
{
	size_t n = 64 << 20;
	volatile char *p = malloc(n);

	if (!p)
		return 2;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	return 0;
}

TEST(oom_kill_is_counted)
{
	struct fixture f;
	struct cgroup *cg = NULL;
	struct herr e;
	uint64_t kills = 0;

	fixture(&f, "e");
	f.r.memory = &f.m;
	f.m.has_limit = f.m.has_swap = true;
	f.m.limit = f.m.swap = 32 << 20;
	if (cgroup_create(&f.s, "x", &cg, &e) < 0) {
		printf("# %s\n", e.msg);
		CHECK(!"create");
		return;
	}
	CHECK(cgroup_oom_kills(cg, &kills, &e) == 0 && kills == 0);
	CHECK(run_in(cg, eat_64m) == 128 + SIGKILL);
	CHECK(cgroup_oom_kills(cg, &kills, &e) == 0 && kills >= 1);
	CHECK(cgroup_destroy(cg, &e) == 0);
	cgroup_free(cg);
}

TEST(unified_and_hugetlb_follow_the_layout)
{
	struct fixture f;
	struct cgroup *cg = NULL;
	struct herr e;
	struct spec_kv kv = {"memory.high", "100000000"};
	struct spec_hugepage_limit h = {"2MB", 4 << 20};
	char *v;

	fixture(&f, "f");
	f.r.unified = &kv;
	f.r.nunified = 1;
	if (layout == CGROUP_V2) {
		CHECK(cgroup_create(&f.s, "x", &cg, &e) == 0);
		v = read_ctrl("memory", f.path, "memory.high");
		CHECK_STR(v, "99999744"); /* page-rounded */
		free(v);
	} else {
		CHECK(cgroup_create(&f.s, "x", &cg, &e) < 0);
		printf("# %s\n", e.msg);
		CHECK(strstr(e.msg, "linux.resources.unified") != NULL);
	}
	if (cg) {
		cgroup_destroy(cg, &e);
		cgroup_free(cg);
		cg = NULL;
	}
	fixture(&f, "g");
	f.r.hugepage_limits = &h;
	f.r.nhugepage_limits = 1;
	if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) < 0)
		return;
	CHECK(cgroup_create(&f.s, "x", &cg, &e) == 0);
	if (!cg) {
		printf("# %s\n", e.msg);
		return;
	}
	/* hybrid: hugetlb lives on the cgroup2 side here */
	v = layout == CGROUP_V1 ? read_ctrl("hugetlb", f.path,
					    "hugetlb.2MB.limit_in_bytes")
				: read_ctrl(NULL, f.path, "hugetlb.2MB.max");
	CHECK_STR(v, "4194304");
	free(v);
	CHECK(cgroup_destroy(cg, &e) == 0);
	cgroup_free(cg);
}

/* the common case: the parent (/hutch) exists, only the leaf is new */
TEST(timing_create_enter_destroy)
{
	struct fixture f, keep;
	struct cgroup *parent = NULL;
	struct herr e;
	uint64_t total = 0, t0;
	int rounds = 50, ok = 0;

	cgroup_layout(&layout, &e);
	fixture(&keep, "t/keep");
	if (cgroup_create(&keep.s, "x", &parent, &e) < 0) {
		printf("# %s\n", e.msg);
		CHECK(!"create parent");
		return;
	}
	fixture(&f, "t/leaf");
	f.r.memory = &f.m;
	f.m.has_limit = true;
	f.m.limit = 64 << 20;
	f.r.has_pids_limit = true;
	f.r.pids_limit = 100;
	for (int i = 0; i < rounds; i++) {
		struct cgroup *cg = NULL;
		int release;
		pid_t child = spawn(&release, NULL);

		t0 = now_ns();
		if (cgroup_create(&f.s, "x", &cg, &e) == 0 &&
		    cgroup_enter(cg, child, &e) == 0) {
			total += now_ns() - t0;
			close(release);
			status_of(child);
			t0 = now_ns();
			if (cgroup_destroy(cg, &e) == 0)
				ok++;
			total += now_ns() - t0;
		} else {
			printf("# %s\n", e.msg);
			close(release);
			status_of(child);
		}
		cgroup_free(cg);
	}
	CHECK(ok == rounds);
	CHECK(cgroup_destroy(parent, &e) == 0);
	cgroup_free(parent);
	printf("# create+enter+destroy (%s): %.0f us per container\n",
	       cgroup_layout_name(layout), total / 1000.0 / rounds);
}

UNIT_MAIN()
