/* Checks used by more than one table: paths, CPU lists, versions, names. */
#include <ctype.h>
#include <string.h>

#include "spec/internal.h"

bool sp_path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

int sp_check_abs_path(struct pctx *c, const char *key, const char *p)
{
	size_t old;

	if (!p || sp_path_is_absolute(p))
		return 0;
	old = key ? sp_ppush_key(c, key) : c->len;
	sp_pfail(c, "must be an absolute path (got \"%.200s\")", p);
	sp_ppop(c, old);
	return -1;
}

/* "0-3,7": config-linux.md cpus/mems and config.md execCPUAffinity */
static bool cpu_list_ok(const char *s)
{
	while (*s) {
		unsigned long a, b;
		char *end;

		if (!isdigit((unsigned char)*s))
			return false;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return false;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || a > 1u << 20 || b > 1u << 20)
			return false;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return false;
		s = end;
	}
	return true;
}

int sp_check_cpu_list(struct pctx *c, const char *key, const char *list)
{
	size_t old;

	if (!list || !*list || cpu_list_ok(list))
		return 0;
	old = sp_ppush_key(c, key);
	sp_pfail(c, "must be a list like \"0-3,7\" (got \"%.100s\")", list);
	sp_ppop(c, old);
	return -1;
}

/* a SemVer 2.0.0 identifier list ("rc.1"); numeric identifiers of a
 * pre-release must not have leading zeros, those of build metadata may */
static const char *semver_ids(const char *s, bool zeros_ok)
{
	for (;;) {
		const char *start = s;
		bool digits = true;

		for (; isalnum((unsigned char)*s) || *s == '-'; s++)
			if (!isdigit((unsigned char)*s))
				digits = false;
		if (s == start)
			return NULL;
		if (!zeros_ok && digits && s - start > 1 && *start == '0')
			return NULL;
		if (*s != '.')
			return s;
		s++;
	}
}

/* MAJOR.MINOR.PATCH[-pre][+build] with exactly three core numbers */
bool sp_semver_ok(const char *v)
{
	const char *s = v;

	for (int i = 0; i < 3; i++) {
		const char *start = s;
		while (isdigit((unsigned char)*s))
			s++;
		if (s == start || (s - start > 1 && *start == '0'))
			return false;
		if (i < 2 && *s++ != '.')
			return false;
	}
	if (*s == '-' && !(s = semver_ids(s + 1, false)))
		return false;
	if (*s == '+' && !(s = semver_ids(s + 1, true)))
		return false;
	return *s == '\0';
}

/* a network interface name (IFNAMSIZ 16 with the NUL; no '/', ':' or
 * spaces, not "." or "..": dev_valid_name() in the kernel) */
bool sp_ifname_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 15 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || *n == ':' || isspace((unsigned char)*n))
			return false;
	return true;
}

/* a name used as one path component below a directory we own (cgroup
 * files, resctrl groups): anything else could walk out of it */
bool sp_component_ok(const char *n)
{
	return *n && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

/* cgroupsPath: no ".." component, so that it stays below the cgroup mount
 * points we resolve it against */
bool sp_no_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || !s[2]))
			return false;
	return true;
}

int sp_fail_not_in(struct pctx *c, const char *key, const char *what,
		const char *got)
{
	size_t old = key ? sp_ppush_key(c, key) : c->len;

	sp_pfail(c, "unknown %s \"%.100s\"", what, got);
	sp_ppop(c, old);
	return -1;
}

/* every entry of a list of names must be in `known` */
int sp_check_names(struct pctx *c, const char *key, char **v, size_t n,
		const char *const *known, const char *what)
{
	size_t old = sp_ppush_key(c, key);

	for (size_t i = 0; i < n; i++) {
		if (!sp_str_in(known, v[i])) {
			sp_ppush_index(c, i);
			sp_pfail(c, "unknown %s \"%.100s\"", what, v[i]);
			sp_ppop(c, old);
			return -1;
		}
	}
	sp_ppop(c, old);
	return 0;
}
