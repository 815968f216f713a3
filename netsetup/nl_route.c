/* Route dump: a new bridge's subnet must not overlap a route the host
 * already has (a LAN, a VPN, another container network), or traffic for
 * one of them would silently go to the other. */
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

struct overlap {
	const struct ipnet *net;
	int skip;
	bool found;
	char *desc;
	size_t dlen;
};

struct route {
	uint8_t dst[16];
	uint32_t table, oif;
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct route *rt = data;
	size_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		if (len <= 16)
			memcpy(rt->dst, mnl_attr_get_payload(a), len);
		break;
	case RTA_TABLE:
		if (len == 4)
			rt->table = mnl_attr_get_u32(a);
		break;
	case RTA_OIF:
		if (len == 4)
			rt->oif = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct overlap *o = data;
	struct route rt = {.table = rtm->rtm_table};
	struct ipnet net = {.family = rtm->rtm_family,
			    .plen = rtm->rtm_dst_len};
	char dev[IF_NAMESIZE] = "?";
	char *s;

	if (o->found || rtm->rtm_dst_len == 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &rt);
	if (rt.table != RT_TABLE_MAIN || (int)rt.oif == o->skip)
		return MNL_CB_OK;
	memcpy(net.addr, rt.dst, 16);
	/* fe80::/64 is on every IPv6 link and never ours */
	if (net.family == AF_INET6 && net.addr[0] == 0xfe &&
	    (net.addr[1] & 0xc0) == 0x80)
		return MNL_CB_OK;
	if (!ipnet_overlaps(&net, o->net))
		return MNL_CB_OK;
	o->found = true;
	if (rt.oif)
		if_indextoname(rt.oif, dev);
	s = ipnet_str(&net);
	snprintf(o->desc, o->dlen, "%s dev %s", s, dev);
	free(s);
	return MNL_CB_OK;
}

int route_overlap(struct nl *n, const struct ipnet *net, int skip_index,
		  char *desc, size_t dlen, struct herr *e)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct overlap o = {net, skip_index, false, desc, dlen};

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm->rtm_family = (uint8_t)net->family;
	if (nl_dump(n, nlh, route_cb, &o, e) < 0)
		return herr_wrap(e, "list routes");
	return o.found;
}
