/* `hutch spec [--rootless]`: a starter config.json of the same shape as
 * `runc spec` prints, which hutch itself runs unchanged on a rootfs with a
 * shell.  The rootless variant maps the caller's uid/gid to root in a new
 * user namespace, drops the network namespace (no privileges to configure
 * one), binds /sys from the host (sysfs cannot be mounted without owning
 * the network namespace) and sets no cgroup limits. */
#include <string.h>
#include <unistd.h>

#include "spec/internal.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

struct dmount {
	const char *dest, *type, *src;
	const char *const *opts;
};

static const struct dmount mounts[] = {
	{"/proc", "proc", "proc", NULL},
	{"/dev", "tmpfs", "tmpfs",
	 V("nosuid", "strictatime", "mode=755", "size=65536k")},
	{"/dev/pts", "devpts", "devpts",
	 V("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
	   "gid=5")},
	{"/dev/shm", "tmpfs", "shm",
	 V("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
	{"/dev/mqueue", "mqueue", "mqueue", V("nosuid", "noexec", "nodev")},
	{"/sys", "sysfs", "sysfs", V("nosuid", "noexec", "nodev", "ro")},
	{"/sys/fs/cgroup", "cgroup", "cgroup",
	 V("nosuid", "noexec", "nodev", "relatime", "ro")},
};

static const struct dmount rootless_mounts[] = {
	/* gid=5 (tty) may not be mapped in the user namespace */
	{"/dev/pts", "devpts", "devpts",
	 V("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")},
	{"/sys", "none", "/sys", V("rbind", "nosuid", "noexec", "nodev", "ro")},
};

/* /proc and /sys entries that leak host data or let a container poke the
 * host kernel (the list runc and crun mask) */
static const char *const *const masked = V(
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
	"/sys/devices/virtual/powercap");
static const char *const *const readonly = V(
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger");
static const char *const *const caps = V("CAP_AUDIT_WRITE", "CAP_KILL",
					 "CAP_NET_BIND_SERVICE");

static void write_process(struct jw *w)
{
	sp_jw_open(w, "process", '{');
	sp_jw_bool(w, "terminal", true);
	sp_jw_open(w, "user", '{');
	sp_jw_int(w, "uid", 0);
	sp_jw_int(w, "gid", 0);
	sp_jw_close(w, '}');
	sp_jw_strs(w, "args", V("sh"));
	sp_jw_strs(w, "env", V("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
			    "/usr/bin:/sbin:/bin",
			    "TERM=xterm"));
	sp_jw_str(w, "cwd", "/");
	/* no inheritable or ambient set (CVE-2022-29162) */
	sp_jw_open(w, "capabilities", '{');
	sp_jw_strs(w, "bounding", caps);
	sp_jw_strs(w, "effective", caps);
	sp_jw_strs(w, "permitted", caps);
	sp_jw_close(w, '}');
	sp_jw_open(w, "rlimits", '[');
	sp_jw_open(w, NULL, '{');
	sp_jw_str(w, "type", "RLIMIT_NOFILE");
	sp_jw_int(w, "hard", 1024);
	sp_jw_int(w, "soft", 1024);
	sp_jw_close(w, '}');
	sp_jw_close(w, ']');
	sp_jw_bool(w, "noNewPrivileges", true);
	sp_jw_close(w, '}');
}

static const struct dmount *pick(const struct dmount *m, bool rootless)
{
	size_t n = sizeof(rootless_mounts) / sizeof(rootless_mounts[0]);

	for (size_t i = 0; rootless && i < n; i++)
		if (!strcmp(rootless_mounts[i].dest, m->dest))
			return &rootless_mounts[i];
	return m;
}

static void write_mounts(struct jw *w, bool rootless)
{
	sp_jw_open(w, "mounts", '[');
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		const struct dmount *m = pick(&mounts[i], rootless);
		sp_jw_open(w, NULL, '{');
		sp_jw_str(w, "destination", m->dest);
		sp_jw_str(w, "type", m->type);
		sp_jw_str(w, "source", m->src);
		if (m->opts)
			sp_jw_strs(w, "options", m->opts);
		sp_jw_close(w, '}');
	}
	sp_jw_close(w, ']');
}

static void write_idmap(struct jw *w, const char *key, unsigned id)
{
	sp_jw_open(w, key, '[');
	sp_jw_open(w, NULL, '{');
	sp_jw_int(w, "containerID", 0);
	sp_jw_int(w, "hostID", id);
	sp_jw_int(w, "size", 1);
	sp_jw_close(w, '}');
	sp_jw_close(w, ']');
}

static void write_linux(struct jw *w, bool rootless)
{
	const char *const *ns = rootless
		? V("pid", "ipc", "uts", "mount", "cgroup", "user")
		: V("pid", "network", "ipc", "uts", "mount", "cgroup");

	sp_jw_open(w, "linux", '{');
	if (rootless) {
		write_idmap(w, "uidMappings", geteuid());
		write_idmap(w, "gidMappings", getegid());
	} else {
		/* deny every device; rootfs/ creates the default ones */
		sp_jw_open(w, "resources", '{');
		sp_jw_open(w, "devices", '[');
		sp_jw_open(w, NULL, '{');
		sp_jw_bool(w, "allow", false);
		sp_jw_str(w, "access", "rwm");
		sp_jw_close(w, '}');
		sp_jw_close(w, ']');
		sp_jw_close(w, '}');
	}
	sp_jw_open(w, "namespaces", '[');
	for (; *ns; ns++) {
		sp_jw_open(w, NULL, '{');
		sp_jw_str(w, "type", *ns);
		sp_jw_close(w, '}');
	}
	sp_jw_close(w, ']');
	sp_jw_strs(w, "maskedPaths", masked);
	sp_jw_strs(w, "readonlyPaths", readonly);
	sp_jw_close(w, '}');
}

char *spec_default_json(bool rootless)
{
	struct jw w;

	sp_jw_init(&w, "\t");
	sp_jw_open(&w, NULL, '{');
	sp_jw_str(&w, "ociVersion", "1.2.0");
	write_process(&w);
	sp_jw_open(&w, "root", '{');
	sp_jw_str(&w, "path", "rootfs");
	sp_jw_bool(&w, "readonly", true);
	sp_jw_close(&w, '}');
	sp_jw_str(&w, "hostname", "hutch");
	write_mounts(&w, rootless);
	write_linux(&w, rootless);
	sp_jw_close(&w, '}');
	return sp_jw_finish(&w);
}
