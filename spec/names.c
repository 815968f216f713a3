/* The names config.json may use, with their values where C has one.  The
 * parser refuses names outside these lists; security/ maps the seccomp
 * strings to libseccomp and the capability names to libcap (spec/ has no
 * dependency on either). */
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "spec/internal.h"

#define NV(x) {#x, x}

/* capabilities(7), from the kernel headers we build against.  A name the
 * running kernel lacks is not an error here: config.md says such a
 * capability is logged as a warning, which is security/'s business. */
const struct name_val sp_cap_names[] = {
	NV(CAP_CHOWN), NV(CAP_DAC_OVERRIDE), NV(CAP_DAC_READ_SEARCH),
	NV(CAP_FOWNER), NV(CAP_FSETID), NV(CAP_KILL), NV(CAP_SETGID),
	NV(CAP_SETUID), NV(CAP_SETPCAP), NV(CAP_LINUX_IMMUTABLE),
	NV(CAP_NET_BIND_SERVICE), NV(CAP_NET_BROADCAST), NV(CAP_NET_ADMIN),
	NV(CAP_NET_RAW), NV(CAP_IPC_LOCK), NV(CAP_IPC_OWNER),
	NV(CAP_SYS_MODULE), NV(CAP_SYS_RAWIO), NV(CAP_SYS_CHROOT),
	NV(CAP_SYS_PTRACE), NV(CAP_SYS_PACCT), NV(CAP_SYS_ADMIN),
	NV(CAP_SYS_BOOT), NV(CAP_SYS_NICE), NV(CAP_SYS_RESOURCE),
	NV(CAP_SYS_TIME), NV(CAP_SYS_TTY_CONFIG), NV(CAP_MKNOD),
	NV(CAP_LEASE), NV(CAP_AUDIT_WRITE), NV(CAP_AUDIT_CONTROL),
	NV(CAP_SETFCAP), NV(CAP_MAC_OVERRIDE), NV(CAP_MAC_ADMIN),
	NV(CAP_SYSLOG), NV(CAP_WAKE_ALARM), NV(CAP_BLOCK_SUSPEND),
	NV(CAP_AUDIT_READ), NV(CAP_PERFMON), NV(CAP_BPF),
	NV(CAP_CHECKPOINT_RESTORE), {0},
};

/* getrlimit(2) */
const struct name_val sp_rlimit_names[] = {
	NV(RLIMIT_AS), NV(RLIMIT_CORE), NV(RLIMIT_CPU), NV(RLIMIT_DATA),
	NV(RLIMIT_FSIZE), NV(RLIMIT_LOCKS), NV(RLIMIT_MEMLOCK),
	NV(RLIMIT_MSGQUEUE), NV(RLIMIT_NICE), NV(RLIMIT_NOFILE),
	NV(RLIMIT_NPROC), NV(RLIMIT_RSS), NV(RLIMIT_RTPRIO),
	NV(RLIMIT_RTTIME), NV(RLIMIT_SIGPENDING), NV(RLIMIT_STACK), {0},
};

/* config-linux.md "Namespaces", indexed by enum spec_ns_type */
const struct name_val sp_ns_names[] = {
	[SPEC_NS_PID] = {"pid", CLONE_NEWPID},
	[SPEC_NS_NETWORK] = {"network", CLONE_NEWNET},
	[SPEC_NS_MOUNT] = {"mount", CLONE_NEWNS},
	[SPEC_NS_IPC] = {"ipc", CLONE_NEWIPC},
	[SPEC_NS_UTS] = {"uts", CLONE_NEWUTS},
	[SPEC_NS_USER] = {"user", CLONE_NEWUSER},
	[SPEC_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP},
	[SPEC_NS_TIME] = {"time", CLONE_NEWTIME},
	[SPEC_NS__COUNT] = {0},
};

/* config-linux.md "Seccomp" (names as of libseccomp 2.6) */
const char *const sp_seccomp_actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
	"SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

const char *const sp_seccomp_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* what Debian 12's libseccomp 2.5.4 can resolve: `hutch features` claims
 * only these; the parser also accepts the names libseccomp 2.6 added */
#define ARCHS_2_5                                                              \
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",                  \
	"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",                \
	"SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",         \
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",        \
	"SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",              \
	"SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",           \
	"SCMP_ARCH_RISCV64"

const char *const sp_seccomp_features_archs[] = {ARCHS_2_5, NULL};
const char *const sp_seccomp_archs[] = {
	ARCHS_2_5, "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB", NULL,
};

const char *const sp_seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

/* the flags security/ applies (issue 5) */
const char *const sp_seccomp_supported_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL,
};

/* config.md "Linux mount options": the option strings rootfs/ recognises
 * (the MUST and SHOULD rows; anything else goes to mount(2) as data) */
const char *const sp_mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
	"exec", "iversion", "lazytime", "loud", "noatime", "nodev",
	"nodiratime", "noexec", "noiversion", "nolazytime", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime",
	"rbind", "rdev", "rdiratime", "relatime", "remount", "rexec",
	"rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
	"rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate",
	"rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime",
	"rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent",
	"slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup",
	"unbindable", "idmap", "ridmap", NULL,
};

int sp_name_lookup(const struct name_val *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t->val;
	return -1;
}

size_t sp_first_dup(const void *v, size_t n, size_t size,
		 bool (*same)(const void *a, const void *b))
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (same((const char *)v + i * size,
				 (const char *)v + j * size))
				return i;
	return 0;
}

bool sp_str_in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

const char *spec_ns_name(enum spec_ns_type t)
{
	return t < SPEC_NS__COUNT ? sp_ns_names[t].name : "?";
}

int spec_ns_clone_flag(enum spec_ns_type t)
{
	return t < SPEC_NS__COUNT ? sp_ns_names[t].val : 0;
}
