/* cgroups: put a container in its cgroups and control them, on cgroup v1
 * (legacy), hybrid (v1 controllers plus a cgroup2 mount at
 * /sys/fs/cgroup/unified that may carry controllers of its own) and v2.
 * The layout is detected with statfs(2) and /proc/self/mountinfo; every
 * cgroupfs file is written through directory fds, no libcgroup.
 *
 * Paths (DESIGN.md section 5): linux.cgroupsPath absolute is used as given,
 * relative lands under /hutch/, absent means /hutch/<id>.  Never relative to
 * the caller's own cgroup.
 *
 * How the runtime uses it:
 *   create:  cgroup_create() before clone; clone3(CLONE_INTO_CGROUP) with
 *            cgroup_clone_fd() when it is >= 0; then cgroup_enter() with the
 *            child's pid BEFORE the child runs workload code (it writes the
 *            v1 hierarchies; the cgroup2 write is a no-op when clone3 already
 *            put the child there, so always calling it is right); store
 *            cgroup_saved() in state.json.
 *   later:   cgroup_open(saved) in state/pause/resume/update/ps/events/delete.
 *   delete:  cgroup_destroy() kills what is left (frozen, sub-cgroups too)
 *            and removes the directories hutch made.
 *   exit:    cgroup_oom_kills() > 0 after the container exited means the
 *            kernel's OOM killer hit it: report it with exit status 137.
 */
#ifndef HUTCH_CGROUPS_H
#define HUTCH_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/util.h"

struct cgroup;
struct strbuf;

enum cgroup_layout {
	CGROUP_V1 = 1, /* legacy: v1 hierarchies only */
	CGROUP_HYBRID, /* v1 hierarchies + cgroup2 at /sys/fs/cgroup/unified */
	CGROUP_V2,     /* unified */
};
int cgroup_layout(enum cgroup_layout *out, struct herr *e);
const char *cgroup_layout_name(enum cgroup_layout l); /* "v1" ... */

/* The path linux.cgroupsPath resolves to, without touching anything.
 * *out is a heap string like "/hutch/<id>". */
int cgroup_resolve_path(const struct spec *s, const char *id, char **out,
			struct herr *e);

/* Create the cgroup on every hierarchy and apply linux.resources.  Errors
 * name the field (`linux.resources.memory.limit: ...`); on error nothing is
 * left behind.  An existing cgroup is joined only if it has no processes. */
int cgroup_create(const struct spec *s, const char *id, struct cgroup **out,
		  struct herr *e);
/* v2 and hybrid: an O_DIRECTORY fd of the cgroup2 directory for clone3's
 * CLONE_INTO_CGROUP (owned by cg); -1 when there is no cgroup2 hierarchy. */
int cgroup_clone_fd(const struct cgroup *cg);
/* Move pid (a whole process) into the cgroup on every hierarchy. */
int cgroup_enter(struct cgroup *cg, pid_t pid, struct herr *e);
/* exec --cgroup [CONTROLLER:]PATH: an existing sub-cgroup (enter_sub.c) */
int cgroup_enter_sub(struct cgroup *cg, const char *sub, pid_t pid,
		     struct herr *e);
const char *cgroup_path(const struct cgroup *cg);
/* The serialised form for state.json (one line of text, owned by cg):
 * the path and what hutch created on each hierarchy. */
const char *cgroup_saved(const struct cgroup *cg);
/* Re-open from cgroup_saved(); a bare absolute path ("/hutch/x") works too
 * (then only the leaf counts as made by us). */
int cgroup_open(const char *saved, struct cgroup **out, struct herr *e);
/* Kill every process left (also frozen ones, also in sub-cgroups), wait
 * for them to go, remove the directories hutch made.  Safe to call twice. */
int cgroup_destroy(struct cgroup *cg, struct herr *e);
void cgroup_free(struct cgroup *cg);
void cgroup_freep(struct cgroup **cg);
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* `update`: apply the fields present in r (same rules as create). */
int cgroup_update(struct cgroup *cg, const struct spec_resources *r,
		  struct herr *e);

/* freezer: v1 freezer.state, v2 cgroup.freeze; both wait until the kernel
 * reports the whole cgroup frozen (or thawed). */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct herr *e);
int cgroup_frozen(struct cgroup *cg, bool *frozen, struct herr *e);

/* every process in the cgroup and its sub-cgroups (sorted, unique) */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct herr *e);
/* send sig to every process (`kill --all`) */
int cgroup_signal_all(struct cgroup *cg, int sig, struct herr *e);

/* Stats in runc's `events` JSON shape: appends the "data" object
 * ({"cpu":..,"memory":..,"pids":..,"blkio":..,"hugetlb":..}) to out. */
int cgroup_stats_json(struct cgroup *cg, struct strbuf *out, struct herr *e);

/* OOM: how many processes the OOM killer killed in this cgroup. */
int cgroup_oom_kills(struct cgroup *cg, uint64_t *n, struct herr *e);
/* An fd that becomes readable (poll POLLIN) when an OOM event may have
 * happened: a v1 eventfd on memory.oom_control, or an inotify watch on v2's
 * memory.events.  After it fires call cgroup_oom_drain(): it returns how
 * many OOMs the fd itself certifies (v1: the eventfd count, 0 on v2), then
 * compare cgroup_oom_events() with the last value. */
int cgroup_oom_fd(struct cgroup *cg, struct herr *e);
uint64_t cgroup_oom_drain(int fd);
/* OOM events so far: v2 memory.events `oom`, v1 `oom_kill` (+ under_oom) */
int cgroup_oom_events(struct cgroup *cg, uint64_t *n, struct herr *e);

/* Where debug notes go (ignored fields such as kernel memory on v2);
 * default: nowhere.  The runtime points it at its --debug log. */
void cgroup_set_debug(void (*fn)(const char *msg));

#endif
