/* The process `exec` starts: process.json (--process), or the container's
 * own process with the command-line overrides runc has. */
#include <fcntl.h>
#include <string.h>

#include "runtime/runtime.h"

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void append(char ***arr, size_t *n, const char *v)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*arr)[i], v))
			return;
	*arr = xrealloc(*arr, (*n + 2) * sizeof(char *));
	(*arr)[(*n)++] = xstrdup(v);
	(*arr)[*n] = NULL;
}

/* KEY=VALUE replaces KEY, else is appended */
static void env_set(struct spec_process *p, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

	for (size_t i = 0; i < p->nenv; i++)
		if (!strncmp(p->env[i], kv, klen) && p->env[i][klen] == '=') {
			set_str(&p->env[i], kv);
			return;
		}
	append(&p->env, &p->nenv, kv);
}

static int parse_user(struct spec_process *p, const char *s, struct herr *e)
{
	_cleanup_free_ char *dup = xstrdup(s);
	char *colon = strchr(dup, ':');
	uint64_t uid, gid;

	if (colon)
		*colon = '\0';
	if (parse_u64(dup, &uid) < 0 || uid > UINT32_MAX ||
	    (colon && (parse_u64(colon + 1, &gid) < 0 || gid > UINT32_MAX)))
		return herr_set(e, 0, "--user `%s`: expected UID[:GID] as "
				"numbers", s);
	p->user.uid = uid;
	if (colon)
		p->user.gid = gid;
	return 0;
}

static void add_cap(struct spec_caps *c, const char *name)
{
	_cleanup_free_ char *full = strncasecmp(name, "CAP_", 4)
					    ? xasprintf("CAP_%s", name)
					    : xstrdup(name);
	for (char *q = full; *q; q++)
		*q = *q >= 'a' && *q <= 'z' ? *q - 32 : *q;
	append(&c->bounding, &c->nbounding, full);
	append(&c->effective, &c->neffective, full);
	append(&c->permitted, &c->npermitted, full);
	c->has_bounding = c->has_effective = c->has_permitted = true;
}

int exec_build_process(const struct exec_opts *x, struct spec *s,
		       struct spec_process **out, struct herr *e)
{
	struct spec_process *p;

	if (x->process_file) {
		_cleanup_free_ char *json = NULL;
		size_t len;
		if (read_file_at(AT_FDCWD, x->process_file, &json, &len, 0, e) < 0)
			return herr_wrap(e, "--process");
		if (spec_process_parse(json, len, out, e) < 0)
			return herr_wrap(e, "--process `%s`", x->process_file);
		return 0;
	}
	/* the container's process, minus what only the init had */
	p = s->process;
	s->process = NULL;
	for (size_t i = 0; i < p->nargs; i++)
		free(p->args[i]);
	free(p->args);
	p->args = xcalloc(x->nargs + 1, sizeof(char *));
	for (size_t i = 0; i < x->nargs; i++)
		p->args[i] = xstrdup(x->args[i]);
	p->nargs = x->nargs;
	p->terminal = x->tty;
	if (x->cwd)
		set_str(&p->cwd, x->cwd);
	for (size_t i = 0; i < x->nenv; i++)
		env_set(p, x->env[i]);
	if (x->user && parse_user(p, x->user, e) < 0) {
		spec_process_free(p);
		return -1;
	}
	if (x->ngids) {
		p->user.additional_gids = xrealloc(p->user.additional_gids,
						   x->ngids * sizeof(uint32_t));
		memcpy(p->user.additional_gids, x->gids, x->ngids * sizeof(uint32_t));
		p->user.nadditional_gids = x->ngids;
	}
	for (size_t i = 0; i < x->ncaps; i++) {
		p->has_capabilities = true;
		add_cap(&p->capabilities, x->caps[i]);
	}
	if (x->no_new_privs)
		p->no_new_privileges = true;
	*out = p;
	return 0;
}
