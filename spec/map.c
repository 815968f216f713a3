/* The table-driven mapper: a JSON object node + a field table -> a C struct,
 * with one error naming the JSON path on the first wrong value; and the
 * matching free, driven by the same tables, so the two can never disagree.
 *
 * Rules for every field (config.md "Extensibility", Go semantics that
 * engines rely on):
 *  - unknown keys are ignored (unless the table names what they are: then a
 *    map like timeOffsets refuses clocks it does not know);
 *  - `null` is the same as absent (runc and many engines write `null` for
 *    empty lists);
 *  - integers are exact: 1.0, 1e3 and out-of-range values are errors;
 *  - strings must not contain NUL: C would silently cut them there. */
#include <string.h>

#include "spec/internal.h"

/* ---------- scalars ---------- */

static int want(struct pctx *c, const struct jnode *v, enum jtype t,
		const char *what)
{
	if (v->type == t)
		return 0;
	return sp_pfail(c, "must be %s (got %s)", what,
			sp_json_type_name(v->type));
}

static int get_str(struct pctx *c, const struct jnode *v, char **out)
{
	if (want(c, v, J_STRING, "a string") < 0)
		return -1;
	if (strlen(v->u.str) != v->n)
		return sp_pfail(c, "must not contain a NUL character");
	*out = xstrdup(v->u.str);
	return 0;
}

struct irange {
	int64_t min;
	uint64_t max;
};

static const struct irange ranges[] = {
	[FK_U16] = {0, UINT16_MAX},
	[FK_U32] = {0, UINT32_MAX},
	[FK_I32] = {INT32_MIN, INT32_MAX},
	[FK_U64] = {0, UINT64_MAX},
	[FK_I64] = {INT64_MIN, INT64_MAX},
};

/* value = neg ? -mag : mag, checked against the range of kind */
static int get_int(struct pctx *c, const struct jnode *v, int kind,
		   bool *neg, uint64_t *mag)
{
	const struct irange *r = &ranges[kind];
	const char *s;
	bool ok;

	if (want(c, v, J_NUMBER, "an integer") < 0)
		return -1;
	s = v->u.str;
	*neg = *s == '-';
	ok = !strpbrk(s, ".eE") && !parse_u64(s + *neg, mag);
	if (ok && *neg)
		ok = *mag == 0 || (r->min < 0 && *mag - 1 <= (uint64_t)
					     (-(r->min + 1)));
	else if (ok)
		ok = *mag <= r->max;
	if (!ok)
		return sp_pfail(c, "must be an integer between %lld and %llu "
				"(got %.40s)", (long long)r->min,
			     (unsigned long long)r->max, s);
	return 0;
}

static int set_int(struct pctx *c, const struct jnode *v, int kind, void *p)
{
	uint64_t mag;
	bool neg;
	int64_t sv;

	if (get_int(c, v, kind, &neg, &mag) < 0)
		return -1;
	sv = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	switch (kind) {
	case FK_U16: *(uint16_t *)p = mag; break;
	case FK_U32: *(uint32_t *)p = mag; break;
	case FK_I32: *(int32_t *)p = sv; break;
	case FK_U64: *(uint64_t *)p = mag; break;
	case FK_I64: *(int64_t *)p = sv; break;
	}
	return 0;
}

/* ---------- arrays and maps ---------- */

static int array_of(struct pctx *c, const struct jnode *v, unsigned flags,
		    const char *what)
{
	bool nonempty = flags & F_NONEMPTY;

	if (v->type == J_ARRAY && (v->n || !nonempty))
		return 0;
	if (v->type == J_ARRAY)
		return sp_pfail(c, "must be a non-empty array of %s", what);
	return sp_pfail(c, "must be %s array of %s (got %s)",
		     nonempty ? "a non-empty" : "an", what,
		     sp_json_type_name(v->type));
}

