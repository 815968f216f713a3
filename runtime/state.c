/* The state dir of one container: creation with mkdir (ids are unique),
 * flock for serialising commands, state.json read and written. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#include "runtime/runtime.h"

int container_id_check(const char *id, struct herr *e)
{
	size_t n = id ? strlen(id) : 0;

	if (!n)
		return herr_set(e, 0, "container id must not be empty");
	/* a file name (NAME_MAX 255); a leading dot is ours (.new-*, caches) */
	if (n > 250 || id[0] == '.')
		return herr_set(e, 0, "invalid container id `%.64s`", id);
	for (const char *p = id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_+.-", *p))
			continue;
		return herr_set(e, 0,
				"invalid container id `%.64s`: only letters, "
				"digits and _+.- are allowed", id);
	}
	return 0;
}

static int open_root(const char *root, bool create, struct herr *e)
{
	int fd;

	if (create && mkdir_p_at(AT_FDCWD, root, 0700, e) < 0)
		return herr_wrap(e, "state directory `%s`", root);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "state directory `%s`", root);
	return fd;
}

static struct container *container_alloc(const char *root, const char *id)
{
	struct container *c = xcalloc(1, sizeof(*c));

	c->root_fd = c->dir_fd = -1;
	c->root = xstrdup(root);
	c->id = xstrdup(id);
	return c;
}

/* flock the dir; a dir removed while we waited (nlink 0) is gone */
static int lock_dir(struct container *c, struct herr *e)
{
	struct stat st;

	if (flock(c->dir_fd, LOCK_EX) < 0)
		return herr_sys(e, "lock container `%s`", c->id);
	if (fstat(c->dir_fd, &st) < 0 || st.st_nlink == 0)
		return herr_set(e, ENOENT, "container `%s` does not exist",
				c->id);
	return 0;
}

/* The id's dir must never be seen unlocked before its state exists (a
 * second create would take it for the remains of a dead one): it is made
 * under a private name, locked, then renamed into place. */
static int publish_dir(struct container *c, const char *tmp, struct herr *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (renameat2(c->root_fd, tmp, c->root_fd, c->id,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return herr_sys(e, "create state of container `%s`", c->id);
		if (attempt || container_reclaim(c->root, c->id, e) < 0)
			break;
	}
	if (!e->msg[0])
		herr_set(e, 0, "container `%s` already exists", c->id);
	return -1;
}

int container_new(const char *root, const char *id, struct container **out,
		  struct herr *e)
{
	char tmp[64];
	struct container *c;

	if (container_id_check(id, e) < 0)
		return -1;
	herr_clear(e);
	c = container_alloc(root, id);
	c->root_fd = open_root(root, true, e);
	if (c->root_fd < 0)
		goto fail;
	snprintf(tmp, sizeof(tmp), ".new-%d", (int)getpid());
	if (mkdirat(c->root_fd, tmp, 0700) < 0) {
		herr_sys(e, "create state of container `%s`", id);
		goto fail;
	}
	c->dir_fd = openat(c->root_fd, tmp,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0 || flock(c->dir_fd, LOCK_EX) < 0) {
		herr_sys(e, "open state of container `%s`", id);
		unlinkat(c->root_fd, tmp, AT_REMOVEDIR);
		goto fail;
	}
	if (publish_dir(c, tmp, e) < 0) {
		unlinkat(c->root_fd, tmp, AT_REMOVEDIR);
		goto fail;
	}
	c->st.id = xstrdup(id);
	*out = c;
	return 0;
fail:
	container_free(c);
	return -1;
}

int container_remove(struct container *c, struct herr *e)
{
	if (rm_rf_at(c->root_fd, c->id, e) < 0)
		return herr_wrap(e, "remove state of container `%s`", c->id);
	return 0;
}

void container_free(struct container *c)
{
	if (!c)
		return;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->root);
	free(c->id);
	free(c->st.id);
	free(c->st.oci_version);
	free(c->st.bundle);
	free(c->st.rootfs);
	free(c->st.created);
	free(c->st.cgroup);
	free(c->st.network);
	for (size_t i = 0; i < c->st.nannotations; i++) {
		free(c->st.annotations[i].key);
		free(c->st.annotations[i].value);
	}
	free(c->st.annotations);
	free(c);
}

void container_freep(struct container **c)
{
	container_free(*c);
}

/* ---- state.json ----------------------------------------------------- */

static const char *tree_str(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);
	return v ? YAJL_GET_STRING(v) : NULL;
}

