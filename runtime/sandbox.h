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
 *   init applies user, cwd, rlimits and umask inside the guest.
 *
 * Chosen by `--sandbox=vm`, by calling the binary as hutch-vm, or by the
 * annotation org.hutch.sandbox=vm (sandbox_requested()).  Annotations:
 *   org.hutch.vm.memory   guest RAM in MiB (default: the memory limit, at
 *                         least 128; else 512)
 *   org.hutch.vm.vcpus    vCPUs (default 1)
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
/* fds the child keeps through its fd cleanup; returns how many (<= max) */
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

/* sandbox_client.c: `hutch exec` into a running sandboxed container */
struct container;
struct launch;
bool sandbox_is_vm(struct container *c);
int sandbox_exec_client(struct launch *l, bool detach, int *code,
			struct herr *e);

#endif
