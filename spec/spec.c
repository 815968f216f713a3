/* The API of spec/spec.h: parse, load, free, look up. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "spec/internal.h"

/* one JSON document whose top is an object, mapped through d into a new
 * struct of d->size */
static int parse_doc(const char *json, size_t len, const struct fdesc *d,
		     void **out, struct herr *e)
{
	struct pctx c = {.e = e};
	struct jdoc *doc;
	void *obj;
	int r;

	if (sp_json_parse(json, len, &doc, e) < 0)
		return -1;
	if (sp_json_root(doc)->type != J_OBJECT) {
		r = herr_set(e, 0, "the document must be a JSON object, not %s",
			     sp_json_type_name(sp_json_root(doc)->type));
		sp_json_free(doc);
		return r;
	}
	obj = xcalloc(1, d->size);
	r = sp_map_object(&c, sp_json_root(doc), obj, d);
	sp_json_free(doc);
	if (r < 0) {
		sp_desc_free(d, obj);
		free(obj);
		return r;
	}
	*out = obj;
	return 0;
}

int spec_parse(const char *json, size_t len, struct spec **out,
	       struct herr *e)
{
	return parse_doc(json, len, &sp_spec_desc, (void **)out, e);
}

int spec_process_parse(const char *json, size_t len,
		       struct spec_process **out, struct herr *e)
{
	return parse_doc(json, len, &sp_process_desc, (void **)out, e);
}

int spec_resources_parse(const char *json, size_t len,
			 struct spec_resources **out, struct herr *e)
{
	return parse_doc(json, len, &sp_resources_desc, (void **)out, e);
}

/* The size limit is checked before reading, so a 100 MB file costs one
 * fstat, not 100 MB of memory. */
static int read_config(const char *path, char **buf, size_t *len,
		       struct herr *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return herr_sys(e, "%s", path);
	if (S_ISDIR(st.st_mode))
		return herr_set(e, EISDIR, "%s", path);
	if (!S_ISREG(st.st_mode))
		return herr_set(e, 0, "%s: not a regular file", path);
	if (st.st_size > JSON_MAX_SIZE)
		return herr_set(e, 0, "%s: %lld bytes is more than the %u MiB "
				"limit", path, (long long)st.st_size,
				JSON_MAX_SIZE >> 20);
	*buf = xmalloc(st.st_size + 1);
	n = read_all(fd, *buf, st.st_size);
	if (n < 0) {
		free(*buf);
		return herr_sys(e, "read %s", path);
	}
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

int spec_load(const char *path, struct spec **out, struct herr *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	if (read_config(path, &buf, &len, e) < 0)
		return -1;
	if (spec_parse(buf, len, out, e) < 0)
		return herr_wrap(e, "%s", path);
	return 0;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	sp_desc_free(&sp_spec_desc, s);
	free(s);
}

void spec_freep(struct spec **s)
{
	spec_free(*s);
	*s = NULL;
}

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	sp_desc_free(&sp_process_desc, p);
	free(p);
}

void spec_resources_free(struct spec_resources *r)
{
	if (!r)
		return;
	sp_desc_free(&sp_resources_desc, r);
	free(r);
}

const char *spec_annotation(const struct spec *s, const char *key)
{
	for (size_t i = 0; s && i < s->nannotations; i++)
		if (!strcmp(s->annotations[i].key, key))
			return s->annotations[i].value;
	return NULL;
}

const struct spec_namespace *spec_namespace(const struct spec *s,
					    enum spec_ns_type t)
{
	if (!s || !s->linux)
		return NULL;
	for (size_t i = 0; i < s->linux->nnamespaces; i++)
		if (s->linux->namespaces[i].type == t)
			return &s->linux->namespaces[i];
	return NULL;
}
