/* Private to spec/: the JSON reader, the table-driven field mapper, the name
 * tables and a small JSON writer.  Other folders include spec/spec.h only. */
#ifndef HUTCH_SPEC_INTERNAL_H
#define HUTCH_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/util.h"

/* Every symbol shared between the files of spec/ starts with sp_: the
 * library is one static archive with every folder in it. */

/* ---------- json.c: a JSON tree built with yajl's callback API ----------
 * Limits, so that hostile input gets an error instead of a crash or a hang:
 * nesting depth, document size and value count.  The tree lives in an arena
 * freed in one pass (no recursive free). */
#define JSON_MAX_DEPTH 64
#define JSON_MAX_SIZE (16u << 20)    /* bytes */
#define JSON_MAX_VALUES (1u << 20)   /* values of any kind */

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

struct jnode {
	struct jnode *next; /* next sibling in the parent */
	const char *key;    /* member name when the parent is an object */
	union {
		struct jnode *first; /* J_ARRAY / J_OBJECT */
		const char *str;     /* J_STRING (NUL-ended), J_NUMBER text */
		bool b;              /* J_BOOL */
	} u;
	uint32_t n; /* children, or string length in bytes */
	uint8_t type;
};

struct jdoc;
/* Errors are "line L, column C: what" (no JSON path: the text is not JSON). */
int sp_json_parse(const char *text, size_t len, struct jdoc **out,
	       struct herr *e);
const struct jnode *sp_json_root(const struct jdoc *d);
void sp_json_free(struct jdoc *d);
const char *sp_json_type_name(int type);

/* ---------- path.c: the JSON path of the value being mapped ----------
 * a stack of segments (keys point into the field tables or the JSON tree),
 * rendered only by sp_pfail() */
