/* `hutch exec` into a sandboxed container: the process runs in the guest.
 * We connect to the VMM's socket in the state dir and speak the frames of
 * vmm/proto.h: one EXEC with the process, then our stdin and the signals
 * we get; back come its stdout, stderr, an ERROR if it could not start,
 * and its wait status (EXIT). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "security/security.h"
#include "vmm/proto.h"

bool sandbox_is_vm(struct container *c)
{
	return faccessat(c->dir_fd, SANDBOX_SOCKET, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int put(int fd, uint8_t type, uint8_t stream, const void *p,
	       uint32_t len, struct herr *e)
{
	struct proto_hdr h = {.type = type, .stream = stream, .len = len};

	if (write_all(fd, &h, sizeof(h)) < 0 || (len && write_all(fd, p, len) < 0))
		return herr_sys(e, "sandbox: send to the VMM");
	return 0;
}

static int connect_vmm(struct container *c, struct herr *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return herr_sys(e, "socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s",
		 c->dir_fd, SANDBOX_SOCKET);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return herr_sys(e, "sandbox: connect to the VMM of container `%s`",
				c->id);
	return steal_fd(&fd);
}

/* one frame from the VMM; 1 at EXIT with *status set */
static int vmm_frame(const struct proto_hdr *h, const char *p,
		     const struct exec_io *io, int *status)
{
	uint32_t v = 0;

	if (h->type == PROTO_DATA)
		write_all(h->stream == PROTO_STDERR ? io->err : io->out, p, h->len);
	else if (h->type == PROTO_ERROR)
		dprintf(io->err, "hutch: exec: %.*s\n", (int)h->len, p);
	if (h->type != PROTO_EXIT)
		return 0;
	if (h->len >= 4)
		memcpy(&v, p, 4);
	*status = (int)v;
	return 1;
}

static void on_signals(int fd, int sfd, const struct exec_io *io,
		       struct herr *e)
{
	struct signalfd_siginfo si;
	uint16_t rc[2];

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		uint32_t sig = si.ssi_signo;
		if (sig == SIGCHLD)
			continue; /* a child of ours, not the process's */
		/* our terminal was resized: the guest's pty follows, and
		 * its kernel tells the process */
		if (sig == SIGWINCH) {
			if (exec_io_size(io, rc))
				put(fd, PROTO_RESIZE, 0, rc, sizeof(rc), e);
			continue;
		}
		put(fd, PROTO_SIGNAL, 0, &sig, 4, e);
	}
}

/* whole frames of in; 1 at EXIT */
static int vmm_frames(struct strbuf *in, const struct exec_io *io, int *status)
{
	struct proto_hdr h;
	size_t off = 0;
	int done = 0;

	while (!done && in->len - off >= sizeof(h)) {
		memcpy(&h, in->buf + off, sizeof(h));
		if (h.len > PROTO_MAX || in->len - off < sizeof(h) + h.len)
			break;
		done = vmm_frame(&h, in->buf + off + sizeof(h), io, status);
		off += sizeof(h) + h.len;
	}
	memmove(in->buf, in->buf + off, in->len - off);
	in->len -= off;
	return done;
}

static int relay_session(int fd, int sfd, const struct exec_io *io,
			 int *status, struct herr *e)
{
	struct strbuf in = {0};
	bool in_open = true;
	int r = -1;

	for (;;) {
		struct pollfd p[3] = {{.fd = fd, .events = POLLIN},
				      {.fd = in_open ? io->in : -1, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN}};
		char buf[PROTO_MAX / 2];
		ssize_t n;

		if (poll(p, 3, -1) < 0 && errno != EINTR) {
			herr_sys(e, "poll");
			break;
		}
		if (p[2].revents & POLLIN)
			on_signals(fd, sfd, io, e);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(io->in, buf, sizeof(buf));
			if (n > 0) {
				put(fd, PROTO_DATA, PROTO_STDIN, buf, (uint32_t)n, e);
			} else if (n == 0 || errno != EINTR) {
				/* EOF, or EIO: the engine closed the pty */
				put(fd, PROTO_EOF, PROTO_STDIN, NULL, 0, e);
				in_open = false;
			}
		} else if (p[1].revents & POLLNVAL) {
			in_open = false;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			herr_set(e, EPIPE, "sandbox: the VM went away before the "
				 "process's exit status");
			break;
		}
		strbuf_append(&in, buf, (size_t)n);
		if (vmm_frames(&in, io, status)) {
			r = 0;
			break;
		}
	}
	strbuf_free(&in);
	return r;
}

