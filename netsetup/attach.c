/* netsetup_create for a bridge network: reserve (under the lease lock),
 * then plumb (unlocked, so parallel creates overlap), undo on failure. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netsetup/internal.h"

struct ctx {
	const struct net_request *r;
	const struct plan *p;
	struct nl rt, nf;
	int netfd, leasefd;
	struct lease l;
	uint8_t ip4[16], ip6[16];
	int bridge;
	unsigned mtu;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* lowest host index not leased and not a gateway */
static int pick_index(const struct netconf *c, const struct lease *all,
		      size_t n, uint32_t *out, struct herr *e)
{
	_cleanup_free_ uint32_t *used = xcalloc(n + 1, sizeof(*used));
	uint32_t max = UINT32_MAX, idx = 1;
	size_t nused = 0, k = 0;

	if (c->has4)
		max = ipnet_max_index(&c->net4);
	if (c->has6 && ipnet_max_index(&c->net6) < max)
		max = ipnet_max_index(&c->net6);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].network, c->name))
			used[nused++] = all[i].index;
	qsort(used, nused, sizeof(*used), cmp_u32);
	for (; idx <= max; idx++) {
		while (k < nused && used[k] < idx)
			k++;
		if ((k < nused && used[k] == idx) ||
		    (c->has4 && idx == c->gw4) || (c->has6 && idx == c->gw6))
			continue;
		*out = idx;
		return 0;
	}
	_cleanup_free_ char *s = ipnet_str(c->has4 ? &c->net4 : &c->net6);
	return herr_set(e, 0, "network `%s`: subnet %s is exhausted (%zu "
			"addresses leased)", c->name, s, nused);
}

static int check_ports(const struct ctx *x, const struct lease *all,
		       size_t n, struct herr *e)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ struct port_map *theirs = NULL;
		size_t nt;
		if (!all[i].ports[0] ||
		    ports_parse(all[i].ports, &theirs, &nt, e) < 0) {
			herr_clear(e);
			continue;
		}
		for (size_t a = 0; a < x->p->nports; a++)
			for (size_t b = 0; b < nt; b++)
				if (ports_clash(&x->p->ports[a], &theirs[b]))
					return herr_set(e, 0, "port %u/%s is "
						"already published by container "
						"`%s`", x->p->ports[a].host,
						proto_name(x->p->ports[a].proto),
						all[i].id);
	}
	for (size_t a = 0; a < x->p->nports; a++)
		if (port_free_on_host(&x->p->ports[a], e) < 0)
			return -1;
	return 0;
}

/* drop stale leases from all[] (reclaiming what they held) */
static int reclaim(struct ctx *x, struct lease *all, size_t *n,
		   struct herr *e)
{
	size_t keep = 0;
	int ret = 0;

	for (size_t i = 0; i < *n; i++) {
		if (ret == 0 && !lease_alive(&all[i])) {
			ret = net_undo(&x->rt, &x->nf, x->netfd, x->leasefd,
				       &all[i], e);
			if (ret < 0)
				herr_wrap(e, "reclaim the stale lease of "
					  "container `%s`", all[i].id);
			lease_free(&all[i]);
			continue;
		}
		if (ret == 0 && !strcmp(all[i].id, x->r->id))
			ret = herr_set(e, 0, "container `%s` already has a "
				       "network lease", x->r->id);
		all[keep++] = all[i];
	}
	*n = keep;
	return ret;
}

static void veth_name(struct ctx *x, const struct lease *all, size_t n)
{
	uint32_t h = fnv32(x->r->id);

	for (;; h++) {
		bool taken = false;
		snprintf(x->l.veth, sizeof(x->l.veth), "vh%08x", h);
		for (size_t i = 0; i < n && !taken; i++)
			taken = !strcmp(all[i].veth, x->l.veth);
		if (!taken)
			return;
	}
}

