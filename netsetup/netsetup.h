/* netsetup: built-in container networking.  Links, addresses and routes
 * through rtnetlink (libmnl), NAT and port forwarding through nftables
 * (libnftnl), address leases on disk.  docs/networking.md has the user's
 * view (networks.conf, annotations, flags); this header is the runtime's.
 *
 * Networks:
 *   none     a new network namespace with only loopback, brought up (the
 *            default whenever config.json asks for a new network namespace)
 *   bridge   the built-in default: bridge `hutch0`, 10.77.0.0/16 and
 *            fd68:7574:6368::/64, masquerade for egress
 *   NAME     a [NAME] section of networks.conf (may also redefine [bridge])
 *
 * State, all under the runtime's --root (so one --root per host network
 * namespace; the bridge records which --root owns it):
 *   <root>/.net/lock                 flock for every lease change
 *   <root>/.net/leases/<id>          one lease per attached container
 *   <root>/.net/files/<id>/{hosts,hostname,resolv.conf}
 *
 * The runtime calls, from the parent (`hutch create`), in the host's
 * network namespace:
 *   before clone3   netsetup_check()      (bad input fails before anything
 *                                          exists)
 *   after clone3    netsetup_create()     with the child's pid and netns fd,
 *                                          before the child is released
 *   in the child    bind-mount the files of netsetup_files_dir() onto
 *                   /etc/{hosts,hostname,resolv.conf}, unless config.json
 *                   mounts something there (attached networks only)
 *   on delete       netsetup_destroy()    (idempotent; also after a crash)
 */
#ifndef HUTCH_NETSETUP_H
#define HUTCH_NETSETUP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/util.h"

/* annotations read by the runtime and passed in net_request */
#define NETSETUP_ANNOTATION_NETWORK "org.hutch.network"
#define NETSETUP_ANNOTATION_PORTS "org.hutch.ports"
#define NETSETUP_DEFAULT_CONFIG "/etc/hutch/networks.conf"

struct net_request {
	const char *id;        /* container id */
	const char *network;   /* NULL or "none", "bridge", a networks.conf name */
	const char *ports;     /* NULL or "8080:80/tcp,127.0.0.1:5353:53/udp" */
	const char *state_dir; /* the runtime's --root */
	const char *config;    /* NULL: <root>/networks.conf if it exists, else
				  /etc/hutch/networks.conf if it exists, else
				  the built-in default */
	const char *hostname;  /* for /etc/hosts and /etc/hostname; NULL: id */
	pid_t pid;             /* the container's init: the lease lives as
				  long as this process (pid + start time) */
	bool tap;              /* a sandboxed container (the VMM is its
				  init): the host end is a tap on the bridge
				  for the VMM's virtio-net, its namespace
				  gets only loopback; the guest takes the
				  lease's addresses and MAC */
};

struct net_result {
	bool attached; /* false for `none` */
	char network[33];
	char bridge[IFNAMSIZ];
	char host_veth[IFNAMSIZ]; /* the host end; eth0 in the container */
	bool has4, has6;
	char ipv4[INET_ADDRSTRLEN], gateway4[INET_ADDRSTRLEN];
	char ipv6[INET6_ADDRSTRLEN], gateway6[INET6_ADDRSTRLEN];
	unsigned prefix4, prefix6;
	unsigned mtu;
	char mac[18];
	int tap_fd;    /* request.tap: the tap (host_veth names it), owned by
			  the caller; else -1 */
};

/* Validate the request without touching anything: the network exists in
 * the config, the ports parse.  Cheap; call it before clone3. */
int netsetup_check(const struct net_request *r, struct herr *e);

/* Connect the network namespace netns_fd (the child's /proc/PID/ns/net) to
 * r->network: loopback up; for a bridge network also the bridge (made on
 * first use), a veth pair (eth0 inside), addresses from a lease, default
 * routes, port forwarding rules and the /etc files.  On error everything it
 * made is undone.  With r->tap, the host end is a tap (out->tap_fd) and
 * nothing but loopback is configured in netns_fd. */
int netsetup_create(const struct net_request *r, int netns_fd,
		    struct net_result *out, struct herr *e);

/* Remove what netsetup_create made for id: veth, port rules, lease, files.
 * The bridge and the network's NAT rules stay.  Idempotent: nothing to do
 * is success (delete --force after a crash, a `none` container). */
int netsetup_destroy(const char *state_dir, const char *id, struct herr *e);

/* The container's /etc/hosts, /etc/hostname and /etc/resolv.conf, written
 * by netsetup_create to <root>/.net/files/<id>/ (malloc'ed path).  .net and
 * .net/files are 0711 and the files 0644, so that the root of a container's
 * user namespace can open them to bind-mount them, provided <root> itself
 * can be searched. */
#define NETSETUP_NFILES 3
extern const char *const netsetup_file_names[NETSETUP_NFILES];
char *netsetup_files_dir(const char *state_dir, const char *id);

/* Bring loopback up in the calling thread's network namespace: for a
 * rootless child, which may configure its own namespace but cannot be
 * entered by an unprivileged parent. */
int netsetup_loopback_up(struct herr *e);

#endif
