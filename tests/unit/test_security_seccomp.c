/* security/: seccomp profiles compiled, cached, loaded for real in forked
 * children, and the listener fd handed to an agent. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "security/internal.h"
#include "tests/unit/security_child.h"
#include "tests/unit/unit.h"

static char *n_mkdir[] = {"mkdir", "mkdirat"};
static char *n_dup[] = {"dup"};
static char *n_socket[] = {"socket"};
static char *n_unknown[] = {"no_such_syscall_hutch", "getppid"};

static struct spec_seccomp allow_but(struct spec_seccomp_syscall *sys,
				     size_t n)
{
	return (struct spec_seccomp){.default_action = "SCMP_ACT_ALLOW",
				     .syscalls = sys, .nsyscalls = n};
}

static struct security *prepare(struct spec_seccomp *sc, bool nnp)
{
	static struct spec_linux lin;
	static struct spec_process p;
	struct spec s = {.process = &p, .linux = &lin};
	struct security *sec = NULL;
	struct herr e;

	lin.seccomp = sc;
	p.no_new_privileges = nnp;
	if (security_prepare(&s, &p, &sec, &e) < 0)
		printf("#   prepare: %s\n", e.msg);
	return sec;
}

static int apply_both(struct security *sec)
{
	struct herr e;
	int fd1, fd2;

	if (security_apply(sec, &fd1, &e) < 0 ||
	    security_apply_late(sec, &fd2, &e) < 0) {
		printf("#   apply: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int check_mkdir_eperm(void *arg)
{
	EXPECT(apply_both(arg) == 0);
	EXPECT(mkdir("/tmp/hutch-unit-never", 0700) < 0 && errno == EPERM);
	EXPECT(getpid() > 0 && open("/dev/null", O_RDONLY) >= 0);
	return 0;
}

static int check_mkdir_1234(void *arg)
{
	EXPECT(apply_both(arg) == 0);
	EXPECT(mkdir("/tmp/hutch-unit-never", 0700) < 0 && errno == 1234);
	return 0;
}

TEST(errno_rule_denies_only_its_syscall)
{
	struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 2,
					 .action = "SCMP_ACT_ERRNO"};
	struct spec_seccomp sc = allow_but(&r, 1);

	for (int nnp = 0; nnp < 2; nnp++) {
		struct security *sec = prepare(&sc, nnp);
		CHECK(sec && in_child(check_mkdir_eperm, sec) == 0);
		security_free(sec);
	}
}

static int check_errno_ret(void *arg)
{
	EXPECT(apply_both(arg) == 0);
	EXPECT(mkdir("/tmp/hutch-unit-never", 0700) < 0 && errno == 42);
	/* defaultErrnoRet for everything not listed */
	EXPECT(syscall(SYS_getppid) < 0 && errno == 77);
	/* but ENOSYS above every syscall the profile names (libc falls back
	 * only on ENOSYS), as runc does */
	EXPECT(syscall(1000) < 0 && errno == ENOSYS);
	EXPECT(syscall(SYS_prlimit64 + 1) < 0 && errno == ENOSYS);
	EXPECT(syscall(SYS_prlimit64 - 1) < 0 && errno == 77);
	return 0;
}

TEST(errno_ret_and_default_errno_ret)
{
	struct spec_seccomp_syscall r[] = {
		{.names = n_mkdir, .nnames = 2, .action = "SCMP_ACT_ERRNO",
		 .has_errno_ret = true, .errno_ret = 42},
		/* unknown names are skipped, the rest of the entry stays */
		{.names = (char *[]){"exit", "exit_group", "open", "openat",
				     "write", "read", "close", "fstat",
				     "newfstatat", "lseek", "brk",
				     "mmap", "munmap",
				     /* what ASan's runtime needs */
				     "mprotect", "madvise", "rt_sigprocmask",
				     "rt_sigaction", "sigaltstack", "getpid",
				     "gettid", "tgkill", "futex", "prctl",
				     "sched_yield", "readlink", "getrlimit",
				     "prlimit64"},
		 .nnames = 27, .action = "SCMP_ACT_ALLOW"},
	};
	struct spec_seccomp sc = {.default_action = "SCMP_ACT_ERRNO",
				  .has_default_errno_ret = true,
				  .default_errno_ret = 77,
				  .syscalls = r, .nsyscalls = 2};
	struct security *sec = prepare(&sc, true);

	CHECK(sec && in_child(check_errno_ret, sec) == 0);
	security_free(sec);
}

