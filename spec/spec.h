/* spec: config.json (OCI runtime-spec 1.2) -> C structs, validation,
 * `hutch spec`, `hutch features`, and the state JSON.
 *
 * Conventions for every struct below:
 *  - strings are NUL-terminated heap copies, NULL when absent;
 *  - arrays are `T *x; size_t nx;`;
 *  - optional scalars carry a `has_` flag (false = not in the JSON);
 *  - string maps (annotations, sysctl, unified) are `struct spec_kv *; n`,
 *    in file order.
 * The whole tree is owned by `struct spec` and freed by spec_free().
 *
 * What the parser guarantees (spec/parse_*.c say which spec rule each
 * check implements): unknown fields are ignored, `null` counts as absent,
 * integers are exact and in range, strings hold no NUL, required fields are
 * there, names (namespaces, capabilities, rlimits, seccomp, ...) are known,
 * paths the spec wants absolute are absolute.
 */
#ifndef HUTCH_SPEC_H
#define HUTCH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/util.h"

struct spec_kv {
	char *key;
	char *value;
};

struct spec_idmap {
	uint32_t container_id, host_id, size;
};

/* ---------- process ---------- */

struct spec_rlimit {
	char *type;  /* "RLIMIT_NOFILE" as written */
	int resource; /* RLIMIT_* resolved by the parser */
	uint64_t soft, hard;
};

struct spec_caps {
	/* names as written ("CAP_NET_ADMIN"); the parser checks each name */
	char **bounding, **effective, **inheritable, **permitted, **ambient;
	size_t nbounding, neffective, ninheritable, npermitted, nambient;
	bool has_bounding, has_effective, has_inheritable, has_permitted,
		has_ambient;
};

struct spec_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t nadditional_gids;
	char *username; /* windows only; kept for completeness */
};

struct spec_scheduler {
	char *policy; /* SCHED_OTHER ... */
	int32_t nice, priority;
	char **flags;
	size_t nflags;
	uint64_t runtime, deadline, period;
	bool has_nice, has_priority, has_runtime, has_deadline, has_period;
};

struct spec_io_priority {
	char *class; /* IOPRIO_CLASS_RT|BE|IDLE */
	int32_t priority;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct spec_user user;
	char **args;
	size_t nargs;
	char *command_line; /* windows */
	char **env;
	size_t nenv;
	char *cwd;
	bool has_capabilities;
	struct spec_caps capabilities;
	struct spec_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	char *selinux_label;
	struct spec_scheduler *scheduler; /* NULL if absent */
	struct spec_io_priority *io_priority;
	char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
};

/* ---------- root, mounts, hooks ---------- */

struct spec_root {
	char *path;
	bool readonly;
};

struct spec_mount {
	char *destination; /* always absolute: the parser makes a relative one
			    * relative to "/" (config.md, Linux) */
	char *type;
	char *source;
	char **options;
	size_t noptions;
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t nuid_mappings, ngid_mappings;
};

struct spec_hook {
	char *path;
	char **args;
	size_t nargs;
	char **env;
	size_t nenv;
	bool has_timeout;
	int32_t timeout; /* seconds, > 0 */
};

struct spec_hooks {
	struct spec_hook *prestart, *create_runtime, *create_container,
		*start_container, *poststart, *poststop;
	size_t nprestart, ncreate_runtime, ncreate_container,
		nstart_container, npoststart, npoststop;
};

/* ---------- linux ---------- */

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS__COUNT
};

struct spec_namespace {
	enum spec_ns_type type;
	char *path; /* NULL: create a new one */
};

struct spec_device {
	char *path;
	char type;        /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	bool has_major, has_minor; /* both required unless type is 'p' */
	bool has_file_mode, has_uid, has_gid;
	uint32_t file_mode; /* permission bits only */
	uint32_t uid, gid;
};

struct spec_device_rule { /* linux.resources.devices[] */
	bool allow;
	char type; /* 'a', 'c', 'b'; 'a' when absent */
	bool has_major, has_minor;
	int64_t major, minor; /* -1 = wildcard when absent */
	char *access;         /* "rwm" subset; NULL = all */
};

struct spec_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
		has_swappiness, has_disable_oom_killer, has_use_hierarchy,
		has_check_before_update;
	/* -1 = unlimited */
	int64_t limit, reservation, swap, kernel, kernel_tcp;
	uint64_t swappiness;
	bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct spec_cpu {
	bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
		has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota; /* -1 = max */
	uint64_t burst, period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	char *cpus, *mems;
	int64_t idle;
};

