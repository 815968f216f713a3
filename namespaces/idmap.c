/* User-namespace id maps (user_namespaces(7)): written once, by a process
 * with the right capabilities in the parent namespace, before the child
 * relies on being root inside. */
#include <errno.h>
#include <fcntl.h>

#include "namespaces/namespaces.h"

static int write_map(pid_t pid, const char *file, const struct spec_idmap *m,
		     size_t n, struct herr *e)
{
	struct strbuf b = {0};
	char path[64];
	int r;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&b, "%u %u %u\n", m[i].container_id,
			      m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = write_file_at(AT_FDCWD, path, b.buf, b.len, e);
	strbuf_free(&b);
	return r;
}

int ns_write_idmaps(pid_t pid, const struct spec_idmap *uid, size_t nuid,
		    const struct spec_idmap *gid, size_t ngid,
		    bool deny_setgroups, struct herr *e)
{
	if (deny_setgroups) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (write_file_at(AT_FDCWD, path, "deny", 4, e) < 0)
			return -1;
	}
	if (write_map(pid, "uid_map", uid, nuid, e) < 0)
		return herr_wrap(e, "linux.uidMappings");
	if (write_map(pid, "gid_map", gid, ngid, e) < 0)
		return herr_wrap(e, "linux.gidMappings");
	return 0;
}
