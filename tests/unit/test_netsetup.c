/* netsetup's pure parts: subnets, networks.conf, published ports. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "netsetup/internal.h"
#include "tests/unit/unit.h"

static const char *host(const struct ipnet *n, uint32_t i)
{
	static char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];

	ipnet_host(n, i, a);
	return ipaddr_str(n->family, a, buf, sizeof(buf));
}

TEST(subnet_arithmetic)
{
	struct ipnet n, m;
	uint8_t a[16];
	int fam;

	CHECK(ipnet_parse("10.77.0.0/16", &n) == 0);
	CHECK(ipnet_max_index(&n) == 65534);
	CHECK_STR(host(&n, 1), "10.77.0.1");
	CHECK_STR(host(&n, 258), "10.77.1.2");
	CHECK(ipnet_parse("10.77.0.1/16", &n) == -2);
	CHECK(ipnet_parse("10.77.0.0", &n) == -1);
	CHECK(ipnet_parse("10.77.0.0/33", &n) == -1);
	CHECK(ipnet_parse("10.99.0.0/30", &n) == 0);
	CHECK(ipnet_max_index(&n) == 2);
	CHECK(ipnet_parse("10.99.0.0/31", &n) == 0);
	CHECK(ipnet_max_index(&n) == 0);
	CHECK(ipnet_parse("fd68:7574:6368::/64", &n) == 0);
	CHECK(ipnet_max_index(&n) == (1u << 24) - 1);
	CHECK_STR(host(&n, 0x10203), "fd68:7574:6368::1:203");
	CHECK(ipaddr_parse("fd68:7574:6368::1:203", &fam, a) == 0);
	CHECK(fam == AF_INET6 && ipnet_index(&n, a) == 0x10203);
	CHECK(ipaddr_parse("fd68:7574:6368:0:1::3", &fam, a) == 0);
	CHECK(ipnet_index(&n, a) == -1); /* beyond the 32 bits we index */
	CHECK(ipnet_parse("fd00::/120", &n) == 0);
	CHECK(ipnet_max_index(&n) == 255);
	CHECK(ipnet_parse("10.0.0.0/8", &n) == 0);
	CHECK(ipnet_parse("10.77.3.0/24", &m) == 0);
	CHECK(ipnet_overlaps(&n, &m) && ipnet_overlaps(&m, &n));
	CHECK(ipnet_parse("10.78.0.0/16", &n) == 0);
	CHECK(!ipnet_overlaps(&n, &m));
	CHECK(ipnet_parse("10.77.0.0/20", &n) == 0);
	CHECK(ipaddr_parse("10.77.15.255", &fam, a) == 0);
	CHECK(ipnet_index(&n, a) == 4095);
	CHECK(ipaddr_parse("10.77.16.0", &fam, a) == 0);
	CHECK(ipnet_index(&n, a) == -1);
}

TEST(default_network)
{
	struct netconf c;
	struct herr e = {0};

	CHECK(netconf_find("/nonexistent/networks.conf", "/tmp", "bridge", &c,
			   &e) < 0);
	CHECK(strstr(e.msg, "/nonexistent/networks.conf"));
	netconf_default(&c);
	CHECK_STR(c.name, "bridge");
	CHECK_STR(c.bridge, "hutch0");
	CHECK(c.has4 && c.net4.plen == 16 && c.gw4 == 1 && c.masquerade);
}

static int parse(const char *text, const char *name, struct netconf *c,
		 bool *found, struct herr *e)
{
	herr_clear(e);
	return netconf_parse(text, "net.conf", name, c, found, e);
}

TEST(config_file)
{
	struct netconf c;
	struct herr e = {0};
	bool found;

	CHECK(parse("# two networks\n[back]\nbridge = hback # comment\n"
		    "subnet = 10.80.0.0/24\ngateway = 10.80.0.254\n"
		    "subnet6 = fd00:80::/64\nmtu = 1400\nmasquerade = false\n"
		    "dns = 10.0.0.53 10.0.0.54\n\n[front]\nbridge=hfront\n"
		    "subnet6=fd00:81::/64\n",
		    "back", &c, &found, &e) == 0);
	CHECK(found);
	CHECK_STR(c.bridge, "hback");
	CHECK(c.gw4 == 254 && c.gw6 == 1 && c.mtu == 1400 && !c.masquerade);
	CHECK_STR(c.dns, "10.0.0.53 10.0.0.54");
	CHECK(parse("[front]\nbridge=hfront\nsubnet6=fd00:81::/64\n", "front",
		    &c, &found, &e) == 0);
	CHECK(found && !c.has4 && c.has6);
	/* the built-in stays next to a file's networks */
	CHECK(parse("[front]\nbridge=hfront\nsubnet6=fd00:81::/64\n", "bridge",
		    &c, &found, &e) == 0);
	CHECK(found && !strcmp(c.bridge, "hutch0"));
	/* and a [bridge] section replaces it */
	CHECK(parse("[bridge]\nsubnet=10.81.0.0/24\n", "bridge", &c, &found,
		    &e) == 0);
	CHECK(found && !strcmp(c.bridge, "hutch0") && !c.has6 &&
	      c.net4.addr[1] == 81);
}

