/* The virtio-mmio transport, version 2 register layout. */
#include <string.h>

#include "vmm/virtio/virtio.h"

#define MAGIC 0x74726976 /* "virt" */
#define VENDOR 0x48544348 /* "HTCH" */
#define STATUS_NEEDS_RESET 0x40

static void queue_reset(struct virtio_dev *d)
{
	memset(d->q, 0, sizeof(d->q));
	d->driver_features = 0;
	d->status = d->isr = 0;
	d->queue_sel = d->dev_feat_sel = d->drv_feat_sel = 0;
}

static bool queue_check(struct virtio_dev *d, struct virtq *q)
{
	if (!q->num || q->num > VIRTQ_MAX || (q->num & (q->num - 1)))
		return false;
	return vm_ptr(d->vm, q->desc, 16ull * q->num) &&
	       vm_ptr(d->vm, q->avail, 6 + 2ull * q->num) &&
	       vm_ptr(d->vm, q->used, 6 + 8ull * q->num);
}

static uint32_t reg_read(struct virtio_dev *d, uint64_t off)
{
	struct virtq *q = d->queue_sel < d->nqueues ? &d->q[d->queue_sel] : NULL;

	switch (off) {
	case 0x000: return MAGIC;
	case 0x004: return 2;
	case 0x008: return d->device_id;
	case 0x00c: return VENDOR;
	case 0x010:
		return d->dev_feat_sel < 2
			       ? (uint32_t)(d->features >> (32 * d->dev_feat_sel))
			       : 0;
	case 0x034: return q ? VIRTQ_MAX : 0;
	case 0x044: return q ? q->ready : 0;
	case 0x060: return d->isr;
	case 0x070: return d->status;
	case 0x0fc: return 0; /* config generation: the config never changes */
	}
	return 0;
}

static void set_addr(uint64_t *a, uint32_t v, bool high)
{
	*a = high ? (*a & 0xffffffffull) | ((uint64_t)v << 32)
		  : (*a & ~0xffffffffull) | v;
}

static void reg_write(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	struct virtq *q = d->queue_sel < d->nqueues ? &d->q[d->queue_sel] : NULL;

	switch (off) {
	case 0x014: d->dev_feat_sel = v; return;
	case 0x020:
		if (d->drv_feat_sel < 2)
			set_addr(&d->driver_features, v, d->drv_feat_sel);
		return;
	case 0x024: d->drv_feat_sel = v; return;
	case 0x030: d->queue_sel = v; return;
	case 0x064: d->isr &= ~v; return;
	case 0x070:
		if (v == 0) {
			queue_reset(d);
			if (d->reset)
				d->reset(d);
		} else {
			d->status = v;
		}
		return;
	}
	if (!q)
		return;
	switch (off) {
	case 0x038: q->num = (uint16_t)v; return;
	case 0x044:
		if (v && !queue_check(d, q)) {
			d->status |= STATUS_NEEDS_RESET;
			vm_fail(d->vm, "virtio-%s: queue %u set up outside guest "
				"memory or with a bad size (%u)", d->name,
				d->queue_sel, q->num);
			return;
		}
		q->ready = v != 0;
		q->last_avail = 0;
		return;
	case 0x080: set_addr(&q->desc, v, false); return;
	case 0x084: set_addr(&q->desc, v, true); return;
	case 0x090: set_addr(&q->avail, v, false); return;
	case 0x094: set_addr(&q->avail, v, true); return;
	case 0x0a0: set_addr(&q->used, v, false); return;
	case 0x0a4: set_addr(&q->used, v, true); return;
	}
}

static void mmio_access(struct mmio_dev *m, uint64_t off, void *data,
			unsigned len, bool write)
{
	struct virtio_dev *d = m->opaque;
	uint32_t v = 0;
	int notify = -1;

	if (off >= 0x100) { /* device config: byte access allowed */
		off -= 0x100;
		if (write)
			return;
		memset(data, 0, len);
		if (off < d->config_len)
			memcpy(data, (const uint8_t *)d->config + off,
			       len < d->config_len - off ? len : d->config_len - off);
		return;
	}
	if (len != 4) { /* the spec allows only 32-bit register access */
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (write) {
		memcpy(&v, data, 4);
		if (off == 0x050)
			notify = (int)v;
		else
			reg_write(d, off, v);
	} else {
		v = reg_read(d, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&d->lock);
	if (notify >= 0 && (unsigned)notify < d->nqueues && d->notify)
		d->notify(d, (unsigned)notify);
}

int virtio_dev_add(struct vm *vm, struct virtio_dev *d, struct strbuf *cmdline,
		   struct herr *e)
{
	unsigned slot = vm->nmmio;

	d->vm = vm;
	d->features |= VIRTIO_F_VERSION_1;
	d->irq = VIRTIO_IRQ_BASE + slot;
	d->mmio.base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_SIZE;
	d->mmio.size = VIRTIO_MMIO_SIZE;
	d->mmio.access = mmio_access;
	d->mmio.opaque = d;
	pthread_mutex_init(&d->lock, NULL);
	if (vm_add_mmio(vm, &d->mmio, e) < 0)
		return -1;
	strbuf_printf(cmdline, " virtio_mmio.device=4K@%#llx:%u",
		      (unsigned long long)d->mmio.base, d->irq);
	return 0;
}
