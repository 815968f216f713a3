/* netsetup internals shared between the files of this folder; nothing
 * outside netsetup/ includes this (tests/unit may). */
#ifndef HUTCH_NETSETUP_INTERNAL_H
#define HUTCH_NETSETUP_INTERNAL_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdint.h>

#include "netsetup/netsetup.h"

/* ---- addr.c: IPv4/IPv6 networks as 16 big-endian bytes ---------------- */
struct ipnet {
	int family;          /* AF_INET (bytes 0-3 used) or AF_INET6 */
	uint8_t addr[16];    /* the network address (host bits zero) */
	unsigned plen;
};
int ipaddr_parse(const char *s, int *family, uint8_t out[16]);
/* "10.0.0.0/16": -1 on bad syntax, -2 when host bits are set */
int ipnet_parse(const char *s, struct ipnet *n);
size_t ipaddr_len(int family);
void ipnet_host(const struct ipnet *n, uint32_t idx, uint8_t out[16]);
/* highest usable host index (v4: below broadcast; capped at 2^24) */
uint32_t ipnet_max_index(const struct ipnet *n);
/* index of addr in n, -1 when outside */
int64_t ipnet_index(const struct ipnet *n, const uint8_t addr[16]);
bool ipnet_overlaps(const struct ipnet *a, const struct ipnet *b);
void ipnet_mask(const struct ipnet *n, uint8_t mask[16]);
const char *ipaddr_str(int family, const uint8_t a[16], char *buf,
		       size_t len);
char *ipnet_str(const struct ipnet *n); /* malloc'ed "10.0.0.0/16" */
uint32_t fnv32(const char *s);

/* ---- config.c: networks.conf ---------------------------------------- */
#define NET_NAME_MAX 32
struct netconf {
	char name[NET_NAME_MAX + 1];
	char bridge[IFNAMSIZ];
	bool has4, has6;
	struct ipnet net4, net6;
	uint32_t gw4, gw6; /* host indices of the gateways (default 1) */
	unsigned mtu;      /* 0: kernel default (1500) */
	bool masquerade;
	char dns[256];     /* nameservers, space separated; "" = host's */
	char source[256];  /* where it was defined, for messages */
};
/* Find network `name` ("bridge" always exists: built in unless the file
 * redefines it).  config NULL: <root>/networks.conf, then
 * /etc/hutch/networks.conf, then only the built-in. */
int netconf_find(const char *config, const char *root, const char *name,
		 struct netconf *out, struct herr *e);
/* parse the text of a config file (path for messages) */
int netconf_parse(const char *text, const char *path, const char *name,
		  struct netconf *out, bool *found, struct herr *e);
void netconf_default(struct netconf *c);

/* ---- ports.c: "[hostip:]H[-H2]:C[-C2][/tcp|udp]" lists -------------- */
struct port_map {
	uint8_t proto; /* IPPROTO_TCP / IPPROTO_UDP */
	uint16_t host, cont;
	int family; /* of hostip; 0 = every address of the host */
	uint8_t hostip[16];
};
#define PORTS_MAX 256
int ports_parse(const char *s, struct port_map **out, size_t *n,
		struct herr *e);
/* normalized form, one entry per port: "8080:80/tcp,..." */
char *ports_format(const struct port_map *p, size_t n);
bool ports_clash(const struct port_map *a, const struct port_map *b);
const char *proto_name(uint8_t proto);
/* a host process listens there already? (bind test, host netns) */
int port_free_on_host(const struct port_map *p, struct herr *e);

/* ---- nl.c: netlink sockets and acknowledged requests ------------------ */
struct nl {
	struct mnl_socket *sock;
	uint32_t portid, seq;
};
/* open a socket of bus (NETLINK_ROUTE, NETLINK_NETFILTER) in the network
 * namespace netns_fd (-1: the current one) */
int nl_open(struct nl *n, int bus, int netns_fd, struct herr *e);
void nl_close(struct nl *n);

