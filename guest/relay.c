/* The process: fork, set it up, exec; then relay its stdio to and from the
 * VMM, deliver the signals the VMM forwards, reap every orphan (we are PID
 * 1), and report the process's wait status.  `hutch exec` sessions are
 * processes of the same kind, numbered by the VMM (vmm/proto.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
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

/* process.terminal: a session of its own with the pty as its controlling
 * terminal and stdio */
static int tty_stdio(const char *slave)
{
	int fd;

	if (setsid() < 0 || (fd = open(slave, O_RDWR)) < 0 ||
	    ioctl(fd, TIOCSCTTY, 0) < 0)
		return -1;
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

/* an exec session: into the container process's namespaces (those it
 * unshared; the others are the init's anyway), the mount one last */
static const char *join_ns(pid_t pid)
{
	static const char *const ns[] = {"uts", "ipc", "cgroup", "mnt"};
	char path[64];

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, 0) < 0)
			return "enter the container process's namespaces";
		close(fd);
	}
	return NULL;
}

static __attribute__((noreturn)) void child(const struct config *c, int in[2],
					    int out[2], int err[2], int st[2],
					    const char *slave)
{
	char what[4200];
	const char *cf;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(st[0]);
	if (slave ? tty_stdio(slave) < 0
		  : dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
		child_fail(st[1], "stdio");
	ioperm(PROTO_PORT_MARKER, 4, 0); /* the process gets no port access */
	for (size_t i = 0; i < c->nrl; i++)
		if (setrlimit(c->rl[i].res, &c->rl[i].lim) < 0)
			child_fail(st[1], "setrlimit");
	if (c->has_umask)
		umask(c->umask);
	if (c->join && (cf = join_ns(c->join)))
		child_fail(st[1], cf);
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

/* a pty pair at the size the config (an exec's) or the VMM last gave; the
 * master */
static int open_pty(const struct config *c, char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    ptsname_r(m, slave, len) != 0)
		die("pty for process.terminal: %s", strerror(errno));
	if (c->rows)
		ioctl(m, TIOCSWINSZ, &(struct winsize){.ws_row = c->rows,
						       .ws_col = c->cols});
	else if (tty_size.ws_row)
		ioctl(m, TIOCSWINSZ, &tty_size);
	return m;
}

/* fork and exec; on an exec failure report it (status 127).  With a
 * terminal, the pty master carries stdin and stdout (*err_r = -1). */
static pid_t start(const struct config *c, uint16_t session, int *in_w,
		   int *out_r, int *err_r)
{
	int in[2], out[2], err[2], st[2], m = -1;
	char buf[512], slave[64];
	ssize_t n;
	pid_t pid;

	if (c->terminal)
		m = open_pty(c, slave, sizeof(slave));
	pipe2_or_die(in, O_CLOEXEC);
	pipe2_or_die(out, O_CLOEXEC);
	pipe2_or_die(err, O_CLOEXEC);
	pipe2_or_die(st, O_CLOEXEC);
	/* linux.namespaces pid: the process is pid 1 of a namespace of its
	 * own, and the exec sessions, forked after it, land in it too */
	if (!session && (c->unshare & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0)
		die("unshare the pid namespace: %s", strerror(errno));
	pid = fork();
	if (pid < 0 && session) {
		/* ENOMEM: the pid namespace died with the process */
		n = snprintf(buf, sizeof(buf), "fork: %s", strerror(errno));
		send_frame_s(PROTO_ERROR, 0, session, buf, (uint32_t)n);
		for (int *f = (int[]){in[0], in[1], out[0], out[1], err[0],
				       err[1], st[0], st[1], m, -2}; *f != -2; f++)
			if (*f >= 0)
				close(*f);
		*in_w = *out_r = *err_r = -1;
		return -1;
	}
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		child(c, in, out, err, st, m >= 0 ? slave : NULL);
	close(in[0]), close(out[1]), close(err[1]), close(st[1]);
	if (m >= 0) {
		close(in[1]), close(out[0]), close(err[0]);
		in[1] = fcntl(m, F_DUPFD_CLOEXEC, 3);
		out[0] = m;
		err[0] = -1;
	}
	do
		n = read(st[0], buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n > 0)
		send_frame_s(PROTO_ERROR, 0, session, buf, (uint32_t)n);
	else if (!session)
		marker(PROTO_MARKER_EXEC);
	*in_w = in[1], *out_r = out[0], *err_r = err[0];
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	return pid;
}

#define MAX_SESSIONS 64

/* one process and its pipes: [0] the container's, the others execs */
struct session {
	int used, done, status, cfg_terminal;
	pid_t pid;
	int in_w, out_r, err_r;
	struct config *cfg; /* exec sessions: their own, with its payload */
	char *payload;
};

static struct session ss[MAX_SESSIONS];
static int sfd = -1;
static char fbuf[sizeof(struct proto_hdr) + PROTO_MAX];
static size_t flen;

static struct session *by_id(uint16_t id)
{
	return id < MAX_SESSIONS && ss[id].used ? &ss[id] : NULL;
}

static void exec_session(uint16_t id, const char *p, uint32_t len)
{
	struct session *x;

	if (!id || id >= MAX_SESSIONS || ss[id].used) {
		uint32_t st = 127 << 8;
		send_frame_s(PROTO_ERROR, 0, id, "bad session", 11);
		send_frame_s(PROTO_EXIT, 0, id, &st, 4);
		return;
	}
	x = &ss[id];
	memset(x, 0, sizeof(*x));
	x->payload = malloc(len + 1);
	x->cfg = calloc(1, sizeof(*x->cfg));
	if (!x->payload || !x->cfg)
		die("out of memory for exec session %u", id);
	memcpy(x->payload, p, len);
	x->payload[len] = 0;
	parse_config(x->cfg, x->payload, len);
	if (!ss[0].done) {
		x->cfg->join = ss[0].pid;
		x->cfg->unshare = 0;
	}
	x->used = 1;
	x->cfg_terminal = x->cfg->terminal;
	x->pid = start(x->cfg, id, &x->in_w, &x->out_r, &x->err_r);
	if (x->pid < 0)
		x->done = 1, x->status = 127 << 8; /* main loop: EXIT */
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* one frame from the VMM (stdin data, EOF, signals, new exec sessions) */
static void frame(const struct proto_hdr *h, const char *p)
{
	struct session *x = by_id(h->session);
	uint32_t sig;

	if (h->type == PROTO_EXEC) {
		exec_session(h->session, p, h->len);
	} else if (h->type == PROTO_SIGNAL && h->stream == PROTO_SIGNAL_ALL &&
		   h->len >= 4) {
		/* kill --all: as runc signals each process of the cgroup;
		 * -1 is every process but ourselves */
		memcpy(&sig, p, 4);
		kill(-1, (int)sig);
	} else if (!x) {
		return; /* a session that ended meanwhile */
	} else if (h->type == PROTO_DATA && x->in_w >= 0) {
		/* a process that stopped reading loses its input rather than
		 * stalling the channel */
		if (write_all(x->in_w, p, h->len) < 0 && errno != EAGAIN)
			close_fd(&x->in_w);
	} else if (h->type == PROTO_EOF) {
		close_fd(&x->in_w);
	} else if (h->type == PROTO_RESIZE && h->len >= 4) {
		memcpy(&tty_size.ws_row, p, 2);
		memcpy(&tty_size.ws_col, p + 2, 2);
		/* the master: the kernel sends SIGWINCH to the process */
		if (x->cfg_terminal && x->out_r >= 0)
			ioctl(x->out_r, TIOCSWINSZ, &tty_size);
	} else if (h->type == PROTO_SIGNAL && h->len >= 4 && !x->done) {
		memcpy(&sig, p, 4);
		kill(x->pid, (int)sig);
	}
}

static void from_vmm(void)
{
	ssize_t n = read(chan, fbuf + flen, sizeof(fbuf) - flen);
	struct proto_hdr h;
	size_t off = 0;

	if (n <= 0)
		return;
	flen += (size_t)n;
	while (flen - off >= sizeof(h)) {
		memcpy(&h, fbuf + off, sizeof(h));
		if (h.len > PROTO_MAX)
			die("bad frame from the VMM");
		if (flen - off < sizeof(h) + h.len)
			break;
		frame(&h, fbuf + off + sizeof(h));
		off += sizeof(h) + h.len;
	}
	memmove(fbuf, fbuf + off, flen - off);
	flen -= off;
}

/* returns 0 at EOF */
static int pump(int *fd, uint8_t stream, uint16_t session)
{
	char buf[PROTO_MAX / 2];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {
		close_fd(fd);
		send_frame_s(PROTO_EOF, stream, session, NULL, 0);
		return 0;
	}
	send_frame_s(PROTO_DATA, stream, session, buf, (uint32_t)n);
	return 1;
}

static void reap(void)
{
	struct signalfd_siginfo si;
	int st;
	pid_t p;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		for (int i = 0; i < MAX_SESSIONS; i++)
			if (ss[i].used && !ss[i].done && ss[i].pid == p) {
				ss[i].status = st;
				ss[i].done = 1;
			}
}

/* an exec session whose process is gone: what it had buffered, then its
 * status (a grandchild holding the pipes does not keep it) */
static void end_session(uint16_t id)
{
	struct session *x = &ss[id];
	uint32_t st = (uint32_t)x->status;

	while (x->out_r >= 0 && pump(&x->out_r, PROTO_STDOUT, id))
		if (poll(&(struct pollfd){.fd = x->out_r, .events = POLLIN}, 1, 0) <= 0)
			break;
	while (x->err_r >= 0 && pump(&x->err_r, PROTO_STDERR, id))
		if (poll(&(struct pollfd){.fd = x->err_r, .events = POLLIN}, 1, 0) <= 0)
			break;
	close_fd(&x->in_w), close_fd(&x->out_r), close_fd(&x->err_r);
	send_frame_s(PROTO_EXIT, 0, id, &st, 4);
	free(x->cfg);
	free(x->payload);
	memset(x, 0, sizeof(*x));
}

/* the poll set: the channel, SIGCHLD, every session's stdout and stderr */
static int poll_set(struct pollfd *p, int *owner)
{
	int n = 2;

	p[0] = (struct pollfd){.fd = chan, .events = POLLIN};
	p[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
	for (int i = 0; i < MAX_SESSIONS; i++) {
		if (!ss[i].used)
			continue;
		owner[n] = i, p[n++] = (struct pollfd){.fd = ss[i].out_r, .events = POLLIN};
		owner[n] = i, p[n++] = (struct pollfd){.fd = ss[i].err_r, .events = POLLIN};
	}
	return n;
}

int relay(const struct config *c)
{
	struct pollfd p[2 + 2 * MAX_SESSIONS];
	int owner[2 + 2 * MAX_SESSIONS];
	struct session *m = &ss[0];
	sigset_t set;
	uint32_t status;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	m->used = 1;
	m->cfg_terminal = c->terminal;
	m->pid = start(c, 0, &m->in_w, &m->out_r, &m->err_r);
	/* until the process is gone and its output drained (a daemonized
	 * grandchild holding the pipes does not keep us: after the exit only
	 * what is already buffered is sent) */
	while (m->out_r >= 0 || m->err_r >= 0 || !m->done) {
		int n = poll_set(p, owner);
		int r = poll(p, (nfds_t)n, m->done ? 0 : -1);

		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (m->done && r == 0)
			break;
		if (p[0].revents & POLLIN)
			from_vmm();
		if (p[1].revents & POLLIN)
			reap();
		for (int k = 2; k < n; k++) {
			struct session *x = &ss[owner[k]];
			if (!x->used || !(p[k].revents & (POLLIN | POLLHUP)))
				continue;
			if (p[k].fd == x->out_r)
				pump(&x->out_r, PROTO_STDOUT, (uint16_t)owner[k]);
			else if (p[k].fd == x->err_r)
				pump(&x->err_r, PROTO_STDERR, (uint16_t)owner[k]);
		}
		for (int i = 1; i < MAX_SESSIONS; i++)
			if (ss[i].used && ss[i].done)
				end_session((uint16_t)i);
	}
	status = (uint32_t)m->status;
	sync();
	send_frame(PROTO_EXIT, 0, &status, 4);
	tcdrain(chan);
	power_off();
}
