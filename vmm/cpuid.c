/* CPUID for the guest: what KVM supports, with per-vCPU APIC ids and the
 * hypervisor leaves.  The KVM leaves (0x40000000/1) make the guest use
 * kvm-clock; without them a nested guest calibrates the TSC against the
 * PIT, slowly and badly (shared/notes/qemu-lanes.md). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/priv.h"

#define CPUID_HYPERVISOR_BIT (1u << 31)

int cpuid_init(struct vm *vm, struct herr *e)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c =
			xcalloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		c->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			vm->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			return herr_sys(e, "KVM_GET_SUPPORTED_CPUID");
	}
	return herr_set(e, E2BIG, "KVM_GET_SUPPORTED_CPUID");
}

static bool has_kvm_leaves(const struct kvm_cpuid2 *c)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x40000000 &&
		    c->entries[i].ebx == 0x4b4d564b) /* "KVMK" */
			return true;
	return false;
}

/* XSAVE: offer x87, SSE and AVX only.  Nested on some L1s the sizes KVM
 * reports for the larger features (PKRU, AVX-512) do not match their
 * offsets and the guest kernel warns and drops XSAVE altogether. */
static void xsave_leaf(const struct kvm_cpuid2 *c, struct kvm_cpuid_entry2 *x)
{
	uint32_t size = 576; /* legacy area + header */

	x->eax &= 0x7;
	x->edx = 0;
	for (unsigned i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *s = &c->entries[i];
		if (s->function == 0xd && s->index == 2 && (x->eax & 4) &&
		    s->eax + s->ebx > size)
			size = s->eax + s->ebx;
	}
	x->ecx = size;
	x->ebx = size;
}

int cpuid_set(struct vcpu *v, struct herr *e)
{
	const struct kvm_cpuid2 *src = v->vm->cpuid;
	_cleanup_free_ struct kvm_cpuid2 *c =
		xcalloc(1, sizeof(*c) + (src->nent + 2) * sizeof(c->entries[0]));

	c->nent = src->nent;
	memcpy(c->entries, src->entries, src->nent * sizeof(c->entries[0]));
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *x = &c->entries[i];
		switch (x->function) {
		case 1:
			x->ebx = (x->ebx & 0x00ffffff) | ((uint32_t)v->id << 24);
			/* logical processor count: the vCPUs */
			x->ebx = (x->ebx & 0xff00ffff) |
				 ((v->vm->nvcpus & 0xff) << 16);
			x->ecx |= CPUID_HYPERVISOR_BIT;
			break;
		case 7:
			if (x->index == 0)
				x->ecx &= ~(3u << 3); /* PKU, OSPKE */
			break;
		case 0xd:
			if (x->index == 0)
				xsave_leaf(c, x);
			break;
		case 0xb:
		case 0x1f:
			x->edx = v->id; /* x2APIC id */
			break;
		}
	}
	if (!has_kvm_leaves(c)) {
		/* older kernels: announce KVM ourselves, no features */
		struct kvm_cpuid_entry2 *x = &c->entries[c->nent++];
		*x = (struct kvm_cpuid_entry2){.function = 0x40000000,
					       .eax = 0x40000001,
					       .ebx = 0x4b4d564b,
					       .ecx = 0x564b4d56,
					       .edx = 0x0000004d};
		x = &c->entries[c->nent++];
		*x = (struct kvm_cpuid_entry2){.function = 0x40000001};
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		return herr_sys(e, "vCPU %d: KVM_SET_CPUID2", v->id);
	return 0;
}
