/* security: capabilities, user switch, rlimits, no_new_privs, seccomp
 * (compiled once, cached as BPF), seccomp user notification, and the
 * runtime's protection of its own binary (CVE-2019-5736).
 *
 * Life of a `struct security`:
 *   parent, before clone:  security_prepare()   (may compile seccomp, or load
 *                                                it from the cache)
 *   child, after pivot_root, sysctl, masked paths, still root in its
 *   namespaces, stdio and preserved fds only:
 *                          security_apply()
 *   child, last thing:     security_apply_late(), then security_execve()
 *   parent:                security_free()
 * Nothing here logs by itself: the runtime hands its loggers to
 * security_init() (debug lines like "seccomp: cache hit <hash>").
 */
#ifndef HUTCH_SECURITY_H
#define HUTCH_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/util.h"

struct security;

struct security_options {
	/* seccomp BPF cache directory, created 0700 if missing; NULL = no
	 * cache.  Use security_cache_dir_for_root(). */
	const char *seccomp_cache_dir;
	/* loggers (printf-style, e.g. log_debug/log_warn); NULL = silent.
	 * Only called in the parent (security_prepare and friends). */
	void (*debug)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
	void (*warn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
};
/* Once, from main or a command, before security_prepare. */
void security_init(const struct security_options *o);
/* "<root>/.seccomp:cache": inside --root, and a name no container id can
 * take (':' is not allowed in ids) nor `list` shows (leading dot).
 * Caller frees. */
char *security_cache_dir_for_root(const char *root);

/* Resolve everything that can be resolved before clone: capability names
 * to numbers (names the kernel lacks are skipped with a warning, as runc
 * does), rlimits, user and groups, and the seccomp filter compiled to BPF
 * (from the cache when possible).  p may differ from s->process (exec
 * --process); seccomp comes from s->linux.  Errors name the config path. */
int security_prepare(const struct spec *s, const struct spec_process *p,
		     struct security **out, struct herr *e);
void security_free(struct security *sec);

/* Optional: a filter with SCMP_ACT_NOTIFY yields a listener fd at load
 * time.  With a sender set, security_apply/_late call it at once (before
 * any other syscall runs under the filter, as runc does) and return -1 in
 * *notify_fd; the fd is closed after the call.  Without one the fd comes
 * back in *notify_fd and the caller must send it before doing anything a
 * notify rule could catch.  Set in the child (sec is its own copy). */
typedef int (*security_notify_sender)(void *ctx, int fd, struct herr *e);
void security_set_notify_sender(struct security *sec,
				security_notify_sender fn, void *ctx);

/* CHILD, single-threaded, root in its namespaces, after the rootfs is
 * final: rlimits; no_new_privs if asked; seccomp now if !noNewPrivileges
 * (loading a filter without NNP needs CAP_SYS_ADMIN, so before caps are
 * dropped); bounding set; keep-caps; setgroups + setresgid + setresuid +
 * umask; then effective/permitted/inheritable/ambient exactly as the spec
 * says (inheritable empty unless asked: CVE-2022-29162).  *notify_fd gets
 * the listener fd or -1. */
int security_apply(const struct security *sec, int *notify_fd,
		   struct herr *e);
/* CHILD, seccomp if noNewPrivileges: as late as possible so that few
 * syscalls run under it, but while the parent still takes a listener fd
 * (runc loads it before the exec.fifo wait, then only open/write of the
 * fifo and execve follow). */
int security_apply_late(const struct security *sec, int *notify_fd,
			struct herr *e);
/* CHILD: execve(path, argv, envp), through a sealed in-memory trampoline
 * when our own binary is writable (CVE-2019-5736: a container binary that
 * is `#!/proc/self/exe` or a symlink to it would otherwise make the kernel
 * run *this* file inside the container, where it can be opened and
 * rewritten).  Returns only on failure (-1, e filled). */
int security_execve(const struct security *sec, const char *path,
		    char *const argv[], char *const envp[], struct herr *e);

/* Self-protection, early in create/run/exec (before any namespace is
 * joined): makes this process non-dumpable so that a container process
 * can neither open /proc/PID/exe, /proc/PID/fd/ nor ptrace us, and checks
 * whether our binary is writable (then security_execve uses the
 * trampoline).  No re-exec. */
int security_protect_self(struct herr *e);

/* Send a seccomp listener fd to listenerPath (config-linux.md): connect
 * an AF_UNIX SOCK_STREAM socket, send the container process state
 * {"ociVersion","fds":["seccompFd"],"pid","metadata","state"} with the fd
 * as SCM_RIGHTS, close.  state_json is the state (runtime.md), its "pid"
 * is the container's; metadata may be NULL. */
int security_send_listener(const char *path, int fd, const char *state_json,
			   const char *metadata, struct herr *e);

/* The KVM sandbox (runtime/sandbox.c): the process's confinement is
 * applied inside the guest by its static init (guest/confine.c), which has
 * no libseccomp: it gets the capability masks and the compiled BPF.  The
 * pointers point into sec (valid while sec lives).  A filter with
 * SCMP_ACT_NOTIFY cannot work there (the listener would be a guest fd):
 * an error naming linux.seccomp.listenerPath. */
struct security_guest {
	bool has_caps;
	uint64_t bounding, effective, permitted, inheritable, ambient;
	bool no_new_privs;
	const void *bpf;      /* struct sock_filter[], NULL: no filter */
	size_t bpf_len;       /* bytes */
	unsigned int bpf_flags; /* SECCOMP_FILTER_FLAG_* */
};
int security_guest_export(const struct security *sec,
			  struct security_guest *out, struct herr *e);
/* After the export, the host side (the container's init that becomes the
 * VMM) keeps only what does not belong to the guest's process: no user
 * switch (the VMM serves the rootfs to the guest with the guest's owners),
 * no capability change and no spec filter (the VMM installs its own,
 * vmm/filter.c); rlimits and noNewPrivileges stay. */
void security_sandbox_host(struct security *sec);

/* observability for tests and `--debug` */
struct security_stats {
	unsigned seccomp_compiled;  /* filters built with libseccomp */
	unsigned seccomp_cache_hits;
	char seccomp_hash[65];      /* key of the last filter, hex */
	uint64_t seccomp_prepare_ns; /* time of the last compile or load */
};
void security_get_stats(struct security_stats *st);

#endif
