/* Built-in networking (netsetup/) glue.
 *
 * Which network: --network, else the annotation org.hutch.network, else
 * `none`; ports: --publish, else org.hutch.ports.  Only a network
 * namespace this container creates is configured; one joined by path
 * belongs to someone else and is left alone.
 *
 *   launch_net_prepare  once the state dir is ours, before clone:
 *                       validate, and for an attached network add bind
 *                       mounts of the /etc files netsetup writes (unless
 *                       config.json mounts there)
 *   launch_net_setup    parent, after clone, before GO: netsetup_create
 *   launch_net_child    child, once its namespaces exist: loopback up when
 *                       the parent could not do it (rootless, or the
 *                       two-step start that unshares after GO)
 *   *_net_destroy       delete, or a failed create: netsetup_destroy */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "netsetup/netsetup.h"
#include "runtime/runtime.h"
#include "runtime/sandbox.h"

enum net_plan {
	NET_NOTHING,   /* no new network namespace */
	NET_PARENT,    /* made by clone: the parent configures it */
	NET_CHILD,     /* only the child can: loopback up, nothing else */
};

static const char *net_name(const struct launch *l)
{
	const char *n = l->o->network;

	if (!n)
		n = spec_annotation(l->spec, NETSETUP_ANNOTATION_NETWORK);
	return n && *n ? n : "none";
}

static const char *net_ports(const struct launch *l)
{
	return l->o->publish ? l->o->publish
			     : spec_annotation(l->spec,
					       NETSETUP_ANNOTATION_PORTS);
}

static bool attached(const struct launch *l)
{
	return strcmp(net_name(l), "none") != 0;
}

static bool asked(const struct launch *l)
{
	const char *p = net_ports(l);

	return l->o->network ||
	       spec_annotation(l->spec, NETSETUP_ANNOTATION_NETWORK) ||
	       (p && *p);
}

/* spawn.c's rule for the two-step start (decided after we run): a user
 * namespace joined by path, or a new one with other namespaces joined */
static bool two_step(const struct spec *s)
{
	const struct spec_namespace *user = spec_namespace(s, SPEC_NS_USER);
	bool joins_other = false;

	for (size_t i = 0; s->linux && i < s->linux->nnamespaces; i++) {
		const struct spec_namespace *ns = &s->linux->namespaces[i];
		if (ns->path && ns->type != SPEC_NS_PID &&
		    ns->type != SPEC_NS_TIME && ns->type != SPEC_NS_USER)
			joins_other = true;
	}
	return user && (user->path || joins_other);
}

static enum net_plan plan(const struct launch *l)
{
	const struct spec_namespace *ns =
		spec_namespace(l->spec, SPEC_NS_NETWORK);

	if (!ns || ns->path)
		return NET_NOTHING;
	/* an unprivileged parent cannot enter the child's namespace; in
	 * the two-step start the child unshares it only after GO */
	if (geteuid() != 0 || two_step(l->spec))
		return NET_CHILD;
	return NET_PARENT;
}

static struct net_request request(const struct launch *l)
{
	const char *host = l->spec->hostname;

	return (struct net_request){
		.id = l->c ? l->c->id : l->o->id,
		.network = net_name(l),
		.ports = net_ports(l),
		.state_dir = l->g->root,
		.hostname = host && *host ? host : NULL,
		.pid = l->pid,
		.tap = l->sandbox,
	};
}

static bool has_mount(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return true;
	return false;
}

/* The root of a user namespace is an unprivileged user on the host: to
 * open the files it must be able to search --root (the runtime makes it
 * 0700).  Search only: names are not listed, state dirs stay 0700. */
static int search_root(struct launch *l, struct herr *e)
{
	struct stat st;

	if (stat(l->g->root, &st) < 0)
		return herr_sys(e, "--root `%s`", l->g->root);
	if ((st.st_mode & 0111) == 0111)
		return 0;
	if (chmod(l->g->root, (st.st_mode & 07777) | 0111) < 0)
		return herr_sys(e, "--root `%s`: make it searchable for the "
				"container's user namespace", l->g->root);
	log_debug("--root `%s` made searchable (o+x) for the /etc files of "
		  "a container with a user namespace", l->g->root);
	return 0;
}