#define NLREQ_MAX 64
/* requests sent in one sendmsg; each with NLM_F_ACK is answered */
struct nlreq {
	char buf[32768];
	size_t len;
	struct nlmsghdr *last;
	unsigned n;
	uint32_t seq0;
	const char *what[NLREQ_MAX];
	bool acked[NLREQ_MAX];
};
void nlreq_init(struct nl *n, struct nlreq *q);
/* append a message header (payload built by the caller right after) */
struct nlmsghdr *nlreq_add(struct nl *n, struct nlreq *q, uint16_t type,
			   uint16_t flags, const char *what);
/* send and wait for every answer; data replies go to cb.  On a NLMSG_ERROR
 * returns -errno with e = "what: error (kernel's extended ack)". */
int nlreq_run(struct nl *n, struct nlreq *q, mnl_cb_t cb, void *data,
	      struct herr *e);
/* one dump request: every reply to cb until NLMSG_DONE */
int nl_dump(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
	    struct herr *e);

/* ---- nl_link.c -------------------------------------------------------- */
struct link_info {
	int index;
	unsigned mtu, flags;
	int master;
	char kind[32];
	char alias[256];
};
/* -ENODEV (no error set) when absent */
int link_get(struct nl *n, const char *name, struct link_info *li,
	     struct herr *e);
int link_del(struct nl *n, const char *name, struct herr *e); /* 0 if gone */
void nlreq_link_up(struct nl *n, struct nlreq *q, int index,
		   const char *what);
int link_set_up(struct nl *n, int index, const char *name, struct herr *e);
int link_set_alias(struct nl *n, int index, const char *alias,
		   struct herr *e);
int bridge_link_add(struct nl *n, const char *name, unsigned mtu,
		    const uint8_t mac[6], struct herr *e);
struct veth_spec {
	const char *host, *peer; /* names */
	int peer_netns;          /* fd */
	int master;              /* bridge index */
	unsigned mtu;
	uint8_t peer_mac[6];
};
int veth_add(struct nl *n, const struct veth_spec *v, struct herr *e);

/* ---- tap.c: a sandbox's NIC (host end) -------------------------------- */
/* a tap named name (IFF_VNET_HDR, 12-byte virtio-net headers), in the
 * current namespace; returns its fd */
int tap_open(const char *name, struct herr *e);
int tap_attach(struct nl *n, const char *name, int master, unsigned mtu,
	       struct herr *e);

/* ---- nl_addr.c / nl_route.c ------------------------------------------ */
/* queue "add address" (NODAD for IPv6: the subnet is ours alone) */
void nlreq_addr_add(struct nl *n, struct nlreq *q, int index,
		    const struct ipnet *net, const uint8_t addr[16],
		    const char *what);
void nlreq_default_route(struct nl *n, struct nlreq *q, int index,
			 int family, const uint8_t gw[16], const char *what);
/* first route of the main table overlapping net (other than via `skip`
 * and default routes); 1 and a description in desc, 0 if none */
int route_overlap(struct nl *n, const struct ipnet *net, int skip_index,
		  char *desc, size_t dlen, struct herr *e);

/* ---- bridge.c: the network's bridge, sysctls and NAT ------------------ */
/* make sure bridge, addresses, sysctls and NAT rules of c exist (under the
 * lease lock); owner identifies the lease dir; returns the bridge's index
 * and MTU */
int bridge_ensure(struct nl *rt, struct nl *nf, const struct netconf *c,
		  const char *owner, int *index, unsigned *mtu,
		  struct herr *e);
void net_mac(const char *bridge, uint32_t idx, uint8_t mac[6]);

/* ---- nft.c: libnftnl expressions and batch messages -------------------- */
#define NFT_TABLE "hutch"
struct nftnl_rule;
struct nftnl_rule *nft_rule_new(const char *chain, const char *comment);
void nft_match_nfproto(struct nftnl_rule *r, int family);
void nft_match_ifname(struct nftnl_rule *r, bool in, bool eq,
		      const char *name);