TEST(contrib_example_parses)
{
	struct netconf c;
	struct herr e = {0};

	CHECK(netconf_find("contrib/networks", "/nonexistent", "backend", &c,
			   &e) == 0);
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK_STR(c.bridge, "hutch-be");
	CHECK(c.gw4 == 254 && c.mtu == 1400 && !c.masquerade && !c.has6);
	CHECK(netconf_find("contrib/networks", "/nonexistent", "v6", &c, &e) == 0);
	CHECK(c.has6 && !c.has4);
}

TEST(config_errors_name_the_line)
{
	struct netconf c;
	struct herr e;
	bool found;

	CHECK(parse("[a]\nbridge = ha\nsubnet = 10.1.0.1/24\n", "a", &c,
		    &found, &e) < 0);
	CHECK_STR(e.msg, "net.conf:3: `10.1.0.1/24` has host bits set");
	CHECK(parse("[a]\nbridge = ha\ncolour = red\n", "a", &c, &found,
		    &e) < 0);
	CHECK_STR(e.msg, "net.conf:3: unknown key `colour`");
	CHECK(parse("subnet = 10.1.0.0/24\n", "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "net.conf:1: expected `key = value`"));
	CHECK(parse("[none]\n", "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "bad network name `none`"));
	CHECK(parse("[a]\nbridge = ha\n", "a", &c, &found, &e) < 0);
	CHECK_STR(e.msg, "net.conf: [a]: no `subnet` or `subnet6`");
	CHECK(parse("[a]\nsubnet = 10.1.0.0/24\n", "a", &c, &found, &e) < 0);
	CHECK_STR(e.msg, "net.conf: [a]: no `bridge` name");
	CHECK(parse("[a]\nbridge = a-very-long-bridge-name\n", "a", &c, &found,
		    &e) < 0);
	CHECK(strstr(e.msg, "bad bridge name"));
	CHECK(parse("[a]\nbridge=ha\nsubnet=10.1.0.0/24\ngateway=10.2.0.1\n",
		    "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "gateway `10.2.0.1` is not a host address"));
	CHECK(parse("[a]\nbridge=ha\nsubnet=10.1.0.0/24\ngateway=10.1.0.255\n",
		    "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "is not a host address"));
	CHECK(parse("[a]\nbridge=ha\nsubnet=10.1.0.0/24\n[b]\nbridge=ha\n"
		    "subnet=10.2.0.0/24\n", "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "network `b` has the bridge of another network "
			    "(`a`)"));
	CHECK(parse("[a]\nbridge=ha\nsubnet=10.1.0.0/16\n[b]\nbridge=hb\n"
		    "subnet=10.1.5.0/24\n", "a", &c, &found, &e) < 0);
	CHECK(strstr(e.msg, "a subnet overlapping another network"));
	CHECK(parse("[a]\nbridge=hutch0\nsubnet=10.1.0.0/16\n", "a", &c,
		    &found, &e) < 0);
	CHECK(strstr(e.msg, "the bridge of another network (`bridge`)"));
	CHECK(parse("[a]\nbridge=ha\nsubnet=10.1.0.0/24\n", "zz", &c, &found,
		    &e) == 0);
	CHECK(!found);
}

TEST(ports_parse_and_format)
{
	struct port_map *p;
	struct herr e;
	size_t n;
	char *s;

	CHECK(ports_parse("8080:80/tcp, 5353:53/udp,127.0.0.1:8443:443,"
			  "[::1]:9000-9001:90-91",
			  &p, &n, &e) == 0);
	CHECK(n == 5);
	s = ports_format(p, n);
	CHECK_STR(s, "8080:80/tcp,5353:53/udp,127.0.0.1:8443:443/tcp,"
		     "[::1]:9000:90/tcp,[::1]:9001:91/tcp");
	free(s);
	CHECK(ports_clash(&p[0], &p[0]) && !ports_clash(&p[0], &p[1]));
	free(p);
	CHECK(ports_parse(NULL, &p, &n, &e) == 0 && n == 0 && !p);
	CHECK(ports_parse("80", &p, &n, &e) < 0);
	CHECK(strstr(e.msg, "port `80`: want [HOSTIP:]HOSTPORT:CONTAINERPORT"));
	CHECK(ports_parse("0:80", &p, &n, &e) < 0);
	CHECK(ports_parse("70000:80", &p, &n, &e) < 0);
	CHECK(ports_parse("80:80/icmp", &p, &n, &e) < 0);
	CHECK(strstr(e.msg, "protocol must be tcp or udp"));
	CHECK(ports_parse("8000-8002:80-81", &p, &n, &e) < 0);
	CHECK(strstr(e.msg, "ranges differ in length"));
	CHECK(ports_parse("nothost:80:80", &p, &n, &e) < 0);
	CHECK(ports_parse("80:80,80:81", &p, &n, &e) < 0);
	CHECK_STR(e.msg, "port 80/tcp is published twice");
	CHECK(ports_parse("1.2.3.4:80:80,5.6.7.8:80:80", &p, &n, &e) == 0);
	CHECK(n == 2 && !ports_clash(&p[0], &p[1]));
	free(p);
	CHECK(ports_parse("1-300:1-300", &p, &n, &e) < 0);
	CHECK(strstr(e.msg, "more than 256 published ports"));
}

TEST(rule_tags)
{
	char id[300];
	char *t = nft_tag("bridge", "web");

	CHECK_STR(t, "hutch:bridge:web");
	free(t);
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	t = nft_tag("bridge", id);
	CHECK(strlen(t) < 64 && str_has_prefix(t, "hutch:bridge:#"));
	free(t);
}

UNIT_MAIN()
