/* networks.conf: INI-like sections, one per network.
 *
 *   [NAME]                  network name: [A-Za-z0-9_-], at most 32
 *   bridge   = hutch1       Linux bridge (15 chars); [bridge] defaults hutch0
 *   subnet   = 10.78.0.0/24 IPv4 subnet   } at least one of the two
 *   subnet6  = fd00:1::/64  IPv6 subnet   }
 *   gateway  = 10.78.0.1    the bridge's address (default: first host)
 *   gateway6 = fd00:1::1
 *   mtu      = 1400         bridge and veth MTU (default: 1500)
 *   masquerade = true       NAT for traffic leaving the host (default true)
 *   dns      = 10.0.0.53 1.1.1.1   nameservers for resolv.conf (default:
 *                           the host's non-loopback ones)
 *
 * `bridge` (the default network) is built in; a [bridge] section replaces
 * it.  `none` and `host` are reserved. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "netsetup/internal.h"

#define BUILTIN_BRIDGE "hutch0"
#define BUILTIN_SUBNET "10.77.0.0/16"
#define BUILTIN_SUBNET6 "fd68:7574:6368::/64" /* "hutch" in ASCII */
#define MAX_NETWORKS 64

static bool ipv6_enabled(void)
{
	char c = '1';
	FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "re");

	if (!f)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = '1';
	fclose(f);
	return c == '0';
}

void netconf_default(struct netconf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "bridge");
	snprintf(c->bridge, sizeof(c->bridge), BUILTIN_BRIDGE);
	ipnet_parse(BUILTIN_SUBNET, &c->net4);
	c->has4 = true;
	/* the built-in network drops IPv6 quietly on hosts without it; a
	 * configured subnet6 on such a host is an error at bridge set-up */
	c->has6 = ipv6_enabled();
	if (c->has6)
		ipnet_parse(BUILTIN_SUBNET6, &c->net6);
	c->gw4 = c->gw6 = 1;
	c->masquerade = true;
	snprintf(c->source, sizeof(c->source), "built-in");
}

static bool name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int set_subnet(struct netconf *c, int family, const char *v,
		      struct herr *e)
{
	struct ipnet n;
	int r = ipnet_parse(v, &n);

	if (r == -2)
		return herr_set(e, 0, "`%s` has host bits set", v);
	if (r < 0 || n.family != family)
		return herr_set(e, 0, "`%s` is not an %s subnet", v,
				family == AF_INET ? "IPv4" : "IPv6");
	if (ipnet_max_index(&n) < 2)
		return herr_set(e, 0, "subnet `%s` is too small", v);
	if (family == AF_INET) {
		c->net4 = n;
		c->has4 = true;
	} else {
		c->net6 = n;
		c->has6 = true;
	}
	return 0;
}

static int set_key(struct netconf *c, const char *k, const char *v,
		   char gw[2][64], struct herr *e)
{
	uint64_t u;

	if (!strcmp(k, "bridge")) {
		if (strlen(v) >= IFNAMSIZ || !*v || strchr(v, '/') ||
		    strchr(v, ' ') || !strcmp(v, ".") || !strcmp(v, ".."))
			return herr_set(e, 0, "bad bridge name `%s` (at most "
					"15 characters, no `/` or spaces)", v);
		snprintf(c->bridge, sizeof(c->bridge), "%s", v);
	} else if (!strcmp(k, "subnet")) {
		return set_subnet(c, AF_INET, v, e);
	} else if (!strcmp(k, "subnet6")) {
		return set_subnet(c, AF_INET6, v, e);
	} else if (!strcmp(k, "gateway") || !strcmp(k, "gateway6")) {
		snprintf(gw[k[7] == '6'], 64, "%s", v);
	} else if (!strcmp(k, "mtu")) {
		if (parse_u64(v, &u) < 0 || u < 1280 || u > 65535)
			return herr_set(e, 0, "mtu `%s`: want 1280..65535", v);
		c->mtu = (unsigned)u;
	} else if (!strcmp(k, "masquerade")) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			return herr_set(e, 0, "masquerade `%s`: want true or "
					"false", v);
		c->masquerade = !strcmp(v, "true");
	} else if (!strcmp(k, "dns")) {
		if (strlen(v) >= sizeof(c->dns))
			return herr_set(e, 0, "dns: too long");
		snprintf(c->dns, sizeof(c->dns), "%s", v);
	} else {
		return herr_set(e, 0, "unknown key `%s`", k);
	}
	return 0;
}

static int set_gateway(const struct ipnet *n, bool has, const char *s,
		       uint32_t *idx, struct herr *e)
{
	uint8_t a[16];
	int fam;
	int64_t i;

	if (!*s)
		return 0;
	if (!has)
		return herr_set(e, 0, "gateway `%s` without a subnet", s);
	if (ipaddr_parse(s, &fam, a) < 0 || fam != n->family)
		return herr_set(e, 0, "bad gateway `%s`", s);
	i = ipnet_index(n, a);
	if (i < 1 || (uint64_t)i > ipnet_max_index(n))
		return herr_set(e, 0, "gateway `%s` is not a host address of "
				"the subnet", s);
	*idx = (uint32_t)i;
	return 0;
}

/* a section is complete: defaults and checks */
static int finish(struct netconf *c, char gw[2][64], struct herr *e)
{
	if (!c->has4 && !c->has6)
		return herr_set(e, 0, "no `subnet` or `subnet6`");
	if (!c->bridge[0]) {
		if (strcmp(c->name, "bridge"))
			return herr_set(e, 0, "no `bridge` name");
		snprintf(c->bridge, sizeof(c->bridge), BUILTIN_BRIDGE);
	}
	if (set_gateway(&c->net4, c->has4, gw[0], &c->gw4, e) < 0 ||
	    set_gateway(&c->net6, c->has6, gw[1], &c->gw6, e) < 0)
		return -1;
	return 0;
}