static int call_mkdir(void *arg)
{
	if (apply_both(arg) < 0)
		return 3;
	mkdir("/tmp/hutch-unit-never", 0700);
	return 0;
}

TEST(kill_and_trap_actions_deliver_sigsys)
{
	const char *acts[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
			      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"};

	for (int i = 0; i < 4; i++) {
		struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 2,
						 .action = (char *)acts[i]};
		struct spec_seccomp sc = allow_but(&r, 1);
		struct security *sec = prepare(&sc, true);
		int st = in_child(call_mkdir, sec);

		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
		if (!WIFSIGNALED(st))
			printf("#   %s: status %#x\n", acts[i], st);
		security_free(sec);
	}
}

static int check_args(void *arg)
{
	int s;

	EXPECT(apply_both(arg) == 0);
	/* MASKED_EQ: (fd & 0xf0) == 0x10 */
	EXPECT(dup(0x13) < 0 && errno == 77);
	EXPECT(dup(0x23) < 0 && errno == EBADF);
	/* the same index twice: either value (runc's OR) */
	EXPECT(dup(100) < 0 && errno == 78);
	EXPECT(dup(101) < 0 && errno == 78);
	EXPECT(dup(102) < 0 && errno == EBADF);
	/* two indexes: both must match (AND) */
	EXPECT(socket(AF_INET, SOCK_DGRAM, 0) < 0 && errno == 88);
	s = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT(s >= 0);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT(s >= 0);
	close(s);
	/* TRACE without a tracer: the kernel answers ENOSYS */
	EXPECT(syscall(SYS_getppid) < 0 && errno == ENOSYS);
	return 0;
}

TEST(argument_filters_match_only_their_args)
{
	struct spec_seccomp_arg masked[] = {
		{.index = 0, .op = "SCMP_CMP_MASKED_EQ", .value = 0xf0,
		 .value_two = 0x10, .has_value_two = true}};
	struct spec_seccomp_arg either[] = {
		{.index = 0, .op = "SCMP_CMP_EQ", .value = 100},
		{.index = 0, .op = "SCMP_CMP_EQ", .value = 101}};
	struct spec_seccomp_arg both[] = {
		{.index = 0, .op = "SCMP_CMP_EQ", .value = AF_INET},
		{.index = 1, .op = "SCMP_CMP_EQ", .value = SOCK_DGRAM}};
	struct spec_seccomp_syscall r[] = {
		{.names = n_dup, .nnames = 1, .action = "SCMP_ACT_ERRNO",
		 .has_errno_ret = true, .errno_ret = 77, .args = masked,
		 .nargs = 1},
		{.names = n_dup, .nnames = 1, .action = "SCMP_ACT_ERRNO",
		 .has_errno_ret = true, .errno_ret = 78, .args = either,
		 .nargs = 2},
		{.names = n_socket, .nnames = 1, .action = "SCMP_ACT_ERRNO",
		 .has_errno_ret = true, .errno_ret = 88, .args = both,
		 .nargs = 2},
		{.names = n_unknown, .nnames = 2, .action = "SCMP_ACT_TRACE",
		 .has_errno_ret = true, .errno_ret = 1},
		{.names = n_mkdir, .nnames = 1, .action = "SCMP_ACT_LOG"},
	};
	struct spec_seccomp sc = allow_but(r, 5);
	struct security *sec = prepare(&sc, false);

	CHECK(sec && in_child(check_args, sec) == 0);
	security_free(sec);
}

