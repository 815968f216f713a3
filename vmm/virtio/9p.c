/* virtio-9p: the transport side of the 9P2000.L server.  Requests are
 * served in order on the notifying vCPU's thread, one at a time. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "vmm/virtio/9p.h"

#define REQQ 0
#define VIRTIO_9P_MOUNT_TAG 1
#define P9_TVERSION 100
#define P9_RLERROR 7
#define HDR 7

struct virtio_9p {
	struct virtio_dev dev;
	struct p9_server srv;
	pthread_mutex_t lock;
	uint8_t config[2 + 64];
	uint8_t *req, *rep;
	struct vq_elem el;
};

static int version(struct p9_server *s, struct p9_msg *in, struct p9_msg *out)
{
	char v[32];
	uint32_t msize = p9_get32(in);

	if (!p9_getstr(in, v, sizeof(v)))
		return -EINVAL;
	p9_fid_reset_all(s);
	s->msize = msize < P9_MSIZE_MAX ? msize : P9_MSIZE_MAX;
	if (s->msize < 4096)
		return -EINVAL;
	p9_put32(out, s->msize);
	p9_putstr(out, strcmp(v, "9P2000.L") ? "unknown" : "9P2000.L");
	return 0;
}

/* one request: parse, dispatch, write the reply; returns its length */
static size_t serve(struct virtio_9p *p, size_t len)
{
	struct p9_msg in = {.buf = p->req, .len = len};
	struct p9_msg out = {.buf = p->rep, .cap = p->srv.msize};
	uint32_t size = p9_get32(&in);
	uint8_t type = p9_get8(&in);
	uint16_t tag = p9_get16(&in);
	int r;

	if (in.bad || size > len || size < HDR)
		return 0;
	in.len = size;
	out.len = HDR;
	r = type == P9_TVERSION ? version(&p->srv, &in, &out)
				: p9_dispatch(&p->srv, type, &in, &out);
	if (r == 0 && (in.bad || out.bad))
		r = in.bad ? -EINVAL : -ENOBUFS;
	if (r < 0) {
		if (p->srv.debug)
			fprintf(stderr, "vmm: 9p: T%u: %s\n", type, strerror(-r));
		out = (struct p9_msg){.buf = p->rep, .cap = p->srv.msize, .len = HDR};
		p9_put32(&out, (uint32_t)-r);
		type = P9_RLERROR - 1;
	}
	size = (uint32_t)out.len;
	memcpy(p->rep, &size, 4); /* x86: little-endian already */
	p->rep[4] = (uint8_t)(type + 1);
	memcpy(p->rep + 5, &tag, 2);
	return out.len;
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_9p *p = d->opaque;
	bool any = false;

	(void)q;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t n, rn;
		int r = virtq_pop(d, REQQ, &p->el);
		if (r <= 0)
			break;
		n = iov_to_buf(p->el.out, p->el.nout, p->req, P9_MSIZE_MAX);
		rn = serve(p, n);
		if (!rn) {
			vm_fail(d->vm, "virtio-9p: malformed request from the guest");
			break;
		}
		if (rn > p->el.in_len) {
			vm_fail(d->vm, "virtio-9p: the guest's reply buffer "
				"(%zu bytes) is smaller than the reply (%zu)",
				p->el.in_len, rn);
			break;
		}
		buf_to_iov(p->rep, rn, p->el.in, p->el.nin);
		virtq_push(d, REQQ, p->el.head, (uint32_t)rn);
		any = true;
	}
	pthread_mutex_unlock(&p->lock);
	if (any)
		virtio_interrupt(d);
}

static void reset(struct virtio_dev *d)
{
	struct virtio_9p *p = d->opaque;

	pthread_mutex_lock(&p->lock);
	p9_fid_reset_all(&p->srv);
	pthread_mutex_unlock(&p->lock);
}

struct virtio_9p *virtio_9p_new(struct vm *vm, int dirfd, const char *tag,
				bool readonly, const char *only, struct herr *e)
{
	struct virtio_9p *p;
	size_t n = strlen(tag);

	if (n > sizeof(((struct virtio_9p *)0)->config) - 2)
		return herr_set(e, 0, "9p tag `%s` too long", tag), NULL;
	p = xcalloc(1, sizeof(*p));
	p->srv.root = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (p->srv.root < 0) {
		herr_sys(e, "9p: shared directory");
		free(p);
		return NULL;
	}
	p->srv.readonly = readonly;
	p->srv.only = only ? xstrdup(only) : NULL;
	p->srv.msize = 8192;
	p->srv.debug = vm->debug;
	p->req = xmalloc(P9_MSIZE_MAX);
	p->rep = xmalloc(P9_MSIZE_MAX);
	p->config[0] = (uint8_t)n;
	p->config[1] = 0;
	memcpy(p->config + 2, tag, n);
	pthread_mutex_init(&p->lock, NULL);
	p->dev.vm = vm;
	p->dev.name = "9p";
	p->dev.device_id = VIRTIO_ID_9P;
	p->dev.features = VIRTIO_9P_MOUNT_TAG;
	p->dev.nqueues = 1;
	p->dev.config = p->config;
	p->dev.config_len = 2 + n;
	p->dev.notify = notify;
	p->dev.reset = reset;
	p->dev.opaque = p;
	return p;
}

void virtio_9p_free(struct virtio_9p *p)
{
	if (!p)
		return;
	p9_fid_reset_all(&p->srv);
	free(p->srv.fids);
	free(p->srv.only);
	close(p->srv.root);
	free(p->req);
	free(p->rep);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->dev.lock);
	free(p);
}

struct virtio_dev *virtio_9p_dev(struct virtio_9p *p)
{
	return &p->dev;
}
