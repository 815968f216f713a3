/* 9P marshalling: little-endian integers, counted strings, qids.  Reads
 * past the end of a request mark it bad instead of touching memory. */
#include <string.h>

#include "vmm/virtio/9p.h"

static const uint8_t *take(struct p9_msg *m, size_t n)
{
	const uint8_t *p;

	if (m->bad || n > m->len - m->pos) {
		m->bad = true;
		return NULL;
	}
	p = m->buf + m->pos;
	m->pos += n;
	return p;
}

uint8_t p9_get8(struct p9_msg *m)
{
	const uint8_t *p = take(m, 1);
	return p ? p[0] : 0;
}

uint16_t p9_get16(struct p9_msg *m)
{
	const uint8_t *p = take(m, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t p9_get32(struct p9_msg *m)
{
	const uint8_t *p = take(m, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 |
			   (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
		 : 0;
}

uint64_t p9_get64(struct p9_msg *m)
{
	uint64_t lo = p9_get32(m);
	return lo | (uint64_t)p9_get32(m) << 32;
}

char *p9_getstr(struct p9_msg *m, char *buf, size_t len)
{
	uint16_t n = p9_get16(m);
	const uint8_t *p = take(m, n);

	if (!p || n >= len || memchr(p, 0, n))
		return m->bad = true, NULL;
	memcpy(buf, p, n);
	buf[n] = 0;
	return buf;
}

uint8_t *p9_reserve(struct p9_msg *m, size_t n)
{
	uint8_t *p;

	if (m->bad || n > m->cap - m->len) {
		m->bad = true;
		return NULL;
	}
	p = m->buf + m->len;
	m->len += n;
	return p;
}

static void put(struct p9_msg *m, uint64_t v, size_t n)
{
	uint8_t *p = p9_reserve(m, n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void p9_put8(struct p9_msg *m, uint8_t v) { put(m, v, 1); }
void p9_put16(struct p9_msg *m, uint16_t v) { put(m, v, 2); }
void p9_put32(struct p9_msg *m, uint32_t v) { put(m, v, 4); }
void p9_put64(struct p9_msg *m, uint64_t v) { put(m, v, 8); }

void p9_putstr(struct p9_msg *m, const char *s)
{
	size_t n = strlen(s);
	uint8_t *p;

	if (n > 0xffff)
		n = 0xffff;
	p9_put16(m, (uint16_t)n);
	p = p9_reserve(m, n);
	if (p)
		memcpy(p, s, n);
}

#define QTDIR 0x80
#define QTSYMLINK 0x02

void p9_putqid(struct p9_msg *m, const struct stat *st)
{
	uint8_t type = S_ISDIR(st->st_mode)   ? QTDIR
		       : S_ISLNK(st->st_mode) ? QTSYMLINK
					      : 0;
	p9_put8(m, type);
	p9_put32(m, 0);
	p9_put64(m, st->st_ino);
}
