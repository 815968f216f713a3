/* process.rlimits, applied in the child while still root (raising a hard
 * limit needs CAP_SYS_RESOURCE, which the user switch may drop). */
#include <errno.h>

#include "security/internal.h"

int sec_rlimits_prepare(const struct spec_process *p, struct security *sec,
		    struct herr *e)
{
	if (!p->nrlimits)
		return 0;
	sec->rlimits = xcalloc(p->nrlimits, sizeof(*sec->rlimits));
	for (size_t i = 0; i < p->nrlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];

		if (r->soft > r->hard)
			return herr_set(e, 0, "process.rlimits[%zu] (%s): soft "
					"limit %llu is above the hard limit "
					"%llu", i, r->type,
					(unsigned long long)r->soft,
					(unsigned long long)r->hard);
		sec->rlimits[i].resource = r->resource;
		snprintf(sec->rlimits[i].name, sizeof(sec->rlimits[i].name),
			 "%s", r->type ? r->type : "?");
		sec->rlimits[i].lim.rlim_cur = r->soft;
		sec->rlimits[i].lim.rlim_max = r->hard;
	}
	sec->nrlimits = p->nrlimits;
	return 0;
}

int sec_rlimits_apply(const struct security *sec, struct herr *e)
{
	for (size_t i = 0; i < sec->nrlimits; i++) {
		const struct sec_rlimit *r = &sec->rlimits[i];

		if (setrlimit(r->resource, &r->lim) == 0)
			continue;
		if (errno == EPERM)
			return herr_sys(e, "process.rlimits[%zu]: setrlimit "
					"%s to %llu/%llu (raising a hard "
					"limit needs CAP_SYS_RESOURCE)",
					i, r->name,
					(unsigned long long)r->lim.rlim_cur,
					(unsigned long long)r->lim.rlim_max);
		return herr_sys(e, "process.rlimits[%zu]: setrlimit %s", i,
				r->name);
	}
	return 0;
}
