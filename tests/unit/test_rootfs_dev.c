/* rootfs: /dev, maskedPaths/readonlyPaths (CVE-2025-31133), --no-pivot,
 * /dev/console (needs root). */
#include <pty.h>
#include <sys/sysmacros.h>

#include "tests/unit/rootfs_fixture.h"

#define BASE "{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
#define PROC "{'destination':'/proc','type':'proc','source':'proc'}"
#define DEV "{'destination':'/dev','type':'tmpfs','source':'tmpfs'," \
	    " 'options':['nosuid','mode=755']}"

static bool is_dev(const char *p, mode_t type, int maj, int min, mode_t perm,
		   uid_t uid, gid_t gid)
{
	struct stat st;
	if (lstat(p, &st) < 0)
		return false;
	return (st.st_mode & S_IFMT) == type && major(st.st_rdev) == (unsigned)maj &&
	       minor(st.st_rdev) == (unsigned)min &&
	       (perm == (mode_t)-1 || (st.st_mode & 07777) == perm) &&
	       st.st_uid == uid && st.st_gid == gid;
}

static void check_devices(struct fx *f, int *unit_failed_)
{
	CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, 0600, 0, 0));
	CHECK(is_dev("/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0));
	CHECK(is_dev("/dev/mydev", S_IFCHR, 1, 5, 0640, 1, 2));
	CHECK(is_dev("/dev/net/tun", S_IFCHR, 10, 200, 0666, 0, 0));
	CHECK(is_dev("/dev/loop-test", S_IFBLK, 7, 200, 0660, 0, 6));
	CHECK(is_dev("/dev/fifo", S_IFIFO, 0, 0, 0644, 0, 0));
}

TEST(linux_devices)
{
	struct fx f;

	fx_init(&f);
	f.spec = fx_spec(BASE "'mounts':[" PROC "," DEV "],'linux':{"
		"'devices':["
		"{'path':'/dev/null','type':'c','major':1,'minor':3,'fileMode':384},"
		"{'path':'/dev/mydev','type':'c','major':1,'minor':5,"
		" 'fileMode':416,'uid':1,'gid':2},"
		"{'path':'/dev/net/tun','type':'c','major':10,'minor':200},"
		"{'path':'/dev/loop-test','type':'b','major':7,'minor':200,"
		" 'fileMode':432,'gid':6},"
		"{'path':'/dev/fifo','type':'p','fileMode':420}]}}");
	CHECK(fx_run(&f, check_devices) == 0);
	fx_done(&f);
}

/* in a user namespace mknod is refused: the host's nodes are bound */
static void check_bound_devices(struct fx *f, int *unit_failed_)
{
	CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, 0666, 0, 0));
	CHECK(is_dev("/dev/tty", S_IFCHR, 5, 0, (mode_t)-1, 0, 0));
	CHECK(fx_mnt_has("/dev/null", "devtmpfs"));
	CHECK(fx_mnt_has("/dev/urandom", "devtmpfs"));
	char b[8];
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0 && read(fd, b, sizeof(b)) == sizeof(b) && !b[0]);
	close(fd);
}

TEST(userns_devices_are_bind_mounts)
{
	struct fx f;

	fx_init(&f);
	f.o.userns = true;
	f.spec = fx_spec(BASE "'mounts':[" PROC "," DEV "]}");
	CHECK(fx_run(&f, check_bound_devices) == 0);
	fx_done(&f);
}

/* ---- /dev/console ---- */

static int console_master = -1;

static void console_prepare(struct fx *f, int *unit_failed_)
{
	int slave;
	CHECK(openpty(&console_master, &slave, NULL, NULL, NULL) == 0);
	f->o.console_fd = slave;
}

static void check_console(struct fx *f, int *unit_failed_)
{
	struct stat a, b;
	CHECK(stat("/dev/console", &a) == 0 && fstat(f->o.console_fd, &b) == 0);
	CHECK(S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev);
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	CHECK(fd >= 0 && write(fd, "hi\n", 3) == 3);
	char buf[8] = "";
	CHECK(read(console_master, buf, sizeof(buf)) > 0 && buf[0] == 'h');
	close(fd);
}

TEST(console_from_pty)
{
	struct fx f;

	fx_init(&f);
	f.prepare = console_prepare;
	f.spec = fx_spec(BASE "'mounts':[" PROC "," DEV "]}");
	CHECK(fx_run(&f, check_console) == 0);
	fx_done(&f);
}

/* ---- maskedPaths / readonlyPaths ---- */

