/* The bench's ground: a work dir on tmpfs holding one copy of the rootfs,
 * each runtime's --root and the bundles (config.json only; every bundle
 * points at the same rootfs by absolute root.path), cgroupsPath under
 * /hutch-test/bench-<pid>/, and the check that each runtime cleans up
 * after itself. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench/hbench.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static void host_facts(void)
{
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	FILE *f;

	uname(&u);
	snprintf(E.kernel, sizeof(E.kernel), "%s", u.release);
	gethostname(E.host, sizeof(E.host) - 1);
	gmtime_r(&t, &tm);
	strftime(E.date, sizeof(E.date), "%Y-%m-%d %H:%M UTC", &tm);
	strftime(E.stamp, sizeof(E.stamp), "%Y-%m-%d", &tm);
	E.cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	f = fopen("/proc/loadavg", "re");
	if (f) {
		if (fscanf(f, "%lf", &E.load_start) != 1)
			E.load_start = -1;
		fclose(f);
	}
}

static void find_cgroup_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, mnt[512], fstype[64];
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0 && E.ncg < 16) {
		char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		if (strncmp(mnt, "/sys/fs/cgroup", 14) ||
		    (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")))
			continue;
		E.cg_mounts[E.ncg++] = strdup(mnt);
	}
	free(line);
	fclose(f);
}

/* /dev/shm when it is a tmpfs; else a temp dir of ours with a tmpfs on it */
static int make_work(void)
{
	struct statfs sf;

	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC) {
		E.work = fmt("/dev/shm/hbench-%d", (int)getpid());
		if (mkdir(E.work, 0711) < 0)
			return fail("mkdir %s: %s", E.work, strerror(errno));
		return 0;
	}
	E.work = strdup("/tmp/hbench-XXXXXX");
	if (!mkdtemp(E.work))
		return fail("mkdtemp: %s", strerror(errno));
	if (mount("tmpfs", E.work, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=711,size=256m") < 0)
		return fail("mount a tmpfs on %s: %s", E.work, strerror(errno));
	E.work_mounted = true;
	return 0;
}

int setup_env(void)
{
	host_facts();
	find_cgroup_mounts();
	E.cg_base = fmt("/hutch-test/bench-%d", (int)getpid());
	if (make_work() < 0)
		return -1;
	E.rootfs = fmt("%s/rootfs", E.work);
	if (sh_run((char *[]){"cp", "-a", (char *)O.rootfs, E.rootfs, NULL},
		   NULL) != 0)
		return fail("copy the rootfs %s to %s failed", O.rootfs,
			    E.rootfs);
	if (O.true_bin) {
		char *t = fmt("%s/bin/true", E.rootfs);

		unlink(t);
		if (sh_run((char *[]){"cp", (char *)O.true_bin, t, NULL},
			   NULL) != 0)
			return fail("copy %s to %s failed", O.true_bin, t);
		free(t);
	}
	for (int i = 0; i < NRT; i++) {
		RT[i].state = fmt("%s/state-%s", E.work, RT[i].name);
		mkdir(RT[i].state, 0700);
	}
	mkdir(fmt("%s/b", E.work), 0755);
	mkdir(fmt("%s/err", E.work), 0755);
	return 0;
}

char *cgroup_for(const struct runtime *rt, const char *variant, int slot)
{
	return fmt("%s/%s-%s-%d", E.cg_base, rt->name, variant, slot);
}

char *bundle_for(const struct runtime *rt, const char *variant, int slot)
{
	static const struct { const char *name, *filter; } v[] = {
		{"net", ""},
		{"nonet", " | .linux.namespaces |= map(select(.type != \"network\"))"},
		{"seccomp", " | .linux.seccomp = $prof[0]"},
		{"vm", " | .annotations[\"org.hutch.sandbox\"] = \"vm\""
		       " | .annotations[\"org.hutch.vm.timing\"] = \"1\""
		       " | .annotations[\"org.hutch.vm.memory\"] = \"256\""},
	};
	char *dir = fmt("%s/b/%s-%s-%d", E.work, rt->name, variant, slot);
	char *cfg = fmt("%s/config.json", dir), *filter = NULL;

	if (access(cfg, F_OK) == 0)
		return dir;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(v[i].name, variant))
			filter = fmt(".root.path = $root | .linux.cgroupsPath = "
				     "$cg%s", v[i].filter);
	mkdir(dir, 0755);
	if (!filter ||
	    sh_run((char *[]){"jq", "--arg", "root", E.rootfs, "--arg", "cg",
			      cgroup_for(rt, variant, slot), "--slurpfile",
			      "prof", O.seccomp ? (char *)O.seccomp : "/dev/null",
			      filter, (char *)O.config, NULL}, cfg) != 0) {
		fail("cannot write %s (jq)", cfg);
		return NULL;
	}
	return dir;
}

static int rm_cgroup_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, ".."))
			rm_cgroup_tree(fmt("%s/%s", path, de->d_name));
	closedir(d);
	if (rmdir(path) < 0) {
		warnx_("rmdir %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int leftovers_check(struct runtime *rt, const char *id, const char *cgpath)
{
	char *st = fmt("%s/%s", rt->state, id);
	int n = 0;

	for (int i = 0; cgpath && i < E.ncg; i++) {
		char *p = fmt("%s%s", E.cg_mounts[i], cgpath);

		if (access(p, F_OK) == 0) {
			if (!rt->leftovers && !n)
				warnx_("%s left cgroup %s behind", rt->name, p);
			n++;
			rm_cgroup_tree(p);
		}
		free(p);
	}
	if (access(st, F_OK) == 0) {
		if (!rt->leftovers && !n)
			warnx_("%s left its state dir %s behind", rt->name, st);
		n++;
		sh_run((char *[]){"rm", "-rf", st, NULL}, NULL);
	}
	free(st);
	rt->leftovers += n;
	return n;
}

void note_failure(struct runtime *rt, const char *errfile, const char *what)
{
	char *msg = read_text(errfile);

	rt->failures++;
	if (!rt->first_error) {
		rt->first_error = fmt("%s: %s", what, msg ? msg : "");
		warnx_("%s %s failed: %s", rt->name, what, msg ? msg : "");
	}
	free(msg);
}

void setup_cleanup(void)
{
	for (int i = 0; i < E.ncg; i++) {
		char *p = fmt("%s%s", E.cg_mounts[i], E.cg_base);

		rm_cgroup_tree(p);
		free(p);
	}
	if (!E.work)
		return;
	if (E.work_mounted)
		umount2(E.work, MNT_DETACH);
	sh_run((char *[]){"rm", "-rf", E.work, NULL}, NULL);
}
