/* cgroupfs file access through directory fds. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cgroups/internal.h"

static void (*debug_fn)(const char *msg);

void cgroup_set_debug(void (*fn)(const char *msg))
{
	debug_fn = fn;
}

void cg_debug(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!debug_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	debug_fn(msg);
}

int cg_write(int dirfd, const char *file, const char *val, struct herr *e)
{
	return write_file_at(dirfd, file, val, strlen(val), e);
}

int cg_writef(int dirfd, const char *file, struct herr *e, const char *fmt,
	      ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return herr_set(e, EINVAL, "value for `%s` too long", file);
	return write_file_at(dirfd, file, buf, n, e);
}

int cg_read(int dirfd, const char *file, char **out, struct herr *e)
{
	size_t len;

	if (read_file_at(dirfd, file, out, &len, 1 << 20, e) < 0)
		return -1;
	while (len > 0 && (*out)[len - 1] == '\n')
		(*out)[--len] = '\0';
	return 0;
}

int cg_read_u64(int dirfd, const char *file, uint64_t *out, struct herr *e)
{
	_cleanup_free_ char *s = NULL;

	if (cg_read(dirfd, file, &s, e) < 0)
		return -1;
	if (!strcmp(s, "max")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (parse_u64(s, out) < 0)
		return herr_set(e, EINVAL, "`%s`: not a number: `%s`", file, s);
	return 0;
}

int cg_read_keyed(int dirfd, const char *file, const char *key, uint64_t *out)
{
	_cleanup_free_ char *s = NULL;
	size_t klen = strlen(key);
	struct herr e;

	if (cg_read(dirfd, file, &s, &e) < 0)
		return -1;
	for (char *line = s; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return parse_u64(line + klen + 1, out);
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

bool cg_has_file(int dirfd, const char *file)
{
	return dirfd >= 0 && faccessat(dirfd, file, F_OK, 0) == 0;
}
