/* IPv4/IPv6 networks as 16 big-endian bytes: parsing, the n-th host of a
 * subnet, overlap.  Host index i maps to the same i in both families, so a
 * lease is one number. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "netsetup/internal.h"

size_t ipaddr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int ipaddr_parse(const char *s, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

void ipnet_mask(const struct ipnet *n, uint8_t mask[16])
{
	unsigned bits = n->plen;

	memset(mask, 0, 16);
	for (size_t i = 0; i < ipaddr_len(n->family) && bits; i++) {
		unsigned b = bits >= 8 ? 8 : bits;
		mask[i] = (uint8_t)(0xff00 >> b);
		bits -= b;
	}
}

int ipnet_parse(const char *s, struct ipnet *n)
{
	char buf[INET6_ADDRSTRLEN + 8];
	uint8_t mask[16];
	uint64_t plen;
	char *slash;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (ipaddr_parse(buf, &n->family, n->addr) < 0 ||
	    parse_u64(slash + 1, &plen) < 0 ||
	    plen > ipaddr_len(n->family) * 8)
		return -1;
	n->plen = (unsigned)plen;
	ipnet_mask(n, mask);
	for (int i = 0; i < 16; i++)
		if (n->addr[i] & ~mask[i])
			return -2;
	return 0;
}

/* the low 32 bits of the address, as a number */
static uint32_t low32(const uint8_t a[16], int family)
{
	size_t o = ipaddr_len(family) - 4;

	return (uint32_t)a[o] << 24 | (uint32_t)a[o + 1] << 16 |
	       (uint32_t)a[o + 2] << 8 | a[o + 3];
}

void ipnet_host(const struct ipnet *n, uint32_t idx, uint8_t out[16])
{
	size_t o = ipaddr_len(n->family) - 4;
	uint32_t v = low32(n->addr, n->family) + idx;

	memcpy(out, n->addr, 16);
	out[o] = (uint8_t)(v >> 24);
	out[o + 1] = (uint8_t)(v >> 16);
	out[o + 2] = (uint8_t)(v >> 8);
	out[o + 3] = (uint8_t)v;
}

uint32_t ipnet_max_index(const struct ipnet *n)
{
	unsigned hostbits = (unsigned)ipaddr_len(n->family) * 8 - n->plen;

	/* 2^24 leases is far beyond what a bridge holds; it keeps the
	 * arithmetic in 32 bits and the lease scan bounded */
	if (hostbits > 24)
		return (1u << 24) - 1;
	if (n->family == AF_INET) /* the all-ones host is the broadcast */
		return hostbits < 2 ? 0 : (1u << hostbits) - 2;
	return hostbits == 0 ? 0 : (1u << hostbits) - 1;
}

int64_t ipnet_index(const struct ipnet *n, const uint8_t addr[16])
{
	uint8_t mask[16];
	size_t len = ipaddr_len(n->family);

	ipnet_mask(n, mask);
	for (size_t i = 0; i < len; i++)
		if ((addr[i] & mask[i]) != n->addr[i])
			return -1;
	if (len * 8 - n->plen > 32) {
		/* only the low 32 bits can be non-zero for our indices */
		for (size_t i = 0; i < len - 4; i++)
			if (addr[i] != n->addr[i])
				return -1;
	}
	return (int64_t)(low32(addr, n->family) - low32(n->addr, n->family));
}

bool ipnet_overlaps(const struct ipnet *a, const struct ipnet *b)
{
	const struct ipnet *wide = a->plen <= b->plen ? a : b;
	const struct ipnet *narrow = wide == a ? b : a;
	uint8_t mask[16];

	if (a->family != b->family)
		return false;
	ipnet_mask(wide, mask);
	for (size_t i = 0; i < ipaddr_len(a->family); i++)
		if ((narrow->addr[i] & mask[i]) != wide->addr[i])
			return false;
	return true;
}

const char *ipaddr_str(int family, const uint8_t a[16], char *buf,
		       size_t len)
{
	if (!inet_ntop(family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

char *ipnet_str(const struct ipnet *n)
{
	char b[INET6_ADDRSTRLEN];

	return xasprintf("%s/%u", ipaddr_str(n->family, n->addr, b, sizeof(b)),
			 n->plen);
}

uint32_t fnv32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}
