/* The cgroup of one container: create it on every hierarchy (remembering
 * which directories hutch made), join it, save and re-open it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups/internal.h"

#define SAVED_MAGIC "hutch1"

struct cg_dir *cg_dir_for(struct cgroup *cg, enum cg_ctrl c)
{
	for (size_t i = 0; i < cg->n; i++)
		if ((cg->d[i].m->ctrls & CG_BIT(c)) && cg->d[i].fd >= 0)
			return &cg->d[i];
	return NULL;
}

struct cg_dir *cg_v2_dir(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].m->v2 && cg->d[i].fd >= 0)
			return &cg->d[i];
	return NULL;
}

static struct cgroup *cg_new(const struct cg_layout *l, char *path)
{
	struct cgroup *cg = xcalloc(1, sizeof(*cg));

	cg->lay = l;
	cg->path = path;
	cg->n = l->n;
	for (size_t i = 0; i < l->n; i++)
		cg->d[i] = (struct cg_dir){.m = &l->m[i], .fd = -1};
	return cg;
}

static int open_dir_at(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

/* one level: open name below cur, creating it (and setting it up) if it
 * is not there.  Returns the fd, sets *created. */
static int step(const struct cg_mount *m, int cur, const char *name,
		bool *created, struct herr *e)
{
	int fd = open_dir_at(cur, name);

	*created = false;
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : herr_sys(e, "open `%s`", name);
	/* ENOENT from mkdirat: cur was removed under us (a concurrent
	 * delete emptied a shared parent); the caller starts over */
	if (mkdirat(cur, name, 0755) == 0)
		*created = true;
	else if (errno != EEXIST)
		return herr_sys(e, "mkdir `%s`", name);
	fd = open_dir_at(cur, name);
	if (fd < 0)
		return herr_sys(e, "open `%s`", name);
	if (*created && (m->ctrls & CG_BIT(CG_CPUSET)) && !m->v2 &&
	    cg_v1_init_cpuset(cur, fd, e) < 0) {
		close(fd);
		return herr_wrap(e, "`%s`", name);
	}
	return fd;
}

/* the slow walk, one level at a time from the mount's root, creating
 * what is missing; on v2 each parent gets its available controllers
 * enabled for its children */
