/* recvtty [--resize ROWSxCOLS] SOCKET [INPUT]: the console-socket receiver
 * of the tests, like conmon's side of --console-socket: listen on SOCKET,
 * take one pty master by SCM_RIGHTS, write INPUT (if given) into it, then
 * copy what the container writes to stdout until the pty closes.  Prints
 * "recvtty: fd received" first, so a test can tell the fd arrived.  With
 * --resize, the pty gets that size once the container has printed
 * "ready". */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive_fd(int conn)
{
	char data[64];
	struct iovec iov = {data, sizeof(data)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(conn, &msg, 0) < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int s, conn, master;
	char buf[4096];
	struct winsize ws = {0};
	ssize_t n;

	if (argc > 3 && !strcmp(argv[1], "--resize")) {
		unsigned r, c;
		if (sscanf(argv[2], "%ux%u", &r, &c) != 2)
			return 2;
		ws.ws_row = (unsigned short)r, ws.ws_col = (unsigned short)c;
		argv += 2, argc -= 2;
	}
	if (argc < 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvtty [--resize RxC] SOCKET [INPUT]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(s, 1) < 0) {
		perror("recvtty: socket");
		return 1;
	}
	conn = accept(s, NULL, NULL);
	master = conn < 0 ? -1 : receive_fd(conn);
	if (master < 0) {
		perror("recvtty: receive");
		return 1;
	}
	printf("recvtty: fd received\n");
	fflush(stdout);
	if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0)
		perror("recvtty: write");
	while ((n = read(master, buf, sizeof(buf) - 1)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && write(1, buf, n) < 0)
			break;
		buf[n > 0 ? n : 0] = 0;
		if (ws.ws_row && strstr(buf, "ready")) {
			ioctl(master, TIOCSWINSZ, &ws);
			ws.ws_row = 0;
		}
	}
	return 0;
}
