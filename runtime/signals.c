/* A clean signal slate for the workload.  execve keeps ignored signals
 * ignored (a caller's `nohup` or SIGPIPE ignore would leak into the
 * container) and the mask as it is.  Which dispositions are set is one read
 * of /proc/self/status (SigIgn, SigCgt), not 64 sigaction calls (measured:
 * 0.11-0.15 ms per container on our machines). */
#include <fcntl.h>
#include <signal.h>
#include <string.h>

#include "runtime/runtime.h"

static uint64_t status_mask(const char *status, const char *field)
{
	const char *p = strstr(status, field);

	return p ? strtoull(p + strlen(field), NULL, 16) : ~0ull;
}

void signals_reset(void)
{
	_cleanup_free_ char *status = NULL;
	uint64_t set = ~0ull;
	struct herr e;
	sigset_t none;

	if (read_file_at(AT_FDCWD, "/proc/self/status", &status, NULL, 0, &e) == 0)
		set = status_mask(status, "\nSigIgn:") |
		      status_mask(status, "\nSigCgt:");
	for (int s = 1; s < NSIG && s <= 64; s++)
		if (set & (1ull << (s - 1)))
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
