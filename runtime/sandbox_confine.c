/* The process's confinement in the sandbox: the spec's capabilities,
 * noNewPrivileges and seccomp filter are applied by the guest init to the
 * process inside the guest (guest/confine.c), so the spec means the same in
 * both modes; the host side (the VMM) is confined by its own filter
 * (vmm/filter.c) instead.  The guest init has no libseccomp: it gets the
 * BPF compiled here (and cached) by security/. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sandbox.h"
#include "security/security.h"

/* filled in the parent, inherited by the child (clone without CLONE_VM) */
static struct {
	bool set;
	struct security_guest g;
	void *bpf;
} guest;

int sandbox_confine_prepare(struct security *sec, struct herr *e)
{
	if (security_guest_export(sec, &guest.g, e) < 0)
		return -1;
	if (guest.g.bpf) {
		guest.bpf = xmalloc(guest.g.bpf_len);
		memcpy(guest.bpf, guest.g.bpf, guest.g.bpf_len);
		guest.g.bpf = guest.bpf;
	}
	guest.set = true;
	security_sandbox_host(sec);
	return 0;
}

static void add(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s) + 1);
}

/* The namespaces the guest init unshares for the process: pid, mount,
 * uts, ipc and cgroup as the spec asks.  Network: the VM is the boundary (the
 * guest's NIC, if any, is the container's).  User and time: the guest
 * kernel is the container's own.  A path (join) names a host namespace,
 * which means nothing in the guest: a new one stands in for it. */
static unsigned long guest_unshare(const struct spec *spec)
{
	static const struct { enum spec_ns_type t; unsigned long f; } map[] = {
		{SPEC_NS_PID, CLONE_NEWPID}, {SPEC_NS_MOUNT, CLONE_NEWNS},
		{SPEC_NS_UTS, CLONE_NEWUTS},
		{SPEC_NS_IPC, CLONE_NEWIPC}, {SPEC_NS_CGROUP, CLONE_NEWCGROUP},
	};
	unsigned long flags = 0;

	for (size_t i = 0; spec->linux && i < spec->linux->nnamespaces; i++)
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (spec->linux->namespaces[i].type == map[k].t)
				flags |= map[k].f;
	return flags;
}

void sandbox_confine_items(struct strbuf *b, const struct spec *spec)
{
	unsigned long ns = guest_unshare(spec);
	const struct security_guest *g = &guest.g;
	static const char hex[] = "0123456789abcdef";
	char s[160];

	if (ns) {
		snprintf(s, sizeof(s), "unshare=%lx", ns);
		add(b, s);
	}
	if (!guest.set)
		return;
	if (g->has_caps) {
		snprintf(s, sizeof(s), "caps=%llx,%llx,%llx,%llx,%llx",
			 (unsigned long long)g->bounding,
			 (unsigned long long)g->effective,
			 (unsigned long long)g->permitted,
			 (unsigned long long)g->inheritable,
			 (unsigned long long)g->ambient);
		add(b, s);
	}
	if (g->no_new_privs)
		add(b, "nnp=1");
	if (g->bpf) {
		/* hex: the payload's items are NUL-terminated strings */
		const unsigned char *p = g->bpf;
		snprintf(s, sizeof(s), "seccomp=%x,", g->bpf_flags);
		strbuf_puts(b, s);
		for (size_t i = 0; i < g->bpf_len; i++) {
			char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
			strbuf_append(b, h, 2);
		}
		strbuf_append(b, "", 1);
	}
}
