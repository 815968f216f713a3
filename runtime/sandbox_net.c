/* The sandbox's network.  With an attached network (docs/networking.md),
 * netsetup gives a sandboxed container a tap on the bridge where a plain
 * one gets a veth (net_request.tap): the VMM is the container's init and
 * the guest owns the lease's addresses, so the container's namespace keeps
 * only loopback, and teardown stays netsetup's (the lease names the tap).
 *
 *   parent, after netsetup_create: sandbox_net_send() hands the tap's fd
 *     and the guest's net.* config items (vmm/proto.h) to the child in
 *     SYNC_NET, before GO;
 *   child: sandbox_net_received() keeps them; sandbox_run() gives the fd,
 *     MAC and MTU to the VMM (the guest's virtio-net eth0) and the items to
 *     the guest init (guest/net.c).
 * The /etc files netsetup wrote travel as items too: the guest does not see
 * the container's bind mounts (9p serves the rootfs alone). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "netsetup/netsetup.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "vmm/vmm.h"

static struct {
	int fd;
	char *items;
	size_t len;
} got = {.fd = -1};

static void item(struct strbuf *b, const char *k, const char *v)
{
	strbuf_printf(b, "%s=%s", k, v);
	strbuf_append(b, "", 1);
}

/* the files netsetup wrote, where the container has them mounted (not
 * where config.json mounts its own: container mode leaves those alone) */
static int file_items(struct launch *l, struct strbuf *b, struct herr *e)
{
	_cleanup_free_ char *dir = netsetup_files_dir(l->g->root, l->c->id);

	for (size_t i = 0; i < NETSETUP_NFILES; i++) {
		const char *name = netsetup_file_names[i];
		_cleanup_free_ char *src = xasprintf("%s/%s", dir, name);
		_cleanup_free_ char *dst = xasprintf("/etc/%s", name);
		_cleanup_free_ char *text = NULL;
		bool ours = false;
		size_t len;

		for (size_t k = 0; k < l->spec->nmounts; k++) {
			const struct spec_mount *m = &l->spec->mounts[k];
			if (m->source && !strcmp(m->destination, dst))
				ours = !strcmp(m->source, src);
		}
		if (!ours)
			continue;
		if (read_file_at(AT_FDCWD, src, &text, &len, 16384, e) < 0)
			return -1;
		strbuf_printf(b, "net.file=%s\t%.*s", name, (int)len, text);
		strbuf_append(b, "", 1);
	}
	return 0;
}

int sandbox_net_send(struct launch *l, const struct net_result *r,
		     struct herr *e)
{
	struct strbuf b = {0};
	char v[128];
	int ret;

	item(&b, "net.mac", r->mac);
	snprintf(v, sizeof(v), "%u", r->mtu);
	item(&b, "net.mtu", v);
	if (r->has4) {
		snprintf(v, sizeof(v), "%s/%u", r->ipv4, r->prefix4);
		item(&b, "net.addr", v);
		item(&b, "net.gw", r->gateway4);
	}
	if (r->has6) {
		snprintf(v, sizeof(v), "%s/%u", r->ipv6, r->prefix6);
		item(&b, "net.addr", v);
		item(&b, "net.gw", r->gateway6);
	}
	ret = file_items(l, &b, e);
	if (ret == 0)
		ret = sync_send(l->sync_parent, SYNC_NET, b.buf, b.len,
				r->tap_fd, e);
	strbuf_free(&b);
	return ret < 0 ? herr_wrap(e, "sandbox network") : 0;
}

void sandbox_net_received(int fd, const void *items, size_t len)
{
	got.fd = fd;
	free(got.items);
	got.items = xmalloc(len + 1);
	memcpy(got.items, items, len);
	got.items[len] = 0;
	got.len = len;
}

int sandbox_net_fd(void)
{
	return got.fd;
}

static const char *find(const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < got.len; i += strlen(got.items + i) + 1)
		if (!strncmp(got.items + i, key, k) && got.items[i + k] == '=')
			return got.items + i + k + 1;
	return NULL;
}

int sandbox_net_vmm(struct vmm_config *c, struct herr *e)
{
	const char *mac = find("net.mac"), *mtu = find("net.mtu");
	unsigned m[6];

	if (got.fd < 0)
		return 0;
	if (!mac || sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6)
		return herr_set(e, EPROTO, "sandbox network: no MAC address");
	for (int i = 0; i < 6; i++)
		c->net_mac[i] = (uint8_t)m[i];
	c->net_mtu = mtu ? (unsigned)strtoul(mtu, NULL, 10) : 0;
	c->net_fd = got.fd;
	return 0;
}

void sandbox_net_items(struct strbuf *b)
{
	if (got.fd >= 0)
		strbuf_append(b, got.items, got.len);
}
