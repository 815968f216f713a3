/* The PROTO_CONFIG payload: NUL-separated key=value items (vmm/proto.h). */
#include <stdlib.h>
#include <string.h>

#include "guest/guest.h"

static unsigned long long num(const char *s, int base)
{
	char *end;
	unsigned long long v;

	if (!strcmp(s, "-1"))
		return ~0ull;
	v = strtoull(s, &end, base);
	if (*end && *end != ',')
		die("config: bad number `%s`", s);
	return v;
}

static void rlimit_item(struct config *c, const char *v)
{
	const char *a = strchr(v, ','), *b = a ? strchr(a + 1, ',') : NULL;

	if (!a || !b || c->nrl == sizeof(c->rl) / sizeof(c->rl[0]))
		die("config: bad rlimit `%s`", v);
	c->rl[c->nrl].res = (int)num(v, 10);
	c->rl[c->nrl].lim.rlim_cur = num(a + 1, 10);
	c->rl[c->nrl].lim.rlim_max = num(b + 1, 10);
	c->nrl++;
}

static void item(struct config *c, char *kv)
{
	char *v = strchr(kv, '=');

	if (!v)
		die("config: item without `=`: %s", kv);
	*v++ = 0;
	if (!strcmp(kv, "arg") && c->nargs < MAX_ITEMS - 1)
		c->args[c->nargs++] = v;
	else if (!strcmp(kv, "env") && c->nenv < MAX_ITEMS - 1)
		c->env[c->nenv++] = v;
	else if (!strcmp(kv, "mount") && c->nmounts < 255)
		c->mounts[c->nmounts++] = v;
	else if (!strcmp(kv, "cwd"))
		c->cwd = v;
	else if (!strcmp(kv, "hostname"))
		c->hostname = v;
	else if (!strcmp(kv, "uid"))
		c->uid = (uid_t)num(v, 10);
	else if (!strcmp(kv, "gid"))
		c->gid = (gid_t)num(v, 10);
	else if (!strcmp(kv, "gids") && c->ngids < 256)
		c->gids[c->ngids++] = (gid_t)num(v, 10);
	else if (!strcmp(kv, "umask"))
		c->umask = (mode_t)num(v, 8), c->has_umask = 1;
	else if (!strcmp(kv, "rlimit"))
		rlimit_item(c, v);
	else if (!strcmp(kv, "readonly"))
		c->readonly = !strcmp(v, "1");
	else if (!strcmp(kv, "terminal"))
		c->terminal = !strcmp(v, "1");
	else if (!strcmp(kv, "winsize") && strchr(v, ','))
		c->rows = (unsigned short)num(v, 10),
		c->cols = (unsigned short)num(strchr(v, ',') + 1, 10);
	else if (!strcmp(kv, "caps"))
		confine_caps_item(c, v);
	else if (!strcmp(kv, "unshare"))
		c->unshare = (unsigned long)num(v, 16);
	else if (!strcmp(kv, "nnp"))
		c->nnp = !strcmp(v, "1");
	else if (!strcmp(kv, "seccomp"))
		confine_seccomp_item(c, v);
	else if (!strncmp(kv, "net.", 4))
		net_item(kv + 4, v);
	/* unknown keys: a newer VMM; ignore */
}

void parse_config(struct config *c, char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(p + i, len - i);
		if (n)
			item(c, p + i);
		i += n + 1;
	}
	if (!c->nargs)
		die("config: no process args");
	if (!c->cwd)
		c->cwd = "/";
}
