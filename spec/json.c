/* A JSON tree built from yajl's callback (SAX) API.
 *
 * Not yajl_tree: its free is recursive, and it has no depth limit, so a file
 * of 100 MB of `[` would overflow the stack.  Here the depth is refused past
 * JSON_MAX_DEPTH while parsing, the values are counted, and every node and
 * string lives in an arena that is freed chunk by chunk.  Duplicate keys in
 * one object are an error (RFC 8259 says names SHOULD be unique; a config
 * with two "args" is a mistake we should not resolve silently). */
#include <errno.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "spec/internal.h"

#define CHUNK_SIZE (64u << 10)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct jdoc {
	struct chunk *chunks;
	struct jnode *root;
};

struct builder {
	struct jdoc *doc;
	struct jnode *open[JSON_MAX_DEPTH + 1]; /* open arrays/objects */
	struct jnode *last[JSON_MAX_DEPTH + 1]; /* their last child */
	int depth;
	const char *key; /* member name waiting for its value */
	size_t nvalues;
	bool positioned; /* error wants "line, column" in front */
	struct herr *e;
};

static void *arena_alloc(struct jdoc *d, size_t n)
{
	struct chunk *c = d->chunks;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = d->chunks;
		d->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static const char *arena_str(struct jdoc *d, const void *s, size_t len)
{
	char *p = arena_alloc(d, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* the JSON path of the innermost open container, for duplicate keys */
static void open_path(struct builder *b, struct pctx *c)
{
	for (int i = 1; i < b->depth; i++) {
		const struct jnode *parent = b->open[i - 1];
		if (parent->type == J_OBJECT)
			sp_ppush_key(c, b->open[i]->key);
		else
			sp_ppush_index(c, parent->n - 1);
	}
}

static struct jnode *add(struct builder *b, enum jtype t)
{
	struct jnode *n;

	if (++b->nvalues > JSON_MAX_VALUES) {
		b->positioned = true;
		herr_set(b->e, 0, "more than %u values", JSON_MAX_VALUES);
		return NULL;
	}
	n = arena_alloc(b->doc, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->type = t;
	if (b->depth == 0) {
		b->doc->root = n;
		return n;
	}
	n->key = b->key;
	b->key = NULL;
	if (b->last[b->depth - 1])
		b->last[b->depth - 1]->next = n;
	else
		b->open[b->depth - 1]->u.first = n;
	b->last[b->depth - 1] = n;
	b->open[b->depth - 1]->n++;
	return n;
}

static int on_null(void *ctx)
{
	return add(ctx, J_NULL) != NULL;
}

static int on_bool(void *ctx, int v)
{
	struct jnode *n = add(ctx, J_BOOL);

	if (n)
		n->u.b = v;
	return n != NULL;
}

static int on_scalar(struct builder *b, enum jtype t, const void *s,
		     size_t len)
{
	struct jnode *n;

	if (len > UINT32_MAX)
		return 0;
	n = add(b, t);
	if (!n)
		return 0;
	n->u.str = arena_str(b->doc, s, len);
	n->n = len;
	return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	return on_scalar(ctx, J_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	return on_scalar(ctx, J_STRING, s, len);
}

static int on_open(struct builder *b, enum jtype t)
{
	struct jnode *n;

	if (b->depth >= JSON_MAX_DEPTH) {
		b->positioned = true;
		herr_set(b->e, 0, "nesting deeper than %d levels",
			 JSON_MAX_DEPTH);
		return 0;
	}
	n = add(b, t);
	if (!n)
		return 0;
	b->open[b->depth] = n;
	b->last[b->depth] = NULL;
	b->depth++;
	return 1;
}

static int on_start_map(void *ctx)
{
	return on_open(ctx, J_OBJECT);
}

static int on_start_array(void *ctx)
{
	return on_open(ctx, J_ARRAY);
}

static int on_key(void *ctx, const unsigned char *k, size_t len)
{
	struct builder *b = ctx;

	if (memchr(k, '\0', len)) {
		struct pctx c = {.e = b->e};
		open_path(b, &c);
		sp_pfail(&c, "member name contains a NUL character");
		return 0;
	}
	b->key = arena_str(b->doc, k, len);
	return 1;
}

static int cmp_key(const void *x, const void *y)
{
	const struct jnode *const *a = x, *const *b = y;
	return strcmp((*a)->key, (*b)->key);
}

/* sorting keeps this O(n log n): an object with a million members must not
 * take a quadratic scan */
static int check_duplicates(struct builder *b, const struct jnode *obj)
{
	_cleanup_free_ const struct jnode **v = NULL;
	size_t i = 0;

	if (obj->n < 2)
		return 1;
	v = xmalloc(obj->n * sizeof(*v));
	for (const struct jnode *n = obj->u.first; n; n = n->next)
		v[i++] = n;
	qsort(v, obj->n, sizeof(*v), cmp_key);
	for (i = 1; i < obj->n; i++) {
		if (!strcmp(v[i - 1]->key, v[i]->key)) {
			struct pctx c = {.e = b->e};
			open_path(b, &c);
			sp_pfail(&c, "duplicate key \"%.64s\"", v[i]->key);
			return 0;
		}
	}
	return 1;
}

static int on_end_map(void *ctx)
{
	struct builder *b = ctx;

	if (!check_duplicates(b, b->open[b->depth - 1]))
		return 0;
	b->depth--;
	return 1;
}

static int on_end_array(void *ctx)
{
	struct builder *b = ctx;

	b->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

static void position(const char *text, size_t off, size_t *line, size_t *col)
{
	size_t start = 0;

	*line = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	/* off is just past the byte that stopped the parser: point at it */
	*col = off > start ? off - start : 1;
}

/* yajl's own message ("parse error: premature EOF\n"), reworded */
static void syntax_error(yajl_handle h, const char *text, size_t len,
			 size_t off, struct herr *e)
{
	unsigned char *raw = yajl_get_error(h, 0, (const unsigned char *)text,
					    len);
	const char *msg = raw ? (const char *)raw : "syntax error";
	const char *colon = strstr(msg, ": ");
	size_t line, col, mlen;

	if (colon)
		msg = colon + 2;
	mlen = strcspn(msg, "\n");
	if (mlen && msg[mlen - 1] == '.')
		mlen--;
	position(text, off, &line, &col);
	herr_set(e, 0, "line %zu, column %zu: invalid JSON: %.*s%s", line, col,
		 (int)mlen, msg,
		 off >= len ? " (is the file truncated?)" : "");
	if (raw)
		yajl_free_error(h, raw);
}

static bool blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i]))
			return false;
	return true;
}

static int run_parser(yajl_handle h, struct builder *b, const char *text,
		      size_t len)
{
	yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
	size_t off = yajl_get_bytes_consumed(h);

	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len;
	}
	if (st == yajl_status_ok)
		return 0;
	if (st == yajl_status_client_canceled) {
		if (b->positioned) {
			size_t line, col;
			position(text, off, &line, &col);
			herr_wrap(b->e, "line %zu, column %zu", line, col);
		}
		return -1;
	}
	syntax_error(h, text, len, off, b->e);
	return -1;
}

int sp_json_parse(const char *text, size_t len, struct jdoc **out,
	       struct herr *e)
{
	struct builder b = {.e = e};
	yajl_handle h;
	int r;

	if (len > JSON_MAX_SIZE)
		return herr_set(e, 0, "%zu bytes is more than the %u MiB limit",
				len, JSON_MAX_SIZE >> 20);
	if (blank(text, len))
		return herr_set(e, 0, "empty file (no JSON document)");
	b.doc = xcalloc(1, sizeof(*b.doc));
	h = yajl_alloc(&callbacks, NULL, &b);
	if (!h) {
		sp_json_free(b.doc);
		return herr_set(e, ENOMEM, "JSON parser");
	}
	r = run_parser(h, &b, text, len);
	yajl_free(h);
	if (r < 0) {
		sp_json_free(b.doc);
		return r;
	}
	*out = b.doc;
	return 0;
}

const struct jnode *sp_json_root(const struct jdoc *d)
{
	return d->root;
}

void sp_json_free(struct jdoc *d)
{
	if (!d)
		return;
	while (d->chunks) {
		struct chunk *c = d->chunks;
		d->chunks = c->next;
		free(c);
	}
	free(d);
}

const char *sp_json_type_name(int type)
{
	static const char *const names[] = {"null", "a boolean", "a number",
					    "a string", "an array",
					    "an object"};
	return type >= 0 && type <= J_OBJECT ? names[type] : "?";
}
