/* linux.seccomp -> classic BPF with libseccomp, exported (not loaded):
 * the child loads the program itself with seccomp(2), so the same bytes
 * can come from the cache next time. */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>

#include "security/internal.h"

static const struct {
	const char *name;
	uint32_t act;
	bool takes_errno;
} actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
	{"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
	{"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

/* ERRNO and TRACE carry a 16-bit value; without errnoRet both mean EPERM
 * (runtime-spec: "defaults to EPERM"). */
int sec_seccomp_action(const char *name, bool has_errno, uint32_t errno_ret,
		   uint32_t *out)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(name, actions[i].name))
			continue;
		if (!actions[i].takes_errno) {
			*out = actions[i].act;
			return 0;
		}
		if (has_errno && errno_ret > 0xffff)
			return -1;
		*out = actions[i].act | (has_errno ? errno_ret : EPERM);
		return 0;
	}
	return -1;
}

static int compare_op(const char *op, enum scmp_compare *out)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
		{"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
		{"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
		{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].name))
			return *out = ops[i].op, 0;
	return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64" */
static uint32_t arch_token(const char *name)
{
	char low[32];
	size_t i;

	if (!str_has_prefix(name, "SCMP_ARCH_") || strlen(name) - 10 >= 32)
		return 0;
	for (i = 0; name[10 + i]; i++) {
		char c = name[10 + i];
		low[i] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	low[i] = 0;
	return seccomp_arch_resolve_name(low);
}

static int add_archs(scmp_filter_ctx ctx, const struct spec_seccomp *sc,
		     struct herr *e)
{
	for (size_t i = 0; i < sc->narchitectures; i++) {
		uint32_t a = arch_token(sc->architectures[i]);
		int r;

		if (!a)
			return herr_set(e, 0, "architectures[%zu]: unknown "
					"architecture `%s`", i,
					sc->architectures[i]);
		r = seccomp_arch_add(ctx, a);
		if (r < 0 && r != -EEXIST) /* EEXIST: the native one */
			return herr_set(e, -r, "architectures[%zu]: add `%s`",
					i, sc->architectures[i]);
	}
	return 0;
}

/* One syscall name of syscalls[i].  Several conditions on different
 * arguments are ANDed in one rule; when one argument appears twice,
 * libseccomp cannot AND them, and runc (whose profiles engines write)
 * adds one rule per condition instead, i.e. ORs them: same here. */
static int add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_syscall *s,
		    int nr, uint32_t act, struct scmp_arg_cmp *cmp)
{
	unsigned seen = 0;
	bool repeated = false;

	for (size_t j = 0; j < s->nargs; j++) {
		repeated |= (seen >> s->args[j].index) & 1;
		seen |= 1u << s->args[j].index;
	}
	if (!repeated)
		return seccomp_rule_add_array(ctx, act, nr, s->nargs, cmp);
	for (size_t j = 0; j < s->nargs; j++) {
		int r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[j]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct spec_seccomp *sc,
			uint32_t def, struct herr *e)
{
	for (size_t i = 0; i < sc->nsyscalls; i++) {
		const struct spec_seccomp_syscall *s = &sc->syscalls[i];
		struct scmp_arg_cmp cmp[6];
		uint32_t act;

		if (sec_seccomp_action(s->action, s->has_errno_ret, s->errno_ret,
				   &act) < 0)
			return herr_set(e, 0, "syscalls[%zu].action: invalid "
					"`%s`", i, s->action);
		/* libseccomp refuses rules that repeat the default action */
		if (act == def)
			continue;
		if (s->nargs > 6)
			return herr_set(e, 0, "syscalls[%zu].args: at most 6",
					i);
		for (size_t j = 0; j < s->nargs; j++) {
			const struct spec_seccomp_arg *a = &s->args[j];
			cmp[j] = (struct scmp_arg_cmp){
				.arg = a->index,
				.datum_a = a->value,
				.datum_b = a->value_two,
			};
			if (a->index > 5 || compare_op(a->op, &cmp[j].op) < 0)
				return herr_set(e, 0, "syscalls[%zu].args[%zu]: "
						"invalid op `%s` or index %u",
						i, j, a->op, a->index);
		}
		for (size_t k = 0; k < s->nnames; k++) {
			int nr = seccomp_syscall_resolve_name(s->names[k]);
			int r;

			if (nr == __NR_SCMP_ERROR) {
				/* runc: a syscall this libseccomp or kernel
				 * does not know is skipped */
				sec_debug("seccomp: unknown syscall `%s` "
					  "ignored", s->names[k]);
				continue;
			}
			r = add_rule(ctx, s, nr, act, cmp);
			if (r < 0)
				return herr_set(e, -r, "syscalls[%zu]: add rule "
						"for `%s`", i, s->names[k]);
		}
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns,
		      unsigned short *ninsns, struct herr *e)
{
	_cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return herr_sys(e, "memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return herr_set(e, -r, "export the filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return herr_set(e, 0, "the filter has a bad size (%lld bytes; "
				"the kernel takes up to %d instructions)",
				(long long)size, BPF_MAXINSNS);
	*insns = xmalloc(size);
	if (pread(fd, *insns, size, 0) != size) {
		free(*insns);
		*insns = NULL;
		return herr_sys(e, "read the exported filter");
	}
	*ninsns = size / sizeof(struct sock_filter);
	return 0;
}

int sec_bpf_compile(const struct spec_seccomp *sc, struct sock_filter **insns,
		    unsigned short *ninsns, struct herr *e)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	int r = -1;

	if (sec_seccomp_action(sc->default_action, sc->has_default_errno_ret,
			   sc->default_errno_ret, &def) < 0)
		return herr_set(e, 0, "defaultAction: invalid `%s`",
				sc->default_action);
	ctx = seccomp_init(def);
	if (!ctx)
		return herr_set(e, 0, "seccomp_init: cannot create a filter "
				"with default action `%s`", sc->default_action);
	/* the kernel walks the rules as a list unless asked for a tree:
	 * long profiles (engines' defaults) get a binary tree; libseccomp
	 * up to 2.5.4 misbehaves with a tree and no rules */
	if (sc->nsyscalls > 32)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (add_archs(ctx, sc, e) == 0 && add_syscalls(ctx, sc, def, e) == 0 &&
	    export_bpf(ctx, insns, ninsns, e) == 0) {
		sec_bpf_enosys_stub(sc, def, insns, ninsns);
		r = 0;
	}
	seccomp_release(ctx);
	return r;
}
