/* runtime/sandbox.c: the runtime side of the KVM sandbox (DESIGN.md
 * section 6).  The container is built as usual; then its init, instead of
 * execve, becomes the VMM (vmm/vmm.h) that boots the guest kernel and runs
 * process.* inside it, sharing the container's rootfs over 9p.
 *
 * How the create sequence calls it:
 *   1. parent, before the clone (host paths still reachable):
 *        sandbox_prepare(spec, rootfs, e)   opens /dev/kvm (a clear error
 *        when it is missing), clones the rootfs mount (what the guest will
 *        see), maps the guest kernel and the guest init.  What it opens
 *        lives in a static the child inherits (clone without CLONE_VM).
 *   2. child, closing inherited fds: keep the sandbox_keep_fds() open.
 *   3. child, where it would send READY (after pivot_root, seccomp):
 *        sandbox_exec (runtime.h) boots the guest with sandbox_run(); the
 *        guest init sets up its root and waits; then READY goes to
 *        `create`, and `start` (exec.fifo) makes the VMM run the
 *        startContainer hooks and release the process in the guest: the
 *        VM boots during `create`, `start` costs a frame.  The child
 *        _exit()s with the guest process's code (128+N for a signal).
 *   The child must not switch to process.user before sandbox_run: the guest
 *   init applies user, cwd, rlimits and umask inside the guest, and the
 *   spec's namespaces, caps, noNewPrivileges and seccomp (sandbox_confine.c;
 *   the VMM has its own filter, vmm/filter.c).
 *
 * Chosen by `--sandbox=vm`, by calling the binary as hutch-vm, or by the
 * annotation org.hutch.sandbox=vm (sandbox_requested()).  Annotations:
 *   org.hutch.vm.memory   guest RAM in MiB, at least 128 (default: the
 *                         memory limit rounded up to MiB, at least 128;
 *                         without a limit 512)
 *   org.hutch.vm.vcpus    vCPUs, 1..64 (default: cpu quota/period rounded
 *                         up, or the count of cpu.cpus, the smaller of
 *                         both when both are set; else 1)
 *   org.hutch.vm.kernel   a guest kernel (vmlinux or bzImage) on the host
 *   org.hutch.vm.cmdline  appended to the guest kernel's command line
 *   org.hutch.vm.debug    "1": the guest's console and VMM errors on stderr
 *   org.hutch.vm.timing   "1": boot-to-workload times and the VMM's RSS on
 *                         stderr when the guest ends
 * Guest kernel and init are found, in this order: the annotation, then
 * $HUTCH_VM_KERNEL / $HUTCH_VM_INIT, then build/guest/{vmlinux,init} next to
 * the hutch binary (a built tree), then <prefix>/lib/hutch/. */
#ifndef HUTCH_RUNTIME_SANDBOX_H
#define HUTCH_RUNTIME_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "spec/spec.h"
#include "util/util.h"

bool sandbox_requested(const struct spec *spec);
/* `hutch exec` reaches the VMM on this socket in the state dir: create
 * makes it listen (parent, before the clone), the VMM accepts */
#define SANDBOX_SOCKET "vm.sock"
int sandbox_listen(int state_dir_fd, struct herr *e);
/* process.* as guest config items (vmm/proto.h PROTO_CONFIG) */
struct strbuf;
void sandbox_process_items(struct strbuf *b, const struct spec_process *p,
			   char *const *env);
int sandbox_prepare(const struct spec *spec, const char *rootfs,
		    struct herr *e);
/* fds the child keeps through its fd cleanup; returns how many (<= max):
 * /dev/kvm, the root, vm.sock, the tap and the binds' shares */
#define SANDBOX_FDS_MAX 16
size_t sandbox_keep_fds(int *fds, size_t max);
/* the create/start split (vmm_config's on_ready/on_start); NULL: run at
 * once */
struct sandbox_gate {
	void *ctx;
	int (*on_ready)(void *ctx, struct herr *e);
	int (*on_start)(void *ctx, struct herr *e);
	int start_fd;
};
int sandbox_run(const struct spec *spec, char *const *env,
		const struct sandbox_gate *g, struct herr *e);

