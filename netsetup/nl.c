/* Netlink sockets (rtnetlink, nfnetlink) and batches of acknowledged
 * requests: several messages leave in one sendmsg and every one of them is
 * answered, so a whole container's configuration costs one round trip. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netsetup/internal.h"

static int open_here(struct nl *n, int bus, struct herr *e)
{
	/* a stuck kernel answer must not hang `hutch create` forever */
	struct timeval tv = {.tv_sec = 10};
	int one = 1;

	n->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!n->sock)
		return herr_sys(e, "open netlink socket");
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;
		nl_close(n);
		return herr_set(e, err, "bind netlink socket");
	}
	/* the kernel's own words on a refused request (extended ack), and
	 * no copy of our request in each ack */
	mnl_socket_setsockopt(n->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(n->sock), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = (uint32_t)now_ns();
	return 0;
}

int nl_open(struct nl *n, int bus, int netns_fd, struct herr *e)
{
	_cleanup_close_ int self = -1;
	int r;

	n->sock = NULL;
	if (netns_fd < 0)
		return open_here(n, bus, e);
	/* a socket stays in the namespace it was made in: enter the
	 * container's namespace just long enough to make one */
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return herr_sys(e, "open /proc/thread-self/ns/net");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return herr_sys(e, "enter the container's network namespace");
	r = open_here(n, bus, e);
	if (setns(self, CLONE_NEWNET) < 0) {
		int err = errno;
		nl_close(n);
		return herr_set(e, err, "return to the host's network "
				"namespace");
	}
	return r;
}

void nl_close(struct nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	n->sock = NULL;
}

/* -errno, so callers can tell ENODEV and ENOENT from real failures */
static int sys_fail(struct herr *e, const char *op, const char *what)
{
	int err = errno ? errno : EIO;

	herr_set(e, err, "%s (%s)", op, what ? what : "request");
	return -err;
}

void nlreq_init(struct nl *n, struct nlreq *q)
{
	q->len = 0;
	q->last = NULL;
	q->n = 0;
	q->seq0 = n->seq;
}

static void commit_last(struct nlreq *q)
{
	if (q->last)
		q->len += MNL_ALIGN(q->last->nlmsg_len);
	q->last = NULL;
}

struct nlmsghdr *nlreq_add(struct nl *n, struct nlreq *q, uint16_t type,
			   uint16_t flags, const char *what)
{
	struct nlmsghdr *nlh;

	commit_last(q);
	/* callers queue a handful of small messages; running out is a bug */
	if (q->n == NLREQ_MAX || q->len + 4096 > sizeof(q->buf))
		abort();
	nlh = mnl_nlmsg_put_header(q->buf + q->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = n->seq++;
	q->what[q->n] = what;
	q->acked[q->n] = flags & NLM_F_ACK;
	q->n++;
	q->last = nlh;
	return nlh;
}

/* NLMSGERR_ATTR_MSG of an extended ack, or NULL */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err), total = mnl_nlmsg_get_payload_len(nlh);
	const char *p = (const char *)err;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	while (off + sizeof(struct nlattr) <= total) {
		const struct nlattr *a = (const struct nlattr *)(p + off);
		if (!mnl_attr_ok(a, (int)(total - off)))
			break;
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
		off += MNL_ALIGN(a->nla_len);
	}
	return NULL;
}

static int fail_msg(const struct nlmsghdr *nlh, const char *what,
		    struct herr *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const char *ext = ext_ack_msg(nlh);

	herr_set(e, -err->error, "%s", what ? what : "netlink request");
	if (ext && *ext) {
		size_t used = strlen(e->msg);
		snprintf(e->msg + used, sizeof(e->msg) - used, " (%s)", ext);
	}
	return err->error;
}

/* one received buffer: acks counted, data to cb; <0 on the first error */
static void handle(struct nl *n, struct nlreq *q, const char *buf, size_t len,
		  unsigned *pending, int *first_err, mnl_cb_t cb, void *data,
		  struct herr *e)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		uint32_t i = nlh->nlmsg_seq - q->seq0;
		if (nlh->nlmsg_pid != n->portid || i >= q->n)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err =
				mnl_nlmsg_get_payload(nlh);
			(*pending)--;
			if (err->error && !*first_err)
				*first_err = fail_msg(nlh, q->what[i], e);
		} else if (cb && cb(nlh, data) < MNL_CB_OK && !*first_err) {
			*first_err = herr_set(e, EPROTO, "%s: bad reply",
					      q->what[i]);
		}
	}
}

int nlreq_run(struct nl *n, struct nlreq *q, mnl_cb_t cb, void *data,
	      struct herr *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned pending = 0;
	int first_err = 0;

	commit_last(q);
	for (unsigned i = 0; i < q->n; i++)
		pending += q->acked[i];
	if (mnl_socket_sendto(n->sock, q->buf, q->len) < 0)
		return sys_fail(e, "netlink send", q->what[0]);
	while (pending) {
		ssize_t r = mnl_socket_recvfrom(n->sock, buf, sizeof(buf));
		if (r < 0)
			return sys_fail(e, "netlink receive", q->what[0]);
		handle(n, q, buf, (size_t)r, &pending, &first_err, cb, data, e);
	}
	return first_err;
}

int nl_dump(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	    struct herr *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq = n->seq++;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return sys_fail(e, "netlink send", "dump");
	do {
		ssize_t len = mnl_socket_recvfrom(n->sock, buf, sizeof(buf));
		if (len < 0)
			return sys_fail(e, "netlink receive", "dump");
		errno = 0;
		r = mnl_cb_run(buf, (size_t)len, seq, n->portid, cb, data);
	} while (r > MNL_CB_STOP);
	if (r < 0) {
		if (!errno)
			errno = EPROTO;
		return sys_fail(e, "netlink", "dump");
	}
	return 0;
}
