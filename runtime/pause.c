/* hutch pause ID: freeze every process of the container (cgroup freezer);
 * `state` then says "paused". */
#include "runtime/runtime.h"

static int cmd_pause(struct globals *g, int argc, char **argv)
{
	const char *id = NULL;
	struct herr e;
	int r = parse_id_only("pause", argc, argv, &id);

	if (r)
		return r == 2 ? 0 : r;
	if (container_set_frozen(g, id, true, &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(pause, .name = "pause", .usage = "ID",
	      .summary = "suspend every process of a container (freezer)",
	      .main = cmd_pause);
