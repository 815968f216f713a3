/* security_prepare: everything resolved in the parent, before clone, so
 * the child only makes syscalls (no parsing, no allocation, no libseccomp
 * compile in the child). */
#include <stdarg.h>
#include <string.h>

#include "security/internal.h"

static struct security_options opts;
static struct security_stats stats;

void security_init(const struct security_options *o)
{
	free((char *)opts.seccomp_cache_dir);
	opts = *o;
	if (o->seccomp_cache_dir)
		opts.seccomp_cache_dir = xstrdup(o->seccomp_cache_dir);
}

char *security_cache_dir_for_root(const char *root)
{
	return xasprintf("%s/.seccomp:cache", root);
}

const char *sec_cache_dir(void)
{
	return opts.seccomp_cache_dir;
}

static void vlog(void (*fn)(const char *, ...), const char *fmt, va_list ap)
{
	char msg[1024];

	if (!fn)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fn("%s", msg);
}

void sec_debug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(opts.debug, fmt, ap);
	va_end(ap);
}

void sec_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(opts.warn, fmt, ap);
	va_end(ap);
}

void sec_stats_note(bool hit, const char *hash, uint64_t ns)
{
	if (hit)
		stats.seccomp_cache_hits++;
	else
		stats.seccomp_compiled++;
	snprintf(stats.seccomp_hash, sizeof(stats.seccomp_hash), "%s", hash);
	stats.seccomp_prepare_ns = ns;
}

void security_get_stats(struct security_stats *st)
{
	*st = stats;
}

void security_set_notify_sender(struct security *sec,
				security_notify_sender fn, void *ctx)
{
	sec->notify_fn = fn;
	sec->notify_ctx = ctx;
}

int security_prepare(const struct spec *s, const struct spec_process *p,
		     struct security **out, struct herr *e)
{
	struct security *sec = xcalloc(1, sizeof(*sec));
	const struct spec_seccomp *sc = s->linux ? s->linux->seccomp : NULL;

	sec->umask = 022; /* what runc and crun give a process without one */
	if (p) {
		sec->no_new_privs = p->no_new_privileges;
		sec->has_caps = p->has_capabilities;
		if ((sec->has_caps &&
		     sec_caps_prepare(&p->capabilities, &sec->caps, e) < 0) ||
		    sec_user_prepare(&p->user, sec, e) < 0 ||
		    sec_rlimits_prepare(p, sec, e) < 0)
			goto fail;
	}
	if (sc && sec_seccomp_prepare(sc, &sec->seccomp, e) < 0) {
		herr_wrap(e, "linux.seccomp");
		goto fail;
	}
	*out = sec;
	return 0;
fail:
	security_free(sec);
	return -1;
}

void security_free(struct security *sec)
{
	if (!sec)
		return;
	free(sec->gids);
	free(sec->rlimits);
	if (sec->seccomp)
		free(sec->seccomp->insns);
	free(sec->seccomp);
	free(sec);
}
