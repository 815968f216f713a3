/* The VMM's end of the guest init's channel (vmm/proto.h) on hvc0: the
 * process's stdio, its signals and its exit status.  Guest frames arrive on
 * vCPU threads (the console's sink); host stdin and signals are read by the
 * main loop here. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#include "vmm/proto.h"
#include "vmm/virtio/virtio.h"

#define STDIN_HIGH_WATER (1u << 20)

struct channel {
	struct vm *vm;
	const struct vmm_config *c;
	struct virtio_console *con;
	pthread_mutex_t lock;   /* the parse buffer */
	struct strbuf in;
	atomic_bool configured; /* CONFIG sent: signals may flow */
	atomic_bool guest_ready; /* READY came: the container is created */
	bool ready_done;        /* on_ready called */
	bool started;           /* START sent: stdin and execs may flow */
	bool out_closed[3];
	struct sessions *sessions;
};

struct channel *channel_new(struct vm *vm, const struct vmm_config *c)
{
	struct channel *ch = xcalloc(1, sizeof(*ch));

	ch->vm = vm;
	ch->c = c;
	pthread_mutex_init(&ch->lock, NULL);
	return ch;
}

void channel_free(struct channel *ch)
{
	if (!ch)
		return;
	strbuf_free(&ch->in);
	sessions_free(ch->sessions);
	pthread_mutex_destroy(&ch->lock);
	free(ch);
}

void channel_attach(struct channel *ch, struct virtio_console *con)
{
	ch->con = con;
	ch->sessions = sessions_new(con, ch->c->exec_fd);
}

static void send_frame(struct channel *ch, uint8_t type, uint8_t stream,
		       const void *data, uint32_t len)
{
	struct proto_hdr h = {.type = type, .stream = stream, .len = len};
	_cleanup_free_ uint8_t *buf = xmalloc(sizeof(h) + len);

	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), data, len);
	virtio_console_send(ch->con, buf, sizeof(h) + len);
}

/* the main loop has something to do */
static void wake(struct channel *ch)
{
	uint64_t one = 1;

	if (write(ch->vm->wake_fd, &one, sizeof(one)) < 0) {
		/* the loop polls again anyway */
	}
}

static void out_data(struct channel *ch, unsigned stream, const void *p,
		     uint32_t len)
{
	int fd = stream == PROTO_STDOUT ? ch->c->stdout_fd : ch->c->stderr_fd;

	if (fd < 0 || ch->out_closed[stream])
		return;
	/* a reader that went away must not stop the guest */
	if (write_all(fd, p, len) < 0)
		ch->out_closed[stream] = true;
}

static void frame(struct channel *ch, const struct proto_hdr *h,
		  const uint8_t *p)
{
	uint32_t v = 0;

	if (h->session) {
		sessions_from_guest(ch->sessions, h, p);
		return;
	}
	switch (h->type) {
	case PROTO_HELLO:
		send_frame(ch, PROTO_CONFIG, 0, ch->c->guest_config,
			   (uint32_t)ch->c->guest_config_len);
		atomic_store(&ch->configured, true);
		wake(ch);
		return;
	case PROTO_READY:
		atomic_store(&ch->guest_ready, true);
		wake(ch);
		return;
	case PROTO_DATA:
		if (h->stream == PROTO_STDOUT || h->stream == PROTO_STDERR)
			out_data(ch, h->stream, p, h->len);
		return;
	case PROTO_ERROR:
		if (ch->c->stderr_fd >= 0)
			dprintf(ch->c->stderr_fd, "hutch: sandbox: %.*s\n",
				(int)h->len, (const char *)p);
		return;
	case PROTO_EXIT:
		if (h->len >= 4)
			memcpy(&v, p, 4);
		pthread_mutex_lock(&ch->vm->lock);
		if (!ch->vm->failed) {
			ch->vm->exited = true;
			ch->vm->wait_status = (int)v;
		}
		pthread_mutex_unlock(&ch->vm->lock);
		vm_stop(ch->vm);
		return;
	default:
		return; /* EOF of the guest's streams: nothing to do */
	}
}

void channel_from_guest(void *opaque, const void *buf, size_t len)
{
	struct channel *ch = opaque;
	struct proto_hdr h;
	size_t off = 0;

	pthread_mutex_lock(&ch->lock);
	strbuf_append(&ch->in, buf, len);
	while (ch->in.len - off >= sizeof(h)) {
		memcpy(&h, ch->in.buf + off, sizeof(h));
		if (h.len > PROTO_MAX) {
			vm_fail(ch->vm, "guest init: bad frame on the channel "
				"(type %u, %u bytes)", h.type, h.len);
			ch->in.len = 0;
			pthread_mutex_unlock(&ch->lock);
			return;
		}
		if (ch->in.len - off < sizeof(h) + h.len)
			break;
		frame(ch, &h, (const uint8_t *)ch->in.buf + off + sizeof(h));
		off += sizeof(h) + h.len;
	}
	memmove(ch->in.buf, ch->in.buf + off, ch->in.len - off);
	ch->in.len -= off;
	pthread_mutex_unlock(&ch->lock);
}

