/* /etc/hosts, /etc/hostname and /etc/resolv.conf for an attached container,
 * written to <root>/.net/files/<id>/ for the runtime to bind-mount (the
 * bundle's rootfs is never written). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "netsetup/internal.h"

static bool loopback_ns(const char *addr)
{
	return str_has_prefix(addr, "127.") || !strcmp(addr, "::1");
}

/* nameserver lines of a resolv.conf that a container can reach (the host's
 * loopback, e.g. systemd-resolved's 127.0.0.53, is not the container's) */
static void copy_resolv(const char *path, bool nameservers, bool others,
			struct strbuf *b, int *count)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char word[16], arg[256];
		if (sscanf(line, "%15s %255s", word, arg) != 2)
			continue;
		if (!strcmp(word, "nameserver")) {
			if (!nameservers || loopback_ns(arg))
				continue;
			strbuf_printf(b, "nameserver %s\n", arg);
			++*count;
		} else if (others && (!strcmp(word, "search") ||
				      !strcmp(word, "domain") ||
				      !strcmp(word, "options"))) {
			strbuf_puts(b, line);
			if (!strchr(line, '\n'))
				strbuf_puts(b, "\n");
		}
	}
}

static char *resolv_conf(const struct netconf *c)
{
	struct strbuf b = {0};
	int count = 0;

	strbuf_puts(&b, "# written by hutch\n");
	if (c->dns[0]) {
		_cleanup_free_ char *dns = xstrdup(c->dns);
		char *save = NULL;
		for (char *t = strtok_r(dns, " ,\t", &save); t;
		     t = strtok_r(NULL, " ,\t", &save)) {
			strbuf_printf(&b, "nameserver %s\n", t);
			count++;
		}
	}
	copy_resolv("/etc/resolv.conf", !count, true, &b, &count);
	if (!count) /* systemd-resolved keeps the upstream servers here */
		copy_resolv("/run/systemd/resolve/resolv.conf", true, false,
			    &b, &count);
	if (!count)
		strbuf_puts(&b, "# the host has no nameserver a container can "
				"reach: set dns in the networks config\n");
	return strbuf_steal(&b);
}

static char *hosts(const char *name, const struct net_result *res)
{
	struct strbuf b = {0};

	strbuf_puts(&b, "127.0.0.1\tlocalhost\n"
			"::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (res->has4)
		strbuf_printf(&b, "%s\t%s\n", res->ipv4, name);
	if (res->has6)
		strbuf_printf(&b, "%s\t%s\n", res->ipv6, name);
	return strbuf_steal(&b);
}

const char *const netsetup_file_names[NETSETUP_NFILES] = {
	"hosts", "hostname", "resolv.conf"};

static int files_dir(int netfd, const char *id, struct herr *e)
{
	_cleanup_free_ char *dir = xasprintf("files/%s", id);
	int dfd;

	/* 0755 in 0711 dirs: the root of a container's user namespace must
	 * reach them to bind-mount them */
	if (mkdirat(netfd, dir, 0755) < 0 && errno != EEXIST)
		return herr_sys(e, "create `.net/%s`", dir);
	dfd = openat(netfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return herr_sys(e, "open `.net/%s`", dir);
	return dfd;
}

/* in place: the files are fresh, nobody reads them before create ends */
static int write_in_place(int dfd, const char *name, const char *text,
			  struct herr *e)
{
	_cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC |
						   O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return herr_sys(e, "write `%s`", name);
	return 0;
}

int files_write(int netfd, const char *id, const char *hostname,
		const struct netconf *c, const struct net_result *res,
		struct herr *e)
{
	_cleanup_free_ char *name = xasprintf("%.63s", hostname ? hostname : id);
	_cleanup_free_ char *h = hosts(name, res);
	_cleanup_free_ char *hn = xasprintf("%s\n", name);
	_cleanup_free_ char *rc = resolv_conf(c);
	_cleanup_close_ int dfd = files_dir(netfd, id, e);

	if (dfd < 0 || write_in_place(dfd, "hosts", h, e) < 0 ||
	    write_in_place(dfd, "hostname", hn, e) < 0 ||
	    write_in_place(dfd, "resolv.conf", rc, e) < 0)
		return herr_wrap(e, "container files");
	return 0;
}
