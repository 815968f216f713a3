/* OCI hooks (config.md "POSIX-platform Hooks"): each runs with the state
 * JSON on stdin; a non-zero exit or a timeout fails the operation. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "runtime/runtime.h"

static int pidfd_open_compat(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

/* wait up to timeout_ms (-1: forever); kill on timeout */
static int wait_hook(pid_t pid, int timeout_ms, int *status, bool *timed_out)
{
	_cleanup_close_ int pfd = pidfd_open_compat(pid);

	*timed_out = false;
	if (pfd >= 0 && timeout_ms >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int r;
		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			*timed_out = true;
			kill(pid, SIGKILL);
		}
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static pid_t spawn_hook(const struct spec_hook *h, int stdin_fd)
{
	char *argv0[] = {h->path, NULL};
	char *envp0[] = {NULL};
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	dup2(stdin_fd, 0);
	/* hooks' output goes where ours goes: stderr, never the
	 * container's stdout that an engine may be parsing */
	dup2(2, 1);
	execve(h->path, h->nargs ? h->args : argv0, h->nenv ? h->env : envp0);
	dprintf(2, "hutch: hook `%s`: %s\n", h->path, strerror(errno));
	_exit(127);
}

static int run_one(const struct spec_hook *h, const char *which, size_t i,
		   const char *state_json, struct herr *e)
{
	int pipefd[2], status;
	bool timed_out;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return herr_sys(e, "pipe");
	pid = spawn_hook(h, pipefd[0]);
	close(pipefd[0]);
	if (pid < 0) {
		close(pipefd[1]);
		return herr_sys(e, "%s hook %zu (`%s`): fork", which, i, h->path);
	}
	/* a hook that does not read its stdin must not block us: SIGPIPE
	 * is ignored by write_all's caller via MSG-less pipe -> EPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (write_all(pipefd[1], state_json, strlen(state_json)) < 0 &&
	    errno != EPIPE) {
		/* still wait for it below */
	}
	close(pipefd[1]);
	if (wait_hook(pid, h->has_timeout ? h->timeout * 1000 : -1, &status,
		      &timed_out) < 0)
		return herr_sys(e, "%s hook %zu (`%s`): wait", which, i, h->path);
	if (timed_out)
		return herr_set(e, 0, "%s hook %zu (`%s`) timed out after %d s",
				which, i, h->path, h->timeout);
	if (WIFSIGNALED(status))
		return herr_set(e, 0, "%s hook %zu (`%s`) killed by signal %d",
				which, i, h->path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return herr_set(e, 0, "%s hook %zu (`%s`) exited with status %d",
				which, i, h->path, WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct spec_hook *h, size_t n, const char *which,
	      const char *state_json, struct herr *e)
{
	for (size_t i = 0; i < n; i++)
		if (run_one(&h[i], which, i, state_json, e) < 0)
			return -1;
	return 0;
}
