/* Allocation helpers and the cleanup-attribute callbacks. */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "util.h"

static void *oom(void)
{
	static const char m[] = "hutch: out of memory\n";
	if (write(2, m, sizeof(m) - 1) < 0) {
		/* nothing left to report with */
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom();
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	return p ? p : oom();
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = oom();
	va_end(ap);
	return s;
}

void cleanup_fdp(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void cleanup_freep(void *p)
{
	free(*(void **)p);
}

void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
