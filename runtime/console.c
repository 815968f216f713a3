/* process.terminal: the pty comes from the container's own devpts (opened
 * after pivot_root), its slave becomes the init's stdio and /dev/console,
 * and the master goes to the engine through --console-socket (SCM_RIGHTS,
 * the protocol conmon and containerd use) or, for `run` in the foreground,
 * stays with us and is copied to our own terminal (wait.c). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "runtime/runtime.h"

static int bind_console(const char *pts, struct herr *e)
{
	int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	struct stat st;

	if (fd >= 0)
		close(fd);
	if (lstat("/dev/console", &st) < 0 || S_ISLNK(st.st_mode))
		return herr_set(e, 0, "/dev/console is not a file");
	if (mount(pts, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return herr_sys(e, "bind `%s` on /dev/console", pts);
	return 0;
}

int console_child_setup(const struct spec_process *p, bool bind,
			struct herr *e)
{
	_cleanup_close_ int master = -1;
	_cleanup_close_ int slave = -1;
	char pts[64];

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return herr_sys(e, "process.terminal: open /dev/ptmx");
	if (unlockpt(master) < 0 || ptsname_r(master, pts, sizeof(pts)) != 0)
		return herr_sys(e, "process.terminal: pty");
	slave = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return herr_sys(e, "process.terminal: open `%s`", pts);
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = p->console_height,
				     .ws_col = p->console_width};
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (bind && bind_console(pts, e) < 0)
		return herr_wrap(e, "process.terminal");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return herr_sys(e, "process.terminal: set controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return herr_sys(e, "process.terminal: dup2");
	return steal_fd(&master);
}

int console_send(const char *socket_path, int master, struct herr *e)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int s = -1;
	char name[] = "/dev/ptmx";
	struct iovec iov = {name, sizeof(name) - 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return herr_set(e, ENAMETOOLONG, "--console-socket `%s`",
				socket_path);
	strcpy(addr.sun_path, socket_path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return herr_sys(e, "--console-socket `%s`", socket_path);
	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0)
		return herr_sys(e, "--console-socket `%s`: send", socket_path);
	return 0;
}

