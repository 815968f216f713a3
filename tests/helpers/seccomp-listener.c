/* seccomp-listener SOCKET STATE_FILE MODE: a seccomp agent for the tests.
 * Listens on the AF_UNIX SOCKET (linux.seccomp.listenerPath), takes one
 * connection: the container process state (JSON, written to STATE_FILE)
 * with the listener fd (SCM_RIGHTS).  Then answers every notification
 * until the container is gone:
 *   mkdir/mkdirat: MODE "ok" fakes success (nothing is created),
 *                  MODE N (a number) fails it with errno N;
 *   anything else: lets the kernel run it (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 * Prints "answered N" at the end.  Runs on the host, started by bats. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_state(int conn, const char *state_file)
{
	static char buf[65536];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	size_t total = 0;
	ssize_t n;
	int fd = -1;
	FILE *f;

	n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	total = n;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	/* the runtime closes after one message: read to EOF */
	while (total < sizeof(buf) - 1 &&
	       (n = read(conn, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	f = fopen(state_file, "w");
	if (f) {
		fputs(buf, f);
		fclose(f);
	}
	return fd;
}

static int answer(int fd, const char *mode)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == EINTR ? 0 : -1;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (req.data.nr == __NR_mkdir || req.data.nr == __NR_mkdirat) {
		if (strcmp(mode, "ok"))
			resp.error = -atoi(mode);
	} else {
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	/* ENOENT: the caller died meanwhile */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return -1;
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ls, conn, fd, n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: seccomp-listener SOCKET STATE MODE\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 1) < 0) {
		perror("seccomp-listener: listen");
		return 1;
	}
	conn = accept(ls, NULL, NULL);
	if (conn < 0 || (fd = recv_state(conn, argv[2])) < 0) {
		fprintf(stderr, "seccomp-listener: no fd received\n");
		return 1;
	}
	close(conn);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r;

		if (poll(&p, 1, 20000) <= 0 || (p.revents & POLLHUP))
			break; /* every process of the filter is gone */
		r = answer(fd, argv[3]);
		if (r < 0)
			break;
		n += r;
	}
	printf("answered %d\n", n);
	return 0;
}
