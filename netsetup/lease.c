/* Address leases: <root>/.net/leases/<id>, one small key=value file per
 * attached container, changed only under an flock on <root>/.net/lock.
 *
 * A lease names its owner by pid, the pid's start time (/proc/PID/stat
 * field 22) and the kernel's boot_id, and likewise the create that took
 * it.  The owner is the container's init: while it lives the container's
 * network namespace lives and the address is in use; while the create
 * lives, it finishes or undoes its own work.
 * When both are gone (the runtime was killed mid-create, the host
 * rebooted, the container stopped and nobody ran delete) the lease is stale
 * and the next create reclaims it, veth and rules included.  Start time and
 * boot_id make pid reuse harmless. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "netsetup/internal.h"

void lease_free(struct lease *l)
{
	free(l->id);
	free(l->ports);
	l->id = l->ports = NULL;
}

int lease_dir_open(const char *root, bool create, int *netfd, int *leasefd,
		   struct herr *e)
{
	_cleanup_free_ char *dir = xasprintf("%s/.net", root);
	_cleanup_close_ int nfd = -1;

	/* 0711: see netsetup_files_dir(); leases/ stays 0700 */
	if (create && mkdir_p_at(AT_FDCWD, dir, 0711, e) < 0)
		return -1;
	nfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (nfd < 0) {
		if (!create && errno == ENOENT)
			return 1;
		return herr_sys(e, "open `%s`", dir);
	}
	if (create && ((mkdirat(nfd, "leases", 0700) < 0 && errno != EEXIST) ||
		       (mkdirat(nfd, "files", 0711) < 0 && errno != EEXIST)))
		return herr_sys(e, "create `%s/leases`", dir);
	*leasefd = openat(nfd, "leases", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*leasefd < 0) {
		if (!create && errno == ENOENT)
			return 1;
		return herr_sys(e, "open `%s/leases`", dir);
	}
	*netfd = steal_fd(&nfd);
	return 0;
}

int lease_lock(int netfd, struct herr *e)
{
	_cleanup_close_ int fd =
		openat(netfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return herr_sys(e, "open the lease lock");
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return herr_sys(e, "lock the leases");
	return steal_fd(&fd);
}

static int set_field(struct lease *l, const char *k, const char *v)
{
	uint64_t u;

#define STR(field)                                                             \
	snprintf(l->field, sizeof(l->field), "%s", v) >= (int)sizeof(l->field)
	if (!strcmp(k, "id"))
		l->id = xstrdup(v);
	else if (!strcmp(k, "network"))
		return STR(network) ? -1 : 0;
	else if (!strcmp(k, "bridge"))
		return STR(bridge) ? -1 : 0;
	else if (!strcmp(k, "veth"))
		return STR(veth) ? -1 : 0;
	else if (!strcmp(k, "boot"))
		return STR(boot) ? -1 : 0;
	else if (!strcmp(k, "ports"))
		l->ports = xstrdup(v);
	else if (parse_u64(v, &u) < 0)
		return -1;
	else if (!strcmp(k, "index"))
		l->index = (uint32_t)u;
	else if (!strcmp(k, "pid"))
		l->pid = (pid_t)u;
	else if (!strcmp(k, "start"))
		l->start = u;
	else if (!strcmp(k, "creator"))
		l->cpid = (pid_t)u;
	else if (!strcmp(k, "cstart"))
		l->cstart = u;
#undef STR
	return 0;
}

static int lease_parse(char *text, struct lease *l)
{
	char *line;

	memset(l, 0, sizeof(*l));
	for (char *p = text; (line = strsep(&p, "\n"));) {
		char *eq = strchr(line, '=');
		if (!*line)
			continue;
		if (!eq)
			return -1;
		*eq = '\0';
		if (set_field(l, line, eq + 1) < 0)
			return -1;
	}
	if (!l->ports)
		l->ports = xstrdup("");
	return l->id && l->network[0] && l->veth[0] && l->index && l->pid
		       ? 0
		       : -1;
}

int lease_read(int leasefd, const char *name, struct lease *l,
	       struct herr *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	memset(l, 0, sizeof(*l));
	if (read_file_at(leasefd, name, &text, &len, 1 << 16, e) < 0) {
		if (e->errnum == ENOENT) {
			herr_clear(e);
			return -ENOENT;
		}
		return herr_wrap(e, "lease");
	}
	if (lease_parse(text, l) < 0 || strcmp(l->id, name)) {
		lease_free(l);
		return herr_set(e, 0, "lease `%s`: malformed", name);
	}
	return 0;
}

int lease_write(int leasefd, const struct lease *l, struct herr *e)
{
	_cleanup_free_ char *text = xasprintf(
		"id=%s\nnetwork=%s\nbridge=%s\nveth=%s\nindex=%u\nports=%s\n"
		"pid=%d\nstart=%llu\ncreator=%d\ncstart=%llu\nboot=%s\n",
		l->id, l->network, l->bridge, l->veth, l->index,
		l->ports ? l->ports : "", (int)l->pid, l->start, (int)l->cpid,
		l->cstart, l->boot);

	if (write_file_atomic_at(leasefd, l->id, text, strlen(text), 0600,
				 e) < 0)
		return herr_wrap(e, "write lease");
	return 0;
}

int lease_scan(int leasefd, struct lease **out, size_t *n, struct herr *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = dup(leasefd);
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return herr_sys(e, "list leases");
	}
	while ((de = readdir(d))) {
		struct lease l;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (lease_read(leasefd, de->d_name, &l, e) < 0) {
			/* a temporary file of a writer killed mid-write, or
			 * junk: only writers holding the lock make files */
			unlinkat(leasefd, de->d_name, 0);
			herr_clear(e);
			continue;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = l;
	}
	return 0;
}

static const char *boot_id(void)
{
	static char id[40];
	FILE *f;

	if (id[0])
		return id;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f) {
		if (!fgets(id, sizeof(id), f))
			id[0] = '\0';
		fclose(f);
	}
	id[strcspn(id, "\n")] = '\0';
	return id;
}

/* starttime of a live (non-zombie) pid, 0 if gone */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	unsigned long long v = 0;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read_all(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p)
		return 0;
	tok = strtok_r(p + 1, " ", &save); /* field 3: state */
	if (!tok || *tok == 'Z' || *tok == 'X')
		return 0;
	for (int field = 4; (tok = strtok_r(NULL, " ", &save)); field++)
		if (field == 22) {
			v = strtoull(tok, NULL, 10);
			break;
		}
	return v;
}

bool lease_alive(const struct lease *l)
{
	if (strcmp(l->boot, boot_id()))
		return false;
	/* a create still at work owns its lease even if its container died:
	 * it undoes what it made itself, and a reclaim racing it could miss
	 * the rules it is still adding */
	return start_time(l->pid) == l->start ||
	       (l->cpid && start_time(l->cpid) == l->cstart);
}

int lease_owner(pid_t pid, struct lease *l, struct herr *e)
{
	l->pid = pid;
	l->start = pid > 0 ? start_time(pid) : 0;
	l->cpid = getpid();
	l->cstart = start_time(l->cpid);
	if (!l->start)
		return herr_set(e, ESRCH, "container process %d", (int)pid);
	snprintf(l->boot, sizeof(l->boot), "%s", boot_id());
	return 0;
}
