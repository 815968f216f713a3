/* netsetup against the real kernel: every test first moves this process
 * into a new network namespace of its own (the "host"), so bridges, NAT
 * rules and containers never touch the machine's network.  Needs root. */
#include <sys/stat.h>
#include <time.h>

#include "netsetup/netsetup.h"
#include "tests/unit/netsetup_ns.h"
#include "tests/unit/unit.h"

struct fixture {
	char root[64];
	struct net_request req;
};

static int fixture_init(struct fixture *f)
{
	snprintf(f->root, sizeof(f->root), "/tmp/hutch-netsetup.XXXXXX");
	if (!mkdtemp(f->root) || host_netns() < 0)
		return -1;
	memset(&f->req, 0, sizeof(f->req));
	f->req.state_dir = f->root;
	f->req.network = "bridge";
	return 0;
}

static void fixture_done(struct fixture *f)
{
	sh(NULL, 0, "rm -rf %s", f->root);
}

static __attribute__((unused)) void write_conf(struct fixture *f, const char *text)
{
	char path[128];
	FILE *w;

	snprintf(path, sizeof(path), "%s/networks.conf", f->root);
	w = fopen(path, "w");
	if (w) {
		fputs(text, w);
		fclose(w);
	}
}

/* in the container of c: run a command */
#define IN(c, out, len, ...) sh(out, len, "nsenter --net=/proc/%d/ns/net " \
				__VA_ARGS__)

static int attach(struct fixture *f, struct cont *c, const char *id,
		  struct net_result *res, struct herr *e)
{
	if (cont_start(c) < 0)
		return herr_set(e, errno, "start container");
	f->req.id = id;
	f->req.pid = c->pid;
	return netsetup_create(&f->req, c->nsfd, res, e);
}

TEST(none_brings_only_loopback_up)
{
	struct fixture f;
	struct net_result res;
	struct herr e = {0};
	struct cont c;
	char out[1024];

	CHECK(fixture_init(&f) == 0);
	f.req.network = "none";
	CHECK(attach(&f, &c, "n1", &res, &e) == 0);
	CHECK(!res.attached);
	CHECK(IN(&c, out, sizeof(out), "ip -o link", c.pid) == 0);
	CHECK(strstr(out, "1: lo:") && strstr(out, "UP"));
	CHECK(!strstr(out, "2:"));
	CHECK(netsetup_destroy(f.root, "n1", &e) == 0);
	cont_stop(&c);
	fixture_done(&f);
}

TEST(two_containers_reach_each_other)
{
	struct fixture f;
	struct net_result a, b;
	struct herr e = {0};
	struct cont ca, cb;
	char out[4096];

	CHECK(fixture_init(&f) == 0);
	CHECK(attach(&f, &ca, "a", &a, &e) == 0);
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK(attach(&f, &cb, "b", &b, &e) == 0);
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK(a.attached && b.attached);
	CHECK(strcmp(a.ipv4, b.ipv4) != 0);
	CHECK_STR(a.ipv4, "10.77.0.2");
	CHECK_STR(b.ipv4, "10.77.0.3");
	CHECK_STR(a.gateway4, "10.77.0.1");
	CHECK(IN(&ca, out, sizeof(out), "ip -o addr show dev eth0", ca.pid) == 0);
	CHECK(strstr(out, "inet 10.77.0.2/16"));
	CHECK(strstr(out, "inet6 fd68:7574:6368::2/64"));
	CHECK(IN(&ca, out, sizeof(out), "ip route", ca.pid) == 0);
	CHECK(strstr(out, "default via 10.77.0.1 dev eth0"));
	CHECK(IN(&ca, NULL, 0, "busybox ping -c1 -W2 %s", ca.pid, b.ipv4) == 0);
	CHECK(IN(&ca, NULL, 0, "busybox ping -c1 -W2 %s", ca.pid, b.ipv6) == 0);
	CHECK(IN(&ca, NULL, 0, "busybox ping -c1 -W2 10.77.0.1", ca.pid) == 0);
	CHECK(netsetup_destroy(f.root, "a", &e) == 0);
	CHECK(netsetup_destroy(f.root, "b", &e) == 0);
	cont_stop(&ca);
	cont_stop(&cb);
	fixture_done(&f);
}

UNIT_MAIN()
