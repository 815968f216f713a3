/* linux.resources.devices: the rule list hutch enforces, and its v1 form.
 *
 * The OCI list is evaluated in order, the last matching rule wins.  Like
 * runc and crun, hutch also lets the container use the devices every
 * container gets (/dev/null, zero, full, random, urandom, tty, console,
 * ptmx, pts/N, and mknod of any node).  runc and crun append those after the
 * spec's rules, so a config can never take them away; hutch inserts them
 * right after the last "deny everything" rule instead: they survive the
 * usual `deny all` opener, and an explicit later rule (say, no writes to
 * /dev/null) still wins. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

static const struct cg_dev_rule defaults[] = {
	{true, 'c', -1, -1, CG_ACC_M},
	{true, 'b', -1, -1, CG_ACC_M},
	{true, 'c', 1, 3, CG_ACC_ALL},   /* null */
	{true, 'c', 1, 5, CG_ACC_ALL},   /* zero */
	{true, 'c', 1, 7, CG_ACC_ALL},   /* full */
	{true, 'c', 1, 8, CG_ACC_ALL},   /* random */
	{true, 'c', 1, 9, CG_ACC_ALL},   /* urandom */
	{true, 'c', 5, 0, CG_ACC_ALL},   /* tty */
	{true, 'c', 5, 1, CG_ACC_ALL},   /* console */
	{true, 'c', 5, 2, CG_ACC_ALL},   /* ptmx */
	{true, 'c', 136, -1, CG_ACC_ALL}, /* pts/N */
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

static int parse_access(const char *s, unsigned *out)
{
	*out = 0;
	if (!s) {
		*out = CG_ACC_ALL;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'r': *out |= CG_ACC_R; break;
		case 'w': *out |= CG_ACC_W; break;
		case 'm': *out |= CG_ACC_M; break;
		default: return -1;
		}
	}
	return 0;
}

static bool deny_all(const struct cg_dev_rule *r)
{
	return !r->allow && r->type == 'a' && r->major < 0 && r->minor < 0;
}

static int convert(const struct spec_device_rule *s, size_t i,
		   struct cg_dev_rule *out, struct herr *e)
{
	char type = s->type ? s->type : 'a';

	if (type != 'a' && type != 'c' && type != 'b')
		return herr_set(e, EINVAL, "linux.resources.devices[%zu].type: "
				"`%c` is not a, c or b",
				i, type);
	if (parse_access(s->access, &out->access) < 0)
		return herr_set(e, EINVAL, "linux.resources.devices[%zu].access: "
				"`%s` is not a subset of rwm", i, s->access);
	out->allow = s->allow;
	out->type = type;
	out->major = s->has_major ? s->major : -1;
	out->minor = s->has_minor ? s->minor : -1;
	return 0;
}

int cg_dev_rules(const struct spec_resources *r, struct cg_dev_rule **out,
		 size_t *n, struct herr *e)
{
	struct cg_dev_rule *rules =
		xcalloc(r->ndevices + NDEFAULTS, sizeof(*rules));
	size_t k = 0, insert_at = SIZE_MAX;

	for (size_t i = 0; i < r->ndevices; i++) {
		if (convert(&r->devices[i], i, &rules[k], e) < 0) {
			free(rules);
			return -1;
		}
		if (!rules[k].access)
			continue; /* no access named: the rule matches nothing */
		if (deny_all(&rules[k]))
			insert_at = k + 1;
		k++;
	}
	if (insert_at != SIZE_MAX) {
		memmove(rules + insert_at + NDEFAULTS, rules + insert_at,
			(k - insert_at) * sizeof(*rules));
		memcpy(rules + insert_at, defaults, sizeof(defaults));
		k += NDEFAULTS;
	}
	*out = rules;
	*n = k;
	return 0;
}

static void rule_text(const struct cg_dev_rule *r, char *buf, size_t len)
{
	char maj[24] = "*", min[24] = "*", acc[4];
	size_t a = 0;

	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	if (r->access & CG_ACC_R)
		acc[a++] = 'r';
	if (r->access & CG_ACC_W)
		acc[a++] = 'w';
	if (r->access & CG_ACC_M)
		acc[a++] = 'm';
	acc[a] = '\0';
	snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

/* v1 keeps a default (allow or deny) plus exceptions; writing the rules
 * in order to devices.allow / devices.deny gives the ordered semantics:
 * "a" resets the default and drops the exceptions */
int cg_devices_v1(int fd, const struct cg_dev_rule *rules, size_t n,
		  struct herr *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *file = rules[i].allow ? "devices.allow"
						  : "devices.deny";
		char line[80];

		if (rules[i].type == 'a' && rules[i].major < 0 &&
		    rules[i].minor < 0 && rules[i].access == CG_ACC_ALL)
			snprintf(line, sizeof(line), "a");
		else
			rule_text(&rules[i], line, sizeof(line));
		if (cg_write(fd, file, line, e) < 0)
			return -1;
	}
	return 0;
}
