/* Network-namespace fixtures for the netsetup tests: the test process
 * moves itself into a fresh network namespace (its "host"; never the
 * machine's), and "containers" are children parked in namespaces of their
 * own, as `hutch create` leaves them. */
#ifndef HUTCH_TEST_NETSETUP_NS_H
#define HUTCH_TEST_NETSETUP_NS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct cont {
	pid_t pid;
	int nsfd;   /* /proc/PID/ns/net */
	int hold;   /* write end: closing it lets the child exit */
};

/* a new "host" namespace for this process, loopback up */
static inline int host_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	return system("ip link set lo up") == 0 ? 0 : -1;
}

static inline int cont_start(struct cont *c)
{
	int hold[2], ready[2];
	char b;

	if (pipe2(hold, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		/* no other container's hold pipe may stay open here */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != hold[0] && fd != ready[1])
				close(fd);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		while (read(hold[0], &b, 1) > 0)
			;
		_exit(0);
	}
	close(hold[0]);
	close(ready[1]);
	if (read(ready[0], &b, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	c->hold = hold[1];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
	c->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	return c->nsfd < 0 ? -1 : 0;
}

static inline void cont_stop(struct cont *c)
{
	if (c->pid <= 0)
		return;
	close(c->hold);
	waitpid(c->pid, NULL, 0);
	if (c->nsfd >= 0)
		close(c->nsfd);
	c->pid = 0;
}

/* run a shell command; returns its exit status; output in out if given */
static inline int sh(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int sh(char *out, size_t len, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *f;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out) {
		while (n + 1 < len) {
			size_t r = fread(out + n, 1, len - 1 - n, f);
			if (r == 0)
				break;
			n += r;
		}
		out[n] = '\0';
	} else {
		char sink[512];
		while (fread(sink, 1, sizeof(sink), f) > 0)
			;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* start `sh -c cmd` in the background (exec it to keep the pid) */
static inline pid_t spawn(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* wait up to 10 s until a TCP socket listens on port in the network
 * namespace of pid (0: ours), as a server spawned just before does once it
 * has started; a fixed sleep loses that race on a loaded machine */
static inline int wait_listening(pid_t pid, unsigned port)
{
	static const char *const files[] = {"tcp", "tcp6"};
	char path[64], line[256], want[16];

	snprintf(want, sizeof(want), ":%04X ", port);
	for (int tries = 0; tries < 1000; tries++) {
		for (int i = 0; i < 2; i++) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/net/%s",
				 pid ? pid : getpid(), files[i]);
			if (!(f = fopen(path, "re")))
				continue;
			while (fgets(line, sizeof(line), f)) {
				char *local = strchr(line, ':');
				/* "sl: local rem st": st 0A is LISTEN */
				if (local && (local = strstr(local + 1, want)) &&
				    strstr(local, " 0A ")) {
					fclose(f);
					return 0;
				}
			}
			fclose(f);
		}
		usleep(10000);
	}
	return -1;
}

static inline void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

#endif
