/* process.capabilities: the five sets, resolved to masks in the parent
 * and applied in the child with raw prctl/capset (no allocation in the
 * child, and exact control of each set).  libcap maps the names. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/capability.h>

#include "security/internal.h"

int sec_caps_last_cap(void)
{
	static int last = -1;
	char *buf = NULL;
	size_t len;
	int64_t v;
	struct herr e;

	if (last >= 0)
		return last;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &buf, &len,
			 64, &e) == 0) {
		buf[strcspn(buf, "\n")] = 0;
		if (parse_i64(buf, &v) == 0 && v > 0 && v < 64)
			last = (int)v;
		free(buf);
	}
	if (last < 0) /* no /proc: ask the kernel bit by bit */
		for (last = 0; last < 63 &&
			       prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0;
		     last++)
			;
	return last;
}

/* A name the parser accepts may still be unknown to libcap (newer than
 * it) or to the running kernel (newer than the kernel): runc skips such
 * capabilities with a warning so that one config serves many hosts. */
int sec_caps_resolve(char *const *names, size_t n, int last_cap, uint64_t *mask,
		 const char *what, struct herr *e)
{
	struct strbuf skipped = {0};

	*mask = 0;
	for (size_t i = 0; i < n; i++) {
		cap_value_t v;

		if (cap_from_name(names[i], &v) < 0 || v < 0 || v > last_cap) {
			strbuf_printf(&skipped, "%s%s", skipped.len ? ", " : "",
				      names[i]);
			continue;
		}
		*mask |= 1ULL << v;
	}
	if (skipped.len)
		sec_warn("%s: ignoring capabilities unknown to this kernel "
			 "(cap_last_cap %d): %s", what, last_cap, skipped.buf);
	strbuf_free(&skipped);
	return 0;
}

static char *cap_name(int v)
{
	char *n = cap_to_name(v), *r;

	r = xasprintf("%s", n ? n : "?");
	cap_free(n);
	for (char *p = r; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	return r;
}

/* The kernel raises an ambient capability only if it is both permitted
 * and inheritable; say so in the parent (the child has no logger) and
 * drop it, as runc does with a warning. */
static void caps_check_ambient(struct sec_caps *c)
{
	uint64_t bad = c->ambient & ~(c->permitted & c->inheritable);

	for (int v = 0; v <= c->last_cap; v++) {
		_cleanup_free_ char *n = NULL;

		if (!(bad & (1ULL << v)))
			continue;
		n = cap_name(v);
		sec_warn("process.capabilities.ambient: %s is not in both the "
			 "permitted and the inheritable set; the kernel cannot "
			 "raise it, ignoring it", n);
	}
	c->ambient &= ~bad;
}

int sec_caps_prepare(const struct spec_caps *sc, struct sec_caps *c,
		 struct herr *e)
{
	c->last_cap = sec_caps_last_cap();
	if (sec_caps_resolve(sc->bounding, sc->nbounding, c->last_cap, &c->bounding,
			 "process.capabilities.bounding", e) < 0 ||
	    sec_caps_resolve(sc->effective, sc->neffective, c->last_cap,
			 &c->effective, "process.capabilities.effective",
			 e) < 0 ||
	    sec_caps_resolve(sc->permitted, sc->npermitted, c->last_cap,
			 &c->permitted, "process.capabilities.permitted",
			 e) < 0 ||
	    sec_caps_resolve(sc->inheritable, sc->ninheritable, c->last_cap,
			 &c->inheritable, "process.capabilities.inheritable",
			 e) < 0 ||
	    sec_caps_resolve(sc->ambient, sc->nambient, c->last_cap, &c->ambient,
			 "process.capabilities.ambient", e) < 0)
		return -1;
	caps_check_ambient(c);
	return 0;
}

int sec_caps_drop_bounding(const struct sec_caps *c, struct herr *e)
{
	for (int v = 0; v <= c->last_cap; v++) {
		if (c->bounding & (1ULL << v))
			continue;
		if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
			return herr_sys(e, "process.capabilities.bounding: "
					"drop capability %d", v);
	}
	return 0;
}

/* After the user switch.  The kernel checks: effective within permitted,
 * permitted only shrinks, inheritable within bounding + permitted (we
 * still hold CAP_SETPCAP).  Ambient last: it needs the final permitted
 * and inheritable sets. */
int sec_caps_set(const struct sec_caps *c, struct herr *e)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->effective >> (32 * i));
		d[i].permitted = (uint32_t)(c->permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c->inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return herr_sys(e, "process.capabilities: capset (effective "
				"%#llx, permitted %#llx, inheritable %#llx)",
				(unsigned long long)c->effective,
				(unsigned long long)c->permitted,
				(unsigned long long)c->inheritable);
	/* EINVAL: a kernel without ambient capabilities (< 4.3) */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return herr_sys(e, "process.capabilities.ambient: clear");
	for (int v = 0; v <= c->last_cap; v++) {
		if (!(c->ambient & (1ULL << v)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			return herr_sys(e, "process.capabilities.ambient: "
					"raise capability %d", v);
	}
	return 0;
}