/* sandbox_net.c: the guest's NIC with an attached network: netsetup's
 * tap (parent -> child in SYNC_NET before GO), the VMM's virtio-net on it,
 * the guest's net.* config items (vmm/proto.h) */
struct launch;
struct net_result;
struct vmm_config;
int sandbox_net_send(struct launch *l, const struct net_result *r,
		     struct herr *e);
void sandbox_net_received(int fd, const void *items, size_t len);
int sandbox_net_fd(void); /* -1: no NIC */
int sandbox_net_vmm(struct vmm_config *c, struct herr *e);
void sandbox_net_items(struct strbuf *b);

/* sandbox_client.c: `hutch exec` into a running sandboxed container */
struct container;
struct launch;
bool sandbox_is_vm(struct container *c);
/* sandbox_exec_tty.c: where an exec's session goes on the host: our stdio,
 * or with --tty our terminal (raw) or a host pty whose master went to
 * --console-socket; tty: the fd whose size the guest's pty follows */
struct exec_io {
	int in, out, err, tty, slave;
	bool restore;
	struct termios saved;
};
int exec_io_open(struct exec_io *io, const struct spec_process *p,
		 const char *console_socket, struct herr *e);
/* in the process that relays: the slave becomes its controlling terminal,
 * so the engine's resizes arrive as SIGWINCH */
void exec_io_own_tty(struct exec_io *io);
void exec_io_close(struct exec_io *io);
/* the size for a RESIZE frame (rows, cols); false without a terminal */
bool exec_io_size(const struct exec_io *io, uint16_t rc[2]);
/* detach: a child of ours stands in for the guest's process (its pid
 * goes to pid_file) and relays its stdio, signals and exit code */
struct exec_opts;
int sandbox_exec_client(struct launch *l, const struct exec_opts *x, int *code,
			struct herr *e);
/* kill --all: sig to every process in the guest */
int sandbox_signal_all(struct container *c, int sig, struct herr *e);

/* sandbox_binds.c: the spec's bind mounts of files and directories, each
 * a 9p share of its own for the guest.  Parent, before the clone (host
 * paths): clone the sources; then the fds to keep, the VMM's shares, and
 * per spec mount the guest's item data ("bind<N>[,FILE]") or NULL. */
struct vmm_config;
int sandbox_binds_prepare(const struct spec *spec, const char *bundle,
			  struct herr *e);
size_t sandbox_binds_keep(int *fds, size_t max);
void sandbox_binds_vmm(struct vmm_config *c);
const char *sandbox_bind_item(size_t mount, bool *readonly);

/* sandbox_limits.c: the guest's size from the spec (errors name the
 * annotation or the spec field) */
int sandbox_guest_mem_mib(const struct spec *spec, uint64_t *mib,
			  struct herr *e);
int sandbox_guest_vcpus(const struct spec *spec, unsigned *vcpus,
			struct herr *e);
/* what sandbox_limits_adjust decided (before it raised the limit), else
 * the two above */
int sandbox_guest_size(const struct spec *spec, uint64_t *mib,
		       unsigned *vcpus, struct herr *e);
/* Before the cgroup is made: the VMM lives in the container's cgroup
 * with the guest's RAM inside it, so a memory limit is raised to guest
 * RAM + the VMM's overhead (the trade-off: sandbox_limits.c). */
int sandbox_limits_adjust(struct spec *spec, struct herr *e);

/* sandbox_confine.c: in the parent after security_prepare: keeps what the
 * guest init needs to confine the process (caps, noNewPrivileges, the
 * seccomp BPF) for the guest config, and strips it from the host side. */
struct security;
int sandbox_confine_prepare(struct security *sec, struct herr *e);
/* the config items (vmm/proto.h: unshare=, caps=, nnp=, seccomp=) */
void sandbox_confine_items(struct strbuf *b, const struct spec *spec);

#endif
