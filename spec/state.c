/* runtime.md "State": the JSON `hutch state` prints and hooks read on
 * stdin. */
#include "spec/internal.h"

char *spec_state_json(const struct spec_state *st, bool pretty)
{
	struct jw w;

	sp_jw_init(&w, pretty ? "  " : NULL);
	sp_jw_open(&w, NULL, '{');
	sp_jw_str(&w, "ociVersion",
		  st->oci_version ? st->oci_version : "1.2.0");
	sp_jw_str(&w, "id", st->id);
	sp_jw_str(&w, "status", st->status);
	/* REQUIRED when created or running; a stopped container has none */
	if (st->pid > 0)
		sp_jw_int(&w, "pid", st->pid);
	sp_jw_str(&w, "bundle", st->bundle);
	if (st->rootfs)
		sp_jw_str(&w, "rootfs", st->rootfs);
	if (st->created)
		sp_jw_str(&w, "created", st->created);
	if (st->owner)
		sp_jw_str(&w, "owner", st->owner);
	if (st->nannotations) {
		sp_jw_open(&w, "annotations", '{');
		for (size_t i = 0; i < st->nannotations; i++)
			sp_jw_str(&w, st->annotations[i].key,
			       st->annotations[i].value);
		sp_jw_close(&w, '}');
	}
	sp_jw_close(&w, '}');
	return sp_jw_finish(&w);
}
