/* vmm internals shared between the files of vmm/ (not an API: vmm.h is). */
#ifndef HUTCH_VMM_PRIV_H
#define HUTCH_VMM_PRIV_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>

#include "vmm/vmm.h"

#define MIB (1024ull * 1024)
/* RAM above this goes to 4 GiB and up; the hole holds the IOAPIC, LAPIC
 * and the virtio-mmio windows */
#define VM_MEM_HOLE_START (3ull << 30)
#define VM_MEM_HOLE_END (4ull << 30)
#define VM_MAX_VCPUS 64

/* guest physical layout of the boot structures (below 1 MiB) */
#define BOOT_GDT 0x500
#define BOOT_ZERO_PAGE 0x7000
#define BOOT_STACK 0x8ff0
#define BOOT_PML4 0x9000
#define BOOT_PDPT 0xa000
#define BOOT_PD 0xb000        /* 4 pages: identity map of 4 GiB */
#define BOOT_CMDLINE 0x20000
#define BOOT_CMDLINE_MAX 4096
#define BOOT_MPTABLE 0x9fc00  /* the last KiB of base memory */
#define BOOT_EBDA_START 0x9fc00

#define VIRTIO_MMIO_BASE 0xd0000000ull
#define VIRTIO_MMIO_SIZE 0x1000
#define VIRTIO_IRQ_BASE 5
#define VM_MAX_DEVICES 16 /* IRQs 5..20 */
#define SERIAL_IRQ 4

struct vm;

/* an emulated device on the MMIO bus (virtio-mmio transports) */
struct mmio_dev {
	uint64_t base, size;
	void (*access)(struct mmio_dev *d, uint64_t off, void *data,
		       unsigned len, bool write);
	void *opaque;
};

struct vm {
	int kvm_fd, vm_fd;
	uint8_t *mem;          /* host mapping of all guest RAM */
	uint64_t mem_size;     /* bytes of RAM (not counting the hole) */
	uint64_t low_size;     /* RAM below the hole */
	size_t run_size;       /* kvm_run mmap size */
	struct kvm_cpuid2 *cpuid;
	unsigned nvcpus;
	struct vcpu *vcpus;
	struct mmio_dev *mmio[VM_MAX_DEVICES];
	unsigned nmmio;
	struct serial *serial;
	bool debug;
	uint64_t t0;           /* now_ns() at vmm_run */
	uint64_t marker_ns[4];
	/* the first fatal condition wins; every vCPU then stops */
	pthread_mutex_t lock;
	atomic_bool stop;
	bool failed;
	struct herr err;
	bool exited;           /* the guest init reported an exit status */
	int wait_status;
	int wake_fd;           /* eventfd: wakes the main loop on stop */
};

struct vcpu {
	struct vm *vm;
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
};

/* kvm.c */
int vm_create(struct vm *vm, const struct vmm_config *c, struct herr *e);
void vm_destroy(struct vm *vm);
/* guest physical range -> host pointer, NULL if any byte is not RAM */
void *vm_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
void vm_irq_pulse(struct vm *vm, unsigned irq);
/* end the VM: the first error is kept; exit_status >= 0 = clean end */
void vm_fail(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vm_stop(struct vm *vm);
int vm_add_mmio(struct vm *vm, struct mmio_dev *d, struct herr *e);

/* cpuid.c */
int cpuid_init(struct vm *vm, struct herr *e);
int cpuid_set(struct vcpu *v, struct herr *e);

/* vcpu.c */
int vcpu_create(struct vm *vm, struct vcpu *v, int id, struct herr *e);
int vcpu_setup_boot(struct vcpu *v, uint64_t entry, struct herr *e);
int vcpu_start(struct vcpu *v, struct herr *e);
void vcpu_kick_all(struct vm *vm);

/* boot.c, boot_elf.c, boot_bzimage.c: place the kernel, fill the zero page;
 * returns the 64-bit entry point */
int boot_load(struct vm *vm, const struct vmm_config *c, const char *cmdline,
	      uint64_t *entry, struct herr *e);
struct boot_params;
int boot_elf_load(struct vm *vm, const void *img, size_t len,
		  struct boot_params *bp, uint64_t *entry, struct herr *e);
int boot_bzimage_load(struct vm *vm, const void *img, size_t len,
		      struct boot_params *bp, uint64_t *entry, struct herr *e);
int mptable_write(struct vm *vm, struct herr *e);

/* ioport.c: port I/O dispatch (serial, RTC, i8042, markers) */
void ioport_access(struct vm *vm, uint16_t port, void *data, unsigned size,
		   bool write);

/* serial.c: COM1 */
struct serial *serial_new(struct vm *vm, int log_fd);
void serial_free(struct serial *s);
bool serial_access(struct serial *s, uint16_t port, void *data, bool write);
/* the last lines the guest printed (for error messages) */
void serial_tail(struct serial *s, char *buf, size_t len, unsigned lines);
bool serial_find_line(struct serial *s, const char *what, char *buf, size_t len);

/* channel.c: the frames of proto.h on the first virtio console */
struct channel;
struct virtio_console;
struct channel *channel_new(struct vm *vm, const struct vmm_config *c);
void channel_free(struct channel *ch);
void channel_attach(struct channel *ch, struct virtio_console *con);
/* bytes the guest wrote (called by the console, any thread) */
void channel_from_guest(void *opaque, const void *buf, size_t len);
/* before any thread: block what will be forwarded, ignore SIGPIPE */
void channel_block_signals(const struct vmm_config *c);
/* the main loop: host stdin and signals -> guest; returns when stopped */
int channel_loop(struct channel *ch, struct herr *e);

/* sessions.c: `hutch exec` clients on vmm_config.exec_fd */
struct sessions;
struct pollfd;
struct proto_hdr;
struct sessions *sessions_new(struct virtio_console *con, int listen_fd);
void sessions_free(struct sessions *x);
int sessions_poll_set(struct sessions *x, struct pollfd *p, int max);
void sessions_handle(struct sessions *x, const struct pollfd *p, int n);
void sessions_from_guest(struct sessions *x, const struct proto_hdr *h,
			 const void *p);

/* filter.c: the VMM's seccomp allow-list, all threads, once booted */
int vmm_filter_install(struct herr *e);

#endif
