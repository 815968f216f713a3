/* netsetup against the real kernel: every test first moves this process
 * into a new network namespace of its own (the "host"), so bridges, NAT
 * rules and containers never touch the machine's network.  Needs root. */
#include <sys/stat.h>
#include <time.h>

#include "netsetup/netsetup.h"
#include "tests/unit/netsetup_ns.h"
#include "tests/unit/unit.h"

struct fixture {
	char root[48];
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

static void write_conf(struct fixture *f, const char *text)
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


/* veths, leases, files and port rules left in the host namespace */
static int leftovers(struct fixture *f)
{
	char out[64];
	int n = 0;

	sh(out, sizeof(out), "ip -o link show type veth | grep -c ': vh'");
	n += atoi(out);
	sh(out, sizeof(out), "ls -A %s/.net/leases %s/.net/files | grep -vc "
	   "-e '^$' -e ':$'", f->root, f->root);
	n += atoi(out);
	sh(out, sizeof(out), "nft list chain inet hutch ports 2>/dev/null | "
	   "grep -c dnat");
	n += atoi(out);
	return n;
}

TEST(published_port_reaches_httpd)
{
	struct fixture f;
	struct net_result a, b;
	struct herr e = {0};
	struct cont ca, cb;
	char cmd[512], out[256];
	pid_t httpd, echo;

	CHECK(fixture_init(&f) == 0);
	sh(NULL, 0, "mkdir -p %s/www && echo hello-from-httpd > "
	   "%s/www/index.html", f.root, f.root);
	f.req.ports = "8080:80/tcp";
	CHECK(attach(&f, &ca, "web", &a, &e) == 0);
	f.req.ports = NULL;
	CHECK(attach(&f, &cb, "client", &b, &e) == 0);
	snprintf(cmd, sizeof(cmd), "exec nsenter --net=/proc/%d/ns/net "
		 "busybox httpd -f -p 80 -h %s/www", ca.pid, f.root);
	httpd = spawn(cmd);
	snprintf(cmd, sizeof(cmd), "exec nsenter --net=/proc/%d/ns/net "
		 "busybox nc -ll -p 7000 -e /bin/cat", ca.pid);
	echo = spawn(cmd);
	CHECK(wait_listening(ca.pid, 80) == 0);
	CHECK(wait_listening(ca.pid, 7000) == 0);
	/* the host itself, through the output hook: loopback and bridge */
	CHECK(sh(out, sizeof(out), "timeout 5 busybox wget -q -O - "
		 "http://127.0.0.1:8080/") == 0);
	CHECK(strstr(out, "hello-from-httpd"));
	CHECK(sh(out, sizeof(out), "timeout 5 busybox wget -q -O - "
		 "http://10.77.0.1:8080/") == 0);
	CHECK(strstr(out, "hello-from-httpd"));
	CHECK(sh(out, sizeof(out), "timeout 5 busybox wget -q -O - "
		 "'http://[fd68:7574:6368::1]:8080/'") == 0);
	CHECK(strstr(out, "hello-from-httpd"));
	/* another container through the published port (hairpin), and
	 * straight to the address with a TCP echo */
	CHECK(IN(&cb, out, sizeof(out), "timeout 5 busybox wget -q -O - "
		 "http://10.77.0.1:8080/", cb.pid) == 0);
	CHECK(strstr(out, "hello-from-httpd"));
	CHECK(IN(&cb, out, sizeof(out), "sh -c 'echo ping-pong | busybox nc "
		 "-w 2 %s 7000'", cb.pid, a.ipv4) == 0);
	CHECK(strstr(out, "ping-pong"));

	/* a machine outside, behind the host's "uplink" ext0: it reaches the
	 * published port, and the containers reach it although it has no
	 * route back to 10.77/16 (masquerade) */
	struct cont out_ns;
	CHECK(cont_start(&out_ns) == 0);
	CHECK(sh(NULL, 0, "ip link add ext0 type veth peer name ext1 netns "
		 "/proc/%d/ns/net && ip addr add 192.0.2.1/24 dev ext0 && ip "
		 "link set ext0 up", out_ns.pid) == 0);
	CHECK(IN(&out_ns, NULL, 0, "sh -c 'ip addr add 192.0.2.2/24 dev ext1 "
		 "&& ip link set ext1 up && ip link set lo up'",
		 out_ns.pid) == 0);
	CHECK(IN(&out_ns, out, sizeof(out), "timeout 5 busybox wget -q -O - "
		 "http://192.0.2.1:8080/", out_ns.pid) == 0);
	CHECK(strstr(out, "hello-from-httpd"));
	CHECK(IN(&cb, NULL, 0, "busybox ping -c1 -W2 192.0.2.2", cb.pid) == 0);
	cont_stop(&out_ns);
	reap(httpd);
	reap(echo);
	CHECK(netsetup_destroy(f.root, "web", &e) == 0);
	CHECK(netsetup_destroy(f.root, "client", &e) == 0);
	CHECK(leftovers(&f) == 0);
	CHECK(sh(NULL, 0, "timeout 2 busybox wget -q -O - http://127.0.0.1:8080/ 2>/dev/null")
	      != 0);
	cont_stop(&ca);
	cont_stop(&cb);
	fixture_done(&f);
}

#define PAR 50

TEST(parallel_creates_get_distinct_addresses)
{
	struct fixture f;
	struct cont c[PAR];
	pid_t w[PAR];
	char ids[PAR][16], ports[PAR][32], out[8192];
	int bad = 0;

	CHECK(fixture_init(&f) == 0);
	for (int i = 0; i < PAR; i++) {
		CHECK(cont_start(&c[i]) == 0);
		snprintf(ids[i], sizeof(ids[i]), "par%d", i);
		snprintf(ports[i], sizeof(ports[i]), "%d:80", 9000 + i);
	}
	for (int i = 0; i < PAR; i++) {
		w[i] = fork();
		if (w[i] == 0) {
			struct net_result r;
			struct herr e = {0};
			f.req.id = ids[i];
			f.req.pid = c[i].pid;
			f.req.ports = ports[i];
			if (netsetup_create(&f.req, c[i].nsfd, &r, &e) < 0) {
				printf("# %s\n", e.msg);
				fflush(stdout);
				_exit(1);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < PAR; i++) {
		int st;
		waitpid(w[i], &st, 0);
		bad += !WIFEXITED(st) || WEXITSTATUS(st);
	}
	CHECK(bad == 0);
	/* every container's own view of its address */
	snprintf(out, sizeof(out), "%s/addrs", f.root);
	for (int i = 0; i < PAR; i++)
		IN(&c[i], NULL, 0, "ip -4 -o addr show dev eth0 >> %s", c[i].pid,
		   out);
	CHECK(sh(out, sizeof(out), "awk '{print $4}' %s/addrs | sort -u | "
		 "wc -l", f.root) == 0);
	CHECK(atoi(out) == PAR);
	CHECK(sh(out, sizeof(out), "nft list chain inet hutch ports | grep -c "
		 "dnat") == 0);
	CHECK(atoi(out) == 2 * PAR); /* IPv4 and IPv6 */
	for (int i = 0; i < PAR; i++) {
		w[i] = fork();
		if (w[i] == 0) {
			struct herr e = {0};
			_exit(netsetup_destroy(f.root, ids[i], &e) < 0);
		}
	}
	bad = 0;
	for (int i = 0; i < PAR; i++) {
		int st;
		waitpid(w[i], &st, 0);
		bad += !WIFEXITED(st) || WEXITSTATUS(st);
	}
	CHECK(bad == 0);
	CHECK(leftovers(&f) == 0);
	for (int i = 0; i < PAR; i++)
		cont_stop(&c[i]);
	fixture_done(&f);
}

/* SIGKILL is delivered when the victim next runs: wait until it is dead
 * (a zombie or reaped by init) */
static bool wait_gone(pid_t pid)
{
	char path[64], st[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		char *p;
		if (!f)
			return true;
		p = fgets(st, sizeof(st), f) ? strrchr(st, ')') : NULL;
		fclose(f);
		if (p && p[2] == 'Z')
			return true;
		usleep(10000);
	}
	return false;
}

static const char tiny_conf[] = "[tiny]\nbridge = htiny\n"
				"subnet = 10.99.0.0/30\n";

/* a "runtime" killed with SIGKILL at any point of a create leaves a lease
 * the next create reclaims, with its veth and rules */
TEST(killed_runtime_is_reclaimed)
{
	struct fixture f;
	struct net_result r;
	struct herr e = {0};
	struct cont c;
	char out[256];

	CHECK(fixture_init(&f) == 0);
	write_conf(&f, tiny_conf);
	f.req.network = "tiny";
	f.req.ports = "8081:80";
	for (int round = 0; round < 12; round++) {
		int sync[2], held = -1;
		pid_t runtime, victim = 0;
		CHECK(pipe(sync) == 0);
		runtime = fork();
		if (runtime == 0) {
			struct cont k;
			struct net_result rr;
			struct herr ee = {0};
			if (cont_start(&k) < 0)
				_exit(1);
			f.req.id = "victim";
			f.req.pid = k.pid;
			if (write(sync[1], &k.pid, sizeof(k.pid)) < 0)
				_exit(1);
			netsetup_create(&f.req, k.nsfd, &rr, &ee);
			pause();
			_exit(0);
		}
		close(sync[1]);
		CHECK(read(sync[0], &victim, sizeof(victim)) ==
		      sizeof(victim));
		close(sync[0]);
		/* keep the container's namespace (and so its veth) alive, as
		 * a process of the container that outlived init would */
		snprintf(out, sizeof(out), "/proc/%d/ns/net", (int)victim);
		held = open(out, O_RDONLY | O_CLOEXEC);
		usleep((useconds_t)(round * 700)); /* 0..8 ms into the create */
		kill(runtime, SIGKILL);
		kill(victim, SIGKILL);
		waitpid(runtime, NULL, 0);
		CHECK(wait_gone(victim));
		/* the one address of the subnet must be free again */
		f.req.id = "next";
		CHECK(attach(&f, &c, "next", &r, &e) == 0);
		if (e.msg[0])
			printf("# round %d: %s\n", round, e.msg);
		CHECK_STR(r.ipv4, "10.99.0.2");
		CHECK(sh(out, sizeof(out), "ip -o link show type veth | wc -l")
		      == 0 && atoi(out) == 1);
		CHECK(netsetup_destroy(f.root, "next", &e) == 0);
		CHECK(leftovers(&f) == 0);
		cont_stop(&c);
		if (held >= 0)
			close(held);
	}
	fixture_done(&f);
}

/* a create still running owns its lease even when its container died (it
 * undoes its own work); once it is gone the lease is reclaimed */
TEST(a_live_create_keeps_its_lease)
{
	struct fixture f;
	struct net_result r;
	struct herr e = {0};
	struct cont c1, c2;

	CHECK(fixture_init(&f) == 0);
	write_conf(&f, tiny_conf);
	f.req.network = "tiny";
	CHECK(attach(&f, &c1, "first", &r, &e) == 0);
	cont_stop(&c1); /* its container is gone, this process (the create) is not */
	CHECK(attach(&f, &c2, "second", &r, &e) < 0);
	CHECK(strstr(e.msg, "is exhausted"));
	cont_stop(&c2);
	CHECK(netsetup_destroy(f.root, "first", &e) == 0);
	CHECK(attach(&f, &c2, "second", &r, &e) == 0);
	CHECK(netsetup_destroy(f.root, "second", &e) == 0);
	cont_stop(&c2);
	CHECK(leftovers(&f) == 0);
	fixture_done(&f);
}

TEST(errors_are_clear_and_leave_nothing)
{
	struct fixture f;
	struct net_result r;
	struct herr e = {0};
	struct cont c1, c2;

	CHECK(fixture_init(&f) == 0);
	f.req.id = "x";
	f.req.network = "nope";
	CHECK(netsetup_check(&f.req, &e) < 0);
	CHECK(strstr(e.msg, "unknown network `nope`"));
	f.req.network = "none";
	f.req.ports = "80:80";
	CHECK(netsetup_check(&f.req, &e) < 0);
	CHECK(strstr(e.msg, "published ports need a network"));
	f.req.network = "bridge";
	f.req.ports = "80:80/sctp";
	CHECK(netsetup_check(&f.req, &e) < 0);
	CHECK(strstr(e.msg, "protocol must be tcp or udp"));

	/* exhausted subnet: the second container fails, nothing of it stays */
	write_conf(&f, tiny_conf);
	f.req.network = "tiny";
	f.req.ports = NULL;
	CHECK(attach(&f, &c1, "first", &r, &e) == 0);
	CHECK(attach(&f, &c2, "second", &r, &e) < 0);
	CHECK(strstr(e.msg, "subnet 10.99.0.0/30 is exhausted"));
	cont_stop(&c2);
	CHECK(netsetup_destroy(f.root, "first", &e) == 0);
	cont_stop(&c1);
	CHECK(leftovers(&f) == 0);

	/* a port published twice */
	f.req.network = "bridge";
	f.req.ports = "8080:80";
	CHECK(attach(&f, &c1, "first", &r, &e) == 0);
	f.req.ports = "8080:8080/tcp";
	CHECK(attach(&f, &c2, "second", &r, &e) < 0);
	CHECK(strstr(e.msg, "port 8080/tcp is already published by container "
			    "`first`"));
	cont_stop(&c2);
	f.req.ports = "8080:80/udp"; /* another protocol is fine */
	CHECK(attach(&f, &c2, "second", &r, &e) == 0);
	CHECK(netsetup_destroy(f.root, "first", &e) == 0);
	CHECK(netsetup_destroy(f.root, "second", &e) == 0);
	cont_stop(&c1);
	cont_stop(&c2);

	/* a host process on the port */
	pid_t l = spawn("exec busybox nc -l -p 8090");
	CHECK(wait_listening(0, 8090) == 0);
	f.req.ports = "8090:80";
	CHECK(attach(&f, &c1, "first", &r, &e) < 0);
	CHECK(strstr(e.msg, "port 8090/tcp is already in use on the host"));
	cont_stop(&c1);
	reap(l);

	/* eth0 already in the container: undo everything */
	f.req.ports = "8091:80";
	CHECK(cont_start(&c1) == 0);
	IN(&c1, NULL, 0, "ip link add eth0 type bridge", c1.pid);
	f.req.id = "clash";
	f.req.pid = c1.pid;
	CHECK(netsetup_create(&f.req, c1.nsfd, &r, &e) < 0);
	CHECK(strstr(e.msg, "create veth"));
	cont_stop(&c1);
	CHECK(leftovers(&f) == 0);

	/* another --root on the same bridge */
	struct fixture g = f;
	snprintf(g.root, sizeof(g.root), "%.40s/other", f.root);
	mkdir(g.root, 0700);
	g.req.state_dir = g.root;
	g.req.ports = NULL;
	CHECK(attach(&g, &c1, "other", &r, &e) < 0);
	CHECK(strstr(e.msg, "belongs to hutch with another --root"));
	cont_stop(&c1);
	fixture_done(&f);

	/* a non-bridge under the bridge's name; a subnet the host routes */
	CHECK(fixture_init(&f) == 0);
	sh(NULL, 0, "ip link add hutch0 type veth peer name hutch0p");
	CHECK(attach(&f, &c1, "x", &r, &e) < 0);
	CHECK(strstr(e.msg, "`hutch0` exists and is not a bridge (it is a "
			    "veth link)"));
	cont_stop(&c1);
	sh(NULL, 0, "ip link del hutch0; ip link add d0 type veth peer name "
	   "d1; ip addr add 192.168.7.1/24 dev d0; ip link set d0 up");
	write_conf(&f, "[lan]\nbridge = hlan\nsubnet = 192.168.0.0/16\n");
	f.req.network = "lan";
	CHECK(attach(&f, &c1, "x", &r, &e) < 0);
	CHECK(strstr(e.msg, "subnet 192.168.0.0/16 overlaps the host's route "
			    "192.168.7.0/24 dev d0"));
	cont_stop(&c1);
	CHECK(leftovers(&f) == 0);
	fixture_done(&f);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2] / 1000;
}

/* not a pass/fail figure (targets live in benchmarks): printed for the
 * record, netsetup_create/destroy wall time in this process */
TEST(timing)
{
	enum { N = 20 };
	struct fixture f;
	struct cont c[N];
	struct net_result r;
	struct herr e = {0};
	uint64_t cr[N], alive[N / 2], gone[N / 2], lo[N], first;
	char id[N][16];

	CHECK(fixture_init(&f) == 0);
	for (int i = 0; i < N; i++) {
		CHECK(cont_start(&c[i]) == 0);
		snprintf(id[i], sizeof(id[i]), "t%d", i);
	}
	f.req.network = "none";
	for (int i = 0; i < N; i++) {
		uint64_t t = now_ns();
		f.req.id = id[i];
		CHECK(netsetup_create(&f.req, c[i].nsfd, &r, &e) == 0);
		lo[i] = now_ns() - t;
	}
	f.req.network = "bridge";
	for (int i = 0; i < N; i++) {
		uint64_t t = now_ns();
		f.req.id = id[i];
		f.req.pid = c[i].pid;
		char port[16];
		snprintf(port, sizeof(port), "%d:80", 8000 + i);
		f.req.ports = i % 2 ? NULL : port;
		CHECK(netsetup_create(&f.req, c[i].nsfd, &r, &e) == 0);
		cr[i] = now_ns() - t;
		if (e.msg[0])
			printf("# %s\n", e.msg);
	}
	for (int i = 0; i < N / 2; i++) {
		uint64_t t = now_ns();
		CHECK(netsetup_destroy(f.root, id[i], &e) == 0);
		alive[i] = now_ns() - t;
	}
	for (int i = N / 2; i < N; i++)
		cont_stop(&c[i]);
	for (int i = N / 2; i < N; i++) {
		uint64_t t = now_ns();
		CHECK(netsetup_destroy(f.root, id[i], &e) == 0);
		gone[i - N / 2] = now_ns() - t;
	}
	CHECK(leftovers(&f) == 0);
	first = cr[0] / 1000;
	printf("# netsetup_create none (lo up): median %llu us\n",
	       (unsigned long long)median(lo, N));
	printf("# netsetup_create bridge: first (makes bridge and NAT) %llu "
	       "us, then median %llu us (half publish a port)\n",
	       (unsigned long long)first,
	       (unsigned long long)median(cr + 1, N - 1));
	printf("# netsetup_destroy: median %llu us with the container alive, "
	       "%llu us after it exited\n",
	       (unsigned long long)median(alive, N / 2),
	       (unsigned long long)median(gone, N / 2));
	for (int i = 0; i < N / 2; i++)
		cont_stop(&c[i]);
	fixture_done(&f);
}

UNIT_MAIN()
