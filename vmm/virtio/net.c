/* virtio-net (virtio 1.2 section 5.1) on a tap: one receive and one
 * transmit queue, the MAC and MTU in the config space, no offloads (the
 * tap hands us checksummed frames and takes the guest's as they are).
 *
 * The tap speaks the same 12-byte header as a VERSION_1 device
 * (TUNSETVNETHDRSZ), so a frame moves between a descriptor chain and the
 * tap in one readv/writev, header included, without a copy here.
 * Transmit runs on the notifying vCPU's thread; receive has a thread of its
 * own that waits for the tap only while it holds a guest buffer, and
 * otherwise for the guest's next receive notification. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>

#include "vmm/virtio/virtio.h"

#define RXQ 0
#define TXQ 1
#define NET_HDR_LEN 12
#define F_MTU (1ull << 3)
#define F_MAC (1ull << 5)

struct virtio_net {
	struct virtio_dev dev;
	uint8_t config[12]; /* mac[6], status, max_virtqueue_pairs, mtu */
	int tap, kick;      /* kick: eventfd, RX buffers posted or stop */
	pthread_t rx_thread;
	bool rx_started;
	atomic_bool stop, reset;
	pthread_mutex_t tx_lock; /* vCPUs transmit one at a time */
	struct vq_elem tx_el, rx_el;
};

static void kick(struct virtio_net *n)
{
	uint64_t one = 1;

	if (write(n->kick, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow here: nothing to do */
	}
}

/* the guest's frames out; a frame the tap refuses is dropped, as a wire
 * would drop it: the guest sees a lost packet, not an error */
static void transmit(struct virtio_net *n)
{
	bool any = false;

	pthread_mutex_lock(&n->tx_lock);
	while (virtq_pop(&n->dev, TXQ, &n->tx_el) == 1) {
		if (n->tx_el.out_len > NET_HDR_LEN &&
		    writev(n->tap, n->tx_el.out, (int)n->tx_el.nout) < 0 &&
		    n->dev.vm->debug)
			fprintf(stderr, "vmm: virtio-net: tap write: %m\n");
		virtq_push(&n->dev, TXQ, n->tx_el.head, 0);
		any = true;
	}
	pthread_mutex_unlock(&n->tx_lock);
	if (any)
		virtio_interrupt(&n->dev);
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_net *n = d->opaque;

	if (q == TXQ)
		transmit(n);
	else
		kick(n);
}

static void reset(struct virtio_dev *d)
{
	struct virtio_net *n = d->opaque;

	/* called with d->lock held: only flag it, the thread drops the
	 * buffer it holds (it belonged to the old queue) */
	atomic_store(&n->reset, true);
	kick(n);
}

/* frames waiting on the tap into the guest's buffers, as many as both
 * have; returns how many went in */
static unsigned receive(struct virtio_net *n, bool *held)
{
	static const uint8_t one_buffer[2] = {1, 0}; /* num_buffers */
	unsigned done = 0;

	while (*held) {
		ssize_t r = readv(n->tap, n->rx_el.in, (int)n->rx_el.nin);
		if (r < 0)
			break; /* EAGAIN: drained */
		if ((size_t)r > n->rx_el.in_len)
			r = (ssize_t)n->rx_el.in_len; /* truncated by the tap */
		if (r >= NET_HDR_LEN) {
			struct iovec tail[VQ_MAX_SEGS];
			unsigned k = 0;
			size_t skip = 10;
			/* num_buffers: the tap leaves it as it was */
			for (unsigned i = 0; i < n->rx_el.nin; i++) {
				struct iovec v = n->rx_el.in[i];
				if (skip >= v.iov_len) {
					skip -= v.iov_len;
					continue;
				}
				tail[k++] = (struct iovec){
					(uint8_t *)v.iov_base + skip,
					v.iov_len - skip};
				skip = 0;
			}
			buf_to_iov(one_buffer, 2, tail, k);
		}
		virtq_push(&n->dev, RXQ, n->rx_el.head, (uint32_t)r);
		done++;
		*held = virtq_pop(&n->dev, RXQ, &n->rx_el) == 1;
	}
	return done;
}

static void *rx_main(void *arg)
{
	struct virtio_net *n = arg;
	bool held = false, kicked = false;

	while (!atomic_load(&n->stop)) {
		struct pollfd p[2] = {{.fd = n->kick, .events = POLLIN},
				      {.fd = n->tap, .events = 0}};
		uint64_t v;

		if (atomic_exchange(&n->reset, false))
			held = false;
		/* the queue exists once the guest first notifies it */
		if (kicked && !held)
			held = virtq_pop(&n->dev, RXQ, &n->rx_el) == 1;
		if (held)
			p[1].events = POLLIN;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			if (read(n->kick, &v, sizeof(v)) == sizeof(v))
				kicked = true;
		}
		if (held && (p[1].revents & POLLIN) && receive(n, &held))
			virtio_interrupt(&n->dev);
	}
	return NULL;
}

struct virtio_net *virtio_net_new(struct vm *vm, int tap_fd,
				  const uint8_t mac[6], unsigned mtu,
				  struct herr *e)
{
	struct virtio_net *n = xcalloc(1, sizeof(*n));
	int fl = fcntl(tap_fd, F_GETFL);

	n->tap = tap_fd;
	n->dev.vm = vm;
	n->dev.name = "net";
	n->dev.device_id = VIRTIO_ID_NET;
	n->dev.nqueues = 2;
	n->dev.features = F_MAC | (mtu ? F_MTU : 0);
	memcpy(n->config, mac, 6);
	n->config[8] = 1; /* max_virtqueue_pairs (without MQ: ignored) */
	n->config[10] = (uint8_t)mtu;
	n->config[11] = (uint8_t)(mtu >> 8);
	n->dev.config = n->config;
	n->dev.config_len = sizeof(n->config);
	n->dev.notify = notify;
	n->dev.reset = reset;
	n->dev.opaque = n;
	pthread_mutex_init(&n->tx_lock, NULL);
	n->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* receive reads until EAGAIN */
	if (n->kick < 0 || fl < 0 || fcntl(tap_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		herr_sys(e, "virtio-net: eventfd or tap fd");
		virtio_net_free(n);
		return NULL;
	}
	errno = pthread_create(&n->rx_thread, NULL, rx_main, n);
	if (errno) {
		herr_sys(e, "virtio-net: receive thread");
		virtio_net_free(n);
		return NULL;
	}
	n->rx_started = true;
	return n;
}

void virtio_net_free(struct virtio_net *n)
{
	if (!n)
		return;
	if (n->rx_started) {
		atomic_store(&n->stop, true);
		kick(n);
		pthread_join(n->rx_thread, NULL);
	}
	if (n->kick >= 0)
		close(n->kick);
	pthread_mutex_destroy(&n->tx_lock);
	pthread_mutex_destroy(&n->dev.lock);
	free(n);
}

struct virtio_dev *virtio_net_dev(struct virtio_net *n)
{
	return &n->dev;
}