static void mask_prepare(struct fx *f, int *unit_failed_)
{
	char p[512], t[512];
	fx_path(f, p, sizeof(p), "rootfs/etc/secret");
	fx_write(p, "secret\n");
	fx_path(f, p, sizeof(p), "rootfs/etc/secretdir");
	mkdir(p, 0755);
	fx_path(f, p, sizeof(p), "rootfs/etc/secretdir/x");
	fx_write(p, "x\n");
	/* a masked path that is a symlink to a host file (absolute path):
	 * resolves inside the root, where it does not exist */
	fx_path(f, p, sizeof(p), "rootfs/etc/hostlink");
	snprintf(t, sizeof(t), "%s/hostfile", f->tmp);
	CHECK(symlink(t, p) == 0);
	/* ... and one climbing out with .. */
	fx_path(f, p, sizeof(p), "rootfs/etc/uplink");
	snprintf(t, sizeof(t), "../../../../../../..%s/hostfile", f->tmp);
	CHECK(symlink(t, p) == 0);
	fx_path(f, p, sizeof(p), "rootfs/etc/ro");
	mkdir(p, 0755);
}

static void check_masks(struct fx *f, int *unit_failed_)
{
	_cleanup_free_ char *s = fx_read("/etc/secret");
	CHECK(s && !*s);
	CHECK(access("/etc/secretdir/x", F_OK) < 0);
	CHECK(fx_mnt_has("/etc/secretdir", "ro"));
	CHECK(open("/etc/secretdir/y", O_WRONLY | O_CREAT, 0644) < 0);
	char p[512];
	snprintf(p, sizeof(p), "%s/hostfile", f->tmp);
	CHECK(fx_mnt(p) == NULL);
	CHECK(fx_mnt("/etc/hostlink") == NULL);
	CHECK(open("/etc/ro/new", O_WRONLY | O_CREAT, 0644) < 0 &&
	      errno == EROFS);
	CHECK(fx_mnt_has("/etc/ro", "ro"));
	CHECK(open("/etc/writable", O_WRONLY | O_CREAT, 0644) >= 0);
}

TEST(masked_and_readonly_paths)
{
	struct fx f;
	char p[512];

	fx_init(&f);
	f.prepare = mask_prepare;
	fx_path(&f, p, sizeof(p), "hostfile");
	fx_write(p, "host\n");
	f.spec = fx_spec(BASE "'mounts':[" PROC "," DEV "],'linux':{"
		"'maskedPaths':['/etc/secret','/etc/secretdir','/etc/hostlink',"
		" '/etc/uplink','/etc/missing','/etc/secret/notadir'],"
		"'readonlyPaths':['/etc/ro','/etc/missing']}}");
	CHECK(fx_run(&f, check_masks) == 0);
	_cleanup_free_ char *h = fx_read(p);
	CHECK(h && !strcmp(h, "host\n"));
	fx_done(&f);
}

/* CVE-2025-31133: the container's /dev/null swapped for a symlink (or a
 * file) before the masks are applied must not be bound over them */
static void swap_null_for_link(struct fx *f, int *unit_failed_)
{
	fx_write("/etc/victim", "victim\n");
	CHECK(unlink("/dev/null") == 0);
	CHECK(symlink("/etc/victim", "/dev/null") == 0);
}

static void swap_null_for_file(struct fx *f, int *unit_failed_)
{
	CHECK(unlink("/dev/null") == 0);
	fx_write("/dev/null", "");
}

static void run_swap(void (*between)(struct fx *, int *), int *unit_failed_)
{
	struct fx f;
	char p[512];

	fx_init(&f);
	f.between = between;
	f.expect_fail = true;
	strcpy(f.err, "not the null device");
	fx_path(&f, p, sizeof(p), "rootfs/etc/secret");
	fx_write(p, "secret\n");
	f.spec = fx_spec(BASE "'mounts':[" PROC "," DEV "],'linux':{"
		"'maskedPaths':['/etc/secret']}}");
	CHECK(fx_run(&f, NULL) == 0);
	fx_done(&f);
}

TEST(masks_refuse_a_swapped_dev_null)
{
	run_swap(swap_null_for_link, unit_failed_);
	run_swap(swap_null_for_file, unit_failed_);
}

/* ---- root.readonly, --no-pivot ---- */

static void check_no_pivot(struct fx *f, int *unit_failed_)
{
	_cleanup_free_ char *r = fx_read("/etc/hutch-release");
	CHECK(r && !strcmp(r, "test\n"));
	CHECK(open("/etc/x", O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS);
	_cleanup_free_ char *mi = fx_read("/proc/self/mountinfo");
	CHECK(mi && strstr(mi, " / ") && strstr(mi, " /proc "));
	char cwd[64];
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"));
	CHECK(access("/tmp/hutch-rootfs-marker", F_OK) < 0);
}

TEST(no_pivot_readonly_root)
{
	struct fx f;
	char p[512];

	fx_init(&f);
	f.o.no_pivot = true;
	fx_path(&f, p, sizeof(p), "rootfs/etc/hutch-release");
	fx_write(p, "test\n");
	f.spec = fx_spec("{'ociVersion':'1.2.0','root':{'path':'rootfs',"
			 "'readonly':true},'mounts':[" PROC "," DEV "]}");
	CHECK(fx_run(&f, check_no_pivot) == 0);
	fx_done(&f);
}

UNIT_MAIN()