static int walk(struct cg_dir *d, const char *path, struct herr *e)
{
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_close_ int cur = -1;
	char *save = NULL, *name;
	size_t ncomp = 0, level = 0;

	for (const char *p = path; *p; p++)
		ncomp += *p == '/';
	cur = openat(d->m->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return herr_sys(e, "open `%s`", d->m->dir);
	for (name = strtok_r(copy, "/", &save); name;
	     name = strtok_r(NULL, "/", &save), level++) {
		bool created;
		int next;

		if (d->m->v2 && cg_v2_enable_controllers(cur, e) < 0)
			return herr_wrap(e, "%s: %s", d->m->dir, path);
		next = step(d->m, cur, name, &created, e);
		if (next < 0)
			return herr_wrap(e, "%s", d->m->dir);
		if (created && (int)(ncomp - level) > d->made)
			d->made = ncomp - level;
		close(cur);
		cur = next;
	}
	d->fd = steal_fd(&cur);
	return 0;
}

/* v2: the leaf sees every controller of the hierarchy, so no parent on
 * the way needs its subtree_control touched */
static bool v2_leaf_complete(const struct cg_mount *m, int fd)
{
	_cleanup_free_ char *have = NULL;
	struct herr e;

	if (cg_read(fd, "cgroup.controllers", &have, &e) < 0)
		return false;
	return (cg_ctrl_mask(have, " ") & m->ctrls) == m->ctrls;
}

/* The common case in a few syscalls: the parent exists (/hutch), only the
 * leaf is new.  Anything else takes the slow walk. */
static int open_or_create(struct cg_dir *d, const char *path, struct herr *e)
{
	const char *leaf = strrchr(path, '/') + 1;
	_cleanup_free_ char *parent = strndup(path + 1, leaf - path - 1);
	_cleanup_close_ int pfd = -1;
	bool created;

	pfd = *parent ? openat(d->m->fd, parent,
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		      : openat(d->m->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return walk(d, path, e);
	d->fd = step(d->m, pfd, leaf, &created, e);
	if (d->fd < 0)
		return herr_wrap(e, "%s", d->m->dir);
	if (created && d->made < 1)
		d->made = 1;
	if (!d->m->v2 || v2_leaf_complete(d->m, d->fd))
		return 0;
	close(d->fd);
	d->fd = -1;
	return walk(d, path, e);
}

static int create_dirs(struct cgroup *cg, struct herr *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_dir *d = &cg->d[i];
		int tries = 0;

		while (open_or_create(d, cg->path, e) < 0) {
			if (e->errnum != ENOENT || ++tries == 10)
				return -1;
		}
	}
	return 0;
}

static void make_saved(struct cgroup *cg)
{
	struct strbuf b = {0};

	strbuf_puts(&b, SAVED_MAGIC ";");
	for (size_t i = 0; i < cg->n; i++)
		strbuf_printf(&b, "%s%s:%d", i ? "," : "", cg->d[i].m->key,
			      cg->d[i].made);
	strbuf_printf(&b, ";%s", cg->path);
	free(cg->saved);
	cg->saved = strbuf_steal(&b);
}

/* joining an existing cgroup is fine (engines pre-create them), taking
 * over one that runs processes is not */
static int check_unused(struct cgroup *cg, struct herr *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;

		if (cg->d[i].made || cg->d[i].fd < 0)
			continue;
		if (cg_read_pids(cg->d[i].fd, true, &pids, &n, e) < 0)
			return -1;
		if (n)
			return herr_set(e, EBUSY, "cgroup `%s` already has %zu "
					"process(es) on %s", cg->path, n,
					cg->d[i].m->dir);
	}
	return 0;
}

int cgroup_create(const struct spec *s, const char *id, struct cgroup **out,
		  struct herr *e)
{
	const struct spec_resources *r =
		s && s->linux ? s->linux->resources : NULL;
	const struct cg_layout *l;
	struct cgroup *cg;
	char *path;
	struct herr ignore;

	if (cg_detect(&l, e) < 0 || cgroup_resolve_path(s, id, &path, e) < 0)
		return -1;
	cg = cg_new(l, path);
	if (create_dirs(cg, e) < 0 || check_unused(cg, e) < 0 ||
	    (r && cgroup_update(cg, r, e) < 0)) {
		herr_wrap(e, "cgroup `%s`", path);
		cgroup_destroy(cg, &ignore);
		cgroup_free(cg);
		return -1;
	}
	make_saved(cg);
	*out = cg;
	return 0;
}

int cgroup_clone_fd(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].m->v2)
			return cg->d[i].fd;
	return -1;
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct herr *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->d[i].fd < 0)
			continue;
		if (cg_writef(cg->d[i].fd, "cgroup.procs", e, "%d", (int)pid) < 0)
			return herr_wrap(e, "join cgroup `%s` on %s", cg->path,
					 cg->d[i].m->dir);
	}
	return 0;
}

const char *cgroup_path(const struct cgroup *cg)
{
	return cg->path;
}

const char *cgroup_saved(const struct cgroup *cg)
{
	return cg->saved;
}

/* "hutch1;memory:2,cpu:1,...;/path" or a bare "/path" */
static int parse_saved(const char *saved, char **path, char **made,
		       struct herr *e)
{
	const char *a, *b;

	if (saved[0] == '/') {
		*made = NULL;
		return cg_path_resolve(saved, NULL, path, e);
	}
	if (!str_has_prefix(saved, SAVED_MAGIC ";") ||
	    !(a = strchr(saved, ';')) || !(b = strchr(a + 1, ';')))
		return herr_set(e, EINVAL, "bad saved cgroup `%s`", saved);
	*made = strndup(a + 1, b - a - 1);
	if (cg_path_resolve(b + 1, NULL, path, e) < 0) {
		free(*made);
		return -1;
	}
	return 0;
}

static int made_for(const char *made, const char *key)
{
	size_t klen = strlen(key);

	if (!made)
		return 1;
	for (const char *p = made; p && *p;) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return atoi(p + klen + 1);
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

int cgroup_open(const char *saved, struct cgroup **out, struct herr *e)
{
	_cleanup_free_ char *made = NULL;
	const struct cg_layout *l;
	struct cgroup *cg;
	char *path;

	if (cg_detect(&l, e) < 0 || parse_saved(saved, &path, &made, e) < 0)
		return -1;
	cg = cg_new(l, path);
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_dir *d = &cg->d[i];

		d->made = made_for(made, d->m->key);
		d->fd = openat(d->m->fd, path + 1,
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->fd < 0 && errno != ENOENT) {
			herr_sys(e, "open cgroup `%s` on %s", path, d->m->dir);
			cgroup_free(cg);
			return -1;
		}
	}
	make_saved(cg);
	*out = cg;
	return 0;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].fd >= 0)
			close(cg->d[i].fd);
	free(cg->path);
	free(cg->saved);
	free(cg);
}

void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
}
