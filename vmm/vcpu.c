/* vCPUs: creation, the 64-bit boot state of the BSP, and the run loop that
 * dispatches exits.  Any exit we cannot serve ends the VM with a message;
 * nothing is retried forever. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm/priv.h"

/* kicks a vCPU thread out of KVM_RUN; never blocked in vCPU threads */
#define KICK_SIGNAL (SIGRTMAX)

int vcpu_create(struct vm *vm, struct vcpu *v, int id, struct herr *e)
{
	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0)
		return herr_sys(e, "KVM_CREATE_VCPU %d", id);
	fd_set_cloexec(v->fd, true);
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return herr_sys(e, "vCPU %d: mmap kvm_run", id);
	}
	return cpuid_set(v, e);
}

static uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000) << 32) |
	       ((uint64_t)(flags & 0xf0ff) << 40) |
	       ((uint64_t)(limit & 0xf0000) << 32) |
	       ((uint64_t)(base & 0x00ffffff) << 16) | (limit & 0xffff);
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, bool code)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .l = code, .db = !code, .g = 1,
	};
}

/* GDT with the selectors the boot protocol names (__BOOT_CS 0x10,
 * __BOOT_DS 0x18), a TSS (VMX refuses entry without one), identity page
 * tables for the first 4 GiB in 2 MiB pages */
static int write_boot_tables(struct vm *vm, struct herr *e)
{
	uint64_t *gdt = vm_ptr(vm, BOOT_GDT, 5 * 8);
	uint64_t *pml4 = vm_ptr(vm, BOOT_PML4, 4096);
	uint64_t *pdpt = vm_ptr(vm, BOOT_PDPT, 4096);
	uint64_t *pd = vm_ptr(vm, BOOT_PD, 4 * 4096);

	if (!gdt || !pml4 || !pdpt || !pd)
		return herr_set(e, 0, "guest memory too small for boot tables");
	gdt[0] = gdt[1] = 0;
	gdt[2] = gdt_entry(0xa09b, 0, 0xfffff);
	gdt[3] = gdt_entry(0xc093, 0, 0xfffff);
	gdt[4] = gdt_entry(0x808b, 0, 0xfffff);
	pml4[0] = BOOT_PDPT | 3;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD + i * 4096) | 3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83; /* present, writable, 2 MiB */
	return 0;
}

int vcpu_setup_boot(struct vcpu *v, uint64_t entry, struct herr *e)
{
	struct kvm_sregs s;
	struct kvm_regs r = {0};
	struct kvm_fpu fpu = {.fcw = 0x37f, .mxcsr = 0x1f80};

	if (write_boot_tables(v->vm, e) < 0)
		return -1;
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return herr_sys(e, "KVM_GET_SREGS");
	s.gdt.base = BOOT_GDT;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base = 0;
	s.idt.limit = 0; /* any exception before the kernel's IDT: triple fault */
	s.cs = segment(0x10, 0xb, true);
	s.ds = s.es = s.fs = s.gs = s.ss = segment(0x18, 0x3, false);
	s.tr = (struct kvm_segment){.selector = 0x20, .limit = 0xfffff,
				    .type = 0xb, .present = 1, .g = 1};
	s.ldt = (struct kvm_segment){.type = 2, .present = 1};
	s.cr3 = BOOT_PML4;
	s.cr4 = 0x20;                  /* PAE */
	s.cr0 = 0x80000001 | 0x10;     /* PG, PE, ET */
	s.efer = 0x100 | 0x400;        /* LME, LMA */
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return herr_sys(e, "KVM_SET_SREGS");
	r.rflags = 2;
	r.rip = entry;
	r.rsp = r.rbp = BOOT_STACK;
	r.rsi = BOOT_ZERO_PAGE;
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return herr_sys(e, "KVM_SET_REGS");
	if (ioctl(v->fd, KVM_SET_FPU, &fpu) < 0)
		return herr_sys(e, "KVM_SET_FPU");
	return 0;
}

static void mmio_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t a = run->mmio.phys_addr;

	for (unsigned i = 0; i < v->vm->nmmio; i++) {
		struct mmio_dev *d = v->vm->mmio[i];
		if (a >= d->base && a - d->base < d->size) {
			d->access(d, a - d->base, run->mmio.data, run->mmio.len,
				  run->mmio.is_write);
			return;
		}
	}
	/* nothing there: reads see all ones, as on real hardware */
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, run->mmio.len);
}

static void io_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *p = (uint8_t *)run + run->io.data_offset;

	for (uint32_t i = 0; i < run->io.count; i++, p += run->io.size)
		ioport_access(v->vm, run->io.port, p, run->io.size,
			      run->io.direction == KVM_EXIT_IO_OUT);
}

static void shutdown_exit(struct vcpu *v, const char *what)
{
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
		memset(&r, 0, sizeof(r));
	vm_fail(v->vm, "the guest %s (triple fault or kernel panic) before "
		"its init reported an exit status (vCPU %d, rip %#llx)",
		what, v->id, (unsigned long long)r.rip);
}

/* one exit; false ends the loop */
static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: io_exit(v); return true;
	case KVM_EXIT_MMIO: mmio_exit(v); return true;
	case KVM_EXIT_INTR: return true;
	case KVM_EXIT_HLT:
		vm_fail(v->vm, "vCPU %d halted with interrupts off", v->id);
		return false;
	case KVM_EXIT_SHUTDOWN:
		if (!v->vm->exited)
			shutdown_exit(v, "reset itself");
		vm_stop(v->vm);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		if (!v->vm->exited)
			shutdown_exit(v, run->system_event.type ==
						 KVM_SYSTEM_EVENT_CRASH
					 ? "crashed" : "powered off or reset");
		vm_stop(v->vm);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		vm_fail(v->vm, "vCPU %d: KVM could not enter the guest "
			"(hardware reason %#llx)", v->id, (unsigned long long)
			run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_fail(v->vm, "vCPU %d: KVM internal error (suberror %u: "
			"the guest ran an instruction KVM cannot emulate)",
			v->id, run->internal.suberror);
		return false;
	default:
		vm_fail(v->vm, "vCPU %d: unexpected KVM exit %u", v->id,
			run->exit_reason);
		return false;
	}
}

static void kick_handler(int sig)
{
	(void)sig;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	while (!atomic_load(&v->vm->stop)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->run->immediate_exit = 0;
				continue;
			}
			vm_fail(v->vm, "vCPU %d: KVM_RUN: %s", v->id,
				strerror(errno));
			break;
		}
		if (!handle_exit(v))
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *v, struct herr *e)
{
	static bool handler_set;
	int r;

	if (!handler_set) {
		struct sigaction sa = {.sa_handler = kick_handler};
		sigemptyset(&sa.sa_mask);
		sigaction(KICK_SIGNAL, &sa, NULL);
		handler_set = true;
	}
	r = pthread_create(&v->thread, NULL, vcpu_thread, v);
	if (r)
		return herr_set(e, r, "vCPU %d: thread", v->id);
	v->started = true;
	return 0;
}

void vcpu_kick_all(struct vm *vm)
{
	for (unsigned i = 0; vm->vcpus && i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (!v->started || !v->run)
			continue;
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, KICK_SIGNAL);
	}
}
