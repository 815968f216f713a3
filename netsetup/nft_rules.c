/* What hutch keeps in nftables: one table of its own, `inet hutch`.
 *
 *   chain ports       { per-container DNAT rules, comment "hutch:NET:ID" }
 *   chain prerouting  { type nat hook prerouting priority dstnat;
 *                       fib daddr type local jump ports }
 *   chain output      { type nat hook output priority -100;
 *                       fib daddr type local jump ports }   (host's own
 *                       connections to a published port)
 *   chain post-NET    { type nat hook postrouting priority srcnat;
 *     ip saddr SUBNET oifname != BRIDGE masquerade          (egress)
 *     oifname BRIDGE ip saddr 127.0.0.0/8 masquerade         (from the
 *         host's loopback: needs route_localnet on the bridge)
 *     oifname BRIDGE ip saddr SUBNET ct status dnat masquerade  (a container
 *         reaching a published port of its own bridge: hairpin) }
 *   chain raw-NET     { type filter hook prerouting priority raw;
 *     iifname BRIDGE ip daddr 127.0.0.0/8 drop }   (route_localnet would
 *         otherwise let containers reach the host's 127.0.0.1 services:
 *         the kube-proxy CVE-2020-8558 mistake)
 * plus the ip6 equivalents of the masquerade rules (there is no
 * route_localnet for ::1, so [::1]:PORT is not forwarded). */
#include <arpa/inet.h> /* libc before linux/ headers */
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"


#define CHAIN_PORTS "ports"

char *nft_tag(const char *network, const char *id)
{
	/* rule comments are at most 256 bytes; long ids go by a hash */
	if (strlen(id) > 160) {
		_cleanup_free_ char *rev = xstrdup(id);
		size_t n = strlen(rev);
		for (size_t i = 0; i < n / 2; i++) {
			char t = rev[i];
			rev[i] = rev[n - 1 - i];
			rev[n - 1 - i] = t;
		}
		return xasprintf("hutch:%s:#%08x%08x", network, fnv32(id),
				 fnv32(rev));
	}
	return xasprintf("hutch:%s:%s", network, id);
}

static struct nftnl_rule *masq_rule(const char *chain,
				    const struct netconf *c,
				    const struct ipnet *src, int oif_op)
{
	struct nftnl_rule *r = nft_rule_new(chain, NULL);

	if (oif_op >= 0)
		nft_match_ifname(r, false, oif_op, c->bridge);
	nft_match_nfproto(r, src->family);
	nft_match_addr(r, true, src);
	return r;
}

static void put_post(struct nl *n, struct nlreq *q, const struct netconf *c,
		     const char *chain)
{
	static const struct ipnet lo = {AF_INET, {127}, 8};
	const struct ipnet *nets[2] = {c->has4 ? &c->net4 : NULL,
				       c->has6 ? &c->net6 : NULL};
	struct nftnl_rule *r;

	for (int i = 0; i < 2; i++) {
		if (!nets[i])
			continue;
		if (c->masquerade) {
			r = masq_rule(chain, c, nets[i], -1);
			nft_match_ifname(r, false, false, c->bridge);
			nft_masquerade(r);
			nft_put_rule(n, q, r, "nftables egress masquerade");
		}
		r = masq_rule(chain, c, nets[i], true);
		nft_match_ct_dnat(r);
		nft_masquerade(r);
		nft_put_rule(n, q, r, "nftables hairpin masquerade");
	}
	r = masq_rule(chain, c, &lo, true);
	nft_masquerade(r);
	nft_put_rule(n, q, r, "nftables loopback masquerade");
}

static void put_jump_local(struct nl *n, struct nlreq *q, const char *chain,
			   int hook)
{
	struct nftnl_rule *r;

	nft_put_chain(n, q, chain, "nat", hook, NF_IP_PRI_NAT_DST);
	nft_put_delrule(n, q, chain, 0);
	r = nft_rule_new(chain, NULL);
	nft_match_daddr_local(r);
	nft_verdict(r, NFT_JUMP, CHAIN_PORTS);
	nft_put_rule(n, q, r, "nftables jump to ports");
}

static int chain_exists(struct nl *n, const char *name, struct herr *e)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlreq q;
	struct nlmsghdr *slot, *nlh;
	int r;

	nlreq_init(n, &q);
	slot = nlreq_add(n, &q, 0, NLM_F_ACK, "look up nftables chain");
	nlh = nftnl_nlmsg_build_hdr((char *)slot, NFT_MSG_GETCHAIN,
				    NFPROTO_INET, NLM_F_ACK, slot->nlmsg_seq);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	r = nlreq_run(n, &q, NULL, NULL, e);
	if (r == -ENOENT) {
		herr_clear(e);
		return 0;
	}
	return r < 0 ? -1 : 1;
}

int nft_network_ensure(struct nl *nf, const struct netconf *c,
		       struct herr *e)
{
	_cleanup_free_ char *post = xasprintf("post-%s", c->name);
	_cleanup_free_ char *raw = xasprintf("raw-%s", c->name);
	static const struct ipnet lo = {AF_INET, {127}, 8};
	struct nlreq *q;
	struct nftnl_rule *r;
	int ex = chain_exists(nf, raw, e);

