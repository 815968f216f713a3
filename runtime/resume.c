/* hutch resume ID: thaw a paused container. */
#include "runtime/runtime.h"

static int cmd_resume(struct globals *g, int argc, char **argv)
{
	const char *id = NULL;
	struct herr e;
	int r = parse_id_only("resume", argc, argv, &id);

	if (r)
		return r == 2 ? 0 : r;
	if (container_set_frozen(g, id, false, &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(resume, .name = "resume", .usage = "ID",
	      .summary = "resume a paused container",
	      .main = cmd_resume);