TEST(bad_profiles_fail_with_the_path)
{
	struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 1,
					 .action = "SCMP_ACT_NOTIFY"};
	struct spec_seccomp sc = allow_but(&r, 1);
	char *arch[] = {"SCMP_ARCH_NOPE"};
	char *flags[] = {"SECCOMP_FILTER_FLAG_NOPE"};
	struct spec_process p = {0};
	struct spec_linux lin = {.seccomp = &sc};
	struct spec s = {.process = &p, .linux = &lin};
	struct security *sec;
	struct herr e;

	n_mkdir[0] = "write";
	CHECK(security_prepare(&s, &p, &sec, &e) < 0);
	CHECK(strstr(e.msg, "linux.seccomp: syscalls[0]: SCMP_ACT_NOTIFY "
			    "cannot be used for `write`") != NULL);
	n_mkdir[0] = "mkdir";
	r.action = "SCMP_ACT_ERRNO";
	sc.architectures = arch;
	sc.narchitectures = 1;
	CHECK(security_prepare(&s, &p, &sec, &e) < 0);
	CHECK(strstr(e.msg, "linux.seccomp: architectures[0]: unknown "
			    "architecture `SCMP_ARCH_NOPE`") != NULL);
	sc.narchitectures = 0;
	sc.flags = flags;
	sc.nflags = 1;
	CHECK(security_prepare(&s, &p, &sec, &e) < 0);
	CHECK(strstr(e.msg, "flags[0]: unknown flag") != NULL);
}

TEST(flags_map_to_the_kernel)
{
	char *flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			 "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
			 "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
	struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 2,
					 .action = "SCMP_ACT_ERRNO"};
	struct spec_seccomp sc = allow_but(&r, 1);
	struct security *sec;

	sc.flags = flags;
	sc.nflags = 4;
	sec = prepare(&sc, false);
	CHECK(sec && sec->seccomp->flags ==
			     (SECCOMP_FILTER_FLAG_TSYNC |
			      SECCOMP_FILTER_FLAG_LOG |
			      SECCOMP_FILTER_FLAG_SPEC_ALLOW));
	/* and the kernel takes them */
	CHECK(sec && in_child(check_mkdir_eperm, sec) == 0);
	security_free(sec);
	r.action = "SCMP_ACT_NOTIFY";
	sec = prepare(&sc, false);
	CHECK(sec && sec->seccomp->flags ==
			     (SECCOMP_FILTER_FLAG_TSYNC |
			      SECCOMP_FILTER_FLAG_LOG |
			      SECCOMP_FILTER_FLAG_SPEC_ALLOW |
			      SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
			      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV));
	security_free(sec);
}

TEST(second_prepare_hits_the_cache_and_a_bad_file_is_ignored)
{
	char dir[] = "/tmp/hutch-unit-XXXXXX", cache[64], file[160];
	struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 2,
					 .action = "SCMP_ACT_ERRNO",
					 .has_errno_ret = true,
					 .errno_ret = 1234};
	struct spec_seccomp sc = allow_but(&r, 1);
	struct security_stats a, b, c, d;
	struct security *s1, *s2, *s3, *s4;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	security_init(&(struct security_options){.seccomp_cache_dir = cache});
	security_get_stats(&a);
	s1 = prepare(&sc, false);
	security_get_stats(&b);
	s2 = prepare(&sc, false);
	security_get_stats(&c);
	CHECK(s1 && s2);
	CHECK(b.seccomp_compiled == a.seccomp_compiled + 1);
	CHECK(c.seccomp_compiled == b.seccomp_compiled);
	CHECK(c.seccomp_cache_hits == b.seccomp_cache_hits + 1);
	CHECK(s1->seccomp->ninsns == s2->seccomp->ninsns &&
	      !memcmp(s1->seccomp->insns, s2->seccomp->insns,
		      s1->seccomp->ninsns * sizeof(struct sock_filter)));
	/* the cached program works */
	CHECK(in_child(check_mkdir_1234, s2) == 0);
	/* flip one instruction: a miss, recompiled and rewritten */
	snprintf(file, sizeof(file), "%s/%s", cache, c.seccomp_hash);
	fd = open(file, O_RDWR);
	CHECK(fd >= 0 && pwrite(fd, "\xff", 1, 130) == 1);
	close(fd);
	s3 = prepare(&sc, false);
	security_get_stats(&d);
	CHECK(s3 && d.seccomp_compiled == c.seccomp_compiled + 1);
	/* a cache dir others can write to is not trusted */
	CHECK(chmod(cache, 0777) == 0);
	s4 = prepare(&sc, false);
	security_get_stats(&a);
	CHECK(s4 && a.seccomp_compiled == d.seccomp_compiled + 1);
	security_free(s1);
	security_free(s2);
	security_free(s3);
	security_free(s4);
	security_init(&(struct security_options){0});
	unlink(file);
	rmdir(cache);
	rmdir(dir);
}

