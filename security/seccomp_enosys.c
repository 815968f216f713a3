/* A profile lists the syscalls its author knew.  A newer one (the kernel
 * and libc moved on: clone3, fchmodat2, ...) would get the profile's
 * default action, typically EPERM, and libc, which falls back to an older
 * syscall only on ENOSYS, breaks.  As runc does, syscalls numbered above
 * every syscall the profile names get ENOSYS instead, for the native
 * architecture, when the default action denies.  A stub put in front of
 * the program libseccomp made:
 *     if arch == native && !(nr & X32 bit) && nr > max: return ENOSYS */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "security/internal.h"

#define STUB_LEN 6

static int max_named(const struct spec_seccomp *sc, uint32_t arch)
{
	int max = -1;

	for (size_t i = 0; i < sc->nsyscalls; i++)
		for (size_t k = 0; k < sc->syscalls[i].nnames; k++) {
			int nr = seccomp_syscall_resolve_name_arch(
				arch, sc->syscalls[i].names[k]);
			if (nr > max)
				max = nr;
		}
	return max;
}

static bool default_denies(uint32_t def)
{
	uint32_t act = def & SECCOMP_RET_ACTION_FULL;

	return act != SECCOMP_RET_ALLOW && act != SECCOMP_RET_LOG &&
	       act != SECCOMP_RET_USER_NOTIF;
}

void sec_bpf_enosys_stub(const struct spec_seccomp *sc, uint32_t def,
			 struct sock_filter **insns, unsigned short *n)
{
	uint32_t arch = seccomp_arch_native();
	uint32_t x32 = arch == AUDIT_ARCH_X86_64 ? 0x40000000u : 0;
	int max = max_named(sc, arch);
	struct sock_filter stub[STUB_LEN] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, x32, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_filter *p;

	if (max < 0 || !default_denies(def) ||
	    *n + STUB_LEN > BPF_MAXINSNS)
		return;
	p = xmalloc((*n + STUB_LEN) * sizeof(*p));
	memcpy(p, stub, sizeof(stub));
	memcpy(p + STUB_LEN, *insns, *n * sizeof(*p));
	free(*insns);
	*insns = p;
	*n += STUB_LEN;
}
