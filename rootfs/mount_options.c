/* mounts[].options: the mount(8) words runtime-spec config.md lists, into
 * MS_* flags, propagation changes, recursive mount_setattr attributes and
 * the filesystem data string (every word we do not know, e.g. size=64k). */
#include <errno.h>
#include <string.h>

#include "rootfs/priv.h"

enum kind { FLAG_SET, FLAG_CLR, PROP, REC_SET, REC_CLR, SPECIAL };

struct word {
	const char *name;
	enum kind kind;
	unsigned long v;
};

enum { SP_BIND, SP_RBIND, SP_REMOUNT, SP_TMPCOPYUP, SP_IDMAP, SP_RIDMAP,
       SP_DEFAULTS };

static const struct word words[] = {
	{"ro", FLAG_SET, MS_RDONLY},
	{"rw", FLAG_CLR, MS_RDONLY},
	{"nosuid", FLAG_SET, MS_NOSUID},
	{"suid", FLAG_CLR, MS_NOSUID},
	{"nodev", FLAG_SET, MS_NODEV},
	{"dev", FLAG_CLR, MS_NODEV},
	{"noexec", FLAG_SET, MS_NOEXEC},
	{"exec", FLAG_CLR, MS_NOEXEC},
	{"sync", FLAG_SET, MS_SYNCHRONOUS},
	{"async", FLAG_CLR, MS_SYNCHRONOUS},
	{"dirsync", FLAG_SET, MS_DIRSYNC},
	{"mand", FLAG_SET, MS_MANDLOCK},
	{"nomand", FLAG_CLR, MS_MANDLOCK},
	{"noatime", FLAG_SET, MS_NOATIME},
	{"atime", FLAG_CLR, MS_NOATIME},
	{"nodiratime", FLAG_SET, MS_NODIRATIME},
	{"diratime", FLAG_CLR, MS_NODIRATIME},
	{"relatime", FLAG_SET, MS_RELATIME},
	{"norelatime", FLAG_CLR, MS_RELATIME},
	{"strictatime", FLAG_SET, MS_STRICTATIME},
	{"nostrictatime", FLAG_CLR, MS_STRICTATIME},
	{"lazytime", FLAG_SET, MS_LAZYTIME},
	{"nolazytime", FLAG_CLR, MS_LAZYTIME},
	{"iversion", FLAG_SET, MS_I_VERSION},
	{"noiversion", FLAG_CLR, MS_I_VERSION},
	{"silent", FLAG_SET, MS_SILENT},
	{"loud", FLAG_CLR, MS_SILENT},
	{"nosymfollow", FLAG_SET, MS_NOSYMFOLLOW},
	{"symfollow", FLAG_CLR, MS_NOSYMFOLLOW},
	{"private", PROP, MS_PRIVATE},
	{"rprivate", PROP, MS_PRIVATE | MS_REC},
	{"shared", PROP, MS_SHARED},
	{"rshared", PROP, MS_SHARED | MS_REC},
	{"slave", PROP, MS_SLAVE},
	{"rslave", PROP, MS_SLAVE | MS_REC},
	{"unbindable", PROP, MS_UNBINDABLE},
	{"runbindable", PROP, MS_UNBINDABLE | MS_REC},
	{"rro", REC_SET, MOUNT_ATTR_RDONLY},
	{"rrw", REC_CLR, MOUNT_ATTR_RDONLY},
	{"rnosuid", REC_SET, MOUNT_ATTR_NOSUID},
	{"rsuid", REC_CLR, MOUNT_ATTR_NOSUID},
	{"rnodev", REC_SET, MOUNT_ATTR_NODEV},
	{"rdev", REC_CLR, MOUNT_ATTR_NODEV},
	{"rnoexec", REC_SET, MOUNT_ATTR_NOEXEC},
	{"rexec", REC_CLR, MOUNT_ATTR_NOEXEC},
	{"rnodiratime", REC_SET, MOUNT_ATTR_NODIRATIME},
	{"rdiratime", REC_CLR, MOUNT_ATTR_NODIRATIME},
	{"rnosymfollow", REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
	{"rsymfollow", REC_CLR, MOUNT_ATTR_NOSYMFOLLOW},
	/* atime is an enum in mount_attr, not bits: the "off" forms pick
	 * the mode mount(8) falls back to */
	{"rrelatime", REC_SET, MOUNT_ATTR_RELATIME | MOUNT_ATTR__ATIME << 8},
	{"rnorelatime", REC_SET,
	 MOUNT_ATTR_STRICTATIME | MOUNT_ATTR__ATIME << 8},
	{"rnoatime", REC_SET, MOUNT_ATTR_NOATIME | MOUNT_ATTR__ATIME << 8},
	{"ratime", REC_SET, MOUNT_ATTR_RELATIME | MOUNT_ATTR__ATIME << 8},
	{"rstrictatime", REC_SET,
	 MOUNT_ATTR_STRICTATIME | MOUNT_ATTR__ATIME << 8},
	{"rnostrictatime", REC_SET, MOUNT_ATTR_RELATIME | MOUNT_ATTR__ATIME << 8},
	{"bind", SPECIAL, SP_BIND},
	{"rbind", SPECIAL, SP_RBIND},
	{"remount", SPECIAL, SP_REMOUNT},
	{"tmpcopyup", SPECIAL, SP_TMPCOPYUP},
	{"idmap", SPECIAL, SP_IDMAP},
	{"ridmap", SPECIAL, SP_RIDMAP},
	{"defaults", SPECIAL, SP_DEFAULTS},
};

static const struct word *lookup(const char *w)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].name, w))
			return &words[i];
	return NULL;
}

