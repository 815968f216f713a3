/* runtime.md "State": the JSON `hutch state` prints and hooks read on
 * stdin. */
#include "spec/internal.h"

char *spec_state_json(const struct spec_state *st, bool pretty)
{
	struct jw w;

	jw_init(&w, pretty ? "  " : NULL);
	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", st->oci_version ? st->oci_version : "1.2.0");
	jw_str(&w, "id", st->id);
	jw_str(&w, "status", st->status);
	/* REQUIRED when created or running; a stopped container has none */
	if (st->pid > 0)
		jw_int(&w, "pid", st->pid);
	jw_str(&w, "bundle", st->bundle);
	if (st->rootfs)
		jw_str(&w, "rootfs", st->rootfs);
	if (st->created)
		jw_str(&w, "created", st->created);
	if (st->owner)
		jw_str(&w, "owner", st->owner);
	if (st->nannotations) {
		jw_open(&w, "annotations", '{');
		for (size_t i = 0; i < st->nannotations; i++)
			jw_str(&w, st->annotations[i].key,
			       st->annotations[i].value);
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	return jw_finish(&w);
}
