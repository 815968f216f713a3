/* linux.resources that read the same on v1 and v2 (cpuset, hugetlb) and
 * the v2-only `unified` map. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

int cg_cpuset(int fd, const struct spec_cpu *c, struct herr *e)
{
	/* mems before cpus: the kernel checks neither against the other,
	 * but an empty mems refuses tasks; same order as runc */
	if (c->mems && *c->mems &&
	    cg_set(fd, "cpuset.mems", "cpu.mems", e, "%s", c->mems) < 0)
		return -1;
	if (c->cpus && *c->cpus &&
	    cg_set(fd, "cpuset.cpus", "cpu.cpus", e, "%s", c->cpus) < 0)
		return -1;
	return 0;
}

static bool page_size_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

/* v1: hugetlb.2MB.limit_in_bytes, v2: hugetlb.2MB.max; the reservation
 * counters (5.7+) get the same limit, as runc does, so that reserved but
 * unfaulted pages cannot escape it */
int cg_hugetlb(int fd, bool v2, const struct spec_resources *r,
	       struct herr *e)
{
	const char *lim = v2 ? "max" : "limit_in_bytes";
	const char *rsvd = v2 ? "rsvd.max" : "rsvd.limit_in_bytes";

	for (size_t i = 0; i < r->nhugepage_limits; i++) {
		const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
		char field[64], file[64];

		snprintf(field, sizeof(field), "hugepageLimits[%zu]", i);
		if (!page_size_ok(h->page_size))
			return cg_field_err(e, EINVAL, field,
					    "bad pageSize `%s`",
					    h->page_size ? h->page_size : "");
		snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, lim);
		if (!cg_has_file(fd, file))
			return cg_field_err(e, EINVAL, field,
					    "this host has no %s huge pages",
					    h->page_size);
		if (cg_set(fd, file, field, e, "%llu",
			   (unsigned long long)h->limit) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, rsvd);
		if (cg_has_file(fd, file) &&
		    cg_set(fd, file, field, e, "%llu",
			   (unsigned long long)h->limit) < 0)
			return -1;
	}
	return 0;
}

/* which directory a unified key goes to: the cgroup2 one, if the key's
 * controller lives there (on a hybrid host only hugetlb does) */
static int unified_dir(struct cgroup *cg, const char *key, int *fd,
		       struct herr *e)
{
	struct cg_dir *d = cg_v2_dir(cg);
	char ctrl[32];
	size_t n = strcspn(key, ".");
	int c;

	if (!*key || strchr(key, '/') || key[0] == '.' || !key[n])
		return herr_set(e, EINVAL, "linux.resources.unified: `%s` is "
				"not a cgroup file name", key);
	if (!strcmp(key, "cgroup.procs") || !strcmp(key, "cgroup.threads") ||
	    !strcmp(key, "cgroup.kill"))
		return herr_set(e, EINVAL, "linux.resources.unified: `%s` "
				"cannot be set from a config", key);
	if (!d)
		return herr_set(e, ENOTSUP, "linux.resources.unified: needs "
				"cgroup v2; this host has only cgroup v1");
	snprintf(ctrl, sizeof(ctrl), "%.*s", (int)(n < 31 ? n : 31), key);
	c = cg_ctrl_parse(ctrl);
	if (cg->lay->kind == CGROUP_HYBRID &&
	    (c < 0 || !(d->m->ctrls & CG_BIT(c))))
		return herr_set(e, ENOTSUP, "linux.resources.unified: `%s` "
				"needs cgroup v2, but on this hybrid host only "
				"controllers on %s can be set this way", key,
				d->m->dir);
	*fd = d->fd;
	return 0;
}

int cg_unified(struct cgroup *cg, const struct spec_resources *r,
	       struct herr *e)
{
	for (size_t i = 0; i < r->nunified; i++) {
		const struct spec_kv *kv = &r->unified[i];
		int fd = -1;

		if (unified_dir(cg, kv->key, &fd, e) < 0)
			return -1;
		if (cg_write(fd, kv->key, kv->value, e) == 0)
			continue;
		if (e->errnum == ENOENT)
			return herr_set(e, ENOTSUP, "linux.resources.unified."
					"%s: no such file in cgroup `%s` (is its "
					"controller available?)", kv->key,
					cg->path);
		return herr_wrap(e, "linux.resources.unified.%s", kv->key);
	}
	return 0;
}