void nft_match_addr(struct nftnl_rule *r, bool src, const struct ipnet *net);
void nft_match_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port);
void nft_match_ct_dnat(struct nftnl_rule *r);
void nft_match_daddr_local(struct nftnl_rule *r);
void nft_verdict(struct nftnl_rule *r, int verdict, const char *chain);
void nft_masquerade(struct nftnl_rule *r);
void nft_dnat(struct nftnl_rule *r, int family, const uint8_t addr[16],
	      uint16_t port);
void nft_begin(struct nl *n, struct nlreq *q);
void nft_end(struct nl *n, struct nlreq *q);
void nft_put_table(struct nl *n, struct nlreq *q);
/* type NULL: a regular chain */
void nft_put_chain(struct nl *n, struct nlreq *q, const char *name,
		   const char *type, int hook, int prio);
void nft_put_rule(struct nl *n, struct nlreq *q, struct nftnl_rule *r,
		  const char *what); /* frees r */
/* handle 0: flush the chain */
void nft_put_delrule(struct nl *n, struct nlreq *q, const char *chain,
		     uint64_t handle);

/* ---- nft_rules.c: what hutch keeps in table inet hutch ---------------- */
/* base chains and the network's NAT rules (idempotent, atomic) */
int nft_network_ensure(struct nl *nf, const struct netconf *c,
		       struct herr *e);
/* DNAT rules of one container, tagged with comment tag */
int nft_ports_add(struct nl *nf, const char *tag, const struct port_map *p,
		  size_t n, const struct netconf *c, const uint8_t ip4[16],
		  const uint8_t ip6[16], struct herr *e);
/* delete every rule tagged tag (table or chain absent: 0) */
int nft_ports_del(struct nl *nf, const char *tag, struct herr *e);
char *nft_tag(const char *network, const char *id); /* malloc'ed */

/* ---- lease.c: <root>/.net/leases ------------------------------------- */
struct lease {
	char *id;
	char network[NET_NAME_MAX + 1];
	char bridge[IFNAMSIZ], veth[IFNAMSIZ];
	uint32_t index;
	char *ports; /* normalized, "" if none */
	pid_t pid;
	unsigned long long start; /* /proc/PID/stat starttime */
	pid_t cpid;               /* the create that took it, and its */
	unsigned long long cstart; /* start time */
	char boot[40];            /* boot_id */
};
void lease_free(struct lease *l);
int lease_dir_open(const char *root, bool create, int *netfd, int *leasefd,
		   struct herr *e);
int lease_lock(int netfd, struct herr *e); /* returns the locked fd */
int lease_read(int leasefd, const char *name, struct lease *l,
	       struct herr *e); /* -ENOENT without message */
int lease_write(int leasefd, const struct lease *l, struct herr *e);
/* every lease in the dir; broken files are removed (written under lock) */
int lease_scan(int leasefd, struct lease **out, size_t *n, struct herr *e);
/* the owning process is still the one that took the lease */
bool lease_alive(const struct lease *l);
int lease_owner(pid_t pid, struct lease *l, struct herr *e);

/* ---- files.c: /etc files for the container ----------------------------- */
int files_write(int netfd, const char *id, const char *hostname,
		const struct netconf *c, const struct net_result *res,
		struct herr *e);

/* ---- attach.c: netsetup_create for a bridge network ---------------------- */
struct plan {
	struct netconf c;
	struct port_map *ports;
	size_t nports;
};
int attach_bridge(const struct net_request *r, int netns_fd,
		  const struct plan *p, struct net_result *out,
		  struct herr *e);

/* ---- undo.c: remove one container's veth, rules, lease and files ------- */
int net_undo(struct nl *rt, struct nl *nf, int netfd, int leasefd,
	     const struct lease *l, struct herr *e);

#endif