/* ---- notify: child -> (socketpair) -> parent -> listenerPath agent ---- */

static int send_fd_to(void *ctx, int fd, struct herr *e)
{
	int sock = *(int *)ctx;
	char cbuf[CMSG_SPACE(sizeof(int))] = {0}, c = 'x';
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		return herr_sys(e, "sendmsg");
	return 0;
}

static int recv_fd(int sock, char *buf, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = len - 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *h;
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	int fd = -1;

	if (n <= 0)
		return -1;
	buf[n] = 0;
	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

struct notify_child {
	struct security *sec;
	int sock;
};

static int notified_mkdir(void *arg)
{
	struct notify_child *nc = arg;

	security_set_notify_sender(nc->sec, send_fd_to, &nc->sock);
	EXPECT(apply_both(nc->sec) == 0);
	EXPECT(mkdir("/tmp/hutch-unit-never", 0700) == 0); /* faked */
	EXPECT(mkdir("/tmp/hutch-unit-never", 0700) < 0 && errno == 61);
	return 0;
}

/* the agent: answers the first mkdir with success, the second with 61 */
static int agent(int fd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (int i = 0; i < 2; i++) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			return -1;
		resp = (struct seccomp_notif_resp){.id = req.id,
						   .error = i ? -61 : 0};
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			return -1;
	}
	return 0;
}

TEST(notify_fd_reaches_the_listener_with_the_state)
{
	struct spec_seccomp_syscall r = {.names = n_mkdir, .nnames = 2,
					 .action = "SCMP_ACT_NOTIFY"};
	struct spec_seccomp sc = allow_but(&r, 1);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/hutch-unit-XXXXXX", json[4096];
	struct notify_child nc;
	int sp[2], lsock, conn, fd, st = -1;
	struct herr e;
	pid_t pid;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/agent.sock", dir);
	lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(lsock, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	      listen(lsock, 1) == 0);
	nc.sec = prepare(&sc, false);
	CHECK(nc.sec != NULL);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	nc.sock = sp[1];
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(notified_mkdir(&nc));
	close(sp[1]);
	fd = recv_fd(sp[0], json, sizeof(json));
	CHECK(fd >= 0);
	snprintf(json, sizeof(json), "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\","
		 "\"status\":\"creating\",\"pid\":%d,\"bundle\":\"/b\"}",
		 (int)pid);
	CHECK(security_send_listener(sa.sun_path, fd, json, "meta\"x", &e) ==
	      0);
	close(fd);
	conn = accept(lsock, NULL, NULL);
	fd = recv_fd(conn, json, sizeof(json));
	CHECK(fd >= 0);
	CHECK(strstr(json, "\"fds\":[\"seccompFd\"]") != NULL);
	CHECK(strstr(json, "\"metadata\":\"meta\\\"x\"") != NULL);
	CHECK(strstr(json, "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"")
	      != NULL);
	{
		char want[32];
		snprintf(want, sizeof(want), "\"pid\":%d,", (int)pid);
		CHECK(strstr(json, want) != NULL);
	}
	CHECK(agent(fd) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	close(fd);
	close(conn);
	close(lsock);
	close(sp[0]);
	unlink(sa.sun_path);
	rmdir(dir);
	security_free(nc.sec);
}

UNIT_MAIN()