	if (ex != 0)
		return ex < 0 ? herr_wrap(e, "nftables") : 0;
	/* every chain is flushed and refilled in one atomic batch: two
	 * first creates racing end with the same rules, never doubled */
	q = xmalloc(sizeof(*q));
	nft_begin(nf, q);
	nft_put_table(nf, q);
	nft_put_chain(nf, q, CHAIN_PORTS, NULL, 0, 0);
	put_jump_local(nf, q, "prerouting", NF_INET_PRE_ROUTING);
	put_jump_local(nf, q, "output", NF_INET_LOCAL_OUT);
	nft_put_chain(nf, q, post, "nat", NF_INET_POST_ROUTING,
		      NF_IP_PRI_NAT_SRC);
	nft_put_delrule(nf, q, post, 0);
	put_post(nf, q, c, post);
	nft_put_chain(nf, q, raw, "filter", NF_INET_PRE_ROUTING,
		      NF_IP_PRI_RAW);
	nft_put_delrule(nf, q, raw, 0);
	r = nft_rule_new(raw, NULL);
	nft_match_ifname(r, true, true, c->bridge);
	nft_match_nfproto(r, AF_INET);
	nft_match_addr(r, false, &lo);
	nft_verdict(r, NF_DROP, NULL);
	nft_put_rule(nf, q, r, "nftables loopback guard");
	nft_end(nf, q);
	ex = nlreq_run(nf, q, NULL, NULL, e);
	free(q);
	return ex < 0 ? herr_wrap(e, "network `%s`: nftables", c->name) : 0;
}

static void put_dnat(struct nl *n, struct nlreq *q, const char *tag,
		     const struct port_map *p, int family,
		     const uint8_t addr[16])
{
	struct nftnl_rule *r = nft_rule_new(CHAIN_PORTS, tag);

	nft_match_nfproto(r, family);
	if (p->family) {
		struct ipnet host = {.family = p->family,
				     .plen = (unsigned)ipaddr_len(family) * 8};
		memcpy(host.addr, p->hostip, 16);
		nft_match_addr(r, false, &host);
	}
	nft_match_dport(r, p->proto, p->host);
	nft_dnat(r, family, addr, p->cont);
	nft_put_rule(n, q, r, "nftables port forwarding rule");
}

int nft_ports_add(struct nl *nf, const char *tag, const struct port_map *p,
		  size_t n, const struct netconf *c, const uint8_t ip4[16],
		  const uint8_t ip6[16], struct herr *e)
{
	_cleanup_free_ struct nlreq *q = NULL;
	size_t i = 0;

	/* NLREQ_MAX messages per batch, two rules per port at most */
	while (i < n) {
		if (!q)
			q = xmalloc(sizeof(*q));
		nft_begin(nf, q);
		for (; i < n && q->n + 3 < NLREQ_MAX; i++) {
			int fam = p[i].family;
			if (c->has4 && (!fam || fam == AF_INET))
				put_dnat(nf, q, tag, &p[i], AF_INET, ip4);
			if (c->has6 && (!fam || fam == AF_INET6))
				put_dnat(nf, q, tag, &p[i], AF_INET6, ip6);
		}
		nft_end(nf, q);
		if (nlreq_run(nf, q, NULL, NULL, e) < 0)
			return herr_wrap(e, "publish ports");
	}
	return 0;
}

struct tagged {
	const char *tag;
	uint64_t *handles;
	size_t n;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **out = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT &&
	    nftnl_udata_len(attr) > 0 &&
	    ((const char *)nftnl_udata_get(attr))[nftnl_udata_len(attr) - 1] ==
		    '\0')
		*out = nftnl_udata_get(attr);
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tagged *t = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *comment = NULL;
	const void *ud;
	uint32_t len;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (ud)
		nftnl_udata_parse(ud, len, comment_cb, &comment);
	if (comment && !strcmp(comment, t->tag)) {
		t->handles = xrealloc(t->handles,
				      (t->n + 1) * sizeof(*t->handles));
		t->handles[t->n++] =
			nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

int nft_ports_del(struct nl *nf, const char *tag, struct herr *e)
{
	char buf[512];
	struct tagged t = {tag, NULL, 0};
	struct nftnl_rule *r = nft_rule_new(CHAIN_PORTS, NULL);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(
		buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, 0);
	_cleanup_free_ struct nlreq *q = NULL;
	int ret = 0;

	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = nl_dump(nf, nlh, rule_cb, &t, e);
	if (ret == -ENOENT) {
		herr_clear(e);
		return 0;
	}
	if (ret < 0)
		return herr_wrap(e, "list port forwarding rules");
	for (size_t i = 0; i < t.n && ret == 0;) {
		if (!q)
			q = xmalloc(sizeof(*q));
		nft_begin(nf, q);
		for (; i < t.n && q->n + 2 < NLREQ_MAX; i++)
			nft_put_delrule(nf, q, CHAIN_PORTS, t.handles[i]);
		nft_end(nf, q);
		/* no race on these handles: every caller holds the lease
		 * lock */
		ret = nlreq_run(nf, q, NULL, NULL, e);
	}
	free(t.handles);
	return ret < 0 ? herr_wrap(e, "remove port forwarding rules") : 0;
}
