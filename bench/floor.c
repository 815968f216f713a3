/* floor ROOTFS [-N] CMD [ARGS...]: the least any container runtime can
 * cost, the benchmark's floor.  It does only what every runtime must:
 * clone with the namespaces of the benchmark's config (pid, network, ipc,
 * uts, mount, cgroup; -N leaves out the network namespace), make the mount
 * tree private, bind the rootfs onto itself, pivot_root into it, execve
 * CMD and wait for it.  No config parsing, no cgroup, no /proc or /dev, no
 * capabilities or rlimits, no state: a runtime at 1.0x the floor would be
 * doing nothing but the kernel's share.  Linked statically (bench/rules.mk)
 * so the dynamic loader is not counted either.  Exit status: CMD's. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "floor: %s%s%s: %s\n", what, arg ? " " : "",
		arg ? arg : "", strerror(errno));
	_exit(127);
}

static void child(const char *rootfs, char **argv)
{
	static char *const env[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL};

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private", NULL);
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind", rootfs);
	if (chdir(rootfs) < 0)
		die("chdir", rootfs);
	/* pivot_root(".", "."): the old root ends up on top of the new one,
	 * detached at once; no put_old directory needed */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root", NULL);
	if (chdir("/") < 0)
		die("chdir", "/");
	execve(argv[0], argv, env);
	die("execve", argv[0]);
}

int main(int argc, char **argv)
{
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
			      CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP;
	int argi = 2, status;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[2], "-N")) {
		flags &= ~(unsigned long)CLONE_NEWNET;
		argi++;
	}
	if (argc <= argi) {
		fprintf(stderr, "usage: floor ROOTFS [-N] CMD [ARGS...]\n");
		return 2;
	}
	/* raw clone with no stack: fork semantics in new namespaces */
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone", NULL);
	if (pid == 0)
		child(argv[1], argv + argi);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid", NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
