/* fdlist [FILE]: the fds this process was started with, one line of
 * numbers, then "N -> target" for each (the fd of the listing itself is
 * left out).  Writes to FILE if given, else stdout.  Static, so it runs in
 * any rootfs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
	int fds[1024], n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	FILE *out = stdout;

	if (!d)
		return 1;
	while ((de = readdir(d)) && n < 1024)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
		    atoi(de->d_name) != dirfd(d))
			fds[n++] = atoi(de->d_name);
	closedir(d);
	qsort(fds, n, sizeof(int), cmp);
	/* open the output only now: it is not one of ours */
	if (argc > 1 && !(out = fopen(argv[1], "w")))
		return 1;
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%d", i ? " " : "", fds[i]);
	fputc('\n', out);
	for (int i = 0; i < n; i++) {
		char p[64], t[4096];
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fds[i]);
		k = readlink(p, t, sizeof(t) - 1);
		t[k > 0 ? k : 0] = 0;
		fprintf(out, "%d -> %s\n", fds[i], t);
	}
	return fclose(out) != 0;
}
