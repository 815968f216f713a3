/* The JSON path of the value being mapped ("linux.namespaces[2].type"),
 * for error messages.  It is kept as a stack of segments and only turned
 * into text when there is an error: formatting it on every field cost a
 * third of a parse. */
#include <ctype.h>
#include <string.h>

#include "spec/internal.h"

static size_t ppush(struct pctx *c, const char *key, size_t index, int kind)
{
	size_t old = c->len;

	if (c->len < PCTX_MAX_SEGS)
		c->seg[c->len] = (struct pseg){key, index, kind};
	c->len++;
	return old;
}

size_t sp_ppush_key(struct pctx *c, const char *key)
{
	return ppush(c, key, 0, SEG_KEY);
}

size_t sp_ppush_mapkey(struct pctx *c, const char *key)
{
	return ppush(c, key, 0, SEG_MAPKEY);
}

size_t sp_ppush_index(struct pctx *c, size_t i)
{
	return ppush(c, NULL, i, SEG_INDEX);
}

void sp_ppop(struct pctx *c, size_t old)
{
	c->len = old;
}

static bool is_ident(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_')
			return false;
	return true;
}

/* ["key"] with anything unprintable escaped and long keys cut */
static void put_mapkey(struct strbuf *b, const char *key)
{
	size_t i;

	strbuf_puts(b, "[\"");
	for (i = 0; key[i] && i < 64; i++) {
		unsigned char ch = key[i];
		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
			strbuf_printf(b, "\\x%02x", ch);
		else
			strbuf_append(b, (const char *)&ch, 1);
	}
	strbuf_puts(b, key[i] ? "...\"]" : "\"]");
}

static void render_path(const struct pctx *c, struct strbuf *b)
{
	size_t n = c->len < PCTX_MAX_SEGS ? c->len : PCTX_MAX_SEGS;

	for (size_t i = 0; i < n; i++) {
		const struct pseg *g = &c->seg[i];
		if (g->kind == SEG_INDEX)
			strbuf_printf(b, "[%zu]", g->index);
		else if (g->kind == SEG_MAPKEY || !is_ident(g->key))
			put_mapkey(b, g->key);
		else
			strbuf_printf(b, "%s%s", i ? "." : "", g->key);
	}
	if (c->len > n)
		strbuf_puts(b, "...");
}

int sp_pfail(struct pctx *c, const char *fmt, ...)
{
	struct strbuf path = {0};
	char msg[HERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	render_path(c, &path);
	if (path.len)
		herr_set(c->e, 0, "%s: %s", path.buf, msg);
	else
		herr_set(c->e, 0, "%s", msg);
	strbuf_free(&path);
	return -1;
}
