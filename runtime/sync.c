/* The parent/child protocol of `create`: typed messages on a SOCK_SEQPACKET
 * socketpair, each optionally carrying one fd (SCM_RIGHTS).  A child that
 * dies shows up as EOF, so the parent never waits on a dead child. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/runtime.h"

int sync_send(int sock, enum sync_type type, const void *data, size_t len,
	      int fd, struct herr *e)
{
	struct sync_hdr hdr = {.type = type, .len = len};
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)data, len}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};

	if (len > SYNC_MAX_PAYLOAD)
		return herr_set(e, EMSGSIZE, "sync message %d", type);
	if (fd >= 0) {
		struct cmsghdr *c;
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return herr_sys(e, "send sync message %d", type);
	}
	return 0;
}

int sync_recv(int sock, struct sync_msg *m, struct herr *e)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov[2] = {{&m->hdr, sizeof(m->hdr)},
			       {m->data, SYNC_MAX_PAYLOAD}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n;

	m->fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return herr_sys(e, "receive sync message");
	if (n == 0)
		return herr_set(e, EPIPE, "the container process exited "
				"before it was set up");
	if ((size_t)n < sizeof(m->hdr) || m->hdr.len != n - sizeof(m->hdr))
		return herr_set(e, EPROTO, "malformed sync message");
	m->data[m->hdr.len] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&m->fd, CMSG_DATA(c), sizeof(int));
	return m->hdr.type;
}

/* child -> parent: report the error and let the parent print it */
void sync_send_error(int sock, const struct herr *e)
{
	struct herr ignored;
	sync_send(sock, SYNC_ERROR, e->msg, strlen(e->msg), -1, &ignored);
}
