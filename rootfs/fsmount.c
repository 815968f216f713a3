/* New filesystems through the new mount API (5.2+): fsopen, fsconfig,
 * fsmount, move_mount onto the destination fd.  The mount is complete and
 * carries its flags before it is attached, and we keep its fd: no second
 * lookup of the destination after mounting, which a racer could redirect
 * (CVE-2021-30465), and no /proc needed. */
#include <errno.h>
#include <string.h>

#include "rootfs/priv.h"

/* superblock flags mount(2) takes as MS_*, as fsconfig flag names */
static const struct {
	unsigned long ms;
	const char *name;
} sb_flags[] = {
	{MS_RDONLY, "ro"},         {MS_SYNCHRONOUS, "sync"},
	{MS_DIRSYNC, "dirsync"},   {MS_LAZYTIME, "lazytime"},
	{MS_MANDLOCK, "mand"},
};

/* The kernel explains a refused parameter in the context's log ("e tmpfs:
 * Bad value for 'size'"): add it to the error. */
static int fs_fail(int fs, const char *what, struct herr *e)
{
	int err = errno;
	char log[256];
	ssize_t n = fs >= 0 ? read(fs, log, sizeof(log) - 1) : -1;

	herr_set(e, err, "%s", what);
	if (n > 2) {
		size_t used = strlen(e->msg);
		log[n] = '\0';
		log[strcspn(log, "\n")] = '\0';
		snprintf(e->msg + used, sizeof(e->msg) - used, " (%s)", log + 2);
	}
	return -1;
}

/* "size=64k,mode=755,newinstance" -> fsconfig calls */
static int config_data(int fs, const char *data)
{
	_cleanup_free_ char *d = xstrdup(data);
	char *save = NULL;

	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		int r;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, t, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, t, NULL, 0);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

int fs_mount_new(const char *type, const char *src, unsigned long flags,
		 const char *data, int tgt_fd, const char *what,
		 struct herr *e)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	_cleanup_close_ int mnt = -1;

	if (fs < 0)
		return fs_fail(-1, what, e);
	if (src && fsconfig(fs, FSCONFIG_SET_STRING, "source", src, 0) < 0)
		return fs_fail(fs, what, e);
	for (size_t i = 0; i < sizeof(sb_flags) / sizeof(sb_flags[0]); i++)
		if ((flags & sb_flags[i].ms) &&
		    fsconfig(fs, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0)
			return fs_fail(fs, what, e);
	if (data && config_data(fs, data) < 0)
		return fs_fail(fs, what, e);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(fs, what, e);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, ms_to_attr(flags));
	if (mnt < 0)
		return fs_fail(fs, what, e);
	if (move_mount(mnt, "", tgt_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return herr_sys(e, "%s", what);
	return steal_fd(&mnt);
}