static int reserve_locked(struct ctx *x, const char *owner, struct herr *e)
{
	const struct netconf *c = &x->p->c;
	struct lease *all = NULL;
	size_t n = 0;
	int ret;

	ret = lease_scan(x->leasefd, &all, &n, e);
	if (ret == 0)
		ret = reclaim(x, all, &n, e);
	if (ret == 0)
		ret = check_ports(x, all, n, e);
	if (ret == 0)
		ret = bridge_ensure(&x->rt, &x->nf, c, owner, &x->bridge,
				    &x->mtu, e);
	if (ret == 0)
		ret = pick_index(c, all, n, &x->l.index, e);
	if (ret == 0) {
		veth_name(x, all, n);
		x->l.id = xstrdup(x->r->id);
		snprintf(x->l.network, sizeof(x->l.network), "%s", c->name);
		snprintf(x->l.bridge, sizeof(x->l.bridge), "%s", c->bridge);
		x->l.ports = ports_format(x->p->ports, x->p->nports);
		ret = lease_owner(x->r->pid, &x->l, e);
	}
	if (ret == 0)
		ret = lease_write(x->leasefd, &x->l, e);
	for (size_t i = 0; i < n; i++)
		lease_free(&all[i]);
	free(all);
	return ret;
}

/* the container's side, in one batch: links up, addresses, default
 * routes (the kernel runs them in order, so the routes find their link up
 * and the gateway on-link) */
static int configure_inside(struct ctx *x, int netns_fd, struct herr *e)
{
	const struct netconf *c = &x->p->c;
	_cleanup_free_ struct nlreq *q = xmalloc(sizeof(*q));
	struct link_info eth0 = {0};
	struct nl in;
	uint8_t gw[16];
	int ret = 0;

	if (nl_open(&in, NETLINK_ROUTE, netns_fd, e) < 0)
		return -1;
	if (x->r->tap) { /* a sandbox: eth0 is the guest's */
		ret = link_set_up(&in, 1, "lo", e);
		nl_close(&in);
		return ret < 0 ? herr_wrap(e, "inside the container") : 0;
	}
	ret = link_get(&in, "eth0", &eth0, e);
	if (ret == -ENODEV)
		herr_set(e, ENODEV, "eth0 did not arrive in the container");
	if (ret == 0) {
		nlreq_init(&in, q);
		nlreq_link_up(&in, q, 1, "set lo up");
		nlreq_link_up(&in, q, eth0.index, "set eth0 up");
		if (c->has4)
			nlreq_addr_add(&in, q, eth0.index, &c->net4, x->ip4,
				       "add the IPv4 address");
		if (c->has6)
			nlreq_addr_add(&in, q, eth0.index, &c->net6, x->ip6,
				       "add the IPv6 address");
		if (c->has4) {
			ipnet_host(&c->net4, c->gw4, gw);
			nlreq_default_route(&in, q, eth0.index, AF_INET, gw,
					    "add the IPv4 default route");
		}
		if (c->has6) {
			ipnet_host(&c->net6, c->gw6, gw);
			nlreq_default_route(&in, q, eth0.index, AF_INET6, gw,
					    "add the IPv6 default route");
		}
		ret = nlreq_run(&in, q, NULL, NULL, e);
	}
	nl_close(&in);
	return ret < 0 ? herr_wrap(e, "inside the container") : 0;
}

static int plumb(struct ctx *x, int netns_fd, struct net_result *out,
		 struct herr *e)
{
	const struct netconf *c = &x->p->c;
	_cleanup_free_ char *tag = nft_tag(c->name, x->r->id);
	struct veth_spec v = {x->l.veth, "eth0", netns_fd, x->bridge, x->mtu,
			      {0}};

	net_mac(c->bridge, x->l.index, v.peer_mac);
	if (x->r->tap) {
		/* the VMM's NIC: born here, in the host's namespace, so that
		 * no step needs the container's; the guest's eth0 gets the
		 * MAC the veth's peer would have had */
		out->tap_fd = tap_open(x->l.veth, e);
		if (out->tap_fd < 0 ||
		    tap_attach(&x->rt, x->l.veth, x->bridge, x->mtu, e) < 0)
			return herr_wrap(e, "the sandbox's NIC");
	} else if (veth_add(&x->rt, &v, e) < 0) {
		return herr_wrap(e, "create veth");
	}
	if (configure_inside(x, netns_fd, e) < 0)
		return -1;
	if (x->p->nports && nft_ports_add(&x->nf, tag, x->p->ports,
					  x->p->nports, c, x->ip4, x->ip6,
					  e) < 0)
		return -1;
	return files_write(x->netfd, x->r->id, x->r->hostname, c, out, e);
}