#define PCTX_MAX_SEGS (JSON_MAX_DEPTH + 8)
enum { SEG_KEY, SEG_MAPKEY, SEG_INDEX };
struct pseg {
	const char *key;
	size_t index;
	int kind;
};
struct pctx {
	struct herr *e;
	size_t len; /* segments pushed (may exceed PCTX_MAX_SEGS) */
	struct pseg seg[PCTX_MAX_SEGS];
};
/* `<path>: <message>`; returns -1 */
int sp_pfail(struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t sp_ppush_key(struct pctx *c, const char *key);     /* .key */
size_t sp_ppush_index(struct pctx *c, size_t i);          /* [i] */
size_t sp_ppush_mapkey(struct pctx *c, const char *key);  /* ["key"] */
void sp_ppop(struct pctx *c, size_t old);

/* ---------- map.c: JSON tree -> C structs through field tables ---------- */

enum fkind {
	FK_STR,    /* char * */
	FK_BOOL,   /* bool */
	FK_U16,    /* uint16_t */
	FK_U32,    /* uint32_t */
	FK_I32,    /* int32_t */
	FK_U64,    /* uint64_t */
	FK_I64,    /* int64_t */
	FK_STRV,   /* char **, count (size_t) at aux */
	FK_U32V,   /* uint32_t *, count at aux */
	FK_KV,     /* struct spec_kv *, count at aux: object of strings */
	FK_OBJ,    /* pointer to a struct of sub->size */
	FK_EMBED,  /* struct inside this one (off may be 0: same struct) */
	FK_ARR,    /* array of structs, count at aux */
	FK_KEYED,  /* object of objects -> array; key at sub->key_off */
	FK_CUSTOM, /* scalar decoded by custom(); never owns memory */
};

#define F_REQUIRED 1u
#define F_NONEMPTY 2u /* arrays: at least one entry */
#define NO_AUX ((size_t)-1)

struct fdesc;
struct field {
	const char *key;
	uint8_t kind;
	uint8_t flags;
	size_t off; /* of the value in the struct being filled */
	size_t aux; /* count (size_t) or has_ flag (bool); NO_AUX if none */
	const struct fdesc *sub;
	int (*custom)(struct pctx *c, const struct jnode *v, void *dst);
};

struct fdesc {
	size_t size;               /* FK_OBJ / FK_ARR / FK_KEYED elements */
	size_t key_off;            /* FK_KEYED: char * for the entry's key */
	const char *unknown;       /* non-NULL: unknown keys are an error */
	const struct field *fields; /* ends with {0} */
	/* runs after the fields are mapped, with the path at this object */
	int (*check)(struct pctx *c, void *obj);
};

/* map an object node into obj (zeroed by the caller) */
int sp_map_object(struct pctx *c, const struct jnode *v, void *obj,
	       const struct fdesc *d);
/* free what sp_map_object allocated inside obj (not obj itself) */
void sp_desc_free(const struct fdesc *d, void *obj);

#define FLD(k, kind, T, m, aux, flags)                                         \
	{k, kind, flags, offsetof(T, m), aux, NULL, NULL}
#define FHAS(k, kind, T, m, has) FLD(k, kind, T, m, offsetof(T, has), 0)
#define FN(k, kind, T, m, n, flags) FLD(k, kind, T, m, offsetof(T, n), flags)
#define FSUB(k, kind, T, m, aux, flags, d)                                     \
	{k, kind, flags, offsetof(T, m), aux, d, NULL}
#define FCUSTOM(k, T, m, fn, flags)                                            \
	{k, FK_CUSTOM, flags, offsetof(T, m), NO_AUX, NULL, fn}

/* descriptors of the documents and shared parts (parse_*.c) */
extern const struct fdesc sp_spec_desc, sp_process_desc, sp_resources_desc,
	sp_linux_desc, sp_seccomp_desc, sp_idmap_desc;
/* a one-letter string from `allowed` into *dst */
int sp_one_letter(struct pctx *c, const struct jnode *v, char *dst,
	       const char *allowed, const char *what);

/* checks shared between files */
bool sp_path_is_absolute(const char *p);
int sp_check_abs_path(struct pctx *c, const char *key, const char *p);
int sp_check_cpu_list(struct pctx *c, const char *key, const char *list);
bool sp_semver_ok(const char *v);
bool sp_ifname_ok(const char *n);
bool sp_component_ok(const char *n);
bool sp_no_dotdot(const char *p);
/* `<path>.key: unknown <what> "<got>"` */
int sp_fail_not_in(struct pctx *c, const char *key, const char *what,
		const char *got);
/* every v[i] must be in known: `<path>.key[i]: unknown <what> "..."` */
int sp_check_names(struct pctx *c, const char *key, char **v, size_t n,
		const char *const *known, const char *what);

/* ---------- names.c: the names the spec defines ---------- */
struct name_val {
	const char *name;
	int val;
};
extern const struct name_val sp_cap_names[], sp_rlimit_names[], sp_ns_names[];
extern const char *const sp_seccomp_actions[], *const sp_seccomp_ops[],
	*const sp_seccomp_archs[], *const sp_seccomp_flags[],
	*const sp_seccomp_supported_flags[], *const sp_seccomp_features_archs[];
extern const char *const sp_mount_options[];
int sp_name_lookup(const struct name_val *t, const char *name); /* -1: none */
bool sp_str_in(const char *const *list, const char *s);
/* index of the first element equal to an earlier one, 0 if none (lists
 * here are short: rlimits, namespaces) */
size_t sp_first_dup(const void *v, size_t n, size_t size,
		 bool (*same)(const void *a, const void *b));

/* ---------- jsonw.c: a small JSON writer (pretty or compact) ---------- */
struct jw {
	struct strbuf b;
	const char *indent; /* NULL: compact */
	int depth;
	bool first[JSON_MAX_DEPTH + 1];
	bool after_key;
};
void sp_jw_init(struct jw *w, const char *indent);
void sp_jw_open(struct jw *w, const char *key, char bracket); /* '{' or '[' */
void sp_jw_close(struct jw *w, char bracket);
void sp_jw_str(struct jw *w, const char *key, const char *s);
void sp_jw_int(struct jw *w, const char *key, long long v);
void sp_jw_bool(struct jw *w, const char *key, bool v);
/* v ends with NULL */
void sp_jw_strs(struct jw *w, const char *key, const char *const *v);
char *sp_jw_finish(struct jw *w); /* adds the final newline */

#endif
