/* netsetup_check / netsetup_create / netsetup_destroy: the order of things.
 *
 * create, for a bridge network:
 *   under the lease lock: reclaim stale leases, check ports, make sure the
 *   bridge and the NAT rules exist, pick the lowest free host index, write
 *   the lease (from here on a crash leaves only things a reclaim removes);
 *   then, unlocked: veth (peer born as eth0 in the container), the
 *   container's addresses and routes (one batch), DNAT rules, /etc files.
 *   A sandbox (r->tap) gets a tap on the bridge instead of the veth and
 *   only loopback in its namespace: the guest sets the addresses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

static bool is_none(const char *n)
{
	return !n || !*n || !strcmp(n, "none");
}

static int check_id(const char *id, struct herr *e)
{
	if (!id || !*id || !strcmp(id, ".") || !strcmp(id, "..") ||
	    strlen(id) > 1024 || strpbrk(id, "/\n"))
		return herr_set(e, 0, "bad container id `%s`", id ? id : "");
	return 0;
}

static int prepare(const struct net_request *r, struct plan *p,
		   struct herr *e)
{
	memset(p, 0, sizeof(*p));
	if (check_id(r->id, e) < 0)
		return -1;
	if (is_none(r->network)) {
		if (r->ports && strspn(r->ports, " ,") != strlen(r->ports))
			return herr_set(e, 0, "published ports need a network "
					"(network is `none`; use --network "
					"bridge)");
		return 0;
	}
	if (!r->state_dir)
		return herr_set(e, 0, "network `%s`: no state dir",
				r->network);
	if (geteuid() != 0)
		return herr_set(e, 0, "network `%s` needs root (rootless "
				"containers get `none`)", r->network);
	if (netconf_find(r->config, r->state_dir, r->network, &p->c, e) < 0)
		return -1;
	if (ports_parse(r->ports, &p->ports, &p->nports, e) < 0)
		return herr_wrap(e, "%s", NETSETUP_ANNOTATION_PORTS);
	return 0;
}

int netsetup_check(const struct net_request *r, struct herr *e)
{
	struct plan p;
	int ret = prepare(r, &p, e);

	free(p.ports);
	return ret;
}

char *netsetup_files_dir(const char *state_dir, const char *id)
{
	return xasprintf("%s/.net/files/%s", state_dir, id);
}

int netsetup_loopback_up(struct herr *e)
{
	struct nl n;
	int r;

	if (nl_open(&n, NETLINK_ROUTE, -1, e) < 0)
		return -1;
	r = link_set_up(&n, 1, "lo", e); /* loopback is ifindex 1 in every
					    namespace */
	nl_close(&n);
	return r < 0 ? -1 : 0;
}

static int loopback_in(int netns_fd, struct herr *e)
{
	struct nl n;
	int r;

	if (nl_open(&n, NETLINK_ROUTE, netns_fd, e) < 0)
		return -1;
	r = link_set_up(&n, 1, "lo", e);
	nl_close(&n);
	return r < 0 ? -1 : 0;
}

int netsetup_create(const struct net_request *r, int netns_fd,
		    struct net_result *out, struct herr *e)
{
	struct plan p;
	int ret;

	memset(out, 0, sizeof(*out));
	out->tap_fd = -1;
	if (prepare(r, &p, e) < 0)
		return herr_wrap(e, "network");
	if (is_none(r->network)) {
		ret = loopback_in(netns_fd, e);
		return ret < 0 ? herr_wrap(e, "network `none`") : 0;
	}
	ret = attach_bridge(r, netns_fd, &p, out, e);
	free(p.ports);
	return ret;
}

int netsetup_destroy(const char *state_dir, const char *id, struct herr *e)
{
	_cleanup_close_ int netfd = -1, leasefd = -1, lock = -1;
	struct nl rt = {0}, nf = {0};
	struct lease l;
	int r;

	if (check_id(id, e) < 0 || !state_dir)
		return -1;
	r = lease_dir_open(state_dir, false, &netfd, &leasefd, e);
	if (r != 0)
		return r < 0 ? herr_wrap(e, "network") : 0;
	if ((lock = lease_lock(netfd, e)) < 0)
		return herr_wrap(e, "network");
	r = lease_read(leasefd, id, &l, e);
	if (r == -ENOENT) { /* a `none` container, or already done */
		_cleanup_free_ char *files = xasprintf("files/%s", id);
		return rm_rf_at(netfd, files, e);
	}
	if (r < 0)
		return herr_wrap(e, "network");
	r = nl_open(&rt, NETLINK_ROUTE, -1, e);
	if (r == 0)
		r = nl_open(&nf, NETLINK_NETFILTER, -1, e);
	if (r == 0)
		r = net_undo(&rt, &nf, netfd, leasefd, &l, e);
	nl_close(&rt);
	nl_close(&nf);
	lease_free(&l);
	return r < 0 ? herr_wrap(e, "network `%s`", l.network) : 0;
}