static void result(struct ctx *x, struct net_result *out)
{
	const struct netconf *c = &x->p->c;
	const uint8_t *m;
	uint8_t gw[16], mac[6];

	out->attached = true;
	snprintf(out->network, sizeof(out->network), "%s", c->name);
	snprintf(out->bridge, sizeof(out->bridge), "%s", c->bridge);
	snprintf(out->host_veth, sizeof(out->host_veth), "%s", x->l.veth);
	out->has4 = c->has4;
	out->has6 = c->has6;
	out->mtu = x->mtu;
	if (c->has4) {
		ipnet_host(&c->net4, x->l.index, x->ip4);
		ipnet_host(&c->net4, c->gw4, gw);
		ipaddr_str(AF_INET, x->ip4, out->ipv4, sizeof(out->ipv4));
		ipaddr_str(AF_INET, gw, out->gateway4, sizeof(out->gateway4));
		out->prefix4 = c->net4.plen;
	}
	if (c->has6) {
		ipnet_host(&c->net6, x->l.index, x->ip6);
		ipnet_host(&c->net6, c->gw6, gw);
		ipaddr_str(AF_INET6, x->ip6, out->ipv6, sizeof(out->ipv6));
		ipaddr_str(AF_INET6, gw, out->gateway6, sizeof(out->gateway6));
		out->prefix6 = c->net6.plen;
	}
	net_mac(c->bridge, x->l.index, mac);
	m = mac;
	snprintf(out->mac, sizeof(out->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* the bridge's alias names the lease dir, so a second --root on the same
 * bridge is caught instead of handing out the same addresses twice */
static char *owner_of(const char *root)
{
	char real[PATH_MAX];
	char *s;

	if (!realpath(root, real))
		snprintf(real, sizeof(real), "%s", root);
	s = xasprintf("hutch:%s/.net", real);
	if (strlen(s) > 250) {
		char *h = xasprintf("hutch:#%08x", fnv32(real));
		free(s);
		s = h;
	}
	return s;
}

static int attach(struct ctx *x, int netns_fd, struct net_result *out,
		  struct herr *e)
{
	_cleanup_free_ char *owner = NULL;
	_cleanup_close_ int lock = -1;
	struct herr e2;

	if (lease_dir_open(x->r->state_dir, true, &x->netfd, &x->leasefd,
			   e) < 0)
		return -1;
	owner = owner_of(x->r->state_dir);
	if ((lock = lease_lock(x->netfd, e)) < 0 ||
	    reserve_locked(x, owner, e) < 0)
		return -1;
	close(steal_fd(&lock));
	result(x, out);
	if (plumb(x, netns_fd, out, e) == 0)
		return 0;
	lock = lease_lock(x->netfd, &e2);
	net_undo(&x->rt, &x->nf, x->netfd, x->leasefd, &x->l, &e2);
	if (out->tap_fd >= 0)
		close(out->tap_fd);
	memset(out, 0, sizeof(*out));
	out->tap_fd = -1;
	return -1;
}

int attach_bridge(const struct net_request *r, int netns_fd,
		  const struct plan *p, struct net_result *out,
		  struct herr *e)
{
	struct ctx x = {.r = r, .p = p, .netfd = -1, .leasefd = -1};
	int ret = nl_open(&x.rt, NETLINK_ROUTE, -1, e);

	if (ret == 0)
		ret = nl_open(&x.nf, NETLINK_NETFILTER, -1, e);
	if (ret == 0)
		ret = attach(&x, netns_fd, out, e);
	nl_close(&x.rt);
	nl_close(&x.nf);
	if (x.netfd >= 0)
		close(x.netfd);
	if (x.leasefd >= 0)
		close(x.leasefd);
	lease_free(&x.l);
	return ret < 0 ? herr_wrap(e, "network `%s`", p->c.name) : 0;
}
