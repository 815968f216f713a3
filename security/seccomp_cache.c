/* Compiled seccomp programs, cached on disk so the second container with
 * a profile skips libseccomp.  The key is a SHA-256 over everything the
 * BPF depends on: the profile's rules, the libseccomp version, the
 * kernel's seccomp API level (it decides which actions libseccomp emits)
 * and the native architecture.  Load flags are not in the program and
 * are not in the key.
 *
 * Trust: the directory must be ours (owner = euid), mode 0700 and not a
 * symlink; each file must be ours, not group/other-writable, of exactly
 * the size its header claims, with a digest of the program that matches.
 * Anything else is a miss (and is rewritten), never an error. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>

#include "security/internal.h"

#define CACHE_MAGIC "HUTCHBPF"
#define CACHE_VERSION 1u

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t ninsns;
	char key[64];
	uint8_t digest[32]; /* SHA-256 of the instructions */
};

static void put_u64(struct sec_sha256 *c, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	sec_sha256_update(c, b, 8);
}

static void put_str(struct sec_sha256 *c, const char *s)
{
	if (!s) {
		put_u64(c, UINT64_MAX);
		return;
	}
	put_u64(c, strlen(s));
	sec_sha256_update(c, s, strlen(s));
}

static void put_syscall(struct sec_sha256 *c, const struct spec_seccomp_syscall *s)
{
	put_u64(c, s->nnames);
	for (size_t k = 0; k < s->nnames; k++)
		put_str(c, s->names[k]);
	put_str(c, s->action);
	put_u64(c, s->has_errno_ret);
	put_u64(c, s->errno_ret);
	put_u64(c, s->nargs);
	for (size_t j = 0; j < s->nargs; j++) {
		put_u64(c, s->args[j].index);
		put_u64(c, s->args[j].value);
		put_u64(c, s->args[j].value_two);
		put_str(c, s->args[j].op);
	}
}

void sec_cache_key(const struct spec_seccomp *sc, char hex[65])
{
	const struct scmp_version *v = seccomp_version();
	struct sec_sha256 c;
	uint8_t d[32];

	sec_sha256_init(&c);
	put_str(&c, "hutch seccomp bpf v2"); /* v2: ENOSYS stub */
	put_u64(&c, v ? v->major : 0);
	put_u64(&c, v ? v->minor : 0);
	put_u64(&c, v ? v->micro : 0);
	put_u64(&c, seccomp_api_get());
	put_u64(&c, seccomp_arch_native());
	put_str(&c, sc->default_action);
	put_u64(&c, sc->has_default_errno_ret);
	put_u64(&c, sc->default_errno_ret);
	put_u64(&c, sc->narchitectures);
	for (size_t i = 0; i < sc->narchitectures; i++)
		put_str(&c, sc->architectures[i]);
	put_u64(&c, sc->nsyscalls);
	for (size_t i = 0; i < sc->nsyscalls; i++)
		put_syscall(&c, &sc->syscalls[i]);
	sec_sha256_final(&c, d);
	sec_sha256_hex(d, hex);
}

static int open_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		sec_warn("seccomp cache `%s` is not owned by uid %u with mode "
			 "0700: not using it", dir, (unsigned)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

static void digest(const struct sock_filter *insns, unsigned short n,
		   uint8_t out[32])
{
	struct sec_sha256 c;

	sec_sha256_init(&c);
	sec_sha256_update(&c, insns, (size_t)n * sizeof(*insns));
	sec_sha256_final(&c, out);
}

static bool header_ok(const struct cache_header *h, const char *hex,
		      off_t size)
{
	return !memcmp(h->magic, CACHE_MAGIC, 8) &&
	       h->version == CACHE_VERSION && h->ninsns > 0 &&
	       h->ninsns <= BPF_MAXINSNS && !memcmp(h->key, hex, 64) &&
	       size == (off_t)(sizeof(*h) +
			       (size_t)h->ninsns * sizeof(struct sock_filter));
}

int sec_cache_load(const char *dir, const char *hex,
		       struct sock_filter **insns, unsigned short *ninsns)
{
	_cleanup_close_ int dfd = open_dir(dir), fd = -1;
	struct cache_header h;
	struct sock_filter *p;
	struct stat st;
	uint8_t d[32];
	size_t len;

	if (dfd < 0)
		return 0;
	fd = openat(dfd, hex, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    read_all(fd, &h, sizeof(h)) != sizeof(h) ||
	    !header_ok(&h, hex, st.st_size))
		return 0;
	len = (size_t)h.ninsns * sizeof(*p);
	p = xmalloc(len);
	if (read_all(fd, p, len) != (ssize_t)len) {
		free(p);
		return 0;
	}
	digest(p, h.ninsns, d);
	if (memcmp(d, h.digest, 32)) {
		sec_warn("seccomp cache: `%s/%s` does not match its digest, "
			 "recompiling", dir, hex);
		free(p);
		return 0;
	}
	*insns = p;
	*ninsns = h.ninsns;
	return 1;
}

void sec_cache_store(const char *dir, const char *hex,
			 const struct sock_filter *insns, unsigned short n)
{
	struct cache_header h = {.version = CACHE_VERSION, .ninsns = n};
	_cleanup_close_ int dfd = -1, fd = -1;
	char tmp[96];
	struct herr e;

	if (mkdir_p_at(AT_FDCWD, dir, 0700, &e) < 0) {
		sec_debug("seccomp cache: %s", e.msg);
		return;
	}
	dfd = open_dir(dir);
	if (dfd < 0)
		return;
	memcpy(h.magic, CACHE_MAGIC, 8);
	memcpy(h.key, hex, 64);
	digest(insns, n, h.digest);
	snprintf(tmp, sizeof(tmp), ".tmp.%d.%llu", (int)getpid(),
		 (unsigned long long)now_ns());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				      O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, &h, sizeof(h)) < 0 ||
	    write_all(fd, insns, (size_t)n * sizeof(*insns)) < 0 ||
	    renameat(dfd, tmp, dfd, hex) < 0) {
		sec_debug("seccomp cache: store %s/%s: %s", dir, hex,
			  strerror(errno));
		if (fd >= 0)
			unlinkat(dfd, tmp, 0);
	}
}
