/* linux.seccomp (config-linux.md "Seccomp").  Names are checked against
 * the spec's lists here; security/ maps them to libseccomp.  Syscall names
 * are not checked: like runc, security/ skips names the kernel or
 * libseccomp does not know, so one profile serves several kernels. */
#include <string.h>

#include "spec/internal.h"

#define SC struct spec_seccomp_syscall

/* "When the action doesn't support an errno, the runtime MUST print an
 * error and fail" */
static bool takes_errno(const char *action)
{
	return !strcmp(action, "SCMP_ACT_ERRNO") ||
	       !strcmp(action, "SCMP_ACT_TRACE");
}

static int check_action(struct pctx *c, const char *key, const char *action,
			bool has_errno, const char *errno_key)
{
	if (!sp_str_in(sp_seccomp_actions, action))
		return sp_fail_not_in(c, key, "seccomp action", action);
	if (has_errno && !takes_errno(action))
		return sp_ppush_key(c, errno_key),
		       sp_pfail(c, "is only allowed with SCMP_ACT_ERRNO or "
				"SCMP_ACT_TRACE, not %s", action);
	return 0;
}

/* seccomp filters see six syscall arguments, indexes 0 to 5 */
static int check_arg(struct pctx *c, void *obj)
{
	struct spec_seccomp_arg *a = obj;

	if (a->index > 5)
		return sp_ppush_key(c, "index"),
		       sp_pfail(c, "must be between 0 and 5, got %u", a->index);
	if (!sp_str_in(sp_seccomp_ops, a->op))
		return sp_fail_not_in(c, "op", "seccomp operator", a->op);
	return 0;
}

#define A struct spec_seccomp_arg
static const struct fdesc arg_desc = {
	.size = sizeof(A),
	.fields = (const struct field[]){
		FLD("index", FK_U32, A, index, NO_AUX, F_REQUIRED),
		FLD("value", FK_U64, A, value, NO_AUX, F_REQUIRED),
		FHAS("valueTwo", FK_U64, A, value_two, has_value_two),
		FLD("op", FK_STR, A, op, NO_AUX, F_REQUIRED),
		{0},
	},
	.check = check_arg,
};
#undef A

static int check_syscall(struct pctx *c, void *obj)
{
	SC *s = obj;

	for (size_t i = 0; i < s->nnames; i++)
		if (!*s->names[i])
			return sp_ppush_key(c, "names"), sp_ppush_index(c, i),
			       sp_pfail(c, "must not be empty");
	return check_action(c, "action", s->action, s->has_errno_ret,
			    "errnoRet");
}

static const struct fdesc syscall_desc = {
	.size = sizeof(SC),
	.fields = (const struct field[]){
		/* "names MUST contain at least one entry" */
		FN("names", FK_STRV, SC, names, nnames,
		   F_REQUIRED | F_NONEMPTY),
		FLD("action", FK_STR, SC, action, NO_AUX, F_REQUIRED),
		FHAS("errnoRet", FK_U32, SC, errno_ret, has_errno_ret),
		FSUB("args", FK_ARR, SC, args, offsetof(SC, nargs), 0,
		     &arg_desc),
		{0},
	},
	.check = check_syscall,
};

static bool uses_notify(const struct spec_seccomp *s)
{
	for (size_t i = 0; i < s->nsyscalls; i++)
		if (!strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY"))
			return true;
	return false;
}

/* SCMP_ACT_NOTIFY as the default would hand every syscall of the
 * container, including the ones the runtime makes before execve, to an
 * agent (libseccomp and runc refuse it too); notify needs a listenerPath
 * to send the fd to; listenerMetadata "MUST NOT be set if listenerPath is
 * not set" */
static int check_seccomp(struct pctx *c, void *obj)
{
	struct spec_seccomp *s = obj;

	if (check_action(c, "defaultAction", s->default_action,
			 s->has_default_errno_ret, "defaultErrnoRet") < 0 ||
	    sp_check_names(c, "architectures", s->architectures,
			s->narchitectures, sp_seccomp_archs,
			"seccomp architecture") < 0 ||
	    sp_check_names(c, "flags", s->flags, s->nflags, sp_seccomp_flags,
			"seccomp flag") < 0)
		return -1;
	if (!strcmp(s->default_action, "SCMP_ACT_NOTIFY"))
		return sp_ppush_key(c, "defaultAction"),
		       sp_pfail(c, "SCMP_ACT_NOTIFY cannot be the default "
				   "action");
	if (uses_notify(s) && (!s->listener_path || !*s->listener_path))
		return sp_ppush_key(c, "listenerPath"),
		       sp_pfail(c, "required when an action is "
				   "SCMP_ACT_NOTIFY");
	if (s->listener_metadata && !s->listener_path)
		return sp_ppush_key(c, "listenerMetadata"),
		       sp_pfail(c, "must not be set without listenerPath");
	return 0;
}

#define SE struct spec_seccomp
const struct fdesc sp_seccomp_desc = {
	.size = sizeof(SE),
	.fields = (const struct field[]){
		FLD("defaultAction", FK_STR, SE, default_action, NO_AUX,
		    F_REQUIRED),
		FHAS("defaultErrnoRet", FK_U32, SE, default_errno_ret,
		     has_default_errno_ret),
		FN("architectures", FK_STRV, SE, architectures,
		   narchitectures, 0),
		FN("flags", FK_STRV, SE, flags, nflags, 0),
		FLD("listenerPath", FK_STR, SE, listener_path, NO_AUX, 0),
		FLD("listenerMetadata", FK_STR, SE, listener_metadata, NO_AUX,
		    0),
		FSUB("syscalls", FK_ARR, SE, syscalls, offsetof(SE, nsyscalls),
		     0, &syscall_desc),
		{0},
	},
	.check = check_seccomp,
};
