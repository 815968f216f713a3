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
static int vmm_frame(const struct proto_hdr *h, const char *p, int *status)
{
	uint32_t v = 0;

	if (h->type == PROTO_DATA)
		write_all(h->stream == PROTO_STDERR ? 2 : 1, p, h->len);
	else if (h->type == PROTO_ERROR)
		dprintf(2, "hutch: exec: %.*s\n", (int)h->len, p);
	if (h->type != PROTO_EXIT)
		return 0;
	if (h->len >= 4)
		memcpy(&v, p, 4);
	*status = (int)v;
	return 1;
}

static int relay(int fd, int sfd, int *status, struct herr *e)
{
	struct strbuf in = {0};
	bool stdin_open = true;
	int r = -1;

	for (;;) {
		struct pollfd p[3] = {{.fd = fd, .events = POLLIN},
				      {.fd = stdin_open ? 0 : -1, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN}};
		char buf[PROTO_MAX / 2];
		struct signalfd_siginfo si;
		struct proto_hdr h;
		ssize_t n;

		if (poll(p, 3, -1) < 0 && errno != EINTR) {
			herr_sys(e, "poll");
			break;
		}
		if (p[2].revents & POLLIN && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			uint32_t sig = si.ssi_signo;
			put(fd, PROTO_SIGNAL, 0, &sig, 4, e);
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(0, buf, sizeof(buf));
			if (n > 0) {
				put(fd, PROTO_DATA, PROTO_STDIN, buf, (uint32_t)n, e);
			} else if (n == 0 || errno != EINTR) {
				put(fd, PROTO_EOF, PROTO_STDIN, NULL, 0, e);
				stdin_open = false;
			}
		} else if (p[1].revents & POLLNVAL) {
			stdin_open = false;
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
		size_t off = 0;
		int done = 0;
		while (!done && in.len - off >= sizeof(h)) {
			memcpy(&h, in.buf + off, sizeof(h));
			if (h.len > PROTO_MAX || in.len - off < sizeof(h) + h.len)
				break;
			done = vmm_frame(&h, in.buf + off + sizeof(h), status);
			off += sizeof(h) + h.len;
		}
		memmove(in.buf, in.buf + off, in.len - off);
		in.len -= off;
		if (done) {
			r = 0;
			break;
		}
	}
	strbuf_free(&in);
	return r;
}

int sandbox_exec_client(struct launch *l, bool detach, int *code,
			struct herr *e)
{
	_cleanup_close_ int fd = -1, sfd = -1;
	struct strbuf b = {0};
	sigset_t set;
	int status = 0, r;

	if (l->spec->process->terminal)
		return herr_set(e, ENOTSUP, "sandbox: exec --tty: the guest "
				"has no pty for exec sessions in this build");
	/* the exec's capabilities, noNewPrivileges and the container's
	 * seccomp filter, for the guest init to apply as for the process */
	if (security_prepare(l->spec, l->spec->process, &l->sec, e) < 0 ||
	    sandbox_confine_prepare(l->sec, e) < 0)
		return -1;
	fd = connect_vmm(l->c, e);
	if (fd < 0)
		return -1;
	sandbox_process_items(&b, l->spec->process, l->env);
	sandbox_confine_items(&b, l->spec);
	r = put(fd, PROTO_EXEC, 0, b.buf, (uint32_t)b.len, e);
	strbuf_free(&b);
	if (r < 0)
		return -1;
	*code = 0;
	if (detach) /* the VMM keeps the session running without us */
		return 0;
	sigemptyset(&set);
	for (int s = SIGHUP; s <= SIGTERM; s++)
		if (s != SIGKILL && s != SIGSEGV && s != SIGBUS &&
		    s != SIGILL && s != SIGFPE && s != SIGTRAP && s != SIGPIPE)
			sigaddset(&set, s);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (relay(fd, sfd, &status, e) < 0)
		return -1;
	*code = wait_exit_code(status);
	return 0;
}
