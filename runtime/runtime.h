/* runtime: the lifecycle commands and what they share (global options,
 * the state dir, logging).  Only hutch.c includes this header from outside.
 *
 * Each command lives in its own file and registers itself with
 * HUTCH_COMMAND(); main() finds them through the linker section, so adding a
 * command never touches a shared table. */
#ifndef HUTCH_RUNTIME_H
#define HUTCH_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/util.h"

struct globals {
	const char *root;       /* --root, default /run/hutch */
	const char *log_path;   /* --log */
	bool log_json;          /* --log-format json */
	bool debug;             /* --debug */
	bool systemd_cgroup;    /* --systemd-cgroup (accepted, cgroupfs used) */
	bool rootless;          /* --rootless */
	bool sandbox_vm;        /* called as hutch-vm */
	const char *argv0;
};

struct command {
	const char *name;
	const char *usage;   /* "[OPTIONS] ID" */
	const char *summary; /* one line for --help */
	/* argv[0] is the command name; returns the process exit status */
	int (*main)(struct globals *g, int argc, char **argv);
};

#define HUTCH_COMMAND(ident, ...)                                              \
	static const struct command hutch_cmd_##ident                          \
		__attribute__((used, section("hutch_commands"),                \
			       aligned(8))) = {__VA_ARGS__}

extern const struct command __start_hutch_commands[] __attribute__((weak)),
	__stop_hutch_commands[] __attribute__((weak));
const struct command *command_find(const char *name);

/* ---- state.c: the state dir <root>/<id>/ ---------------------------------
 * <root>/<id>/state.json   what later commands need (written once created)
 * <root>/<id>/exec.fifo    present until `start` (create/start split)
 * Every command on an id holds an flock on the id's directory; `create`
 * makes the directory with mkdir(2), so two containers with one id cannot
 * exist. */
