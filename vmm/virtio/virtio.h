/* virtio over MMIO (virtio 1.2 section 4.2, the modern v2 register layout)
 * and split virtqueues: the transport shared by the devices in this folder.
 * Every guest address is checked against guest RAM; a device given bad
 * descriptors ends the VM with a message (vm_fail), it never loops. */
#ifndef HUTCH_VMM_VIRTIO_H
#define HUTCH_VMM_VIRTIO_H

#include <sys/uio.h>

#include "vmm/priv.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_9P 9
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTQ_MAX 256
#define VIRTIO_MAX_QUEUES 2
#define VQ_MAX_SEGS 260

struct virtq {
	uint16_t num;
	bool ready;
	uint64_t desc, avail, used;
	uint16_t last_avail;
};

/* one descriptor chain: device-readable (out) and -writable (in) parts */
struct vq_elem {
	uint16_t head;
	unsigned nout, nin;
	struct iovec out[VQ_MAX_SEGS], in[VQ_MAX_SEGS];
	size_t out_len, in_len;
};

struct virtio_dev {
	struct mmio_dev mmio;
	struct vm *vm;
	const char *name;
	uint32_t device_id;
	uint64_t features, driver_features;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel, status, isr;
	unsigned irq, nqueues;
	struct virtq q[VIRTIO_MAX_QUEUES];
	const void *config;
	size_t config_len;
	pthread_mutex_t lock; /* registers and queues */
	/* called without the lock held, on the notifying vCPU's thread */
	void (*notify)(struct virtio_dev *d, unsigned queue);
	void (*reset)(struct virtio_dev *d);
	void *opaque;
};

/* register the device on the MMIO bus at the next free window; its slot
 * gives the address and IRQ, and the `virtio_mmio.device=` option is
 * appended to cmdline */
int virtio_dev_add(struct vm *vm, struct virtio_dev *d, struct strbuf *cmdline,
		   struct herr *e);
/* 1: an element was taken, 0: queue empty or not ready, -1: bad chain
 * (the VM is being stopped).  Takes d->lock itself. */
int virtq_pop(struct virtio_dev *d, unsigned q, struct vq_elem *el);
void virtq_push(struct virtio_dev *d, unsigned q, uint16_t head, uint32_t len);
void virtio_interrupt(struct virtio_dev *d);

/* copy between an iovec list and a flat buffer; return bytes copied */
size_t iov_to_buf(const struct iovec *iov, unsigned n, void *buf, size_t len);
size_t buf_to_iov(const void *buf, size_t len, const struct iovec *iov,
		  unsigned n);

/* console.c */
struct virtio_console;
struct virtio_console *virtio_console_new(struct vm *vm,
					  void (*sink)(void *, const void *, size_t),
					  void *opaque);
void virtio_console_free(struct virtio_console *c);
struct virtio_dev *virtio_console_dev(struct virtio_console *c);
/* queue bytes for the guest (any thread); they go as buffers arrive */
void virtio_console_send(struct virtio_console *c, const void *buf, size_t len);
/* bytes still waiting for guest buffers */
size_t virtio_console_pending(struct virtio_console *c);

/* net.c: a NIC on a tap fd (vmm_config.net_fd); frames from the tap go
 * to the guest from a thread of its own, the guest's go out on the
 * notifying vCPU's thread */
struct virtio_net;
struct virtio_net *virtio_net_new(struct vm *vm, int tap_fd,
				  const uint8_t mac[6], unsigned mtu,
				  struct herr *e);
/* stops its thread: call before the VM's memory goes */
void virtio_net_free(struct virtio_net *n);
struct virtio_dev *virtio_net_dev(struct virtio_net *n);

/* 9p.c: a 9P2000.L server for one directory */
struct virtio_9p;
/* only: serve that one name of dirfd (a bind of a file), NULL: all */
struct virtio_9p *virtio_9p_new(struct vm *vm, int dirfd, const char *tag,
				bool readonly, const char *only, struct herr *e);
void virtio_9p_free(struct virtio_9p *p);
struct virtio_dev *virtio_9p_dev(struct virtio_9p *p);

#endif
