/* The host end of a sandboxed container's NIC: a tap device on the
 * network's bridge, in the host's namespace (where the veth's host end
 * would be).  Its fd goes to the VMM, which moves the guest's virtio-net
 * frames through it (vmm/virtio/net.c).  The tap is not persistent: it
 * vanishes with the last fd, so a VMM that dies takes it along; delete
 * removes it by name like a veth (net_undo). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/ioctl.h>

#include "netsetup/internal.h"

/* struct virtio_net_hdr_v1 (virtio 1.x: num_buffers is always there) */
#define TAP_VNET_HDR_LEN 12

int tap_open(const char *name, struct herr *e)
{
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
	int hdr = TAP_VNET_HDR_LEN;
	_cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return herr_sys(e, "/dev/net/tun (the sandbox's NIC needs the "
				   "tun driver)");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return herr_sys(e, "create tap `%s`", name);
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0)
		return herr_sys(e, "tap `%s`: virtio-net header size", name);
	return steal_fd(&fd);
}

/* on the bridge, with its MTU, up: one request */
int tap_attach(struct nl *n, const char *name, int master, unsigned mtu,
	       struct herr *e)
{
	struct nlreq q;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlreq_init(n, &q);
	nlh = nlreq_add(n, &q, RTM_NEWLINK, NLM_F_ACK, "attach tap");
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (nlreq_run(n, &q, NULL, NULL, e) < 0)
		return herr_wrap(e, "`%s`", name);
	return 0;
}
