/* The process: fork, set it up, exec; then relay its stdio to and from the
 * VMM, deliver the signals the VMM forwards, reap every orphan (we are PID
 * 1), and report the process's wait status. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/io.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "guest/guest.h"

extern char **environ;

static __attribute__((noreturn)) void child_fail(int err_fd, const char *what)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s: %s", what, strerror(errno));

	if (write(err_fd, buf, (size_t)n) < 0) {
		/* the parent learns from the exit status alone */
	}
	_exit(127);
}

static __attribute__((noreturn)) void child(const struct config *c, int in[2],
					    int out[2], int err[2], int st[2])
{
	char what[4200];
	const char *cf;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(st[0]);
	if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
		child_fail(st[1], "stdio");
	ioperm(PROTO_PORT_MARKER, 4, 0); /* the process gets no port access */
	for (size_t i = 0; i < c->nrl; i++)
		if (setrlimit(c->rl[i].res, &c->rl[i].lim) < 0)
			child_fail(st[1], "setrlimit");
	if (c->has_umask)
		umask(c->umask);
	if ((cf = confine_before_user(c)))
		child_fail(st[1], cf);
	if (setgroups(c->ngids, c->gids) < 0)
		child_fail(st[1], "setgroups");
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		child_fail(st[1], "setgid");
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		child_fail(st[1], "setuid");
	snprintf(what, sizeof(what), "chdir to `%s` (process.cwd)", c->cwd);
	if (chdir(c->cwd) < 0)
		child_fail(st[1], what);
	environ = (char **)c->env;
	if ((cf = confine_after_user(c)))
		child_fail(st[1], cf);
	execvp(c->args[0], (char **)c->args);
	snprintf(what, sizeof(what), "exec `%s`", c->args[0]);
	child_fail(st[1], what);
}

static int pipe2_or_die(int p[2], int flags)
{
	if (pipe2(p, flags) < 0)
		die("pipe: %s", strerror(errno));
	return 0;
}

/* fork and exec; on an exec failure report it (status 127) */
static pid_t start(const struct config *c, int *in_w, int *out_r, int *err_r)
{
	int in[2], out[2], err[2], st[2];
	char buf[512];
	ssize_t n;
	pid_t pid;

	pipe2_or_die(in, O_CLOEXEC);
	pipe2_or_die(out, O_CLOEXEC);
	pipe2_or_die(err, O_CLOEXEC);
	pipe2_or_die(st, O_CLOEXEC);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		child(c, in, out, err, st);
	close(in[0]), close(out[1]), close(err[1]), close(st[1]);
	do
		n = read(st[0], buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n > 0) {
		send_frame(PROTO_ERROR, 0, buf, (uint32_t)n);
	} else {
		marker(PROTO_MARKER_EXEC);
	}
	*in_w = in[1], *out_r = out[0], *err_r = err[0];
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	return pid;
}

struct relay_state {
	pid_t pid;
	int in_w, out_r, err_r, sfd;
	int status;
	int done;
	char frame[sizeof(struct proto_hdr) + PROTO_MAX];
	size_t flen;
};

/* frames from the VMM (stdin data, EOF, signals) */
static void from_vmm(struct relay_state *s)
{
	ssize_t n = read(chan, s->frame + s->flen, sizeof(s->frame) - s->flen);
	struct proto_hdr h;
	size_t off = 0;

	if (n <= 0)
		return;
	s->flen += (size_t)n;
	while (s->flen - off >= sizeof(h)) {
		memcpy(&h, s->frame + off, sizeof(h));
		if (h.len > PROTO_MAX)
			die("bad frame from the VMM");
		if (s->flen - off < sizeof(h) + h.len)
			break;
		const char *p = s->frame + off + sizeof(h);
		if (h.type == PROTO_DATA && s->in_w >= 0) {
			/* a process that stopped reading loses its input
			 * rather than stalling the channel */
			if (write_all(s->in_w, p, h.len) < 0 && errno != EAGAIN) {
				close(s->in_w);
				s->in_w = -1;
			}
		} else if (h.type == PROTO_EOF && s->in_w >= 0) {
			close(s->in_w);
			s->in_w = -1;
		} else if (h.type == PROTO_SIGNAL && h.len >= 4) {
			uint32_t sig;
			memcpy(&sig, p, 4);
			kill(s->pid, (int)sig);
		}
		off += sizeof(h) + h.len;
	}
	memmove(s->frame, s->frame + off, s->flen - off);
	s->flen -= off;
}

/* returns 0 at EOF */
static int pump(int *fd, uint8_t stream)
{
	char buf[PROTO_MAX / 2];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		send_frame(PROTO_EOF, stream, NULL, 0);
		return 0;
	}
	send_frame(PROTO_DATA, stream, buf, (uint32_t)n);
	return 1;
}

static void reap(struct relay_state *s)
{
	struct signalfd_siginfo si;
	int st;
	pid_t p;

	while (read(s->sfd, &si, sizeof(si)) == sizeof(si))
		;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == s->pid) {
			s->status = st;
			s->done = 1;
		}
}

int relay(const struct config *c)
{
	static struct relay_state s;
	sigset_t set;
	uint32_t status;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	s.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	s.pid = start(c, &s.in_w, &s.out_r, &s.err_r);
	/* until the process is gone and its output drained (a daemonized
	 * grandchild holding the pipes does not keep us: after the exit only
	 * what is already buffered is sent) */
	while (s.out_r >= 0 || s.err_r >= 0 || !s.done) {
		struct pollfd p[4] = {{.fd = chan, .events = POLLIN},
				      {.fd = s.sfd, .events = POLLIN},
				      {.fd = s.out_r, .events = POLLIN},
				      {.fd = s.err_r, .events = POLLIN}};
		int n = poll(p, 4, s.done ? 0 : -1);

		if (n < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (s.done && n == 0)
			break;
		if (p[0].revents & POLLIN)
			from_vmm(&s);
		if (p[1].revents & POLLIN)
			reap(&s);
		if (p[2].revents & (POLLIN | POLLHUP))
			pump(&s.out_r, PROTO_STDOUT);
		if (p[3].revents & (POLLIN | POLLHUP))
			pump(&s.err_r, PROTO_STDERR);
	}
	status = (uint32_t)s.status;
	sync();
	send_frame(PROTO_EXIT, 0, &status, 4);
	tcdrain(chan);
	power_off();
}
