/* The 9P2000.L server on a temp dir, without a VM: messages in, replies
 * out, and the confinement rules (no "..", symlink or mount-point escape). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "tests/unit/unit.h"
#include "vmm/virtio/9p.h"

static uint8_t reqbuf[65536], repbuf[65536];

struct t9 {
	struct p9_server s;
	char dir[64];
};

static void t9_init(struct t9 *t)
{
	strcpy(t->dir, "/tmp/hutch-9p.XXXXXX");
	if (!mkdtemp(t->dir))
		abort();
	memset(&t->s, 0, sizeof(t->s));
	t->s.root = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	t->s.msize = sizeof(repbuf);
}

static void t9_fini(struct t9 *t)
{
	struct herr e;

	p9_fid_reset_all(&t->s);
	free(t->s.fids);
	close(t->s.root);
	rm_rf_at(AT_FDCWD, t->dir, &e);
}

/* one request built by fill(), dispatched; returns 0 or -errno */
static int call(struct t9 *t, uint8_t type, void (*fill)(struct p9_msg *, void *),
		void *arg, struct p9_msg *rep)
{
	struct p9_msg req = {.buf = reqbuf, .cap = sizeof(reqbuf)};
	int r;

	fill(&req, arg);
	req.pos = 0;
	*rep = (struct p9_msg){.buf = repbuf, .cap = sizeof(repbuf)};
	r = p9_dispatch(&t->s, type, &req, rep);
	rep->pos = 0;
	return r;
}

static void fill_attach(struct p9_msg *m, void *a)
{
	p9_put32(m, *(uint32_t *)a);
	p9_put32(m, ~0u);
	p9_putstr(m, "root");
	p9_putstr(m, "");
	p9_put32(m, 0);
}

struct walk { uint32_t fid, newfid; const char *names[4]; };
static void fill_walk(struct p9_msg *m, void *a)
{
	struct walk *w = a;
	uint16_t n = 0;

	while (n < 4 && w->names[n])
		n++;
	p9_put32(m, w->fid);
	p9_put32(m, w->newfid);
	p9_put16(m, n);
	for (uint16_t i = 0; i < n; i++)
		p9_putstr(m, w->names[i]);
}

struct rd { uint32_t fid; uint32_t flags; };
static void fill_lopen(struct p9_msg *m, void *a)
{
	struct rd *r = a;
	p9_put32(m, r->fid);
	p9_put32(m, r->flags);
}

static void fill_read(struct p9_msg *m, void *a)
{
	p9_put32(m, *(uint32_t *)a);
	p9_put64(m, 0);
	p9_put32(m, 1000);
}

static void put_file(struct t9 *t, const char *name, const char *text)
{
	struct herr e;
	char *p = xasprintf("%s/%s", t->dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
	free(p);
	(void)e;
}

/* walk fid 0 -> 1 along names, open, read; the text or NULL */
static char *walk_read(struct t9 *t, const char *a, const char *b, int *err)
{
	static char text[1001];
	struct p9_msg rep;
	struct walk w = {0, 1, {a, b}};
	struct rd o = {1, O_RDONLY};
	uint32_t fid = 1, n;

	p9_fid_clunk(&t->s, 1);
	if ((*err = call(t, 110, fill_walk, &w, &rep)) < 0)
		return NULL;
	if (p9_get16(&rep) != (b ? 2 : 1))
		return *err = -ENOENT, NULL;
	if ((*err = call(t, 12, fill_lopen, &o, &rep)) < 0)
		return NULL;
	if ((*err = call(t, 116, fill_read, &fid, &rep)) < 0)
		return NULL;
	n = p9_get32(&rep);
	memcpy(text, rep.buf + rep.pos, n);
	text[n] = 0;
	return text;
}

TEST(vmm_9p_attach_walk_read)
{
	struct t9 t;
	struct p9_msg rep;
	uint32_t root = 0;
	int err;

	t9_init(&t);
	put_file(&t, "hello", "hi\n");
	CHECK(call(&t, 104, fill_attach, &root, &rep) == 0);
	CHECK(p9_get8(&rep) == 0x80); /* the root is a directory */
	CHECK_STR(walk_read(&t, "hello", NULL, &err), "hi\n");
	CHECK(walk_read(&t, "missing", NULL, &err) == NULL && err == -ENOENT);
	t9_fini(&t);
}

TEST(vmm_9p_dotdot_stays_at_the_root)
{
	struct t9 t;
	struct p9_msg rep;
	uint32_t root = 0;
	int err;

	t9_init(&t);
	put_file(&t, "hello", "inside\n");
	CHECK(call(&t, 104, fill_attach, &root, &rep) == 0);
	/* ".." from the root is the root again */
	CHECK_STR(walk_read(&t, "..", "hello", &err), "inside\n");
	/* a name with a slash is refused */
	CHECK(walk_read(&t, "../hello", NULL, &err) == NULL && err == -EINVAL);
	t9_fini(&t);
}

TEST(vmm_9p_symlinks_are_not_followed)
{
	struct t9 t;
	struct p9_msg rep;
	uint32_t root = 0;
	int err;
	char *link;

	t9_init(&t);
	link = xasprintf("%s/etc", t.dir);
	CHECK(symlink("/etc", link) == 0);
	CHECK(call(&t, 104, fill_attach, &root, &rep) == 0);
	/* walking through a symlink to a directory outside stops at the
	 * link (a partial walk: the guest must read the link itself) */
	CHECK(walk_read(&t, "etc", "passwd", &err) == NULL);
	CHECK(err == -ENOENT || err == -ELOOP || err == -ENOTDIR);
	free(link);
	t9_fini(&t);
}
/* a share of one file (a bind of a file: its directory, s.only): that
 * name is read and written, nothing beside it is reached, listed or made */
static void fill_mkdir(struct p9_msg *m, void *a)
{
	p9_put32(m, 0);
	p9_putstr(m, (const char *)a);
	p9_put32(m, 0755);
	p9_put32(m, 0);
}

TEST(vmm_9p_a_share_of_one_file)
{
	struct t9 t;
	struct p9_msg rep;
	uint32_t root = 0;
	struct rd o = {0, O_RDONLY | O_DIRECTORY};
	int err;

	t9_init(&t);
	put_file(&t, "single", "one file\n");
	put_file(&t, "beside", "secret\n");
	t.s.only = "single";
	CHECK(call(&t, 104, fill_attach, &root, &rep) == 0);
	CHECK_STR(walk_read(&t, "single", NULL, &err), "one file\n");
	CHECK(walk_read(&t, "beside", NULL, &err) == NULL && err == -ENOENT);
	CHECK(walk_read(&t, "..", "beside", &err) == NULL);
	/* the directory is not listed, and nothing is made in it */
	CHECK(call(&t, 12, fill_lopen, &o, &rep) == -EACCES);
	CHECK(call(&t, 72, fill_mkdir, "new", &rep) == -EACCES);
	t.s.only = NULL;
	t9_fini(&t);
}
UNIT_MAIN()
