/* The VM: /dev/kvm, guest RAM, the in-kernel irqchip and PIT, interrupt
 * lines, and the one place a fatal condition is recorded. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm/priv.h"

static int set_region(struct vm *vm, unsigned slot, uint64_t gpa,
		      uint64_t size, void *host, struct herr *e)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return herr_sys(e, "KVM_SET_USER_MEMORY_REGION (slot %u, %llu MiB)",
				slot, (unsigned long long)(size / MIB));
	return 0;
}

static int setup_memory(struct vm *vm, uint64_t mib, struct herr *e)
{
	vm->mem_size = mib * MIB;
	/* MAP_NORESERVE: the guest touches what it uses; the container's
	 * memory cgroup accounts exactly that */
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return herr_sys(e, "guest memory: mmap of %llu MiB",
				(unsigned long long)mib);
	}
	madvise(vm->mem, vm->mem_size, MADV_MERGEABLE);
	vm->low_size = vm->mem_size < VM_MEM_HOLE_START ? vm->mem_size
							: VM_MEM_HOLE_START;
	if (set_region(vm, 0, 0, vm->low_size, vm->mem, e) < 0)
		return -1;
	if (vm->mem_size > vm->low_size &&
	    set_region(vm, 1, VM_MEM_HOLE_END, vm->mem_size - vm->low_size,
		       vm->mem + vm->low_size, e) < 0)
		return -1;
	return 0;
}

int vm_create(struct vm *vm, const struct vmm_config *c, struct herr *e)
{
	struct kvm_pit_config pit = {.flags = 0};
	int v;

	vm->kvm_fd = c->kvm_fd >= 0 ? fcntl(c->kvm_fd, F_DUPFD_CLOEXEC, 3)
				    : open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return herr_sys(e, "/dev/kvm (is KVM available on this host? "
				   "the sandbox needs hardware virtualization)");
	v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION)
		return herr_set(e, 0, "/dev/kvm: API version %d, want %d", v,
				KVM_API_VERSION);
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0 ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		return herr_set(e, 0, "/dev/kvm: no in-kernel irqchip or user memory");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return herr_sys(e, "KVM_CREATE_VM");
	fd_set_cloexec(vm->vm_fd, true);
	v = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (v <= 0)
		return herr_sys(e, "KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = v;
	/* three pages below the 4 GiB line that VMX wants for itself; AMD
	 * ignores them */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
		return herr_sys(e, "KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return herr_sys(e, "KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return herr_sys(e, "KVM_CREATE_PIT2");
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0)
		return herr_sys(e, "eventfd");
	return setup_memory(vm, c->mem_mib, e);
}

void vm_destroy(struct vm *vm)
{
	for (unsigned i = 0; vm->vcpus && i < vm->nvcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	free(vm->cpuid);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	pthread_mutex_destroy(&vm->lock);
}

void *vm_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len > vm->mem_size || gpa + len < gpa)
		return NULL;
	if (gpa + len <= vm->low_size)
		return vm->mem + gpa;
	if (gpa >= VM_MEM_HOLE_END &&
	    gpa - VM_MEM_HOLE_END + len <= vm->mem_size - vm->low_size)
		return vm->mem + vm->low_size + (gpa - VM_MEM_HOLE_END);
	return NULL;
}

/* Edge-triggered ISA lines in the MP table: a pulse is one interrupt. */
void vm_irq_pulse(struct vm *vm, unsigned irq)
{
	struct kvm_irq_level l = {.irq = irq, .level = 1};

	ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
	l.level = 0;
	ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}

void vm_stop(struct vm *vm)
{
	uint64_t one = 1;

	atomic_store(&vm->stop, true);
	vcpu_kick_all(vm);
	if (write(vm->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is far from overflow: nothing to do */
	}
}

void vm_fail(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&vm->lock);
	if (!vm->failed && !vm->exited) {
		vm->failed = true;
		va_start(ap, fmt);
		vsnprintf(vm->err.msg, sizeof(vm->err.msg), fmt, ap);
		va_end(ap);
		if (vm->debug)
			fprintf(stderr, "vmm: %s\n", vm->err.msg);
	}
	pthread_mutex_unlock(&vm->lock);
	vm_stop(vm);
}

int vm_add_mmio(struct vm *vm, struct mmio_dev *d, struct herr *e)
{
	if (vm->nmmio == VM_MAX_DEVICES)
		return herr_set(e, 0, "too many virtio devices");
	vm->mmio[vm->nmmio++] = d;
	return 0;
}
