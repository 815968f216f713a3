/* Growable string buffer; JSON string escaping (RFC 8259 section 7). */
#include <string.h>

#include "util.h"

void strbuf_append(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->buf = xrealloc(b->buf, cap);
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s));
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		strbuf_append(b, small, n);
		return;
	}
	{
		char *big = xmalloc(n + 1);
		va_start(ap, fmt);
		vsnprintf(big, n + 1, fmt, ap);
		va_end(ap);
		strbuf_append(b, big, n);
		free(big);
	}
}

void strbuf_json_string(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	strbuf_append(b, "\"", 1);
	for (; *p; p++) {
		switch (*p) {
		case '"': strbuf_append(b, "\\\"", 2); break;
		case '\\': strbuf_append(b, "\\\\", 2); break;
		case '\n': strbuf_append(b, "\\n", 2); break;
		case '\r': strbuf_append(b, "\\r", 2); break;
		case '\t': strbuf_append(b, "\\t", 2); break;
		case '\b': strbuf_append(b, "\\b", 2); break;
		case '\f': strbuf_append(b, "\\f", 2); break;
		default:
			if (*p < 0x20)
				strbuf_printf(b, "\\u%04x", *p);
			else
				strbuf_append(b, (const char *)p, 1);
		}
	}
	strbuf_append(b, "\"", 1);
}

char *strbuf_steal(struct strbuf *b)
{
	char *s = b->buf ? b->buf : xstrdup("");

	b->buf = NULL;
	b->len = b->cap = 0;
	return s;
}

void strbuf_free(struct strbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}
