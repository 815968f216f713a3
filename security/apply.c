/* The child's side: the order matters (see security.h); every step uses
 * only what security_prepare resolved. */
#include <errno.h>
#include <sys/prctl.h>

#include "security/internal.h"

/* load the filter and pass the listener on at once (see check_notify) */
static int load_seccomp(const struct security *sec, int *notify_fd,
			struct herr *e)
{
	int fd = sec_seccomp_install(sec->seccomp, e);
	int r;

	if (fd <= 0)
		return fd;
	if (!sec->notify_fn) {
		*notify_fd = fd;
		return 0;
	}
	r = sec->notify_fn(sec->notify_ctx, fd, e);
	close(fd);
	return r < 0 ? -1 : 0;
}

int security_apply(const struct security *sec, int *notify_fd, struct herr *e)
{
	*notify_fd = -1;
	/* the trampoline must exist before seccomp can forbid memfd_create */
	if (sec_dmz_prepare(e) < 0 || sec_rlimits_apply(sec, e) < 0)
		return -1;
	if (sec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return herr_sys(e, "process.noNewPrivileges: prctl");
	if (sec->seccomp && !sec->no_new_privs &&
	    load_seccomp(sec, notify_fd, e) < 0)
		return -1;
	if (sec->has_caps) {
		if (sec_caps_drop_bounding(&sec->caps, e) < 0)
			return -1;
		/* keep the permitted set across setresuid to a non-root uid */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return herr_sys(e, "prctl PR_SET_KEEPCAPS");
	}
	if (sec_user_switch(sec, e) < 0)
		return -1;
	if (sec->has_caps) {
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			return herr_sys(e, "prctl PR_SET_KEEPCAPS");
		if (sec_caps_set(&sec->caps, e) < 0)
			return -1;
	}
	return 0;
}

int security_apply_late(const struct security *sec, int *notify_fd,
			struct herr *e)
{
	*notify_fd = -1;
	if (sec->seccomp && sec->no_new_privs)
		return load_seccomp(sec, notify_fd, e);
	return 0;
}
