/* linux.cgroupsPath -> the cgroup path hutch uses on every hierarchy.
 * DESIGN.md section 5: absolute as given, relative under /hutch/, absent
 * /hutch/<id>.  Never relative to the caller's own cgroup: on our machines
 * that one belongs to the machine's supervisor (process_api). */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

#define CG_DEFAULT_PARENT "/hutch"

/* collapse "//", refuse "." and ".." (a path must not climb out of the
 * hierarchy) and the root itself (the container cannot own it) */
static int normalise(const char *in, char **out, struct herr *e)
{
	struct strbuf b = {0};
	const char *p = in;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		n = end - p;
		if ((n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) {
			strbuf_free(&b);
			return herr_set(e, EINVAL,
					"`%s`: `.` and `..` are not allowed",
					in);
		}
		if (n > 255) {
			strbuf_free(&b);
			return herr_set(e, ENAMETOOLONG, "`%s`", in);
		}
		strbuf_puts(&b, "/");
		strbuf_append(&b, p, n);
		p = end;
	}
	if (!b.len) {
		strbuf_free(&b);
		return herr_set(e, EINVAL,
				"`%s`: the root cgroup cannot hold a container",
				in);
	}
	*out = strbuf_steal(&b);
	return 0;
}

int cg_path_resolve(const char *cgroups_path, const char *id, char **out,
		    struct herr *e)
{
	_cleanup_free_ char *raw = NULL;

	if (cgroups_path && *cgroups_path == '/')
		raw = xstrdup(cgroups_path);
	else if (cgroups_path && *cgroups_path)
		raw = xasprintf(CG_DEFAULT_PARENT "/%s", cgroups_path);
	else if (id && *id && !strchr(id, '/'))
		raw = xasprintf(CG_DEFAULT_PARENT "/%s", id);
	else
		return herr_set(e, EINVAL, "container id `%s` cannot name a "
				"cgroup", id ? id : "");
	if (normalise(raw, out, e) < 0)
		return herr_wrap(e, "linux.cgroupsPath");
	return 0;
}

int cgroup_resolve_path(const struct spec *s, const char *id, char **out,
			struct herr *e)
{
	const char *p = s && s->linux ? s->linux->cgroups_path : NULL;

	return cg_path_resolve(p, id, out, e);
}