enum cstatus { ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

struct container_state {
	char *id;
	char *oci_version;
	pid_t pid;
	unsigned long long pid_start; /* /proc/PID/stat starttime: pid reuse */
	char *bundle;
	char *rootfs;
	char *created;   /* RFC 3339 */
	char *cgroup;    /* cgroup_open() argument */
	char *network;   /* netsetup network name, NULL if none */
	bool sandbox;    /* KVM sandbox mode */
	bool creating;   /* written early by create; false once created */
	uid_t owner;
	struct spec_kv *annotations;
	size_t nannotations;
};

struct container {
	int root_fd;   /* --root */
	int dir_fd;    /* <root>/<id>, flock'ed */
	char *root;
	char *id;
	bool have_state; /* state.json was read */
	struct container_state st;
};

/* id rules: runc's ([A-Za-z0-9_+.-], no "." or ".."), at most 1024 bytes */
int container_id_check(const char *id, struct herr *e);
/* make <root>/<id> and lock it; an id left behind by a create that died
 * (no finished state.json) is cleaned up and reused, any other existing id
 * is an error */
int container_new(const char *root, const char *id, struct container **out,
		  struct herr *e);
/* open and lock an existing container, read state.json if present */
int container_load(const char *root, const char *id, struct container **out,
		   struct herr *e);
int container_save(struct container *c, struct herr *e);
int container_reclaim(const char *root, const char *id, struct herr *e);
/* `run` holds no lock while it waits for the workload */
void container_unlock(struct container *c);
int container_relock(struct container *c, struct herr *e);
/* remove <root>/<id> and everything in it (the lock goes with it) */
int container_remove(struct container *c, struct herr *e);
void container_free(struct container *c);
void container_freep(struct container **c);
#define _cleanup_container_ __attribute__((cleanup(container_freep)))

/* Status.  Loading takes the id's lock, which a create holds from start to
 * end: a loaded container without a finished state.json is the remains of
 * a create that died, and counts as stopped. */
enum cstatus container_status(struct container *c);
bool container_paused(struct container *c); /* cgroup freezer */
const char *cstatus_name(enum cstatus s);
/* the process is alive (not a zombie) and still the one we started */
bool container_pid_alive(const struct container *c);
unsigned long long proc_start_time(pid_t pid); /* 0 if gone */
/* runtime-spec state JSON (`hutch state`) */
char *container_state_json(struct container *c, bool pretty);
/* ids of every container dir under root, sorted (for list) */
int container_list_ids(const char *root, char ***ids, size_t *n,
		       struct herr *e);

/* ---- sync.c: parent <-> child messages during create ------------------- */
enum sync_type {
	SYNC_GO = 1,     /* P->C: ids mapped, cgroups joined; payload: state JSON */
	SYNC_ERROR,      /* C->P: payload: the error message */
	SYNC_CONSOLE,    /* C->P: fd: the pty master */
	SYNC_SECCOMP,    /* C->P: fd: the seccomp notify listener */
	SYNC_USERNS,     /* C->P: unshared a user namespace, write its maps */
	SYNC_PID,        /* C->P: payload: pid of the container init (two-step) */
	SYNC_READY,      /* C->P: set up, waiting on exec.fifo */
	SYNC_NET,        /* P->C, before GO: fd: a sandbox's tap; payload:
			    the guest's net.* items (sandbox_net.c) */
};
#define SYNC_MAX_PAYLOAD 65536
struct sync_hdr {
	uint32_t type, len;
};
struct sync_msg {
	struct sync_hdr hdr;
	char data[SYNC_MAX_PAYLOAD + 1];
	int fd;
};
int sync_send(int sock, enum sync_type type, const void *data, size_t len,
	      int fd, struct herr *e);
/* returns the message type (> 0) */
int sync_recv(int sock, struct sync_msg *m, struct herr *e);
void sync_send_error(int sock, const struct herr *e);

/* ---- create.c / container.c: building a container ------------------------ */
struct create_opts {
	const char *id;
	const char *bundle;          /* --bundle, default "." */
	const char *console_socket;  /* --console-socket */
	const char *pid_file;        /* --pid-file */
	unsigned preserve_fds;       /* --preserve-fds (+ LISTEN_FDS) */
	bool no_pivot;               /* --no-pivot */
	bool no_new_keyring;         /* --no-new-keyring */
	bool sandbox_vm;             /* --sandbox=vm / hutch-vm / annotation */
	bool foreground;             /* `run` without --detach: keep the pty */
	const char *network;         /* --network (netsetup) */
	const char *publish;         /* --publish, comma separated */
};

struct cgroup;
struct security;

/* Everything one create holds; shared (copy-on-write) with the child. */
struct launch {
	struct globals *g;
	const struct create_opts *o;
	struct spec *spec;
	struct container *c;
	struct cgroup *cg;
	struct security *sec;
	char *bundle;            /* absolute */
	char *rootfs;            /* absolute */
	int sync_parent, sync_child;
	int fifo_fd;             /* exec.fifo, O_RDWR (child blocks reading) */
	int ns_fd[SPEC_NS__COUNT]; /* namespaces joined by path, -1 */
	unsigned long clone_flags;
	unsigned nfds;           /* fds 3..3+nfds-1 are preserved */
	char **env;              /* process.env (+ LISTEN_FDS) */
	size_t nenv;
	pid_t pid;
	int console_master;      /* foreground run with a terminal */
	bool userns;
	bool net_done;
	pid_t parent_pid;
	unsigned long late_unshare_flags; /* unshared by the child after GO */
	char *start_state_json;  /* for startContainer hooks (child) */
	bool two_step;           /* twostep.c */
	bool exec;               /* exec.c: joining a running container */
	int init_pidfd;          /* exec: the container's init */
	int init_root_fd;        /* exec: /proc/<init>/root */
	int join_flags;          /* exec: namespaces to join by pidfd */
	bool late_cgroup;        /* exec into a paused container */
	bool sandbox;            /* KVM sandbox mode (flag or annotation) */
	int *idmap_fds;          /* rootfs_idmap_prepare(): child's copies */
};

/* The create sequence (DESIGN.md section 2).  On success the container is
 * `created` and l->pid waits on exec.fifo; on failure nothing is left. */
int launch_create(struct globals *g, const struct create_opts *o,
		  struct launch **out, struct herr *e);
/* spawn.c: clone the init, map ids, join cgroups, hooks, GO; then wait */
int launch_spawn(struct launch *l, struct herr *e);
int launch_wait_ready(struct launch *l, struct herr *e);
int launch_created(struct launch *l, struct herr *e);
char *launch_state_json(struct launch *l, const char *status);
/* namespaces that need the child to join before it makes new ones */
int launch_plan_two_step(struct launch *l, struct herr *e);
int child_two_step(struct launch *l, struct herr *e);
int launch_on_userns(struct launch *l, struct herr *e);
int launch_on_pid(struct launch *l, const void *data, size_t len,
		  struct herr *e);
/* network.c: netsetup glue: checks and /etc mounts before anything exists,
 * set-up after clone (before GO), loopback by the child when the parent
 * cannot enter its namespace, and the undo */
int launch_net_prepare(struct launch *l, struct herr *e);
int launch_net_setup(struct launch *l, struct herr *e);
int launch_net_child(struct launch *l, struct herr *e);
void launch_net_destroy(struct launch *l);
/* undo everything of a failed or finished launch (kill, cgroups, state) */
void launch_destroy(struct launch *l);
void launch_free(struct launch *l);
/* the child side; never returns (ends in execve or _exit) */
__attribute__((noreturn)) void child_main(struct launch *l);

/* signals.c: default dispositions and an empty mask for the workload */
void signals_reset(void);

/* child_setup.c: steps of the child that belong to no other folder */
int child_identity(struct launch *l, struct herr *e);
int child_sysctl(struct launch *l, struct herr *e);
int child_prepare_cwd(struct launch *l, struct herr *e);
int child_enter_cwd(struct launch *l, struct herr *e);
int child_close_fds(struct launch *l, struct herr *e);
char *child_find_executable(struct launch *l, struct herr *e);

/* sandbox.c: instead of READY, exec.fifo and execve, become the VMM that
 * boots a KVM guest sharing the container's rootfs: READY goes to `create`
 * once the guest is set up, exec.fifo releases the process in the guest.
 * Returns only on failure; *created says whether READY was sent. */
int sandbox_exec(struct launch *l, bool *created, struct herr *e);

/* ---- options.c: create/run flags -------------------------------------- */
struct run_flags {
	bool detach, keep;
};
/* parse create's (and with rf, run's) options; 0, or 1 = exit status */
int parse_create_args(struct globals *g, int argc, char **argv,
		      struct create_opts *o, struct run_flags *rf);
/* the command's --help when -h/--help is among argv */
void command_usage(const char *name, FILE *f);

/* ---- exec.c ------------------------------------------------------------ */
struct exec_opts {
	const char *id;
	const char *process_file;   /* --process */
	char **args;                /* or the command line */
	size_t nargs;
	const char *console_socket, *pid_file, *cwd, *user, *cgroup;
	char **env, **caps;         /* --env, --cap (repeatable) */
	size_t nenv, ncaps;
	uint32_t *gids;             /* --additional-gids */
	size_t ngids;
	unsigned preserve_fds;
	bool tty, detach, no_new_privs, ignore_paused;
};
/* 0 with *code = the process's exit status (0 when detached); -1 on error */
int exec_run(struct globals *g, const struct exec_opts *x, int *code,
	     struct herr *e);
int exec_build_process(const struct exec_opts *x, struct spec *s,
		       struct spec_process **out, struct herr *e);
__attribute__((noreturn)) void exec_child_main(struct launch *l);
struct launch *launch_alloc(struct globals *g, const struct create_opts *o);
void launch_build_env(struct launch *l);
int launch_security_init(struct globals *g, struct herr *e);

/* ---- start.c ---------------------------------------------------------- */
/* release a created container: write exec.fifo, remove it, run poststart */
int container_start(struct container *c, struct herr *e);

struct spec *container_saved_spec(struct container *c); /* or NULL */

/* ---- delete.c --------------------------------------------------------- */
/* signal the init through a pidfd and wait up to timeout_ms for it to die */
int container_kill_wait(struct container *c, int sig, int timeout_ms);
void container_thaw(struct container *c);       /* cgroup freezer */
/* kill --all: every process of the container's cgroup */
int container_kill_all(struct container *c, int sig, struct herr *e);
int signal_parse(const char *s); /* "TERM", "SIGTERM", "15": -1 if bad */
void container_net_destroy(struct container *c); /* network.c */
/* tear down a container's cgroups, network and state dir (not the process) */
int container_teardown(struct container *c, struct spec *spec,
		       struct herr *e);

/* ---- hooks.c ---------------------------------------------------------- */
/* Run hooks in order with the state JSON on stdin; `which` names them in
 * errors ("createRuntime").  Each hook's timeout is honoured. */
int hooks_run(const struct spec_hook *h, size_t n, const char *which,
	      const char *state_json, struct herr *e);

/* ---- console.c -------------------------------------------------------- */
/* child, after pivot_root: a pty from the container's devpts, the slave
 * made stdio (and, for the init, bound on /dev/console); returns the
 * master fd */
int console_child_setup(const struct spec_process *p, bool bind,
			struct herr *e);
/* parent: hand the master to --console-socket (SCM_RIGHTS) */
int console_send(const char *socket_path, int master, struct herr *e);

/* ---- wait.c ----------------------------------------------------------- */
/* `run` in the foreground: wait for the container's init, forwarding every
 * signal we get (but SIGCHLD, SIGWINCH, SIGURG) to it; with a pty master,
 * copy between our stdio and the pty, resize on SIGWINCH and restore our
 * terminal.  Call wait_block_signals() before the container can exit. */
void wait_block_signals(void);
/* the signals `run` and `exec` pass on to the process (blocked, read from
 * a signalfd): every catchable one but SIGURG and the synchronous faults */
sigset_t wait_forwarded_signals(void);
int wait_container(pid_t pid, int master, int *status, struct herr *e);
/* exit status of `run`: the code, or 128+N for a signal */
int wait_exit_code(int status);

/* ---- cgroup_cmd.c: what pause, resume, update, ps and events share ------ */
struct cgroup;
int container_cgroup(struct container *c, struct cgroup **out,
		     struct herr *e);
/* run/delete: log a warning when the OOM killer hit the container */
void container_report_oom(struct container *c);
/* load a container with processes (not stopped, not being created) and
 * open its cgroup; on error *c and *cg are NULL */
int container_load_live(struct globals *g, const char *id,
			struct container **c, struct cgroup **cg,
			struct herr *e);
/* pause: running|created -> frozen; resume: paused -> thawed */
int container_set_frozen(struct globals *g, const char *id, bool frozen,
			 struct herr *e);
/* COMMAND [--help] ID: 0, 1 = bad usage, 2 = help printed */
int parse_id_only(const char *cmd, int argc, char **argv, const char **id);
/* runc's flag syntax: sizes "512m", "1g", "-1"; durations "5s", "100ms" */
int parse_size(const char *s, int64_t *out);
int parse_duration_ns(const char *s, uint64_t *out);

/* log.c: --log/--log-format.  Errors go to the log (JSON lines
 * {"level":"error","msg":"...","time":"..."} with --log-format json) and to
 * stderr. */
void log_init(struct globals *g);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* report a failed command: logs e->msg and returns exit status 1 */
int log_fail(const struct herr *e);

#endif