static void set_flag(struct mnt_opts *m, unsigned long f, bool on)
{
	/* the atime modes exclude each other: the last one named wins */
	if (on && (f & MS_ATIME_MASK)) {
		m->set &= ~MS_ATIME_MASK;
		m->clr |= MS_ATIME_MASK & ~f;
	}
	if (on) {
		m->set |= f;
		m->clr &= ~f;
	} else {
		m->clr |= f;
		m->set &= ~f;
	}
}

static void rec_attr(struct mnt_opts *m, unsigned long v, bool on)
{
	if (v >> 8) { /* an atime mode */
		m->rec.attr_clr |= MOUNT_ATTR__ATIME;
		m->rec.attr_set &= ~MOUNT_ATTR__ATIME;
		m->rec.attr_set |= v & 0xff;
	} else if (on) {
		m->rec.attr_set |= v;
		m->rec.attr_clr &= ~v;
	} else {
		m->rec.attr_clr |= v;
		m->rec.attr_set &= ~v;
	}
}

static void special(struct mnt_opts *m, unsigned long v)
{
	switch (v) {
	case SP_RBIND:
		m->rbind = true;
		/* fall through */
	case SP_BIND:
		m->bind = true;
		break;
	case SP_REMOUNT:
		m->remount = true;
		break;
	case SP_TMPCOPYUP:
		m->tmpcopyup = true;
		break;
	case SP_RIDMAP:
		m->ridmap = true;
		/* fall through */
	case SP_IDMAP:
		m->idmap = true;
		break;
	}
}

static void add_data(struct mnt_opts *m, const char *w)
{
	char *d = m->data ? xasprintf("%s,%s", m->data, w) : xstrdup(w);
	free(m->data);
	m->data = d;
}

int mnt_opts_parse(char *const *opts, size_t n, struct mnt_opts *m,
		   struct herr *e)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		const struct word *w = lookup(opts[i]);
		if (!opts[i][0])
			continue;
		if (!w) {
			add_data(m, opts[i]);
			continue;
		}
		switch (w->kind) {
		case FLAG_SET:
		case FLAG_CLR:
			set_flag(m, w->v, w->kind == FLAG_SET);
			break;
		case PROP:
			if (m->nprop == sizeof(m->prop) / sizeof(m->prop[0])) {
				mnt_opts_free(m);
				return herr_set(e, 0, "too many propagation "
						"options");
			}
			m->prop[m->nprop++] = w->v;
			break;
		case REC_SET:
		case REC_CLR:
			rec_attr(m, w->v, w->kind == REC_SET);
			break;
		case SPECIAL:
			special(m, w->v);
			break;
		}
	}
	return 0;
}

void mnt_opts_free(struct mnt_opts *m)
{
	free(m->data);
	m->data = NULL;
}

static const struct {
	unsigned long ms;
	uint64_t attr;
} ms_attr[] = {
	{MS_RDONLY, MOUNT_ATTR_RDONLY},   {MS_NOSUID, MOUNT_ATTR_NOSUID},
	{MS_NODEV, MOUNT_ATTR_NODEV},     {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	{MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
	{MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

static uint64_t ms_bits_to_attr(unsigned long ms)
{
	uint64_t attr = 0;
	for (size_t i = 0; i < sizeof(ms_attr) / sizeof(ms_attr[0]); i++)
		if (ms & ms_attr[i].ms)
			attr |= ms_attr[i].attr;
	return attr;
}

uint64_t ms_to_attr(unsigned long ms)
{
	uint64_t attr = ms_bits_to_attr(ms);
	if (ms & MS_NOATIME)
		attr |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		attr |= MOUNT_ATTR_STRICTATIME;
	return attr;
}

void mnt_opts_attr(const struct mnt_opts *m, struct mount_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->attr_set = ms_bits_to_attr(m->set);
	a->attr_clr = ms_bits_to_attr(m->clr);
	if ((m->set | m->clr) & MS_ATIME_MASK) {
		a->attr_clr |= MOUNT_ATTR__ATIME;
		if (m->set & MS_NOATIME)
			a->attr_set |= MOUNT_ATTR_NOATIME;
		else if (m->set & MS_STRICTATIME)
			a->attr_set |= MOUNT_ATTR_STRICTATIME;
		else if (m->clr & MS_RELATIME) /* norelatime: always update */
			a->attr_set |= MOUNT_ATTR_STRICTATIME;
		/* else relatime (0): relatime, atime, nostrictatime */
	}
}
