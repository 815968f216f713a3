/* Joining existing namespaces given by linux.namespaces[].path. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

#include "namespaces/namespaces.h"

int ns_open(const char *path, enum spec_ns_type t, struct herr *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int kind;

	if (fd < 0)
		return herr_sys(e, "open %s namespace `%s`", spec_ns_name(t),
				path);
	/* NS_GET_NSTYPE: refuse a file that is not a namespace of this type
	 * before anything is joined */
	kind = ioctl(fd, NS_GET_NSTYPE);
	if (kind < 0 || kind != spec_ns_clone_flag(t)) {
		int err = kind < 0 ? errno : 0;
		close(fd);
		if (err)
			return herr_set(e, err, "`%s` is not a namespace", path);
		return herr_set(e, 0, "`%s` is not a %s namespace", path,
				spec_ns_name(t));
	}
	return fd;
}

int ns_join(int fd, enum spec_ns_type t, struct herr *e)
{
	if (setns(fd, spec_ns_clone_flag(t)) < 0)
		return herr_sys(e, "join %s namespace", spec_ns_name(t));
	return 0;
}
