/* Remains of a create that died (SIGKILL, a crash, a reboot): the id's dir
 * with no finished state.json.  Its init died with it (PDEATHSIG, or EOF on
 * the sync socket); what can be left is the cgroup, whose path the early
 * state.json records, a network lease, and the dir itself. */
#include <errno.h>

#include "runtime/runtime.h"

int container_reclaim(const char *root, const char *id, struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;

	if (container_load(root, id, &c, e) < 0) {
		/* gone meanwhile: the caller's mkdir will tell */
		herr_clear(e);
		return 0;
	}
	if (c->have_state && !c->st.creating) {
		errno = EEXIST;
		return -1;
	}
	log_debug("container `%s`: cleaning up after a create that died", id);
	if (container_teardown(c, NULL, e) < 0)
		return herr_wrap(e, "clean up the remains of container `%s`", id);
	return 0;
}
