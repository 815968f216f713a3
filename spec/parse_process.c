/* process (config.md "Process", "POSIX process", "Linux Process", "User"):
 * the field tables and the checks the spec asks for. */
#include <string.h>

#include "spec/internal.h"

#define P struct spec_process

/* ---------- capabilities ---------- */

static int check_caps(struct pctx *c, void *obj)
{
	struct spec_caps *k = obj;
	struct {
		const char *key;
		char **v;
		size_t n;
		bool *has;
	} sets[] = {
		{"bounding", k->bounding, k->nbounding, &k->has_bounding},
		{"effective", k->effective, k->neffective, &k->has_effective},
		{"inheritable", k->inheritable, k->ninheritable,
		 &k->has_inheritable},
		{"permitted", k->permitted, k->npermitted, &k->has_permitted},
		{"ambient", k->ambient, k->nambient, &k->has_ambient},
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		/* a present list is allocated even when empty ([] != absent) */
		*sets[i].has = sets[i].v != NULL;
		for (size_t j = 0; j < sets[i].n; j++) {
			if (sp_name_lookup(sp_cap_names, sets[i].v[j]) >= 0)
				continue;
			sp_ppush_key(c, sets[i].key);
			sp_ppush_index(c, j);
			return sp_pfail(c, "unknown capability \"%.100s\"",
				     sets[i].v[j]);
		}
	}
	return 0;
}

#define CAPSET(k) FN(#k, FK_STRV, struct spec_caps, k, n##k, 0)
static const struct fdesc caps_desc = {
	.fields = (const struct field[]){
		CAPSET(bounding), CAPSET(effective), CAPSET(inheritable),
		CAPSET(permitted), CAPSET(ambient), {0},
	},
	.check = check_caps,
};

/* ---------- rlimits ---------- */

/* config.md: a type that cannot be mapped is an error; soft > hard would
 * make setrlimit(2) fail with EINVAL inside the container, too late */
static int check_rlimit(struct pctx *c, void *obj)
{
	struct spec_rlimit *r = obj;

	r->resource = sp_name_lookup(sp_rlimit_names, r->type);
	if (r->resource < 0)
		return sp_fail_not_in(c, "type", "rlimit", r->type);
	if (r->soft > r->hard)
		return sp_pfail(c, "soft limit %llu is above the hard limit "
				"%llu",
			     (unsigned long long)r->soft,
			     (unsigned long long)r->hard);
	return 0;
}

static const struct fdesc rlimit_desc = {
	.size = sizeof(struct spec_rlimit),
	.fields = (const struct field[]){
		FLD("type", FK_STR, struct spec_rlimit, type, NO_AUX,
		    F_REQUIRED),
		FLD("soft", FK_U64, struct spec_rlimit, soft, NO_AUX,
		    F_REQUIRED),
		FLD("hard", FK_U64, struct spec_rlimit, hard, NO_AUX,
		    F_REQUIRED),
		{0},
	},
	.check = check_rlimit,
};

/* ---------- user, console, scheduler, I/O priority ---------- */

static int check_user(struct pctx *c, void *obj)
{
	struct spec_user *u = obj;

	if (u->has_umask && u->umask > 0777) {
		sp_ppush_key(c, "umask");
		return sp_pfail(c, "must be at most 0777 (decimal 511), got %u",
			     u->umask);
	}
	return 0;
}

static const struct fdesc user_desc = {
	.fields = (const struct field[]){
		FLD("uid", FK_U32, struct spec_user, uid, NO_AUX, F_REQUIRED),
		FLD("gid", FK_U32, struct spec_user, gid, NO_AUX, F_REQUIRED),
		FHAS("umask", FK_U32, struct spec_user, umask, has_umask),
		FN("additionalGids", FK_U32V, struct spec_user,
		   additional_gids, nadditional_gids, 0),
		FLD("username", FK_STR, struct spec_user, username, NO_AUX, 0),
		{0},
	},
	.check = check_user,
};

/* consoleSize maps into spec_process itself (off 0) */
static const struct fdesc console_desc = {
	.fields = (const struct field[]){
		FLD("height", FK_U32, P, console_height, NO_AUX, F_REQUIRED),
		FLD("width", FK_U32, P, console_width, NO_AUX, F_REQUIRED),
		{0},
	},
};

static const char *const sched_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
	"SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const sched_flags[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
	"SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
	"SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

/* config.md "scheduler": the policy and flag lists; nice is -20..19 */
static int check_sched(struct pctx *c, void *obj)
{
	struct spec_scheduler *s = obj;

	if (!sp_str_in(sched_policies, s->policy))
		return sp_fail_not_in(c, "policy", "scheduling policy",
				   s->policy);
	if (s->has_nice && (s->nice < -20 || s->nice > 19)) {
		sp_ppush_key(c, "nice");
		return sp_pfail(c, "must be between -20 and 19, got %d",
				s->nice);
	}
	return sp_check_names(c, "flags", s->flags, s->nflags, sched_flags,
			   "scheduler flag");
}

#define S struct spec_scheduler
static const struct fdesc sched_desc = {
	.size = sizeof(S),
	.fields = (const struct field[]){
		FLD("policy", FK_STR, S, policy, NO_AUX, F_REQUIRED),
		FHAS("nice", FK_I32, S, nice, has_nice),
		FHAS("priority", FK_I32, S, priority, has_priority),
		FN("flags", FK_STRV, S, flags, nflags, 0),
		FHAS("runtime", FK_U64, S, runtime, has_runtime),
		FHAS("deadline", FK_U64, S, deadline, has_deadline),
		FHAS("period", FK_U64, S, period, has_period),
		{0},
	},
	.check = check_sched,
};
#undef S