static long long tree_int(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void state_from_tree(struct container_state *st, yajl_val t)
{
	const char *ann[] = {"annotations", NULL};
	const char *sb[] = {"sandbox", NULL};
	yajl_val a = yajl_tree_get(t, ann, yajl_t_object);

	st->oci_version = dup_or_null(tree_str(t, "ociVersion"));
	st->pid = tree_int(t, "pid");
	st->pid_start = tree_int(t, "pidStart");
	st->bundle = dup_or_null(tree_str(t, "bundle"));
	st->rootfs = dup_or_null(tree_str(t, "rootfs"));
	st->created = dup_or_null(tree_str(t, "created"));
	st->cgroup = dup_or_null(tree_str(t, "cgroup"));
	st->network = dup_or_null(tree_str(t, "network"));
	st->owner = tree_int(t, "owner");
	st->sandbox = YAJL_IS_TRUE(yajl_tree_get(t, sb, yajl_t_true));
	{
		const char *cr[] = {"creating", NULL};
		st->creating = YAJL_IS_TRUE(yajl_tree_get(t, cr, yajl_t_true));
	}
	if (!a)
		return;
	st->annotations = xcalloc(a->u.object.len, sizeof(struct spec_kv));
	for (size_t i = 0; i < a->u.object.len; i++) {
		const char *v = YAJL_GET_STRING(a->u.object.values[i]);
		if (!v)
			continue;
		st->annotations[st->nannotations].key =
			xstrdup(a->u.object.keys[i]);
		st->annotations[st->nannotations++].value = xstrdup(v);
	}
}

int container_load(const char *root, const char *id, struct container **out,
		   struct herr *e)
{
	_cleanup_free_ char *json = NULL;
	struct container *c;
	char errbuf[256];
	yajl_val t;

	if (container_id_check(id, e) < 0)
		return -1;
	c = container_alloc(root, id);
	c->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd >= 0)
		c->dir_fd = openat(c->root_fd, id,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
	if (c->dir_fd < 0) {
		if (errno == ENOENT)
			herr_set(e, 0, "container `%s` does not exist", id);
		else
			herr_sys(e, "open state of container `%s`", id);
		goto fail;
	}
	if (lock_dir(c, e) < 0)
		goto fail;
	c->st.id = xstrdup(id);
	if (read_file_at(c->dir_fd, "state.json", &json, NULL, 1 << 20, e) < 0) {
		if (e->errnum == ENOENT) { /* still being created */
			herr_clear(e);
			*out = c;
			return 0;
		}
		herr_wrap(e, "container `%s`", id);
		goto fail;
	}
	t = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	if (!t) {
		herr_set(e, 0, "container `%s`: state.json is corrupt: %s", id,
			 errbuf);
		goto fail;
	}
	state_from_tree(&c->st, t);
	yajl_tree_free(t);
	c->have_state = true;
	*out = c;
	return 0;
fail:
	container_free(c);
	return -1;
}

int container_save(struct container *c, struct herr *e)
{
	struct container_state *st = &c->st;
	struct strbuf b = {0};
	int r;

	strbuf_puts(&b, "{\"ociVersion\":");
	strbuf_json_string(&b, st->oci_version ? st->oci_version : "1.2.0");
	strbuf_puts(&b, ",\"id\":");
	strbuf_json_string(&b, c->id);
	strbuf_printf(&b, ",\"pid\":%d,\"pidStart\":%llu,\"owner\":%u",
		      (int)st->pid, st->pid_start, (unsigned)st->owner);
	strbuf_printf(&b, ",\"sandbox\":%s,\"creating\":%s",
		      st->sandbox ? "true" : "false",
		      st->creating ? "true" : "false");
	const char *keys[] = {"bundle", "rootfs", "created", "cgroup",
			      "network"};
	const char *vals[] = {st->bundle, st->rootfs, st->created, st->cgroup,
			      st->network};
	for (size_t i = 0; i < 5; i++) {
		if (!vals[i])
			continue;
		strbuf_printf(&b, ",\"%s\":", keys[i]);
		strbuf_json_string(&b, vals[i]);
	}
	strbuf_puts(&b, ",\"annotations\":{");
	for (size_t i = 0; i < st->nannotations; i++) {
		if (i)
			strbuf_puts(&b, ",");
		strbuf_json_string(&b, st->annotations[i].key);
		strbuf_puts(&b, ":");
		strbuf_json_string(&b, st->annotations[i].value);
	}
	strbuf_puts(&b, "}}\n");
	r = write_file_atomic_at(c->dir_fd, "state.json", b.buf, b.len, 0600,
				 e);
	strbuf_free(&b);
	if (r < 0)
		return herr_wrap(e, "save state of container `%s`", c->id);
	c->have_state = true;
	return 0;
}

void container_unlock(struct container *c)
{
	flock(c->dir_fd, LOCK_UN);
}

int container_relock(struct container *c, struct herr *e)
{
	return lock_dir(c, e);
}
