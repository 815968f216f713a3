/* A network's bridge, made on first use: checked against the host's routes,
 * fixed MAC, gateway addresses, the sysctls forwarding needs, and the
 * network's NAT rules.  Runs under the lease lock. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

void net_mac(const char *bridge, uint32_t idx, uint8_t mac[6])
{
	/* locally administered, unicast; one bridge's hosts differ by index,
	 * so a reused address comes back with its old MAC and peers' ARP
	 * caches stay right */
	mac[0] = 0x02;
	mac[1] = (uint8_t)fnv32(bridge);
	mac[2] = (uint8_t)(idx >> 24);
	mac[3] = (uint8_t)(idx >> 16);
	mac[4] = (uint8_t)(idx >> 8);
	mac[5] = (uint8_t)idx;
}

/* write 1 unless it is 1 already (writing ip_forward resets per-device
 * settings, so only when needed) */
static int sysctl_on(const char *path, struct herr *e)
{
	char c = 0;
	_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return herr_sys(e, "open `%s`", path);
	if (read(fd, &c, 1) == 1 && c == '1')
		return 0;
	if (pwrite(fd, "1", 1, 0) != 1)
		return herr_sys(e, "write 1 to `%s`", path);
	return 0;
}

static int check_overlaps(struct nl *rt, const struct netconf *c,
			  struct herr *e)
{
	const struct ipnet *nets[2] = {c->has4 ? &c->net4 : NULL,
				       c->has6 ? &c->net6 : NULL};
	char desc[128];

	for (int i = 0; i < 2; i++) {
		int r;
		if (!nets[i])
			continue;
		r = route_overlap(rt, nets[i], -1, desc, sizeof(desc), e);
		if (r < 0)
			return -1;
		if (r > 0) {
			_cleanup_free_ char *s = ipnet_str(nets[i]);
			return herr_set(e, 0, "subnet %s overlaps the host's "
					"route %s; set another subnet in the "
					"networks config", s, desc);
		}
	}
	return 0;
}

static int add_gateways(struct nl *rt, const struct netconf *c, int index,
			struct herr *e)
{
	_cleanup_free_ struct nlreq *q = xmalloc(sizeof(*q));
	uint8_t a4[16], a6[16];

	nlreq_init(rt, q);
	if (c->has4) {
		ipnet_host(&c->net4, c->gw4, a4);
		nlreq_addr_add(rt, q, index, &c->net4, a4,
			       "add the IPv4 gateway address");
	}
	if (c->has6) {
		ipnet_host(&c->net6, c->gw6, a6);
		nlreq_addr_add(rt, q, index, &c->net6, a6,
			       "add the IPv6 gateway address");
	}
	return nlreq_run(rt, q, NULL, NULL, e) < 0 ? -1 : 0;
}

static int forwarding(const struct netconf *c, bool full, struct herr *e)
{
	_cleanup_free_ char *localnet = xasprintf(
		"/proc/sys/net/ipv4/conf/%s/route_localnet", c->bridge);

	if (c->has4 && sysctl_on("/proc/sys/net/ipv4/ip_forward", e) < 0)
		return -1;
	if (!full)
		return 0;
	/* DNAT of the host's own connections to 127.0.0.1:PORT sends
	 * packets from 127.0.0.1 out of the bridge; the kernel drops such
	 * "martians" unless route_localnet is on (raw-NET guards it) */
	if (c->has4 && sysctl_on(localnet, e) < 0)
		return -1;
	if (c->has6 &&
	    sysctl_on("/proc/sys/net/ipv6/conf/all/forwarding", e) < 0)
		return -1;
	return 0;
}

/* a new bridge, or one someone else made: check and take it over */
static int create(struct nl *rt, const struct netconf *c, const char *owner,
		  struct link_info *li, struct herr *e)
{
	uint8_t mac[6];

	if (check_overlaps(rt, c, e) < 0)
		return -1;
	net_mac(c->bridge, c->has4 ? c->gw4 : c->gw6, mac);
	if (bridge_link_add(rt, c->bridge, c->mtu, mac, e) < 0)
		return herr_wrap(e, "create bridge");
	/* the kernel ignores IFLA_IFALIAS when it creates a link */
	if (link_get(rt, c->bridge, li, e) < 0 ||
	    link_set_alias(rt, li->index, owner, e) < 0 ||
	    add_gateways(rt, c, li->index, e) < 0) {
		struct herr ignore;
		link_del(rt, c->bridge, &ignore);
		return herr_wrap(e, "bridge `%s`", c->bridge);
	}
	return 0;
}

static int adopt(struct nl *rt, const struct netconf *c, const char *owner,
		 struct link_info *li, struct herr *e)
{
	if (strcmp(li->kind, "bridge"))
		return herr_set(e, 0, "`%s` exists and is not a bridge (it is "
				"a %s link); name another bridge in the "
				"networks config", c->bridge,
				li->kind[0] ? li->kind : "plain");
	if (!strcmp(li->alias, owner))
		return 0;
	if (str_has_prefix(li->alias, "hutch:"))
		return herr_set(e, 0, "bridge `%s` belongs to hutch with "
				"another --root (%s): its leases live there; "
				"use that --root or another bridge",
				c->bridge, li->alias + 6);
	if (add_gateways(rt, c, li->index, e) < 0 ||
	    link_set_alias(rt, li->index, owner, e) < 0)
		return herr_wrap(e, "bridge `%s`", c->bridge);
	li->alias[0] = '\0'; /* taken over: finish set-up below */
	return 0;
}

int bridge_ensure(struct nl *rt, struct nl *nf, const struct netconf *c,
		  const char *owner, int *index, unsigned *mtu,
		  struct herr *e)
{
	struct link_info li;
	bool fresh;
	int r = link_get(rt, c->bridge, &li, e);

	if (r < 0 && r != -ENODEV)
		return herr_wrap(e, "network `%s`", c->name);
	fresh = r == -ENODEV;
	r = fresh ? create(rt, c, owner, &li, e) : adopt(rt, c, owner, &li, e);
	if (r < 0)
		return herr_wrap(e, "network `%s`", c->name);
	fresh |= !li.alias[0];
	if (!(li.flags & IFF_UP) && link_set_up(rt, li.index, c->bridge, e) < 0)
		return herr_wrap(e, "network `%s`", c->name);
	if (forwarding(c, fresh, e) < 0 || nft_network_ensure(nf, c, e) < 0)
		return herr_wrap(e, "network `%s`", c->name);
	*index = li.index;
	*mtu = li.mtu;
	return 0;
}
