/* Published ports: `org.hutch.ports` / `--publish`, a comma-separated list
 * of [HOSTIP:]HOSTPORT[-END]:CPORT[-END][/tcp|/udp]; an IPv6 HOSTIP goes in
 * brackets ([::1]:8080:80).  Without HOSTIP the port is published on every
 * address of the host. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "80" or "8000-8010" */
static int parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	char *dash;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_u64(buf, &a) < 0 || a == 0 || a > 65535)
		return -1;
	b = a;
	if (dash && (parse_u64(dash + 1, &b) < 0 || b < a || b > 65535))
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* split "[HOSTIP:]H:C" into its parts (s is modified) */
static int split_entry(char *s, struct port_map *m, char **h, char **c)
{
	char *ip = NULL, *colon;

	if (*s == '[') {
		char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -1;
		*end = '\0';
		ip = s + 1;
		s = end + 2;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		ip = s;
		s = strchr(s, ':');
		*s++ = '\0';
	}
	colon = strchr(s, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	*h = s;
	*c = colon + 1;
	m->family = 0;
	memset(m->hostip, 0, sizeof(m->hostip));
	if (ip && ipaddr_parse(ip, &m->family, m->hostip) < 0)
		return -1;
	return 0;
}

static int parse_entry(const char *entry, struct port_map **out, size_t *n,
		       struct herr *e)
{
	_cleanup_free_ char *s = xstrdup(entry);
	struct port_map m = {.proto = IPPROTO_TCP};
	uint16_t hlo, hhi, clo, chi;
	char *slash = strrchr(s, '/'), *h, *c;

	if (slash) {
		*slash = '\0';
		if (!strcmp(slash + 1, "udp"))
			m.proto = IPPROTO_UDP;
		else if (strcmp(slash + 1, "tcp"))
			return herr_set(e, 0, "port `%s`: protocol must be tcp "
					"or udp", entry);
	}
	if (split_entry(s, &m, &h, &c) < 0 || parse_range(h, &hlo, &hhi) < 0 ||
	    parse_range(c, &clo, &chi) < 0)
		return herr_set(e, 0, "port `%s`: want [HOSTIP:]HOSTPORT:"
				"CONTAINERPORT[/tcp|udp] (ports 1-65535, "
				"ranges as 8000-8009)", entry);
	if (hhi - hlo != chi - clo)
		return herr_set(e, 0, "port `%s`: host and container ranges "
				"differ in length", entry);
	if (*n + (size_t)(hhi - hlo) + 1 > PORTS_MAX)
		return herr_set(e, 0, "more than %d published ports",
				PORTS_MAX);
	for (unsigned i = 0; i <= (unsigned)(hhi - hlo); i++) {
		m.host = (uint16_t)(hlo + i);
		m.cont = (uint16_t)(clo + i);
		for (size_t j = 0; j < *n; j++)
			if (ports_clash(&(*out)[j], &m))
				return herr_set(e, 0, "port %u/%s is published "
						"twice", m.host,
						proto_name(m.proto));
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = m;
	}
	return 0;
}

int ports_parse(const char *s, struct port_map **out, size_t *n,
		struct herr *e)
{
	_cleanup_free_ char *copy = xstrdup(s ? s : "");
	char *entry;

	*out = NULL;
	*n = 0;
	for (char *p = copy; (entry = strsep(&p, ","));) {
		while (*entry == ' ')
			entry++;
		if (!*entry)
			continue;
		if (parse_entry(entry, out, n, e) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
}

char *ports_format(const struct port_map *p, size_t n)
{
	struct strbuf b = {0};

	strbuf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		char ip[INET6_ADDRSTRLEN];
		if (i)
			strbuf_puts(&b, ",");
		bool v6 = p[i].family == AF_INET6;
		if (p[i].family)
			strbuf_printf(&b, "%s%s%s:", v6 ? "[" : "",
				      ipaddr_str(p[i].family, p[i].hostip, ip,
						 sizeof(ip)),
				      v6 ? "]" : "");
		strbuf_printf(&b, "%u:%u/%s", p[i].host, p[i].cont,
			      proto_name(p[i].proto));
	}
	return strbuf_steal(&b);
}

bool ports_clash(const struct port_map *a, const struct port_map *b)
{
	if (a->proto != b->proto || a->host != b->host)
		return false;
	if (!a->family || !b->family)
		return true;
	return a->family == b->family &&
	       !memcmp(a->hostip, b->hostip, ipaddr_len(a->family));
}

static int try_bind(int family, const uint8_t ip[16], const struct port_map *p,
		    struct herr *e)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int one = 1;
	_cleanup_close_ int fd = socket(
		family, (p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) |
				SOCK_CLOEXEC, 0);

	if (fd < 0)
		return family == AF_INET6 ? 0 : herr_sys(e, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(p->host);
		memcpy(&in->sin_addr, ip, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p->host);
		memcpy(&in6->sin6_addr, ip, 16);
		len = sizeof(*in6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno == EADDRINUSE)
		return herr_set(e, 0, "port %u/%s is already in use on the "
				"host", p->host, proto_name(p->proto));
	if (errno == EADDRNOTAVAIL) {
		char b[INET6_ADDRSTRLEN];
		return herr_set(e, 0, "port %u/%s: `%s` is not an address of "
				"this host", p->host, proto_name(p->proto),
				ipaddr_str(family, ip, b, sizeof(b)));
	}
	return herr_sys(e, "port %u/%s: bind", p->host, proto_name(p->proto));
}

/* A DNAT rule would silently take the port from a host service: refuse, as
 * docker does, when something on the host is bound there already. */
int port_free_on_host(const struct port_map *p, struct herr *e)
{
	static const uint8_t any[16];

	if (p->family)
		return try_bind(p->family, p->hostip, p, e);
	if (try_bind(AF_INET, any, p, e) < 0)
		return -1;
	return try_bind(AF_INET6, any, p, e);
}
