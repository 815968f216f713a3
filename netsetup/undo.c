/* Take one container off its network: veth, port rules, files, lease.
 * Used by delete, by a failed create, and to reclaim stale leases; every
 * step tolerates "already gone"; the first failure stops it with the lease
 * still there, so a later delete or reclaim tries again. */
#include <errno.h>
#include <string.h>

#include "netsetup/internal.h"

int net_undo(struct nl *rt, struct nl *nf, int netfd, int leasefd,
	     const struct lease *l, struct herr *e)
{
	_cleanup_free_ char *tag = nft_tag(l->network, l->id);
	_cleanup_free_ char *files = xasprintf("files/%s", l->id);

	/* usually gone already: the veth dies with the container's
	 * namespace, taking its host end along */
	if (link_del(rt, l->veth, e) < 0)
		return herr_wrap(e, "remove veth");
	if (l->ports && l->ports[0] && nft_ports_del(nf, tag, e) < 0)
		return -1;
	if (rm_rf_at(netfd, files, e) < 0)
		return herr_wrap(e, "remove container files");
	/* last: the address is free only once nothing refers to it */
	if (unlinkat(leasefd, l->id, 0) < 0 && errno != ENOENT)
		return herr_sys(e, "remove lease `%s`", l->id);
	return 0;
}
