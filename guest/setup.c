/* The guest's root: the 9p share (tag `root`) moved onto /, and the kernel
 * filesystems the process expects (the container's own proc/sys/dev stay
 * on the host side: the VMM never serves mount points). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/guest.h"

#define P9_OPTS "trans=virtio,version=9p2000.L,msize=262144,access=client,cache=mmap"

static void mount_or_die(const char *src, const char *dst, const char *type,
			 unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s on %s: %s", type, dst, strerror(errno));
}

/* a missing mount point is made (on a read-only root it cannot be) */
static void ensure_dir(const char *p)
{
	if (mkdir(p, 0755) < 0 && errno != EEXIST && errno != EROFS)
		dprintf(2, "init: mkdir %s: %m\n", p);
}

/* a bind of the spec: the VMM's 9p share TAG on DEST, or for "TAG,NAME"
 * the file NAME of it (the share, mounted aside in the initramfs, holds
 * that one name); a missing mount point is made (under a guest tmpfs) */
static void bind_mount(const char *dst, unsigned long flags, char *tag)
{
	char *name = strchr(tag, ','), path[4096], aside[64], file[4400];
	int fd;

	snprintf(path, sizeof(path), "/newroot%s", dst);
	if (!name) {
		ensure_dir(path);
		mount_or_die(tag, path, "9p", flags, P9_OPTS);
		return;
	}
	*name++ = 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		       0644)) >= 0)
		close(fd);
	mkdir("/binds", 0700);
	snprintf(aside, sizeof(aside), "/binds/%s", tag);
	ensure_dir(aside);
	mount_or_die(tag, aside, "9p", flags, P9_OPTS);
	snprintf(file, sizeof(file), "%s/%s", aside, name);
	if (mount(file, path, NULL, MS_BIND, NULL) < 0)
		die("bind %s on %s: %s", file, path, strerror(errno));
	/* a bind takes its flags (read-only) from a remount */
	if (flags && mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags,
			   NULL) < 0)
		die("remount %s: %s", path, strerror(errno));
}

/* "TYPE\tDEST\tFLAGS\tDATA" (FLAGS in hex, MS_*) */
static void config_mount(char *m)
{
	char *type = m, *dst = strchr(type, '\t'), *flags, *data;
	char path[4096];

	if (!dst || !(flags = strchr(dst + 1, '\t')) ||
	    !(data = strchr(flags + 1, '\t')))
		die("config: bad mount `%s`", m);
	*dst++ = 0, *flags++ = 0, *data++ = 0;
	if (!strcmp(type, "bind")) {
		bind_mount(dst, strtoul(flags, NULL, 16), data);
		return;
	}
	/* the guest's /dev is its own devtmpfs, whatever the spec mounts */
	if (!strcmp(dst, "/dev") || !strcmp(type, "cgroup"))
		return;
	snprintf(path, sizeof(path), "/newroot%s", dst);
	ensure_dir(path);
	mount_or_die(type, path, type, strtoul(flags, NULL, 16),
		     *data ? data : NULL);
}

void setup_root(const struct config *c)
{
	mkdir("/newroot", 0755);
	mount_or_die("root", "/newroot", "9p", c->readonly ? MS_RDONLY : 0,
		     P9_OPTS);
	ensure_dir("/newroot/dev");
	mount_or_die("devtmpfs", "/newroot/dev", "devtmpfs", MS_NOSUID,
		     "mode=0755");
	for (size_t i = 0; i < c->nmounts; i++)
		config_mount(c->mounts[i]);
	net_setup();
	ensure_dir("/newroot/dev/pts");
	mount("devpts", "/newroot/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	      "newinstance,ptmxmode=0666,mode=0620");
	if (chdir("/newroot") < 0)
		die("chdir /newroot: %s", strerror(errno));
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		die("move the root: %s", strerror(errno));
	if (chroot(".") < 0 || chdir("/") < 0)
		die("chroot: %s", strerror(errno));
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		die("hostname `%s`: %s", c->hostname, strerror(errno));
}

/* the spec's proc mounts again, as config_mount made them (flags and
 * options), in the caller's pid namespace (a config mount is
 * "TYPE\0DEST\0FLAGS\0DATA" once config_mount has split it) */
int remount_proc(const struct config *c)
{
	for (size_t i = 0; i < c->nmounts; i++) {
		const char *type = c->mounts[i], *dst, *flags, *data;
		if (strcmp(type, "proc"))
			continue;
		dst = type + strlen(type) + 1;
		flags = dst + strlen(dst) + 1;
		data = flags + strlen(flags) + 1;
		if (mount("proc", dst, "proc", strtoul(flags, NULL, 16),
			  *data ? data : NULL) < 0)
			return -1;
	}
	return 0;
}
