/* nftables through libnftnl: expression builders for the few matches and
 * statements hutch needs, and batch messages (table, chain, rule) queued on
 * an nlreq.  libnftables would parse rule text instead, but its set-up cost
 * would land on every `hutch create`; these are the same netlink messages
 * `nft` sends (compare with `nft --debug=netlink list ruleset`). */
#include <arpa/inet.h> /* libc before linux/ headers */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"


static void add(struct nftnl_rule *r, struct nftnl_expr *x)
{
	if (!x)
		abort(); /* allocation failure: nothing sane to do */
	nftnl_rule_add_expr(r, x);
}

struct nftnl_rule *nft_rule_new(const char *chain, const char *comment)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		abort();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if (comment) {
		struct nftnl_udata_buf *u =
			nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
		if (!u || !nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT,
						 comment))
			abort();
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA,
				    nftnl_udata_buf_data(u),
				    nftnl_udata_buf_len(u));
		nftnl_udata_buf_free(u);
	}
	return r;
}

static void cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len);
	add(r, x);
}

static void meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *x = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(r, x);
}

static void payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		    uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add(r, x);
}

static void bitwise_and(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *x = nftnl_expr_alloc("bitwise");

	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(r, x);
}

void nft_match_nfproto(struct nftnl_rule *r, int family)
{
	uint8_t v = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	meta(r, NFT_META_NFPROTO);
	cmp(r, NFT_CMP_EQ, &v, 1);
}

void nft_match_ifname(struct nftnl_rule *r, bool in, bool eq,
		      const char *name)
{
	char buf[IFNAMSIZ] = {0};

	snprintf(buf, sizeof(buf), "%s", name);
	meta(r, in ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	cmp(r, eq ? NFT_CMP_EQ : NFT_CMP_NEQ, buf, sizeof(buf));
}

/* ip/ip6 saddr or daddr within net (after nft_match_nfproto) */
void nft_match_addr(struct nftnl_rule *r, bool src, const struct ipnet *net)
{
	bool v4 = net->family == AF_INET;
	uint32_t len = (uint32_t)ipaddr_len(net->family);
	uint32_t off = v4 ? (src ? 12 : 16) : (src ? 8 : 24);
	uint8_t mask[16];

	payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, len);
	if (net->plen < len * 8) {
		ipnet_mask(net, mask);
		bitwise_and(r, mask, len);
	}
	cmp(r, NFT_CMP_EQ, net->addr, len);
}

void nft_match_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port)
{
	uint16_t be = htons(port);

	meta(r, NFT_META_L4PROTO);
	cmp(r, NFT_CMP_EQ, &proto, 1);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(r, NFT_CMP_EQ, &be, 2);
}

void nft_match_ct_dnat(struct nftnl_rule *r)
{
	uint32_t bit = IPS_DST_NAT, zero = 0;
	struct nftnl_expr *x = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(r, x);
	bitwise_and(r, &bit, 4);
	cmp(r, NFT_CMP_NEQ, &zero, 4);
}

void nft_match_daddr_local(struct nftnl_rule *r)
{
	uint32_t local = RTN_LOCAL;
	struct nftnl_expr *x = nftnl_expr_alloc("fib");

	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	add(r, x);
	cmp(r, NFT_CMP_EQ, &local, 4);
}

void nft_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *x = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain)
		nftnl_expr_set_str(x, NFTNL_EXPR_IMM_CHAIN, chain);
	add(r, x);
}

void nft_masquerade(struct nftnl_rule *r)
{
	add(r, nftnl_expr_alloc("masq"));
}

void nft_dnat(struct nftnl_rule *r, int family, const uint8_t addr[16],
	      uint16_t port)
{
	uint16_t be = htons(port);
	struct nftnl_expr *x = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, addr,
		       (uint32_t)ipaddr_len(family));
	add(r, x);
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, &be, 2);
	add(r, x);
	x = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY,
			   family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MAX, NFT_REG_2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FLAGS,
			   NF_NAT_RANGE_MAP_IPS |
				   NF_NAT_RANGE_PROTO_SPECIFIED);
	add(r, x);
}

/* ---- batch messages ----------------------------------------------------- */

static void batch_marker(struct nl *n, struct nlreq *q, uint16_t type)
{
	struct nlmsghdr *nlh = nlreq_add(n, q, type, 0, "nftables batch");
	struct nfgenmsg *nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));

	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
}

void nft_begin(struct nl *n, struct nlreq *q)
{
	nlreq_init(n, q);
	batch_marker(n, q, NFNL_MSG_BATCH_BEGIN);
}

void nft_end(struct nl *n, struct nlreq *q)
{
	batch_marker(n, q, NFNL_MSG_BATCH_END);
}

/* a message header at the queue's tail, in libnftnl's format */
static struct nlmsghdr *msg(struct nl *n, struct nlreq *q, uint16_t type,
			    uint16_t flags, const char *what)
{
	struct nlmsghdr *slot = nlreq_add(n, q, 0, NLM_F_ACK, what);

	return nftnl_nlmsg_build_hdr((char *)slot, type, NFPROTO_INET,
				     flags | NLM_F_ACK, slot->nlmsg_seq);
}

void nft_put_table(struct nl *n, struct nlreq *q)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nlh = msg(n, q, NFT_MSG_NEWTABLE, NLM_F_CREATE, "nftables table");
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
}

void nft_put_chain(struct nl *n, struct nlreq *q, const char *name,
		   const char *type, int hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	}
	nlh = msg(n, q, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "nftables chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
}

void nft_put_rule(struct nl *n, struct nlreq *q, struct nftnl_rule *r,
		  const char *what)
{
	struct nlmsghdr *nlh = msg(n, q, NFT_MSG_NEWRULE,
				   NLM_F_CREATE | NLM_F_APPEND, what);

	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}

void nft_put_delrule(struct nl *n, struct nlreq *q, const char *chain,
		     uint64_t handle)
{
	struct nftnl_rule *r = nft_rule_new(chain, NULL);
	struct nlmsghdr *nlh;

	/* without a handle the kernel flushes the whole chain */
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nlh = msg(n, q, NFT_MSG_DELRULE, 0, "delete nftables rule");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
}
