/* `hutch exec --tty` into a sandboxed container: the guest init gives the
 * process a pty of the guest (its line discipline, its job control); the
 * host end is a plain byte pipe to it.  Without --console-socket that is
 * our own terminal, in raw mode while the process runs; with one, a host
 * pty whose master goes to the engine (conmon, the containerd shim) and
 * whose slave, raw, we relay.  Resizes travel as RESIZE frames: we learn
 * of them by SIGWINCH, so the relaying process makes the slave its
 * controlling terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/runtime.h"
#include "runtime/sandbox.h"

static void make_raw(int fd, struct termios *saved, bool *restore)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return;
	if (saved) {
		*saved = t;
		*restore = true;
	}
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

static int host_pty(struct exec_io *io, const struct spec_process *p,
		    const char *console_socket, struct herr *e)
{
	_cleanup_close_ int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char slave[64];
	int s;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    ptsname_r(m, slave, sizeof(slave)) != 0)
		return herr_sys(e, "sandbox: exec --tty: a host pty");
	s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return herr_sys(e, "sandbox: exec --tty: open `%s`", slave);
	make_raw(s, NULL, NULL);
	/* process.consoleSize, as a container's pty gets it (the engine may
	 * resize later) */
	if (p->has_console_size)
		ioctl(m, TIOCSWINSZ, &(struct winsize){.ws_row = p->console_height,
						       .ws_col = p->console_width});
	io->in = io->out = io->err = io->tty = io->slave = s;
	if (console_send(console_socket, m, e) < 0)
		return -1;
	return 0;
}

int exec_io_open(struct exec_io *io, const struct spec_process *p,
		 const char *console_socket, struct herr *e)
{
	*io = (struct exec_io){.in = 0, .out = 1, .err = 2, .tty = -1,
			       .slave = -1};
	if (!p->terminal)
		return 0;
	if (console_socket)
		return host_pty(io, p, console_socket, e);
	if (isatty(0)) {
		make_raw(0, &io->saved, &io->restore);
		io->tty = 0;
	}
	return 0;
}

void exec_io_own_tty(struct exec_io *io)
{
	/* fails for a process group leader (a foreground `hutch exec` run
	 * from a shell): the process then keeps the size it started with */
	if (io->slave >= 0 && setsid() >= 0)
		ioctl(io->slave, TIOCSCTTY, 0);
}

void exec_io_close(struct exec_io *io)
{
	if (io->restore)
		tcsetattr(0, TCSANOW, &io->saved);
	io->restore = false;
	if (io->slave >= 0)
		close(io->slave);
	io->slave = -1;
}

bool exec_io_size(const struct exec_io *io, uint16_t rc[2])
{
	struct winsize ws;

	if (io->tty < 0 || ioctl(io->tty, TIOCGWINSZ, &ws) < 0 || !ws.ws_row)
		return false;
	rc[0] = ws.ws_row, rc[1] = ws.ws_col;
	return true;
}