static int check_unique(struct netconf *all, size_t n, struct herr *e)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			const char *what = NULL;
			if (!strcmp(all[i].name, all[j].name))
				what = "a second section";
			else if (!strcmp(all[i].bridge, all[j].bridge))
				what = "the bridge of another network";
			else if ((all[i].has4 && all[j].has4 &&
				  ipnet_overlaps(&all[i].net4, &all[j].net4)) ||
				 (all[i].has6 && all[j].has6 &&
				  ipnet_overlaps(&all[i].net6, &all[j].net6)))
				what = "a subnet overlapping another network";
			/* blame the file's network, not the built-in */
			const struct netconf *x = &all[i], *y = &all[j];
			if (!strcmp(x->source, "built-in"))
				x = &all[j], y = &all[i];
			if (what)
				return herr_set(e, 0, "%s: network `%s` has %s "
						"(`%s`)", x->source, x->name,
						what, y->name);
		}
	return 0;
}

static int parse_all(const char *text, const char *path,
		     struct netconf *all, size_t *n, struct herr *e)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char gw[2][64] = {{0}};
	struct netconf *cur = NULL;
	unsigned lineno = 0;
	char *line;

	*n = 0;
	for (char *p = copy; (line = strsep(&p, "\n"));) {
		char *hash = strchr(line, '#'), *s, *eq;
		lineno++;
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (cur && finish(cur, gw, e) < 0)
				return herr_wrap(e, "%s: [%s]", path, cur->name);
			if (!end || *trim(end + 1))
				return herr_set(e, 0, "%s:%u: bad section line",
						path, lineno);
			*end = '\0';
			s = trim(s + 1);
			if (!name_ok(s, NET_NAME_MAX) || !strcmp(s, "none") ||
			    !strcmp(s, "host"))
				return herr_set(e, 0, "%s:%u: bad network name "
						"`%s` ([A-Za-z0-9_-], at most "
						"32; not none or host)",
						path, lineno, s);
			if (*n == MAX_NETWORKS)
				return herr_set(e, 0, "%s: more than %d "
						"networks", path, MAX_NETWORKS);
			cur = &all[(*n)++];
			memset(cur, 0, sizeof(*cur));
			memset(gw, 0, sizeof(gw));
			snprintf(cur->name, sizeof(cur->name), "%s", s);
			snprintf(cur->source, sizeof(cur->source), "%s:%u",
				 path, lineno);
			cur->gw4 = cur->gw6 = 1;
			cur->masquerade = true;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || !cur)
			return herr_set(e, 0, "%s:%u: expected `key = value` "
					"inside a [network] section", path,
					lineno);
		*eq = '\0';
		if (set_key(cur, trim(s), trim(eq + 1), gw, e) < 0)
			return herr_wrap(e, "%s:%u", path, lineno);
	}
	if (cur && finish(cur, gw, e) < 0)
		return herr_wrap(e, "%s: [%s]", path, cur->name);
	return 0;
}

int netconf_parse(const char *text, const char *path, const char *name,
		  struct netconf *out, bool *found, struct herr *e)
{
	_cleanup_free_ struct netconf *all =
		xcalloc(MAX_NETWORKS + 1, sizeof(*all));
	bool has_default = false;
	size_t n;

	if (parse_all(text, path, all, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		has_default |= !strcmp(all[i].name, "bridge");
	if (!has_default)
		netconf_default(&all[n++]);
	if (check_unique(all, n, e) < 0)
		return -1;
	*found = false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			*found = true;
		}
	return 0;
}

static int read_config(const char *path, bool must, const char *name,
		       struct netconf *out, bool *found, struct herr *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (!must && access(path, F_OK) < 0 && errno == ENOENT)
		return 1;
	if (read_file_at(AT_FDCWD, path, &text, &len, 1 << 20, e) < 0)
		return herr_wrap(e, "networks config");
	if (strlen(text) != len)
		return herr_set(e, 0, "networks config `%s`: NUL byte", path);
	return netconf_parse(text, path, name, out, found, e);
}

int netconf_find(const char *config, const char *root, const char *name,
		 struct netconf *out, struct herr *e)
{
	_cleanup_free_ char *local = xasprintf("%s/networks.conf", root);
	const char *used = config;
	bool found = false;
	int r;

	if (!strcmp(name, "host"))
		return herr_set(e, 0, "unknown network `host` (to share the "
				"host's network, remove the network namespace "
				"from linux.namespaces)");
	if (config) {
		r = read_config(config, true, name, out, &found, e);
	} else {
		used = local;
		r = read_config(local, false, name, out, &found, e);
		if (r == 1) {
			used = NETSETUP_DEFAULT_CONFIG;
			r = read_config(used, false, name, out, &found, e);
		}
	}
	if (r < 0)
		return -1;
	if (r == 1) {
		if (!strcmp(name, "bridge")) {
			netconf_default(out);
			return 0;
		}
		return herr_set(e, 0, "unknown network `%s` (known: none, "
				"bridge; no %s or %s)", name, local,
				NETSETUP_DEFAULT_CONFIG);
	}
	if (!found)
		return herr_set(e, 0, "unknown network `%s` (not in %s)", name,
				used);
	return 0;
}
