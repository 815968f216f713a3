/* linux.seccomp.listenerPath (config-linux.md, runtime.md "Container
 * process state"): one connection per container, one message: the
 * container process state as JSON with the listener fd attached
 * (SCM_RIGHTS), then close. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <yajl/yajl_tree.h>

#include "security/internal.h"

/* {"ociVersion":..., "fds":["seccompFd"], "pid":N, "metadata":...,
 *  "state":{...}} with pid and ociVersion taken from the state */
static int process_state(const char *state_json, const char *metadata,
			 struct strbuf *b, struct herr *e)
{
	const char *pid_path[] = {"pid", NULL}, *ver_path[] = {"ociVersion",
							       NULL};
	char err[128];
	yajl_val st = yajl_tree_parse(state_json, err, sizeof(err));
	yajl_val pid, ver;

	if (!st || !YAJL_IS_OBJECT(st)) {
		yajl_tree_free(st);
		return herr_set(e, 0, "the container state is not a JSON "
				"object");
	}
	pid = yajl_tree_get(st, pid_path, yajl_t_number);
	ver = yajl_tree_get(st, ver_path, yajl_t_string);
	strbuf_puts(b, "{\"ociVersion\":");
	strbuf_json_string(b, ver ? YAJL_GET_STRING(ver) : "1.2.0");
	strbuf_puts(b, ",\"fds\":[\"seccompFd\"],\"pid\":");
	strbuf_printf(b, "%lld", pid && YAJL_IS_INTEGER(pid) ?
					 YAJL_GET_INTEGER(pid) : 0LL);
	if (metadata) {
		strbuf_puts(b, ",\"metadata\":");
		strbuf_json_string(b, metadata);
	}
	strbuf_puts(b, ",\"state\":");
	strbuf_puts(b, state_json);
	strbuf_puts(b, "}");
	yajl_tree_free(st);
	return 0;
}

static int send_with_fd(int sock, const struct strbuf *b, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = b->buf, .iov_len = b->len};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cbuf,
			   .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	ssize_t n;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* a stream socket may take less: the fd went with the first byte */
	return write_all(sock, b->buf + n, b->len - n);
}

int security_send_listener(const char *path, int fd, const char *state_json,
			   const char *metadata, struct herr *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int sock = -1;
	struct strbuf b = {0};
	int r;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return herr_set(e, ENAMETOOLONG, "listenerPath `%s`",
				path ? path : "");
	strcpy(sa.sun_path, path);
	if (process_state(state_json, metadata, &b, e) < 0)
		return -1;
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		strbuf_free(&b);
		return herr_sys(e, "listenerPath: socket");
	}
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		strbuf_free(&b);
		return herr_sys(e, "connect to listenerPath `%s`", path);
	}
	r = send_with_fd(sock, &b, fd);
	strbuf_free(&b);
	if (r < 0)
		return herr_sys(e, "send the seccomp fd to listenerPath `%s`",
				path);
	return 0;
}
