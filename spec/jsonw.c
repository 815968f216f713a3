/* A small JSON writer for `hutch spec`, `hutch features` and the state:
 * pretty (one value per line, the given indent) or compact.  Strings that
 * are not valid UTF-8 (a bundle path is just bytes) get U+FFFD for each bad
 * byte, as Go's encoding/json does, so the output is always valid JSON. */
#include <string.h>

#include "spec/internal.h"

void sp_jw_init(struct jw *w, const char *indent)
{
	memset(w, 0, sizeof(*w));
	w->indent = indent;
	w->first[0] = true;
}

/* length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid */
static size_t utf8_len(const unsigned char *s)
{
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static const char short_escapes[] = "\b\t\n\f\r";

static void put_string(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	strbuf_append(b, "\"", 1);
	while (*s) {
		size_t n = utf8_len(s);
		if (!n) {
			strbuf_puts(b, "\\ufffd");
			s++;
		} else if (*s == '"' || *s == '\\') {
			strbuf_append(b, "\\", 1);
			strbuf_append(b, (const char *)s++, 1);
		} else if (*s < 0x20) {
			const char *esc = strchr(short_escapes, *s);
			if (esc && *s)
				strbuf_printf(b, "\\%c",
					      "btnfr"[esc - short_escapes]);
			else
				strbuf_printf(b, "\\u%04x", *s);
			s++;
		} else {
			strbuf_append(b, (const char *)s, n);
			s += n;
		}
	}
	strbuf_append(b, "\"", 1);
}

static void newline(struct jw *w)
{
	if (!w->indent)
		return;
	strbuf_append(&w->b, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		strbuf_puts(&w->b, w->indent);
}

static void begin_value(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			strbuf_append(&w->b, ",", 1);
		newline(w);
	}
	w->first[w->depth] = false;
	if (key) {
		put_string(&w->b, key);
		strbuf_puts(&w->b, w->indent ? ": " : ":");
	}
}

void sp_jw_open(struct jw *w, const char *key, char bracket)
{
	begin_value(w, key);
	strbuf_append(&w->b, &bracket, 1);
	if (w->depth < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

void sp_jw_close(struct jw *w, char bracket)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		newline(w);
	strbuf_append(&w->b, &bracket, 1);
}

void sp_jw_str(struct jw *w, const char *key, const char *s)
{
	begin_value(w, key);
	put_string(&w->b, s);
}

void sp_jw_int(struct jw *w, const char *key, long long v)
{
	begin_value(w, key);
	strbuf_printf(&w->b, "%lld", v);
}

void sp_jw_bool(struct jw *w, const char *key, bool v)
{
	begin_value(w, key);
	strbuf_puts(&w->b, v ? "true" : "false");
}

void sp_jw_strs(struct jw *w, const char *key, const char *const *v)
{
	sp_jw_open(w, key, '[');
	for (; *v; v++)
		sp_jw_str(w, NULL, *v);
	sp_jw_close(w, ']');
}

char *sp_jw_finish(struct jw *w)
{
	strbuf_append(&w->b, "\n", 1);
	return strbuf_steal(&w->b);
}
