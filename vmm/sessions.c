/* `hutch exec` into the guest: clients connect to the VMM's listening
 * socket (vmm_config.exec_fd) and speak vmm/proto.h frames, session 0; the
 * VMM numbers each connection (1..SESSIONS_MAX-1) and relays its frames to
 * the guest init with that session, and the guest's frames of that
 * session back.  A client that goes away leaves its process running
 * (exec --detach); the slot is free again at the process's EXIT.  A
 * client may instead send one SIGNAL to the whole guest (kill --all). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "vmm/proto.h"
#include "vmm/virtio/virtio.h"

#define SESSIONS_MAX 64 /* guest/relay.c has as many */

enum slot_state { SLOT_FREE, SLOT_CONNECTED, SLOT_DETACHED };

struct slot {
	enum slot_state state;
	int fd;
	bool exec_sent;
	struct strbuf in;
};

struct sessions {
	pthread_mutex_t lock; /* slots: the main loop and vCPU threads */
	struct slot s[SESSIONS_MAX];
	struct virtio_console *con;
	int listen_fd;
};

struct sessions *sessions_new(struct virtio_console *con, int listen_fd)
{
	struct sessions *x = xcalloc(1, sizeof(*x));

	pthread_mutex_init(&x->lock, NULL);
	x->con = con;
	x->listen_fd = listen_fd > 0 ? listen_fd : -1;
	return x;
}

void sessions_free(struct sessions *x)
{
	if (!x)
		return;
	for (int i = 1; i < SESSIONS_MAX; i++) {
		if (x->s[i].state == SLOT_CONNECTED)
			close(x->s[i].fd);
		strbuf_free(&x->s[i].in);
	}
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static void to_guest(struct sessions *x, const struct proto_hdr *h0,
		     uint16_t id, const void *p)
{
	struct proto_hdr h = *h0;
	_cleanup_free_ uint8_t *buf = xmalloc(sizeof(h) + h.len);

	h.session = id;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, h.len);
	virtio_console_send(x->con, buf, sizeof(h) + h.len);
}

/* main loop: the fds to poll (listening socket, connected clients) */
int sessions_poll_set(struct sessions *x, struct pollfd *p, int max)
{
	int n = 0;

	if (x->listen_fd >= 0 && n < max)
		p[n++] = (struct pollfd){.fd = x->listen_fd, .events = POLLIN};
	pthread_mutex_lock(&x->lock);
	for (int i = 1; i < SESSIONS_MAX && n < max; i++)
		if (x->s[i].state == SLOT_CONNECTED)
			p[n++] = (struct pollfd){.fd = x->s[i].fd, .events = POLLIN};
	pthread_mutex_unlock(&x->lock);
	return n;
}

static void accept_client(struct sessions *x)
{
	int fd = accept4(x->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	pthread_mutex_lock(&x->lock);
	for (int i = 1; i < SESSIONS_MAX; i++) {
		if (x->s[i].state != SLOT_FREE)
			continue;
		x->s[i].state = SLOT_CONNECTED;
		x->s[i].fd = fd;
		x->s[i].exec_sent = false;
		x->s[i].in.len = 0;
		fd = -1;
		break;
	}
	pthread_mutex_unlock(&x->lock);
	if (fd >= 0)
		close(fd); /* all sessions busy: the client sees EOF */
}

/* a client's bytes: whole frames go to the guest as session `id`; false
 * for a frame no client of ours sends */
static bool client_data(struct sessions *x, int id, const char *buf, size_t n)
{
	struct slot *s = &x->s[id];
	struct proto_hdr h;
	size_t off = 0;

	strbuf_append(&s->in, buf, n);
	while (s->in.len - off >= sizeof(h)) {
		memcpy(&h, s->in.buf + off, sizeof(h));
		if (h.len > PROTO_MAX)
			return false;
		if (s->in.len - off < sizeof(h) + h.len)
			break;
		/* one EXEC first, then stdin, signals and resizes: nothing else is a
		 * client's to send */
		if (!s->exec_sent && h.type == PROTO_SIGNAL &&
		    h.stream == PROTO_SIGNAL_ALL) {
			/* kill --all: the guest init signals everything */
			to_guest(x, &h, 0, s->in.buf + off + sizeof(h));
		} else if (!s->exec_sent && h.type == PROTO_EXEC) {
			s->exec_sent = true;
			to_guest(x, &h, (uint16_t)id, s->in.buf + off + sizeof(h));
		} else if (s->exec_sent && (h.type == PROTO_DATA ||
			   h.type == PROTO_EOF || h.type == PROTO_SIGNAL ||
			   h.type == PROTO_RESIZE)) {
			to_guest(x, &h, (uint16_t)id, s->in.buf + off + sizeof(h));
		}
		off += sizeof(h) + h.len;
	}
	memmove(s->in.buf, s->in.buf + off, s->in.len - off);
	s->in.len -= off;
	return true;
}

static void client_ready(struct sessions *x, int fd)
{
	char buf[PROTO_MAX / 2];
	ssize_t n = read(fd, buf, sizeof(buf));
	int id = 0;

	pthread_mutex_lock(&x->lock);
	for (int i = 1; i < SESSIONS_MAX; i++)
		if (x->s[i].state == SLOT_CONNECTED && x->s[i].fd == fd)
			id = i;
	if (id && n > 0 && client_data(x, id, buf, (size_t)n)) {
		/* relayed */
	} else if (id && !(n < 0 && (errno == EINTR || errno == EAGAIN))) {
		/* gone: its process runs on, detached */
		close(fd);
		x->s[id].fd = -1;
		x->s[id].state = x->s[id].exec_sent ? SLOT_DETACHED : SLOT_FREE;
	}
	pthread_mutex_unlock(&x->lock);
}

/* main loop: after poll() on what sessions_poll_set gave */
void sessions_handle(struct sessions *x, const struct pollfd *p, int n)
{
	for (int k = 0; k < n; k++) {
		if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (p[k].fd == x->listen_fd)
			accept_client(x);
		else
			client_ready(x, p[k].fd);
	}
}

/* vCPU thread: a guest frame of session h->session (not 0) */
void sessions_from_guest(struct sessions *x, const struct proto_hdr *h,
			 const void *p)
{
	struct slot *s;
	struct proto_hdr out = *h;

	if (h->session >= SESSIONS_MAX)
		return;
	pthread_mutex_lock(&x->lock);
	s = &x->s[h->session];
	out.session = 0;
	if (s->state == SLOT_CONNECTED &&
	    (write_all(s->fd, &out, sizeof(out)) < 0 ||
	     (h->len && write_all(s->fd, p, h->len) < 0))) {
		/* the client went away: drop its output from now on */
		close(s->fd);
		s->fd = -1;
		s->state = SLOT_DETACHED;
	}
	if (h->type == PROTO_EXIT) {
		if (s->state == SLOT_CONNECTED)
			close(s->fd);
		s->fd = -1;
		s->state = SLOT_FREE;
		s->in.len = 0;
	}
	pthread_mutex_unlock(&x->lock);
}
