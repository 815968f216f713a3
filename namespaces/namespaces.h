/* namespaces: clone3 (with a clone fallback), joining namespaces by path,
 * user-namespace id maps and time-namespace offsets.  The runtime decides
 * the order; these are the primitives. */
#ifndef HUTCH_NAMESPACES_H
#define HUTCH_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/util.h"

/* Fork-like clone: returns the child's pid in the parent and 0 in the child
 * (which runs on a copy of the caller's stack, like fork).  flags are
 * CLONE_NEW* bits; cgroup_fd >= 0 asks for CLONE_INTO_CGROUP (clone3 only:
 * *into_cgroup tells whether it happened, else the caller must move the
 * child itself).  Falls back to clone(2) where clone3 is missing. */
pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *into_cgroup,
	       struct herr *e);

/* Open linux.namespaces[i].path for later setns, checking that the file is a
 * namespace of the right type. */
int ns_open(const char *path, enum spec_ns_type t, struct herr *e);
int ns_join(int fd, enum spec_ns_type t, struct herr *e);

/* Write /proc/PID/{uid,gid}_map from the spec's mappings.  deny_setgroups
 * writes "deny" to /proc/PID/setgroups first (needed when unprivileged). */
int ns_write_idmaps(pid_t pid, const struct spec_idmap *uid, size_t nuid,
		    const struct spec_idmap *gid, size_t ngid,
		    bool deny_setgroups, struct herr *e);

/* Write /proc/self/timens_offsets for a time namespace made by
 * unshare(CLONE_NEWTIME) that has no process yet. */
int ns_write_time_offsets(const struct spec_linux *l, struct herr *e);

#endif
