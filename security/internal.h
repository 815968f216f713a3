/* security/ internals shared between its files (not an API: only
 * the .c files of security/ and the unit tests include this). */
#ifndef HUTCH_SECURITY_INTERNAL_H
#define HUTCH_SECURITY_INTERNAL_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "security/security.h"

/* capability sets as bit masks (bit n = capability n; the kernel has
 * fewer than 64) */
struct sec_caps {
	uint64_t bounding, effective, permitted, inheritable, ambient;
	int last_cap; /* /proc/sys/kernel/cap_last_cap */
};

struct sec_rlimit {
	int resource;
	char name[32]; /* RLIMIT_NOFILE, for messages */
	struct rlimit lim;
};

struct sec_seccomp {
	struct sock_filter *insns;
	unsigned short ninsns;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool notify;        /* has SCMP_ACT_NOTIFY: the load gives an fd */
	char hash[65];
};

struct security {
	bool has_caps; /* process.capabilities present: else caps untouched */
	struct sec_caps caps;
	bool set_user;
	uid_t uid;
	gid_t gid;
	gid_t *gids;
	size_t ngids;
	mode_t umask;
	struct sec_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privs;
	struct sec_seccomp *seccomp; /* NULL: no filter */
	security_notify_sender notify_fn;
	void *notify_ctx;
};

/* logging through the runtime's callbacks (parent only) */
void sec_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sec_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *sec_cache_dir(void);
void sec_stats_note(bool hit, const char *hash, uint64_t ns);

/* caps.c */
int sec_caps_last_cap(void);
/* names -> mask; names unknown to libcap or above last_cap are skipped
 * and reported in one warning naming `what` (process.capabilities.x) */
int sec_caps_resolve(char *const *names, size_t n, int last_cap, uint64_t *mask,
		 const char *what, struct herr *e);
int sec_caps_prepare(const struct spec_caps *c, struct sec_caps *out,
		 struct herr *e);
int sec_caps_drop_bounding(const struct sec_caps *c, struct herr *e);
int sec_caps_set(const struct sec_caps *c, struct herr *e);

/* user.c */
int sec_user_prepare(const struct spec_user *u, struct security *sec,
		 struct herr *e);
int sec_user_switch(const struct security *sec, struct herr *e);

/* rlimits.c */
int sec_rlimits_prepare(const struct spec_process *p, struct security *sec,
		    struct herr *e);
int sec_rlimits_apply(const struct security *sec, struct herr *e);

/* sec_bpf_compile.c: profile -> BPF with libseccomp */
int sec_bpf_compile(const struct spec_seccomp *sc, struct sock_filter **insns,
		    unsigned short *ninsns, struct herr *e);
/* seccomp_enosys.c: ENOSYS for syscalls newer than the profile */
void sec_bpf_enosys_stub(const struct spec_seccomp *sc, uint32_t def,
			 struct sock_filter **insns, unsigned short *n);
int sec_seccomp_action(const char *name, bool has_errno, uint32_t errno_ret,
		   uint32_t *out);
int sec_seccomp_flags(const struct spec_seccomp *sc, bool notify,
		  unsigned int *flags, struct herr *e);
bool sec_seccomp_uses_notify(const struct spec_seccomp *sc);

/* seccomp_cache.c: the key and the on-disk cache */
void sec_cache_key(const struct spec_seccomp *sc, char hex[65]);
/* 1 = hit (*insns filled), 0 = miss; never an error (a bad cache is
 * ignored and rewritten) */
int sec_cache_load(const char *dir, const char *hex,
		       struct sock_filter **insns, unsigned short *ninsns);
void sec_cache_store(const char *dir, const char *hex,
			 const struct sock_filter *insns, unsigned short n);

/* seccomp_load.c */
int sec_seccomp_prepare(const struct spec_seccomp *sc, struct sec_seccomp **out,
		    struct herr *e);
/* returns the listener fd, 0 without one, -1 on error */
int sec_seccomp_install(const struct sec_seccomp *f, struct herr *e);

/* sha256.c */
struct sec_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t nbuf;
};
void sec_sha256_init(struct sec_sha256 *c);
void sec_sha256_update(struct sec_sha256 *c, const void *data, size_t n);
void sec_sha256_final(struct sec_sha256 *c, uint8_t out[32]);
void sec_sha256_hex(const uint8_t d[32], char hex[65]);

/* self_protect.c */
int sec_dmz_prepare(struct herr *e); /* child, before seccomp */

#endif
