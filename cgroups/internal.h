/* cgroups/ private: what the files of this folder share.  Nothing outside
 * cgroups/ includes this; the API is cgroups.h. */
#ifndef HUTCH_CGROUPS_INTERNAL_H
#define HUTCH_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroups/cgroups.h"
#include "spec/spec.h"
#include "util/util.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_MAX_MOUNTS 24

enum cg_ctrl {
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_DEVICES,
	CG_FREEZER,
	CG_BLKIO, /* v1 name of the block I/O controller */
	CG_IO,    /* v2 name */
	CG_PIDS,
	CG_HUGETLB,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_PERF_EVENT,
	CG_RDMA,
	CG_MISC,
	CG__COUNT
};
#define CG_BIT(c) (1u << (c))

/* one mounted hierarchy */
struct cg_mount {
	char *dir;      /* mount point, "/sys/fs/cgroup/memory" */
	char *key;      /* "memory", "cpu,cpuacct", "name=systemd", "unified" */
	uint32_t ctrls; /* CG_BIT()s: v1 from the mount options, v2 from the
			 * root's cgroup.controllers */
	bool v2;
	int fd; /* the mount's root directory, open for the process' life */
};

struct cg_layout {
	enum cgroup_layout kind;
	struct cg_mount m[CG_MAX_MOUNTS];
	size_t n;
};

/* the cgroup on one hierarchy */
struct cg_dir {
	const struct cg_mount *m;
	int fd;   /* the cgroup directory, -1 when it does not exist */
	int made; /* how many trailing path components we created */
};

struct cgroup {
	const struct cg_layout *lay;
	char *path; /* "/hutch/<id>", normalised */
	struct cg_dir d[CG_MAX_MOUNTS];
	size_t n;
	char *saved;
};

/* detect.c: the layout of this machine, computed once per process */
int cg_detect(const struct cg_layout **out, struct herr *e);
const char *cg_ctrl_name(enum cg_ctrl c);
int cg_ctrl_parse(const char *name); /* -1 when unknown */
uint32_t cg_ctrl_mask(const char *list, const char *seps);

/* cgroup.c */
struct cg_dir *cg_dir_for(struct cgroup *cg, enum cg_ctrl c);
struct cg_dir *cg_v2_dir(struct cgroup *cg); /* the cgroup2 side, or NULL */

/* path.c: "/a/b" components, validated (no "..", no "." , not empty) */
int cg_path_resolve(const char *cgroups_path, const char *id, char **out,
		    struct herr *e);

/* io.c: cgroupfs reads and writes through dir fds */
int cg_write(int dirfd, const char *file, const char *val, struct herr *e);
int cg_writef(int dirfd, const char *file, struct herr *e, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
/* read a small file, trailing newline stripped */
int cg_read(int dirfd, const char *file, char **out, struct herr *e);
int cg_read_u64(int dirfd, const char *file, uint64_t *out, struct herr *e);
/* "key value" lines (memory.stat, cpu.stat, memory.events): 0 and *out set,
 * or -1 (no error filled) when the key is not there */
int cg_read_keyed(int dirfd, const char *file, const char *key,
		  uint64_t *out);
bool cg_has_file(int dirfd, const char *file);
void cg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* v1.c / v2.c: per-hierarchy set-up after mkdir */
int cg_v1_init_cpuset(int parentfd, int fd, struct herr *e);
int cg_v2_enable_controllers(int fd, struct herr *e);

/* resources.c: write one resource file; errors name the spec field
 * ("memory.limit" -> `linux.resources.memory.limit: ...`) */
int cg_set(int fd, const char *file, const char *field, struct herr *e,
	   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int cg_field_err(struct herr *e, int errnum, const char *field,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "max" for unlimited (< 0), else the number */
const char *cg_max(int64_t v, char buf[24]);

/* resources_v1.c / resources_v2.c: one controller each, on its own
 * hierarchy's directory */
int cg_v1_memory(int fd, const struct spec_memory *m, struct herr *e);
int cg_v1_cpu(int fd, const struct spec_cpu *c, struct herr *e);
int cg_v1_blkio(int fd, const struct spec_blkio *b, struct herr *e);
int cg_v2_memory(int fd, const struct spec_memory *m, struct herr *e);
int cg_v2_cpu(int fd, const struct spec_cpu *c, struct herr *e);
int cg_v2_io(int fd, const struct spec_blkio *b, struct herr *e);
int cg_cpuset(int fd, const struct spec_cpu *c, struct herr *e);
int cg_hugetlb(int fd, bool v2, const struct spec_resources *r,
	       struct herr *e);
int cg_unified(struct cgroup *cg, const struct spec_resources *r,
	       struct herr *e);

/* devices.c: the effective rule list (runtime defaults + spec rules) */
struct cg_dev_rule {
	bool allow;
	char type;          /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1 = any */
	unsigned access;    /* CG_ACC_* */
};
enum { CG_ACC_R = 1, CG_ACC_W = 2, CG_ACC_M = 4, CG_ACC_ALL = 7 };
int cg_dev_rules(const struct spec_resources *r, struct cg_dev_rule **out,
		 size_t *n, struct herr *e);
int cg_devices_v1(int fd, const struct cg_dev_rule *rules, size_t n,
		  struct herr *e);
int cg_devices_bpf(int fd, const struct cg_dev_rule *rules, size_t n,
		   struct herr *e);

/* procs.c */
int cg_read_pids(int dirfd, bool recursive, pid_t **pids, size_t *n,
		 struct herr *e);
bool cg_populated(struct cgroup *cg);

#endif
