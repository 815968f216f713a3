/* process.user: groups, gid, uid, umask.  Raw syscalls: the child comes
 * from clone(2), and glibc's set*id() would try to broadcast the change
 * to threads it believes the parent had; the child is single-threaded. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "security/internal.h"

int sec_user_prepare(const struct spec_user *u, struct security *sec,
		 struct herr *e)
{
	sec->set_user = true;
	sec->uid = u->uid;
	sec->gid = u->gid;
	if (u->has_umask)
		sec->umask = u->umask & 07777;
	if (u->nadditional_gids) {
		sec->gids = xcalloc(u->nadditional_gids, sizeof(gid_t));
		for (size_t i = 0; i < u->nadditional_gids; i++)
			sec->gids[i] = u->additional_gids[i];
		sec->ngids = u->nadditional_gids;
	}
	return 0;
}

/* In a user namespace whose setgroups is "deny" (rootless), setgroups(2)
 * fails with EPERM; with no additionalGids there is nothing to lose. */
static bool setgroups_denied(void)
{
	char buf[16] = {0};
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strncmp(buf, "deny", 4);
}

/* stdio set up by the runtime (a pty, pipes) belongs to root: hand it to
 * the container user so that reopening /dev/stdout works, as runc does;
 * /dev/null is shared with everyone and left alone. */
static void fix_stdio_owner(uid_t uid)
{
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;

		if (fstat(fd, &st) < 0 || st.st_uid == uid)
			continue;
		if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
			continue;
		if (fchown(fd, uid, -1) < 0) {
			/* EINVAL (unmapped) / EPERM / EROFS: the process can
			 * still use the fds it has */
		}
	}
}

int sec_user_switch(const struct security *sec, struct herr *e)
{
	if (!sec->set_user)
		return 0;
	fix_stdio_owner(sec->uid);
	if (syscall(SYS_setgroups, sec->ngids, sec->gids) < 0 &&
	    !(errno == EPERM && !sec->ngids && setgroups_denied()))
		return herr_sys(e, "process.user.additionalGids: setgroups");
	if (syscall(SYS_setresgid, sec->gid, sec->gid, sec->gid) < 0)
		return herr_sys(e, "process.user.gid: setresgid %u%s",
				(unsigned)sec->gid,
				errno == EINVAL ? " (not mapped in the user "
						  "namespace)" : "");
	if (syscall(SYS_setresuid, sec->uid, sec->uid, sec->uid) < 0)
		return herr_sys(e, "process.user.uid: setresuid %u%s",
				(unsigned)sec->uid,
				errno == EINVAL ? " (not mapped in the user "
						  "namespace)" : "");
	umask(sec->umask);
	return 0;
}