static int get_strv(struct pctx *c, const struct jnode *v, unsigned flags,
		    char ***out, size_t *n)
{
	size_t i = 0;

	if (array_of(c, v, flags, "strings") < 0)
		return -1;
	*out = xcalloc(v->n + 1, sizeof(char *));
	*n = v->n;
	for (const struct jnode *m = v->u.first; m; m = m->next, i++) {
		size_t old = sp_ppush_index(c, i);
		int r = get_str(c, m, &(*out)[i]);
		sp_ppop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

static int get_u32v(struct pctx *c, const struct jnode *v, unsigned flags,
		    uint32_t **out, size_t *n)
{
	size_t i = 0;

	if (array_of(c, v, flags, "integers") < 0)
		return -1;
	*out = xcalloc(v->n + 1, sizeof(uint32_t));
	*n = v->n;
	for (const struct jnode *m = v->u.first; m; m = m->next, i++) {
		size_t old = sp_ppush_index(c, i);
		int r = set_int(c, m, FK_U32, &(*out)[i]);
		sp_ppop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* config.md: annotation keys "MUST NOT be an empty string"; the same holds
 * for every other map we read (sysctl names, cgroup files, devices) */
static int map_key(struct pctx *c, const struct jnode *m, char **out)
{
	if (!*m->key)
		return sp_pfail(c, "keys must not be empty");
	*out = xstrdup(m->key);
	return 0;
}

static int get_kv(struct pctx *c, const struct jnode *v,
		  struct spec_kv **out, size_t *n)
{
	size_t i = 0;

	if (want(c, v, J_OBJECT, "an object of strings") < 0)
		return -1;
	*out = xcalloc(v->n + 1, sizeof(**out));
	*n = v->n;
	for (const struct jnode *m = v->u.first; m; m = m->next, i++) {
		size_t old;
		int r;

		if (map_key(c, m, &(*out)[i].key) < 0)
			return -1;
		old = sp_ppush_mapkey(c, m->key);
		r = get_str(c, m, &(*out)[i].value);
		sp_ppop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

static int get_objects(struct pctx *c, const struct jnode *v,
		       const struct field *f, void **out, size_t *n)
{
	const struct fdesc *d = f->sub;
	bool keyed = f->kind == FK_KEYED;
	size_t i = 0;

	if (keyed ? want(c, v, J_OBJECT, "an object of objects") < 0
		  : array_of(c, v, f->flags, "objects") < 0)
		return -1;
	*out = xcalloc(v->n + 1, d->size);
	*n = v->n;
	for (const struct jnode *m = v->u.first; m; m = m->next, i++) {
		char *elem = (char *)*out + i * d->size;
		size_t old;
		int r;

		if (keyed && map_key(c, m, (char **)(elem + d->key_off)) < 0)
			return -1;
		old = keyed ? sp_ppush_mapkey(c, m->key) : sp_ppush_index(c, i);
		r = sp_map_object(c, m, elem, d);
		sp_ppop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------- objects ---------- */

/* aux is a count (size_t) for these kinds, else a has_ flag (bool) */
static bool counted(int kind)
{
	return kind == FK_STRV || kind == FK_U32V || kind == FK_KV ||
	       kind == FK_ARR || kind == FK_KEYED;
}

static int map_field(struct pctx *c, const struct jnode *v, void *obj,
		     const struct field *f)
{
	void *p = (char *)obj + f->off;
	size_t *n = NULL; /* (obj + NO_AUX would overflow the pointer) */

	if (f->aux != NO_AUX)
		n = (size_t *)((char *)obj + f->aux);
	if (n && !counted(f->kind))
		*(bool *)n = true; /* the has_ flag */
	switch (f->kind) {
	case FK_STR:
		return get_str(c, v, p);
	case FK_BOOL:
		if (want(c, v, J_BOOL, "a boolean") < 0)
			return -1;
		*(bool *)p = v->u.b;
		return 0;
	case FK_U16: case FK_U32: case FK_I32: case FK_U64: case FK_I64:
		return set_int(c, v, f->kind, p);
	case FK_STRV:
		return get_strv(c, v, f->flags, p, n);
	case FK_U32V:
		return get_u32v(c, v, f->flags, p, n);
	case FK_KV:
		return get_kv(c, v, p, n);
	case FK_OBJ:
		*(void **)p = xcalloc(1, f->sub->size);
		return sp_map_object(c, v, *(void **)p, f->sub);
	case FK_EMBED:
		return sp_map_object(c, v, p, f->sub);
	case FK_ARR: case FK_KEYED:
		return get_objects(c, v, f, p, n);
	case FK_CUSTOM:
		return f->custom(c, v, p);
	}
	return sp_pfail(c, "internal error: field kind %d", f->kind);
}

static const struct field *find_field(const struct fdesc *d, const char *k)
{
	for (const struct field *f = d->fields; f->key; f++)
		if (!strcmp(f->key, k))
			return f;
	return NULL;
}

static int check_required(struct pctx *c, const struct fdesc *d,
			  uint64_t seen)
{
	for (const struct field *f = d->fields; f->key; f++) {
		if ((f->flags & F_REQUIRED) &&
		    !(seen & (1ull << (f - d->fields)))) {
			sp_ppush_key(c, f->key);
			return sp_pfail(c, "required field is missing");
		}
	}
	return 0;
}

int sp_map_object(struct pctx *c, const struct jnode *v, void *obj,
	       const struct fdesc *d)
{
	uint64_t seen = 0;

	if (want(c, v, J_OBJECT, "an object") < 0)
		return -1;
	for (const struct jnode *m = v->u.first; m; m = m->next) {
		const struct field *f = find_field(d, m->key);
		size_t old;
		int r;

		if (!f && d->unknown)
			return sp_pfail(c, "unknown %s \"%.64s\"", d->unknown,
				     m->key);
		if (!f || m->type == J_NULL)
			continue;
		seen |= 1ull << (f - d->fields);
		old = sp_ppush_key(c, f->key);
		r = map_field(c, m, obj, f);
		sp_ppop(c, old);
		if (r < 0)
			return r;
	}
	if (check_required(c, d, seen) < 0)
		return -1;
	return d->check ? d->check(c, obj) : 0;
}

/* ---------- free ---------- */

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_objects(const struct field *f, char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *elem = v + i * f->sub->size;
		sp_desc_free(f->sub, elem);
		if (f->kind == FK_KEYED)
			free(*(char **)(elem + f->sub->key_off));
	}
	free(v);
}

void sp_desc_free(const struct fdesc *d, void *obj)
{
	for (const struct field *f = d->fields; f->key; f++) {
		void *p = (char *)obj + f->off;
		size_t n = 0;

		if (counted(f->kind))
			n = *(size_t *)((char *)obj + f->aux);
		switch (f->kind) {
		case FK_STR: case FK_U32V:
			free(*(void **)p);
			break;
		case FK_STRV:
			free_strv(*(char ***)p, n);
			break;
		case FK_KV:
			for (size_t i = 0; i < n; i++) {
				free((*(struct spec_kv **)p)[i].key);
				free((*(struct spec_kv **)p)[i].value);
			}
			free(*(void **)p);
			break;
		case FK_OBJ:
			if (*(void **)p)
				sp_desc_free(f->sub, *(void **)p);
			free(*(void **)p);
			break;
		case FK_EMBED:
			sp_desc_free(f->sub, p);
			break;
		case FK_ARR: case FK_KEYED:
			free_objects(f, *(char **)p, n);
			break;
		}
	}
}
