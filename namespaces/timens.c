/* Time namespaces: offsets can only be written while the namespace has no
 * process in it, i.e. after unshare(CLONE_NEWTIME) and before the first
 * child is created (time_namespaces(7)). */
#include <fcntl.h>
#include <string.h>

#include "namespaces/namespaces.h"

int ns_write_time_offsets(const struct spec_linux *l, struct herr *e)
{
	struct strbuf b = {0};
	int r = 0;

	if (l->time_monotonic.present)
		strbuf_printf(&b, "monotonic %lld %u\n",
			      (long long)l->time_monotonic.secs,
			      l->time_monotonic.nanosecs);
	if (l->time_boottime.present)
		strbuf_printf(&b, "boottime %lld %u\n",
			      (long long)l->time_boottime.secs,
			      l->time_boottime.nanosecs);
	/* one line per write: the kernel parses a single entry per write */
	for (char *line = b.buf; line && *line && r == 0;) {
		char *nl = strchr(line, '\n');
		r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", line,
				  nl - line + 1, e);
		line = nl + 1;
	}
	if (r < 0)
		herr_wrap(e, "linux.timeOffsets");
	strbuf_free(&b);
	return r;
}
