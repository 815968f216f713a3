/* memhog MIB: allocate MIB MiB one MiB at a time and touch every page,
 * then print "kept MIB" and exit 0; an allocation that fails prints how
 * far it got and exits 1.  It keeps what it touched, so past the memory
 * it may have, the kernel OOM-kills it (137 in the shell).  A shell that
 * grows a string does the same but spends minutes of CPU per 100 MiB under
 * nested emulation; this touches at the speed of page faults.  Static, so
 * it runs in any rootfs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1 << 20)

int main(int argc, char **argv)
{
	long mib = argc == 2 ? atol(argv[1]) : 0;

	if (mib <= 0) {
		fprintf(stderr, "usage: memhog MIB\n");
		return 2;
	}
	for (long i = 0; i < mib; i++) {
		char *p = malloc(CHUNK);

		if (!p) {
			printf("memhog: out of memory after %ld MiB\n", i);
			return 1;
		}
		memset(p, 1, CHUNK);
	}
	printf("kept %ld\n", mib);
	return 0;
}
