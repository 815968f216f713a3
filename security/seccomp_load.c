/* The filter: prepared in the parent (cache or compile), installed in the
 * child with seccomp(2) and the flags the profile asks for. */
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>

#include "security/internal.h"

bool sec_seccomp_uses_notify(const struct spec_seccomp *sc)
{
	for (size_t i = 0; i < sc->nsyscalls; i++)
		if (!strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY"))
			return true;
	return !strcmp(sc->default_action, "SCMP_ACT_NOTIFY");
}

int sec_seccomp_flags(const struct spec_seccomp *sc, bool notify,
		  unsigned int *flags, struct herr *e)
{
	*flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	for (size_t i = 0; i < sc->nflags; i++) {
		const char *f = sc->flags[i];

		if (!strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC"))
			*flags |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_LOG"))
			*flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			*flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else if (!strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
			/* the kernel takes it only with a listener */
			if (notify)
				*flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
			else
				sec_debug("seccomp: %s without SCMP_ACT_NOTIFY "
					  "has no effect, ignored", f);
		} else
			return herr_set(e, 0, "flags[%zu]: unknown flag `%s`",
					i, f);
	}
	/* TSYNC and a listener together: the kernel wants TSYNC_ESRCH, as
	 * both report through the return value */
	if ((*flags & SECCOMP_FILTER_FLAG_TSYNC) && notify)
		*flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	return 0;
}

/* After a filter with a listener is loaded the runtime must hand the fd
 * out before it makes any syscall a notify rule catches, or it waits for
 * an agent that never gets the fd (runc refuses notify on write for the
 * same reason). */
static int check_notify(const struct spec_seccomp *sc, struct herr *e)
{
	static const char *const needed[] = {"write", "writev", "sendmsg",
					     "sendto"};

	for (size_t i = 0; i < sc->nsyscalls; i++) {
		const struct spec_seccomp_syscall *s = &sc->syscalls[i];

		if (strcmp(s->action, "SCMP_ACT_NOTIFY"))
			continue;
		for (size_t k = 0; k < s->nnames; k++)
			for (size_t j = 0; j < 4; j++)
				if (!strcmp(s->names[k], needed[j]))
					return herr_set(e, 0,
						"syscalls[%zu]: SCMP_ACT_NOTIFY "
						"cannot be used for `%s` (the "
						"runtime needs it to pass the "
						"listener fd on)", i, needed[j]);
	}
	return 0;
}

static int get_program(const struct spec_seccomp *sc, struct sec_seccomp *f,
		       struct herr *e)
{
	const char *dir = sec_cache_dir();
	uint64_t t0 = now_ns(), dt;

	sec_cache_key(sc, f->hash);
	if (dir && sec_cache_load(dir, f->hash, &f->insns, &f->ninsns)) {
		dt = now_ns() - t0;
		sec_stats_note(true, f->hash, dt);
		sec_debug("seccomp: cache hit %s (%u instructions, loaded in "
			  "%llu us)", f->hash, f->ninsns,
			  (unsigned long long)dt / 1000);
		return 0;
	}
	if (sec_bpf_compile(sc, &f->insns, &f->ninsns, e) < 0)
		return -1;
	dt = now_ns() - t0;
	sec_stats_note(false, f->hash, dt);
	sec_debug("seccomp: cache miss %s (%u instructions, compiled in %llu "
		  "us)", f->hash, f->ninsns, (unsigned long long)dt / 1000);
	if (dir)
		sec_cache_store(dir, f->hash, f->insns, f->ninsns);
	return 0;
}

int sec_seccomp_prepare(const struct spec_seccomp *sc, struct sec_seccomp **out,
		    struct herr *e)
{
	struct sec_seccomp *f = xcalloc(1, sizeof(*f));

	f->notify = sec_seccomp_uses_notify(sc);
	if ((f->notify && check_notify(sc, e) < 0) ||
	    sec_seccomp_flags(sc, f->notify, &f->flags, e) < 0 ||
	    get_program(sc, f, e) < 0) {
		free(f->insns);
		free(f);
		return -1;
	}
	*out = f;
	return 0;
}

int sec_seccomp_install(const struct sec_seccomp *f, struct herr *e)
{
	struct sock_fprog prog = {.len = f->ninsns,
				  .filter = (struct sock_filter *)f->insns};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);

	if (r < 0) {
		if (errno == EACCES)
			return herr_sys(e, "linux.seccomp: load the filter "
					"(without noNewPrivileges this needs "
					"CAP_SYS_ADMIN)");
		return herr_sys(e, "linux.seccomp: load the filter (flags "
				"%#x)", f->flags);
	}
	if (f->notify && r <= 0)
		return herr_set(e, 0, "linux.seccomp: the kernel gave no "
				"listener fd");
	return f->notify ? (int)r : 0;
}
