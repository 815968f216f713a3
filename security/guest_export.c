/* What the sandbox's guest init needs to confine the process itself (see
 * security.h: security_guest_export). */
#include <errno.h>

#include "security/internal.h"

int security_guest_export(const struct security *sec,
			  struct security_guest *out, struct herr *e)
{
	*out = (struct security_guest){0};
	out->has_caps = sec->has_caps;
	out->bounding = sec->caps.bounding;
	out->effective = sec->caps.effective;
	out->permitted = sec->caps.permitted;
	out->inheritable = sec->caps.inheritable;
	out->ambient = sec->caps.ambient;
	out->no_new_privs = sec->no_new_privs;
	if (!sec->seccomp)
		return 0;
	if (sec->seccomp->notify)
		return herr_set(e, EINVAL, "linux.seccomp: SCMP_ACT_NOTIFY is not "
				"supported in the VM sandbox (the listener "
				"would be a guest fd; linux.seccomp.listenerPath "
				"cannot reach it)");
	out->bpf = sec->seccomp->insns;
	out->bpf_len = (size_t)sec->seccomp->ninsns * sizeof(struct sock_filter);
	out->bpf_flags = sec->seccomp->flags;
	return 0;
}

void security_sandbox_host(struct security *sec)
{
	sec->has_caps = false;
	sec->set_user = false;
	if (sec->seccomp) {
		free(sec->seccomp->insns);
		free(sec->seccomp);
		sec->seccomp = NULL;
	}
}
