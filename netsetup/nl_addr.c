/* Addresses and routes over rtnetlink, queued into a request batch. */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

void nlreq_addr_add(struct nl *n, struct nlreq *q, int index,
		    const struct ipnet *net, const uint8_t addr[16],
		    const char *what)
{
	size_t len = ipaddr_len(net->family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	/* REPLACE: re-adding the bridge's own address is not an error */
	nlh = nlreq_add(n, q, RTM_NEWADDR,
			NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK, what);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)net->family;
	ifa->ifa_prefixlen = (uint8_t)net->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)index;
	mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	if (net->family == AF_INET) {
		uint8_t bcast[16], mask[16];
		ipnet_mask(net, mask);
		for (int i = 0; i < 4; i++)
			bcast[i] = net->addr[i] | (uint8_t)~mask[i];
		mnl_attr_put(nlh, IFA_BROADCAST, 4, bcast);
	} else {
		/* leases make the address unique on the bridge; duplicate
		 * address detection would only hold it `tentative' (unusable)
		 * for a second or more after start */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
}

void nlreq_default_route(struct nl *n, struct nlreq *q, int index,
			 int family, const uint8_t gw[16], const char *what)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = nlreq_add(n, q, RTM_NEWROUTE,
			NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK, what);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, ipaddr_len(family), gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
}