struct spec_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct spec_blkio {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct spec_weight_device *weight_device;
	size_t nweight_device;
	struct spec_throttle_device *throttle_read_bps, *throttle_write_bps,
		*throttle_read_iops, *throttle_write_iops;
	size_t nthrottle_read_bps, nthrottle_write_bps, nthrottle_read_iops,
		nthrottle_write_iops;
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB", "1GB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_rdma {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct spec_resources {
	struct spec_device_rule *devices;
	size_t ndevices;
	struct spec_memory *memory; /* NULL if absent */
	struct spec_cpu *cpu;
	bool has_pids_limit;
	int64_t pids_limit; /* <= 0 means unlimited */
	struct spec_blkio *block_io;
	struct spec_hugepage_limit *hugepage_limits;
	size_t nhugepage_limits;
	bool has_net_class_id;
	uint32_t net_class_id;
	struct spec_net_priority *net_priorities;
	size_t nnet_priorities;
	struct spec_rdma *rdma;
	size_t nrdma;
	struct spec_kv *unified;
	size_t nunified;
};

struct spec_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	bool has_value_two;
	char *op; /* SCMP_CMP_NE ... */
};

struct spec_seccomp_syscall {
	char **names;
	size_t nnames;
	char *action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct spec_seccomp_arg *args;
	size_t nargs;
};

struct spec_seccomp {
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures;
	size_t narchitectures;
	char **flags;
	size_t nflags;
	char *listener_path;
	char *listener_metadata;
	struct spec_seccomp_syscall *syscalls;
	size_t nsyscalls;
};

struct spec_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_personality {
	char *domain; /* LINUX, LINUX32 */
	char **flags;
	size_t nflags;
};

struct spec_intel_rdt {
	char *clos_id, *l3_cache_schema, *mem_bw_schema;
	bool enable_cmt, enable_mbm;
};

struct spec_net_device { /* linux.netDevices (1.2): name -> new name */
	char *name;
	char *new_name;
};

struct spec_linux {
	struct spec_namespace *namespaces;
	size_t nnamespaces;
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t nuid_mappings, ngid_mappings;
	struct spec_time_offset time_monotonic, time_boottime;
	struct spec_device *devices;
	size_t ndevices;
	char *cgroups_path;
	struct spec_resources *resources; /* NULL if absent */
	struct spec_kv *sysctl;
	size_t nsysctl;
	struct spec_seccomp *seccomp; /* NULL if absent */
	char *rootfs_propagation;     /* "private", "rslave", ... */
	char **masked_paths, **readonly_paths;
	size_t nmasked_paths, nreadonly_paths;
	char *mount_label;
	struct spec_intel_rdt *intel_rdt;
	struct spec_personality *personality;
	struct spec_net_device *net_devices;
	size_t nnet_devices;
};

struct spec {
	char *oci_version;
	struct spec_root *root;       /* required on linux */
	struct spec_process *process; /* optional for create (spec rule) */
	char *hostname, *domainname;
	struct spec_mount *mounts;
	size_t nmounts;
	struct spec_hooks hooks;
	struct spec_kv *annotations;
	size_t nannotations;
	/* gnu11 predefines `linux` as 1: the Makefile passes -Ulinux */
	struct spec_linux *linux; /* NULL if absent */
};

/* ---------- API ---------- */

/* Parse and validate.  On error *out is untouched and e->msg names the JSON
 * path: `linux.namespaces[2].type: unknown namespace "foo"`. */
int spec_parse(const char *json, size_t len, struct spec **out,
	       struct herr *e);
/* Read `<bundle>/config.json` (prefix errors with the file path). */
int spec_load(const char *path, struct spec **out, struct herr *e);
void spec_free(struct spec *s);
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))
void spec_freep(struct spec **s);

/* process.json for `exec --process` (same rules as config.json's process) */
int spec_process_parse(const char *json, size_t len,
		       struct spec_process **out, struct herr *e);
void spec_process_free(struct spec_process *p);

/* linux.resources alone, for `update --resources FILE` */
int spec_resources_parse(const char *json, size_t len,
			 struct spec_resources **out, struct herr *e);
void spec_resources_free(struct spec_resources *r);

/* lookups */
const char *spec_annotation(const struct spec *s, const char *key);
const struct spec_namespace *spec_namespace(const struct spec *s,
					    enum spec_ns_type t);
const char *spec_ns_name(enum spec_ns_type t); /* "pid", "network", ... */
int spec_ns_clone_flag(enum spec_ns_type t);   /* CLONE_NEWPID ... */

/* `hutch spec [--rootless]`: the default config.json, like `runc spec` */
char *spec_default_json(bool rootless);
/* `hutch features`: runtime-spec features.md document */
char *spec_features_json(void);

/* state JSON (runtime.md "State") */
struct spec_state {
	const char *oci_version;
	const char *id;
	const char *status; /* creating|created|running|stopped (+ paused) */
	pid_t pid;          /* 0 = omit */
	const char *bundle;
	const struct spec_kv *annotations;
	size_t nannotations;
	/* extras runc prints too ("The state MAY include additional
	 * properties"); NULL = omit */
	const char *rootfs;
	const char *created; /* RFC 3339 */
	const char *owner;
};
/* pretty: 2-space indent like `runc state`; compact: one line.  Both end
 * with a newline. */
char *spec_state_json(const struct spec_state *st, bool pretty);

#endif