/* returns false at EOF or error */
static bool pump_stdin(struct channel *ch, int fd)
{
	char buf[PROTO_MAX / 2];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		send_frame(ch, PROTO_EOF, PROTO_STDIN, NULL, 0);
		return false;
	}
	send_frame(ch, PROTO_DATA, PROTO_STDIN, buf, (uint32_t)n);
	return true;
}

/* a terminal on stdin: its size for the guest's pty; false if none */
static bool send_resize(struct channel *ch)
{
	struct winsize ws;
	uint16_t rc[2];

	if (ch->c->stdin_fd < 0 || ioctl(ch->c->stdin_fd, TIOCGWINSZ, &ws) < 0)
		return false;
	rc[0] = ws.ws_row, rc[1] = ws.ws_col;
	send_frame(ch, PROTO_RESIZE, 0, rc, sizeof(rc));
	return true;
}

static void pump_signals(struct channel *ch, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		uint32_t sig = si.ssi_signo;
		/* our terminal was resized: the guest's pty follows, and
		 * its kernel tells the process */
		if (sig == SIGWINCH && send_resize(ch))
			continue;
		send_frame(ch, PROTO_SIGNAL, 0, &sig, sizeof(sig));
	}
}

/* every signal a process can be sent and catch, less the synchronous
 * ones, SIGCHLD, SIGPIPE, glibc's internal 32/33 and the vCPU kick */
static void forward_set(sigset_t *set)
{
	sigemptyset(set);
	for (int s = 1; s < SIGRTMAX; s++) {
		if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD || s == SIGPIPE ||
		    s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE ||
		    s == SIGTRAP || s == SIGSYS || (s >= 32 && s < SIGRTMIN))
			continue;
		sigaddset(set, s);
	}
}

void channel_block_signals(const struct vmm_config *c)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	if (!c->forward_signals)
		return;
	forward_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int signal_fd(const struct vmm_config *c, struct herr *e)
{
	sigset_t set;
	int fd;

	if (!c->forward_signals)
		return -1;
	forward_set(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		herr_sys(e, "signalfd");
	return fd;
}

/* READY came: tell the runtime (create returns), and start the process
 * at once or when start_fd says so.  Returns the fd to wait on, -1. */
static int gate(struct channel *ch, bool start_now)
{
	const struct vmm_config *c = ch->c;
	struct herr e;

	if (ch->started || !atomic_load(&ch->guest_ready))
		return -1;
	herr_clear(&e);
	if (!ch->ready_done) {
		ch->ready_done = true;
		if (c->on_ready && c->on_ready(c->ctx, &e) < 0)
			goto fail;
	}
	if (c->on_start && !start_now)
		return c->start_fd;
	if (c->on_start && c->on_start(c->ctx, &e) < 0)
		goto fail;
	/* from here on the guest runs the workload, untrusted code: the
	 * VMM keeps only the calls that serve the guest (vmm/filter.c) */
	if (vmm_filter_install(&e) < 0)
		goto fail;
	send_resize(ch);
	send_frame(ch, PROTO_START, 0, NULL, 0);
	ch->started = true;
	return -1;
fail:
	vm_fail(ch->vm, "%s", e.msg);
	return -1;
}

int channel_loop(struct channel *ch, struct herr *e)
{
	_cleanup_close_ int sfd = signal_fd(ch->c, e);
	int in = ch->c->stdin_fd;
	bool in_poll = true;

	if (ch->c->forward_signals && sfd < 0)
		return -1;
	while (!atomic_load(&ch->vm->stop)) {
		/* nothing goes to the guest before its CONFIG: signals wait
		 * in the kernel's queue meanwhile, stdin in its pipe */
		bool ready = atomic_load(&ch->configured);
		struct pollfd p[4 + 64] = {
			{.fd = ch->vm->wake_fd, .events = POLLIN},
			{.fd = ready ? sfd : -1, .events = POLLIN},
			{.fd = -1, .events = POLLIN},
			{.fd = gate(ch, false), .events = POLLIN}};
		bool room = virtio_console_pending(ch->con) < STDIN_HIGH_WATER;
		int ns = 0;
		uint64_t v;

		if (in >= 0 && in_poll && room && ch->started)
			p[2].fd = in;
		if (room && ch->started)
			ns = sessions_poll_set(ch->sessions, p + 4, 64);
		if (poll(p, (nfds_t)(4 + ns), room ? -1 : 10) < 0 && errno != EINTR)
			return herr_sys(e, "poll");
		sessions_handle(ch->sessions, p + 4, ns);
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
			gate(ch, true);
		if (read(ch->vm->wake_fd, &v, sizeof(v)) < 0) {
			/* not woken */
		}
		if (p[1].revents & POLLIN)
			pump_signals(ch, sfd);
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump_stdin(ch, in))
				in = -1;
		} else if (p[2].revents & POLLNVAL) {
			in_poll = false;
		}
	}
	return 0;
}
