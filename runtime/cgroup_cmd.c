/* What the cgroup commands (pause, resume, update, ps, events) share: a
 * container's cgroup, runc's size and duration syntax, the OOM report of
 * run and delete. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

static void debug_note(const char *msg)
{
	log_debug("%s", msg);
}

/* the cgroups library's notes (ignored fields) go to --debug's log */
__attribute__((constructor)) static void route_cgroup_debug(void)
{
	cgroup_set_debug(debug_note);
}

int container_cgroup(struct container *c, struct cgroup **out,
		     struct herr *e)
{
	if (!c->have_state || !c->st.cgroup)
		return herr_set(e, 0, "container `%s` has no cgroup", c->id);
	if (cgroup_open(c->st.cgroup, out, e) < 0)
		return herr_wrap(e, "container `%s`", c->id);
	return 0;
}

/* the container's cgroup knows whether the kernel's OOM killer hit it:
 * say so, as the reason behind an exit status of 137 */
void container_report_oom(struct container *c)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	uint64_t kills = 0;
	struct herr e;

	if (container_cgroup(c, &cg, &e) < 0 ||
	    cgroup_oom_kills(cg, &kills, &e) < 0 || !kills)
		return;
	log_warn("container `%s`: the OOM killer killed %llu process%s "
		 "(memory limit reached)", c->id, (unsigned long long)kills,
		 kills == 1 ? "" : "es");
}

/* "512m", "1.5G", "1024", "64MiB", "-1": docker's RAMInBytes, which runc's
 * update flags use (binary multiples, case-insensitive) */
int parse_size(const char *s, int64_t *out)
{
	static const char units[] = "bkmgtp";
	char *end;
	double v;
	const char *u;
	int shift;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isdigit((unsigned char)*s))
		return -1;
	if (!*end) {
		shift = 0;
	} else {
		u = strchr(units, tolower((unsigned char)*end));
		if (!u || !*u)
			return -1;
		shift = (int)(u - units) * 10;
		end++;
		if (!strcasecmp(end, "ib") && shift)
			end += 2;
		else if ((*end == 'b' || *end == 'B') && shift)
			end++;
		if (*end)
			return -1;
	}
	v *= (double)(1ull << shift);
	if (v >= 9.2e18)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* Go's time.ParseDuration: "5s", "100ms", "1m30s", "1.5h" */
int parse_duration_ns(const char *s, uint64_t *out)
{
	static const struct {
		const char *u;
		double ns;
	} units[] = {{"ns", 1},	    {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6},
		     {"s", 1e9},    {"m", 60e9}, {"h", 3600e9}};
	double total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		size_t best = 0, k = 0;

		if (end == s || v < 0)
			return -1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].u);
			if (!strncmp(end, units[i].u, n) && n > best)
				best = n, k = i;
		}
		if (!best)
			return -1;
		total += v * units[k].ns;
		s = end + best;
	}
	if (total < 1 || total > 1e18)
		return -1;
	*out = (uint64_t)total;
	return 0;
}

/* pause and resume: ID as the only argument */
int parse_id_only(const char *cmd, int argc, char **argv, const char **id)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return command_usage(cmd, stdout), 2;
		return 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hutch %s: expected one container id\n", cmd);
		return 1;
	}
	*id = argv[optind];
	return 0;
}

int container_load_live(struct globals *g, const char *id,
			struct container **c, struct cgroup **cg,
			struct herr *e)
{
	enum cstatus st;

	*c = NULL;
	*cg = NULL;
	if (container_load(g->root, id, c, e) < 0)
		return -1;
	st = container_status(*c);
	if ((st == ST_STOPPED || st == ST_CREATING ||
	     container_cgroup(*c, cg, e) < 0)) {
		if (st == ST_STOPPED || st == ST_CREATING)
			herr_set(e, 0, "container `%s` is %s, not running", id,
				 cstatus_name(st));
		container_free(*c);
		*c = NULL;
		return -1;
	}
	return 0;
}

/* pause: running or created -> frozen; resume: paused -> thawed */
int container_set_frozen(struct globals *g, const char *id, bool frozen,
			 struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	enum cstatus st;

	if (container_load_live(g, id, &c, &cg, e) < 0)
		return -1;
	st = container_status(c);
	if (frozen && st == ST_PAUSED)
		return herr_set(e, 0, "container `%s` is paused, not running",
				id);
	if (!frozen && st != ST_PAUSED)
		return herr_set(e, 0, "container `%s` is %s, not paused", id,
				cstatus_name(st));
	if (cgroup_freeze(cg, frozen, e) < 0)
		return herr_wrap(e, "%s container `%s`",
				 frozen ? "pause" : "resume", id);
	return 0;
}
