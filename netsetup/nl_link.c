/* Links over rtnetlink: look up, create a bridge, create a veth pair whose
 * peer is born inside the container's namespace as eth0, delete, set up. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

static int linkinfo_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
		snprintf(li->kind, sizeof(li->kind), "%.*s",
			 (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			li->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			li->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_IFALIAS:
		snprintf(li->alias, sizeof(li->alias), "%.*s",
			 (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, linkinfo_cb, li);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	li->index = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, li);
}

int link_get(struct nl *n, const char *name, struct link_info *li,
	     struct herr *e)
{
	struct nlreq q;
	struct nlmsghdr *nlh;
	int r;

	memset(li, 0, sizeof(*li));
	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_GETLINK, NLM_F_ACK, "look up link");
	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nlreq_run(n, &q, link_cb, li, e);
	if (r == -ENODEV) {
		herr_clear(e);
		return -ENODEV;
	}
	if (r < 0)
		return herr_wrap(e, "link `%s`", name);
	return 0;
}

int link_del(struct nl *n, const char *name, struct herr *e)
{
	struct nlreq q;
	struct nlmsghdr *nlh;
	int r;

	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_DELLINK, NLM_F_ACK, "delete link");
	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = nlreq_run(n, &q, NULL, NULL, e);
	if (r == -ENODEV) {
		herr_clear(e);
		return 0;
	}
	return r < 0 ? herr_wrap(e, "`%s`", name) : 0;
}

void nlreq_link_up(struct nl *n, struct nlreq *q, int index,
		   const char *what)
{
	struct nlmsghdr *nlh = nlreq_add(n, q, RTM_NEWLINK, NLM_F_ACK, what);
	struct ifinfomsg *ifi = put_ifinfo(nlh, index);

	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
}

int link_set_up(struct nl *n, int index, const char *name, struct herr *e)
{
	struct nlreq q;

	nlreq_init(n, &q);
	nlreq_link_up(n, &q, index, "set link up");
	if (nlreq_run(n, &q, NULL, NULL, e) < 0)
		return herr_wrap(e, "`%s`", name);
	return 0;
}

int link_set_alias(struct nl *n, int index, const char *alias,
		   struct herr *e)
{
	struct nlreq q;
	struct nlmsghdr *nlh;

	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_NEWLINK, NLM_F_ACK, "set link alias");
	put_ifinfo(nlh, index);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return nlreq_run(n, &q, NULL, NULL, e) < 0 ? -1 : 0;
}

int bridge_link_add(struct nl *n, const char *name, unsigned mtu,
		    const uint8_t mac[6], struct herr *e)
{
	struct nlattr *info;
	struct nlreq q;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_NEWLINK,
			NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
			"create bridge");
	ifi = put_ifinfo(nlh, 0);
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	/* a bridge takes the lowest MAC of its ports unless it has one of
	 * its own: every container start would change the gateway's MAC
	 * under the other containers' ARP caches */
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	if (nlreq_run(n, &q, NULL, NULL, e) < 0)
		return herr_wrap(e, "`%s`", name);
	return 0;
}

int veth_add(struct nl *n, const struct veth_spec *v, struct herr *e)
{
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *ifi, *pifi;
	struct nlreq q;
	struct nlmsghdr *nlh;

	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_NEWLINK,
			NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, "create veth");
	ifi = put_ifinfo(nlh, 0);
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->host);
	mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)v->master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* the peer is created directly in the container's namespace under
	 * its final name: no rename, no window with a stray eth0 here */
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	/* not IFF_UP here: the peer would be opened before the pair is
	 * linked and veth_open() refuses with ENOTCONN; it goes up inside */
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)v->peer_netns);
	mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, v->peer_mac);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if (nlreq_run(n, &q, NULL, NULL, e) < 0)
		return herr_wrap(e, "`%s`", v->host);
	return 0;
}
