/* virtio-console with one port (no MULTIPORT): the guest's hvc0.  What the
 * guest transmits goes to a sink callback; what the host sends waits in a
 * buffer until the guest posts receive buffers. */
#include <string.h>

#include "vmm/virtio/virtio.h"

#define RXQ 0
#define TXQ 1

struct virtio_console {
	struct virtio_dev dev;
	uint8_t config[12]; /* cols, rows, max_nr_ports, emerg_wr: unused */
	void (*sink)(void *, const void *, size_t);
	void *opaque;
	pthread_mutex_t tx_lock; /* keeps the guest's bytes in order */
	pthread_mutex_t rx_lock;
	struct strbuf pending;
	size_t pending_off;
	struct vq_elem el;
	struct vq_elem tx_el;
};

static void fill_rx(struct virtio_console *c)
{
	bool any = false;

	pthread_mutex_lock(&c->rx_lock);
	while (c->pending_off < c->pending.len) {
		size_t n;
		int r = virtq_pop(&c->dev, RXQ, &c->el);
		if (r <= 0)
			break;
		n = buf_to_iov(c->pending.buf + c->pending_off,
			       c->pending.len - c->pending_off, c->el.in,
			       c->el.nin);
		c->pending_off += n;
		virtq_push(&c->dev, RXQ, c->el.head, (uint32_t)n);
		any = true;
	}
	if (c->pending_off == c->pending.len)
		c->pending.len = c->pending_off = 0;
	pthread_mutex_unlock(&c->rx_lock);
	if (any)
		virtio_interrupt(&c->dev);
}

static void drain_tx(struct virtio_console *c)
{
	bool any = false;

	pthread_mutex_lock(&c->tx_lock);
	for (;;) {
		int r = virtq_pop(&c->dev, TXQ, &c->tx_el);
		if (r <= 0)
			break;
		for (unsigned i = 0; i < c->tx_el.nout; i++)
			c->sink(c->opaque, c->tx_el.out[i].iov_base,
				c->tx_el.out[i].iov_len);
		virtq_push(&c->dev, TXQ, c->tx_el.head, 0);
		any = true;
	}
	pthread_mutex_unlock(&c->tx_lock);
	if (any)
		virtio_interrupt(&c->dev);
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_console *c = d->opaque;

	if (q == TXQ)
		drain_tx(c);
	else
		fill_rx(c);
}

struct virtio_console *virtio_console_new(struct vm *vm,
					  void (*sink)(void *, const void *, size_t),
					  void *opaque)
{
	struct virtio_console *c = xcalloc(1, sizeof(*c));

	c->dev.vm = vm;
	c->dev.name = "console";
	c->dev.device_id = VIRTIO_ID_CONSOLE;
	c->dev.nqueues = 2;
	c->dev.config = c->config;
	c->dev.config_len = sizeof(c->config);
	c->dev.notify = notify;
	c->dev.opaque = c;
	c->sink = sink;
	c->opaque = opaque;
	pthread_mutex_init(&c->tx_lock, NULL);
	pthread_mutex_init(&c->rx_lock, NULL);
	return c;
}

void virtio_console_free(struct virtio_console *c)
{
	if (!c)
		return;
	strbuf_free(&c->pending);
	pthread_mutex_destroy(&c->tx_lock);
	pthread_mutex_destroy(&c->rx_lock);
	pthread_mutex_destroy(&c->dev.lock);
	free(c);
}

struct virtio_dev *virtio_console_dev(struct virtio_console *c)
{
	return &c->dev;
}

void virtio_console_send(struct virtio_console *c, const void *buf, size_t len)
{
	pthread_mutex_lock(&c->rx_lock);
	strbuf_append(&c->pending, buf, len);
	pthread_mutex_unlock(&c->rx_lock);
	fill_rx(c);
}

size_t virtio_console_pending(struct virtio_console *c)
{
	size_t n;

	pthread_mutex_lock(&c->rx_lock);
	n = c->pending.len - c->pending_off;
	pthread_mutex_unlock(&c->rx_lock);
	return n;
}
