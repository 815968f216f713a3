/* `run` in the foreground: forward signals, copy the pty, reap the init. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

#include "runtime/runtime.h"

sigset_t wait_forwarded_signals(void)
{
	sigset_t s;

	sigfillset(&s);
	/* cannot be caught; or ours to handle */
	sigdelset(&s, SIGKILL);
	sigdelset(&s, SIGSTOP);
	sigdelset(&s, SIGURG);
	/* synchronous faults must stay deliverable to us */
	sigdelset(&s, SIGSEGV);
	sigdelset(&s, SIGBUS);
	sigdelset(&s, SIGILL);
	sigdelset(&s, SIGFPE);
	sigdelset(&s, SIGTRAP);
	sigdelset(&s, SIGSYS);
	return s;
}

void wait_block_signals(void)
{
	sigset_t s = wait_forwarded_signals();
	sigprocmask(SIG_BLOCK, &s, NULL);
}

int wait_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* one read/write step; false when the source is done */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	return write_all(to, buf, n) == 0;
}

static bool on_signal(int sfd, pid_t pid, int master, bool tty)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			return true; /* check the init below */
		if (si.ssi_signo == SIGWINCH) {
			if (tty && master >= 0)
				copy_winsize(0, master);
			continue;
		}
		kill(pid, si.ssi_signo);
	}
	return false;
}

static int loop(pid_t pid, int master, bool tty, int *status)
{
	sigset_t s = wait_forwarded_signals();
	_cleanup_close_ int sfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
	bool in_open = master >= 0;

	if (sfd < 0)
		return -1;
	for (;;) {
		struct pollfd p[3] = {{sfd, POLLIN, 0},
				      {master, POLLIN, 0},
				      {in_open ? 0 : -1, POLLIN, 0}};
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return -1;
		if (p[0].revents)
			on_signal(sfd, pid, master, tty);
		if (p[2].revents && !pump(0, master))
			in_open = false;
		if (p[1].revents & POLLIN)
			pump(master, 1);
	}
	/* what the workload wrote just before it exited */
	if (master >= 0) {
		int fl = fcntl(master, F_GETFL);
		fcntl(master, F_SETFL, fl | O_NONBLOCK);
		for (;;) {
			errno = 0;
			if (!pump(master, 1) || errno == EAGAIN)
				break;
		}
	}
	return 0;
}

int wait_container(pid_t pid, int master, int *status, struct herr *e)
{
	struct termios saved, raw;
	bool tty = master >= 0 && tcgetattr(0, &saved) == 0;
	int r;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		copy_winsize(0, master);
	}
	r = loop(pid, master, tty, status);
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	if (r < 0)
		return herr_sys(e, "wait for the container");
	return 0;
}
