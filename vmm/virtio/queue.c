/* Split virtqueues (virtio 1.2 section 2.7): descriptor chains in, used
 * entries out.  No indirect descriptors and no event index are offered, so
 * the guest may not use them; a chain that loops, is too long, points
 * outside RAM or mixes directions wrongly stops the VM. */
#include <string.h>

#include "vmm/virtio/virtio.h"

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static bool bad_chain(struct virtio_dev *d, unsigned qi, const char *why)
{
	vm_fail(d->vm, "virtio-%s: queue %u: bad descriptor chain from the "
		"guest: %s", d->name, qi, why);
	return false;
}

static bool walk_chain(struct virtio_dev *d, unsigned qi, struct virtq *q,
		       uint16_t head, struct vq_elem *el)
{
	struct vring_desc *table = vm_ptr(d->vm, q->desc, 16ull * q->num);
	uint16_t i = head;

	el->head = head;
	el->nout = el->nin = 0;
	el->out_len = el->in_len = 0;
	for (unsigned n = 0;; n++) {
		struct vring_desc dsc;
		void *p;

		if (i >= q->num)
			return bad_chain(d, qi, "index out of the table");
		if (n >= q->num || n >= VQ_MAX_SEGS)
			return bad_chain(d, qi, "chain too long or looping");
		memcpy(&dsc, &table[i], sizeof(dsc));
		p = vm_ptr(d->vm, dsc.addr, dsc.len);
		if (!p)
			return bad_chain(d, qi, "buffer outside guest memory");
		if (dsc.flags & VRING_DESC_F_WRITE) {
			el->in[el->nin++] = (struct iovec){p, dsc.len};
			el->in_len += dsc.len;
		} else {
			if (el->nin)
				return bad_chain(d, qi, "readable after writable");
			el->out[el->nout++] = (struct iovec){p, dsc.len};
			el->out_len += dsc.len;
		}
		if (!(dsc.flags & VRING_DESC_F_NEXT))
			return true;
		i = dsc.next;
	}
}

int virtq_pop(struct virtio_dev *d, unsigned qi, struct vq_elem *el)
{
	struct virtq *q = &d->q[qi];
	uint16_t *avail, idx, head;
	int r = 0;

	pthread_mutex_lock(&d->lock);
	if (!q->ready || (d->status & 0x40))
		goto out;
	avail = vm_ptr(d->vm, q->avail, 6 + 2ull * q->num);
	idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
	if (idx == q->last_avail)
		goto out;
	if ((uint16_t)(idx - q->last_avail) > q->num) {
		bad_chain(d, qi, "available index ran ahead of the ring");
		r = -1;
		goto out;
	}
	head = avail[2 + q->last_avail % q->num];
	q->last_avail++;
	r = walk_chain(d, qi, q, head, el) ? 1 : -1;
	if (r < 0)
		d->status |= 0x40;
out:
	pthread_mutex_unlock(&d->lock);
	return r;
}

void virtq_push(struct virtio_dev *d, unsigned qi, uint16_t head, uint32_t len)
{
	struct virtq *q = &d->q[qi];
	uint8_t *used;
	uint16_t idx;

	pthread_mutex_lock(&d->lock);
	if (q->ready) {
		used = vm_ptr(d->vm, q->used, 6 + 8ull * q->num);
		idx = *(uint16_t *)(used + 2);
		uint32_t *ent = (uint32_t *)(used + 4 + 8 * (idx % q->num));
		ent[0] = head;
		ent[1] = len;
		__atomic_store_n((uint16_t *)(used + 2), (uint16_t)(idx + 1),
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&d->lock);
}

void virtio_interrupt(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	d->isr |= 1;
	pthread_mutex_unlock(&d->lock);
	vm_irq_pulse(d->vm, d->irq);
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, void *buf, size_t len)
{
	size_t o = 0;

	for (unsigned i = 0; i < n && o < len; i++) {
		size_t c = iov[i].iov_len < len - o ? iov[i].iov_len : len - o;
		memcpy((uint8_t *)buf + o, iov[i].iov_base, c);
		o += c;
	}
	return o;
}

size_t buf_to_iov(const void *buf, size_t len, const struct iovec *iov,
		  unsigned n)
{
	size_t o = 0;

	for (unsigned i = 0; i < n && o < len; i++) {
		size_t c = iov[i].iov_len < len - o ? iov[i].iov_len : len - o;
		memcpy(iov[i].iov_base, (const uint8_t *)buf + o, c);
		o += c;
	}
	return o;
}
