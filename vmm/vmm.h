/* vmm: a small KVM virtual machine monitor that boots a Linux guest and runs
 * one process in it (hutch's sandbox mode, DESIGN.md section 6).
 *
 * It knows nothing of OCI: it takes a kernel, a command line, memory size,
 * vCPUs, a directory to share as the guest's root (9P2000.L over
 * virtio-mmio), a description of the process for the guest init, and fds
 * for stdio.  The guest init (guest/init.c) talks to it over a virtio
 * console with the frames of vmm/proto.h.
 *
 * Machine: RAM from 0 (split around a hole at 3 GiB), an in-kernel
 * PIC/IOAPIC/PIT, an MP table for the CPUs and IRQ routing (no ACPI, no
 * PCI), COM1 for the kernel's messages, virtio-mmio devices at 0xd0000000
 * announced with `virtio_mmio.device=` on the command line.
 */
#ifndef HUTCH_VMM_H
#define HUTCH_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define VMM_SHARES_MAX 12 /* with the console, root and NIC: 15 devices */

struct vmm_config {
	int kvm_fd;            /* an open /dev/kvm (-1: open it here) */
	const void *kernel;    /* vmlinux (ELF) or bzImage, in memory */
	size_t kernel_len;
	const void *initrd;    /* optional initramfs (newc cpio) */
	size_t initrd_len;
	const char *cmdline;   /* appended to the VMM's own options */
	uint64_t mem_mib;      /* guest RAM (>= 32) */
	unsigned vcpus;        /* 1..64 */
	int share_dirfd;       /* directory served as 9p tag `root`, -1: none */
	bool share_readonly;
	/* more 9p devices, tags `bind0`, `bind1`...: a directory each, or
	 * one name in it (only: a bind of a file) */
	struct vmm_share {
		int fd;
		bool readonly;
		const char *only;
	} shares[VMM_SHARES_MAX];
	unsigned nshares;
	const void *guest_config; /* handed to the guest init (PROTO_CONFIG) */
	size_t guest_config_len;
	int stdin_fd, stdout_fd, stderr_fd; /* the process's stdio (-1: none) */
	int log_fd;            /* the kernel's serial console (-1: kept in a
				  buffer, shown when the guest dies) */
	bool forward_signals;  /* block catchable signals and send them to
				  the guest's process */
	bool debug;            /* log exits and device errors to stderr */
	/* The create/start split: when the guest init is ready (root set
	 * up), on_ready is called; then, once start_fd is readable, on_start,
	 * and the process runs.  Both run on the VMM's main thread; a
	 * negative return stops the guest with e's message.  NULL on_start:
	 * the process runs as soon as the guest is ready. */
	void *ctx;
	int (*on_ready)(void *ctx, struct herr *e);
	int (*on_start)(void *ctx, struct herr *e);
	int start_fd;
	int exec_fd;           /* a listening unix socket for `hutch exec`
				  clients (vmm/sessions.c); <= 0: none */
	/* a virtio-net NIC (the guest's eth0) on a tap opened with
	 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte header; <= 0:
	 * none.  The VMM reads and writes it, it does not own it. */
	int net_fd;
	uint8_t net_mac[6];
	unsigned net_mtu;      /* 0: 1500 */
};

struct vmm_result {
	int wait_status;       /* the guest process's, as from waitpid() */
	uint64_t boot_ns;      /* VMM start to the guest init's first marker */
	uint64_t ready_ns;     /* VMM start to the guest's READY (created) */
	uint64_t workload_ns;  /* VMM start to the workload's exec marker */
	uint64_t total_ns;
};

/* Run the guest until its process ends.  Returns 0 with r filled when the
 * guest init reported an exit status; a negative value with e filled when
 * the guest could not start or died without reporting (kernel panic,
 * triple fault, emulation error, bad device input): the message then ends
 * with the last lines of the guest's console. */
int vmm_run(const struct vmm_config *c, struct vmm_result *r, struct herr *e);

/* A newc cpio archive holding the given files (mode 0755 regular files)
 * and /dev/console, for the initramfs of the guest init. */
struct vmm_file {
	const char *name;  /* path inside the archive, no leading slash */
	const void *data;
	size_t len;
};
void *vmm_cpio(const struct vmm_file *files, size_t n, size_t *len);

#endif