/* config.md "ioPriority": three classes, priority 0 (highest) to 7 */
static int check_ioprio(struct pctx *c, void *obj)
{
	static const char *const classes[] = {
		"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
	};
	struct spec_io_priority *p = obj;

	if (!sp_str_in(classes, p->class))
		return sp_fail_not_in(c, "class", "I/O priority class",
				      p->class);
	if (p->priority < 0 || p->priority > 7) {
		sp_ppush_key(c, "priority");
		return sp_pfail(c, "must be between 0 and 7, got %d",
			     p->priority);
	}
	return 0;
}

static const struct fdesc ioprio_desc = {
	.size = sizeof(struct spec_io_priority),
	.fields = (const struct field[]){
		FLD("class", FK_STR, struct spec_io_priority, class, NO_AUX,
		    F_REQUIRED),
		FLD("priority", FK_I32, struct spec_io_priority, priority,
		    NO_AUX, F_REQUIRED),
		{0},
	},
	.check = check_ioprio,
};

static int check_affinity(struct pctx *c, void *obj)
{
	P *p = obj;

	if (sp_check_cpu_list(c, "initial", p->exec_cpu_affinity_initial) < 0)
		return -1;
	return sp_check_cpu_list(c, "final", p->exec_cpu_affinity_final);
}

static const struct fdesc affinity_desc = {
	.fields = (const struct field[]){
		FLD("initial", FK_STR, P, exec_cpu_affinity_initial, NO_AUX, 0),
		FLD("final", FK_STR, P, exec_cpu_affinity_final, NO_AUX, 0),
		{0},
	},
	.check = check_affinity,
};

/* ---------- process ---------- */

/* environ entries are NAME=value with a non-empty NAME: execve(2) would
 * pass anything, but a program looking up "=x" or "FOO" gets nonsense */
static int check_env(struct pctx *c, char **env, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq && eq != env[i])
			continue;
		sp_ppush_key(c, "env");
		sp_ppush_index(c, i);
		return sp_pfail(c, "must look like NAME=value (got \"%.100s\")",
			     env[i]);
	}
	return 0;
}

static bool same_rlimit(const void *a, const void *b)
{
	return ((const struct spec_rlimit *)a)->resource ==
	       ((const struct spec_rlimit *)b)->resource;
}

/* config.md: "If rlimits contains duplicated entries with same type, the
 * runtime MUST generate an error" */
static int check_rlimit_dups(struct pctx *c, const P *p)
{
	size_t i = sp_first_dup(p->rlimits, p->nrlimits, sizeof(*p->rlimits),
			     same_rlimit);

	if (!i)
		return 0;
	sp_ppush_key(c, "rlimits");
	sp_ppush_index(c, i);
	sp_ppush_key(c, "type");
	return sp_pfail(c, "duplicate rlimit \"%s\"", p->rlimits[i].type);
}

static int check_process(struct pctx *c, void *obj)
{
	P *p = obj;
	size_t old = c->len;

	/* config.md: cwd "MUST be an absolute path" */
	if (sp_check_abs_path(c, "cwd", p->cwd) < 0 ||
	    check_env(c, p->env, p->nenv) < 0 ||
	    check_rlimit_dups(c, p) < 0)
		return -1;
	/* proc(5): oom_score_adj is -1000..1000 */
	if (p->has_oom_score_adj &&
	    (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)) {
		sp_ppush_key(c, "oomScoreAdj");
		sp_pfail(c, "must be between -1000 and 1000, got %d",
		      p->oom_score_adj);
		sp_ppop(c, old);
		return -1;
	}
	return 0;
}

static const struct field process_fields[] = {
	FLD("terminal", FK_BOOL, P, terminal, NO_AUX, 0),
	{"consoleSize", FK_EMBED, 0, 0, offsetof(P, has_console_size),
	 &console_desc, NULL},
	FSUB("user", FK_EMBED, P, user, NO_AUX, 0, &user_desc),
	/* config.md: at least one entry is REQUIRED (non-Windows) */
	FN("args", FK_STRV, P, args, nargs, F_REQUIRED | F_NONEMPTY),
	FLD("commandLine", FK_STR, P, command_line, NO_AUX, 0),
	FN("env", FK_STRV, P, env, nenv, 0),
	FLD("cwd", FK_STR, P, cwd, NO_AUX, F_REQUIRED),
	FSUB("capabilities", FK_EMBED, P, capabilities,
	     offsetof(P, has_capabilities), 0, &caps_desc),
	FSUB("rlimits", FK_ARR, P, rlimits, offsetof(P, nrlimits), 0,
	     &rlimit_desc),
	FLD("noNewPrivileges", FK_BOOL, P, no_new_privileges, NO_AUX, 0),
	FLD("apparmorProfile", FK_STR, P, apparmor_profile, NO_AUX, 0),
	FHAS("oomScoreAdj", FK_I32, P, oom_score_adj, has_oom_score_adj),
	FLD("selinuxLabel", FK_STR, P, selinux_label, NO_AUX, 0),
	FSUB("scheduler", FK_OBJ, P, scheduler, NO_AUX, 0, &sched_desc),
	FSUB("ioPriority", FK_OBJ, P, io_priority, NO_AUX, 0, &ioprio_desc),
	{"execCPUAffinity", FK_EMBED, 0, 0, NO_AUX, &affinity_desc, NULL},
	{0},
};

const struct fdesc sp_process_desc = {
	.size = sizeof(P),
	.fields = process_fields,
	.check = check_process,
};
