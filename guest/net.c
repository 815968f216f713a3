/* The guest's network, as container mode gives it to a container on a
 * bridge (netsetup/attach.c): loopback up always; with net.* items
 * (vmm/proto.h) eth0 - the VMM's virtio-net on the host's tap, which has
 * the lease's MAC and the bridge's MTU from its config space - gets the
 * lease's addresses (IPv6 without duplicate address detection: the lease
 * makes it unique, as on the host) and default routes, over rtnetlink;
 * /etc/hosts, /etc/hostname and /etc/resolv.conf are the host's files,
 * bind-mounted over the root's from the initramfs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/guest.h"

#define MAX_NET 8

static struct {
	char *addr[MAX_NET], *gw[MAX_NET], *file[MAX_NET];
	size_t naddr, ngw, nfile;
} net;

void net_item(const char *key, char *v)
{
	if (!strcmp(key, "addr") && net.naddr < MAX_NET)
		net.addr[net.naddr++] = v;
	else if (!strcmp(key, "gw") && net.ngw < MAX_NET)
		net.gw[net.ngw++] = v;
	else if (!strcmp(key, "file") && net.nfile < MAX_NET)
		net.file[net.nfile++] = v;
	/* mac, mtu: the NIC has them from the VMM */
}

struct req {
	struct nlmsghdr h;
	char buf[256];
};

static void attr(struct req *r, unsigned short type, const void *p,
		 size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), p, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* one request, its acknowledgement; what names it in a failure */
static void talk(int fd, struct req *r, const char *what)
{
	char buf[1024];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		die("network: %s: %s", what, strerror(errno));
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
	    h->nlmsg_type != NLMSG_ERROR)
		die("network: %s: no answer from the kernel", what);
	if (((struct nlmsgerr *)NLMSG_DATA(h))->error)
		die("network: %s: %s", what,
		    strerror(-((struct nlmsgerr *)NLMSG_DATA(h))->error));
}

static void link_up(int fd, int index, const char *what)
{
	struct req r = {.h = {.nlmsg_type = RTM_NEWLINK}};
	struct ifinfomsg *i = NLMSG_DATA(&r.h);

	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(*i));
	i->ifi_index = index;
	i->ifi_flags = i->ifi_change = IFF_UP;
	talk(fd, &r, what);
}

/* "ADDR/PREFIX" or "ADDR": family, bytes, prefix */
static int parse(char *s, unsigned char a[16], unsigned *plen)
{
	char *slash = strchr(s, '/');
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	if (slash)
		*slash = 0;
	if (inet_pton(fam, s, a) != 1)
		die("network: bad address `%s`", s);
	*plen = slash ? (unsigned)atoi(slash + 1) : 0;
	if (slash)
		*slash = '/';
	return fam;
}

static void add_addr(int fd, int index, char *s)
{
	struct req r = {.h = {.nlmsg_type = RTM_NEWADDR,
			      .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL}};
	struct ifaddrmsg *m = NLMSG_DATA(&r.h);
	unsigned char a[16];
	unsigned plen;
	int fam = parse(s, a, &plen);
	size_t len = fam == AF_INET ? 4 : 16;
	uint32_t flags = IFA_F_NODAD;

	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(*m));
	m->ifa_family = (unsigned char)fam;
	m->ifa_prefixlen = (unsigned char)plen;
	m->ifa_index = (unsigned)index;
	attr(&r, IFA_LOCAL, a, len);
	attr(&r, IFA_ADDRESS, a, len);
	if (fam == AF_INET6)
		attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	talk(fd, &r, s);
}

static void add_default_route(int fd, int index, char *s)
{
	struct req r = {.h = {.nlmsg_type = RTM_NEWROUTE,
			      .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL}};
	struct rtmsg *m = NLMSG_DATA(&r.h);
	unsigned char a[16];
	unsigned plen;
	int fam = parse(s, a, &plen);
	uint32_t oif = (uint32_t)index;

	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(*m));
	m->rtm_family = (unsigned char)fam;
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_BOOT;
	m->rtm_scope = RT_SCOPE_UNIVERSE;
	m->rtm_type = RTN_UNICAST;
	attr(&r, RTA_GATEWAY, a, fam == AF_INET ? 4 : 16);
	attr(&r, RTA_OIF, &oif, sizeof(oif));
	talk(fd, &r, "default route");
}

/* "NAME\tTEXT" -> /NAME in the initramfs, bound onto /newroot/etc/NAME
 * (made if missing, as container mode makes a mount point) */
static void etc_file(char *item)
{
	char *text = strchr(item, '\t'), src[128], dst[160];
	int fd;

	if (!text || strchr(item, '/') || text - item > 64)
		die("network: bad file item");
	*text++ = 0;
	snprintf(src, sizeof(src), "/net-%s", item);
	snprintf(dst, sizeof(dst), "/newroot/etc/%s", item);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		die("network: write %s: %s", src, strerror(errno));
	close(fd);
	mkdir("/newroot/etc", 0755);
	fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		dprintf(2, "init: network: /etc/%s: %s\n", item, strerror(errno));
}

void net_setup(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int eth0;

	if (fd < 0)
		die("network: netlink: %s", strerror(errno));
	link_up(fd, 1, "loopback up"); /* ifindex 1 in every namespace */
	if (net.naddr) {
		eth0 = (int)if_nametoindex("eth0");
		if (!eth0)
			die("network: no eth0 (is virtio-net in the kernel?)");
		link_up(fd, eth0, "eth0 up");
		for (size_t i = 0; i < net.naddr; i++)
			add_addr(fd, eth0, net.addr[i]);
		for (size_t i = 0; i < net.ngw; i++)
			add_default_route(fd, eth0, net.gw[i]);
	}
	close(fd);
	for (size_t i = 0; i < net.nfile; i++)
		etc_file(net.file[i]);
}