/* /etc/hosts, /etc/hostname, /etc/resolv.conf: bind mounts of the files
 * netsetup writes after clone, before the child mounts */
static int add_file_mounts(struct launch *l, struct herr *e)
{
	_cleanup_free_ char *dir = netsetup_files_dir(l->g->root, l->c->id);
	struct spec *s = l->spec;

	if (spec_namespace(l->spec, SPEC_NS_USER) && search_root(l, e) < 0)
		return -1;
	for (size_t i = 0; i < NETSETUP_NFILES; i++) {
		_cleanup_free_ char *dest =
			xasprintf("/etc/%s", netsetup_file_names[i]);
		struct spec_mount *m;
		if (has_mount(s, dest))
			continue;
		s->mounts = xrealloc(s->mounts,
				     (s->nmounts + 1) * sizeof(*s->mounts));
		m = &s->mounts[s->nmounts++];
		memset(m, 0, sizeof(*m));
		m->destination = steal_ptr(&dest);
		m->type = xstrdup("bind");
		m->source = xasprintf("%s/%s", dir, netsetup_file_names[i]);
		m->options = xcalloc(3, sizeof(char *));
		m->options[m->noptions++] = xstrdup("bind");
		m->options[m->noptions++] = xstrdup("rw");
	}
	return 0;
}

int launch_net_prepare(struct launch *l, struct herr *e)
{
	const struct spec_namespace *ns =
		spec_namespace(l->spec, SPEC_NS_NETWORK);
	struct net_request r = request(l);

	if (!asked(l))
		return 0;
	if (!ns)
		return herr_set(e, 0, "network `%s` needs a network namespace: "
				"linux.namespaces has none", r.network);
	if (ns->path)
		return herr_set(e, 0, "network `%s`: linux.namespaces joins "
				"the network namespace `%s`, which hutch does "
				"not configure", r.network, ns->path);
	if (netsetup_check(&r, e) < 0)
		return -1;
	if (!attached(l))
		return 0;
	if (geteuid() != 0)
		return herr_set(e, 0, "network `%s` needs root (rootless "
				"containers get `none`)", r.network);
	if (plan(l) == NET_CHILD)
		return herr_set(e, 0, "network `%s`: linux.namespaces joins a "
				"user namespace by path, or joins namespaces "
				"with a new user namespace: the network "
				"namespace is made only after start-up, too "
				"late to attach (use `none`)", r.network);
	return add_file_mounts(l, e);
}

int launch_net_setup(struct launch *l, struct herr *e)
{
	_cleanup_close_ int nsfd = -1;
	struct net_request r = request(l);
	struct net_result res;
	char path[64];

	if (plan(l) != NET_PARENT)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)l->pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return herr_sys(e, "open `%s`", path);
	if (netsetup_create(&r, nsfd, &res, e) < 0)
		return -1;
	l->net_done = true;
	if (res.tap_fd >= 0) { /* the sandbox's NIC, to the VMM-to-be */
		int ret = sandbox_net_send(l, &res, e);
		close(res.tap_fd);
		if (ret < 0)
			return -1;
	}
	if (res.attached) {
		free(l->c->st.network);
		l->c->st.network = xstrdup(res.network);
		log_debug("network `%s`: %s/%u %s/%u via %s (veth %s)",
			  res.network, res.ipv4, res.prefix4, res.ipv6,
			  res.prefix6, res.bridge, res.host_veth);
	}
	return 0;
}

int launch_net_child(struct launch *l, struct herr *e)
{
	if (plan(l) != NET_CHILD)
		return 0;
	/* launch_net_prepare refused anything but `none` here */
	if (netsetup_loopback_up(e) < 0)
		return herr_wrap(e, "network `none`: loopback");
	return 0;
}

void launch_net_destroy(struct launch *l)
{
	struct herr e;

	if (l->c && netsetup_destroy(l->g->root, l->c->id, &e) < 0)
		log_warn("%s", e.msg);
	l->net_done = false;
}

void container_net_destroy(struct container *c)
{
	struct herr e;

	if (netsetup_destroy(c->root, c->id, &e) < 0)
		log_warn("container `%s`: %s", c->id, e.msg);
}
