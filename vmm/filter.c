/* The VMM's own seccomp filter: once the guest runs, the VMM (host side,
 * the container's init) needs only what serves the guest: KVM ioctls, its
 * fds, the 9p server's *at calls, memory, threads' futexes, time, signals.
 * Everything else fails with EPERM: an allow-list limits what a guest that
 * breaks into the VMM can ask of the host kernel (Firecracker and
 * cloud-hypervisor do the same).  EPERM rather than a kill: a call we
 * missed shows up as an error naming it (the guest sees an I/O error),
 * never as a VMM that vanished with the workload's status. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <seccomp.h>
#include <sys/prctl.h>

#include "vmm/priv.h"

static const int allowed[] = {
	/* I/O on the fds the VMM holds: KVM, stdio, the channel, 9p files */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv),
	SCMP_SYS(pwritev), SCMP_SYS(ioctl), SCMP_SYS(close), SCMP_SYS(lseek),
	SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2),
	SCMP_SYS(signalfd4), SCMP_SYS(pipe2),
	/* sockets the runtime handed over (console, control channel) */
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(accept4), SCMP_SYS(shutdown),
	/* the 9p server: relative to the shared root (openat2 RESOLVE_*) */
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(getdents64),
	SCMP_SYS(newfstatat), SCMP_SYS(fstat), SCMP_SYS(statx),
	SCMP_SYS(fstatfs), SCMP_SYS(mkdirat), SCMP_SYS(unlinkat),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(linkat),
	SCMP_SYS(symlinkat), SCMP_SYS(readlinkat), SCMP_SYS(mknodat),
	SCMP_SYS(fchownat), SCMP_SYS(fchown), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), SCMP_SYS(utimensat), SCMP_SYS(ftruncate),
	SCMP_SYS(fallocate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(flock),
	/* memory, threads, time, signals */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(futex),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),
	SCMP_SYS(getrusage), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

int vmm_filter_install(struct herr *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = 0;

	if (!ctx)
		return herr_set(e, ENOMEM, "vmm seccomp filter: init");
	/* a name this libseccomp lacks is a negative number: skip it */
	for (size_t i = 0; !r && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i] >= 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* threads only (pthread_create): no new processes; clone3's flags
	 * sit in memory a filter cannot read, so it gets ENOSYS and glibc
	 * falls back to clone */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					     CLONE_THREAD));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(clone3), 0);
	/* all threads at once: the vCPU threads run already */
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* no setuid binary is ever run: NNP lets us load without
	 * CAP_SYS_ADMIN */
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return herr_set(e, -r, "vmm seccomp filter: %s", strerror(-r));
	return 0;
}