/* relays the session on fd until the process's EXIT; 0 with *code */
static int follow(int fd, struct exec_io *io, int *code, struct herr *e)
{
	_cleanup_close_ int sfd = -1;
	sigset_t set;
	uint16_t rc[2];
	int status = 0, r;

	/* the set a container's `exec` forwards, so both modes agree */
	set = wait_forwarded_signals();
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	/* a resize between the EXEC's winsize= and now */
	if (exec_io_size(io, rc) && put(fd, PROTO_RESIZE, 0, rc, sizeof(rc), e) < 0)
		return -1;
	r = relay_session(fd, sfd, io, &status, e);
	exec_io_close(io);
	if (r < 0)
		return -1;
	*code = wait_exit_code(status);
	return 0;
}

static int write_pid(const char *pid_file, pid_t pid, struct herr *e)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (!pid_file)
		return 0;
	if (write_file_atomic_at(AT_FDCWD, pid_file, buf, n, 0644, e) < 0)
		return herr_wrap(e, "--pid-file");
	return 0;
}

/* exec --detach: the process is in the guest, but conmon (podman exec)
 * and the containerd shim take the --pid-file's pid for it, read its
 * stdio and wait for its exit status.  A child of ours stands in: it
 * keeps our stdio (or the tty), relays the session and the signals it
 * gets, and exits with the process's code.  We return at once, as runc
 * does once the process runs. */
static int stand_in(int fd, struct exec_io *io, const char *pid_file,
		    struct herr *e)
{
	pid_t pid = fork();
	int code = 0;

	if (pid < 0)
		return herr_sys(e, "fork the exec's stand-in");
	if (pid == 0) {
		struct herr ce;
		exec_io_own_tty(io);
		if (follow(fd, io, &code, &ce) < 0) {
			log_fail(&ce);
			_exit(255);
		}
		_exit(code);
	}
	exec_io_close(io);
	if (write_pid(pid_file, pid, e) < 0) {
		kill(pid, SIGKILL);
		return -1;
	}
	return 0;
}

static int send_exec(int fd, struct launch *l, const struct exec_io *io,
		     struct herr *e)
{
	struct strbuf b = {0};
	uint16_t rc[2];
	char ws[32];
	int r;

	sandbox_process_items(&b, l->spec->process, l->env);
	sandbox_confine_items(&b, l->spec);
	if (l->spec->process->terminal)
		strbuf_append(&b, "terminal=1", sizeof("terminal=1"));
	/* the pty's size before the process can ask for it */
	if (exec_io_size(io, rc)) {
		snprintf(ws, sizeof(ws), "winsize=%u,%u", rc[0], rc[1]);
		strbuf_append(&b, ws, strlen(ws) + 1);
	}
	r = put(fd, PROTO_EXEC, 0, b.buf, (uint32_t)b.len, e);
	strbuf_free(&b);
	return r;
}

int sandbox_exec_client(struct launch *l, const struct exec_opts *x, int *code,
			struct herr *e)
{
	_cleanup_close_ int fd = -1;
	struct exec_io io;

	/* the exec's capabilities, noNewPrivileges and the container's
	 * seccomp filter, for the guest init to apply as for the process */
	if (security_prepare(l->spec, l->spec->process, &l->sec, e) < 0 ||
	    sandbox_confine_prepare(l->sec, e) < 0)
		return -1;
	fd = connect_vmm(l->c, e);
	if (fd < 0)
		return -1;
	if (exec_io_open(&io, l->spec->process, x->console_socket, e) < 0 ||
	    send_exec(fd, l, &io, e) < 0) {
		exec_io_close(&io);
		return -1;
	}
	*code = 0;
	if (x->detach)
		return stand_in(fd, &io, x->pid_file, e);
	exec_io_own_tty(&io);
	if (write_pid(x->pid_file, getpid(), e) < 0) {
		exec_io_close(&io);
		return -1;
	}
	return follow(fd, &io, code, e);
}

/* kill --all: every process of the guest (its init excepted), not only
 * the container's process that the VMM forwards its signals to */
int sandbox_signal_all(struct container *c, int sig, struct herr *e)
{
	_cleanup_close_ int fd = connect_vmm(c, e);
	uint32_t s = (uint32_t)sig;

	if (fd < 0)
		return -1;
	return put(fd, PROTO_SIGNAL, PROTO_SIGNAL_ALL, &s, 4, e);
}
