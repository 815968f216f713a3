/* The process's confinement inside the guest, as in container mode
 * (security/apply.c does it on the host; the guest init is static and has
 * no libseccomp, so the runtime sends the masks and the compiled BPF):
 * noNewPrivileges, the seccomp filter, the capability sets.  The order is
 * security/apply.c's: a filter without noNewPrivileges needs CAP_SYS_ADMIN,
 * so it goes before the capabilities are dropped; with noNewPrivileges it
 * goes last, so that only execve runs under it. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest/guest.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "caps=BND,EFF,PRM,INH,AMB" (hex masks) */
void confine_caps_item(struct config *c, const char *v)
{
	uint64_t *m[] = {&c->caps.bounding, &c->caps.effective,
			 &c->caps.permitted, &c->caps.inheritable,
			 &c->caps.ambient};
	char *end;

	for (size_t i = 0; i < 5; i++) {
		*m[i] = strtoull(v, &end, 16);
		if (end == v || *end != (i == 4 ? '\0' : ','))
			die("config: bad caps `%s`", v);
		v = end + 1;
	}
	c->caps.set = 1;
}

/* "seccomp=FLAGS,HEX": FLAGS for seccomp(2), the struct sock_filter array
 * in hex; decoded in place */
void confine_seccomp_item(struct config *c, char *v)
{
	char *end, *hex;
	size_t n;

	c->seccomp_flags = (unsigned)strtoul(v, &end, 16);
	if (*end != ',')
		die("config: bad seccomp item");
	hex = end + 1;
	n = strlen(hex);
	if (!n || n % (2 * sizeof(struct sock_filter)))
		die("config: seccomp: %zu hex digits are no BPF program", n);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			die("config: seccomp: not hex");
		hex[i] = (char)(hi << 4 | lo);
	}
	c->seccomp = hex;
	c->seccomp_len = n / 2;
}

static int load_seccomp(const struct config *c)
{
	struct sock_fprog prog = {
		.len = (unsigned short)(c->seccomp_len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)(void *)c->seccomp};

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    c->seccomp_flags, &prog);
}

const char *confine_before_user(const struct config *c)
{
	/* the pid namespace is the init's to make, before the fork */
	unsigned long ns = c->unshare & ~(unsigned long)CLONE_NEWPID;

	if (ns && unshare((int)ns) < 0)
		return "unshare the spec's namespaces";
	/* nothing the process mounts reaches the init's namespace */
	if ((ns & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return "make / private";
	/* the init mounted the spec's proc in its pid namespace; pid 1 of
	 * its own sees its own */
	if ((ns & CLONE_NEWNS) && (c->unshare & CLONE_NEWPID) &&
	    remount_proc(c) < 0)
		return "mount proc for the pid namespace";
	if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return "process.noNewPrivileges: prctl";
	if (c->seccomp && !c->nnp && load_seccomp(c) < 0)
		return "linux.seccomp: load the filter";
	if (!c->caps.set)
		return NULL;
	/* EINVAL past the guest kernel's last capability */
	for (int v = 0; v < 64; v++)
		if (!(c->caps.bounding & (1ULL << v)) &&
		    prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
			return "process.capabilities.bounding: drop";
	/* keep the permitted set across setresuid to a non-root uid */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return "prctl PR_SET_KEEPCAPS";
	return NULL;
}

const char *confine_after_user(const struct config *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (c->caps.set) {
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			return "prctl PR_SET_KEEPCAPS";
		for (int i = 0; i < 2; i++) {
			d[i].effective = (uint32_t)(c->caps.effective >> (32 * i));
			d[i].permitted = (uint32_t)(c->caps.permitted >> (32 * i));
			d[i].inheritable = (uint32_t)(c->caps.inheritable >> (32 * i));
		}
		if (syscall(SYS_capset, &h, d) < 0)
			return "process.capabilities: capset";
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
			return "process.capabilities.ambient: clear";
		for (int v = 0; v < 64; v++)
			if ((c->caps.ambient & (1ULL << v)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
				return "process.capabilities.ambient: raise";
	}
	if (c->seccomp && c->nnp && load_seccomp(c) < 0)
		return "linux.seccomp: load the filter";
	return NULL;
}
