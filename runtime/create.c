/* hutch create: build the container and leave its init waiting for start. */
#include "runtime/runtime.h"

static int cmd_create(struct globals *g, int argc, char **argv)
{
	struct create_opts o;
	struct launch *l;
	struct herr e;
	int r;

	herr_clear(&e);
	r = parse_create_args(g, argc, argv, &o, NULL);
	if (r)
		return r == 2 ? 0 : r;
	if (launch_create(g, &o, &l, &e) < 0)
		return log_fail(&e);
	launch_free(l);
	return 0;
}

HUTCH_COMMAND(create, .name = "create",
	      .usage = "[--bundle DIR] [--console-socket PATH] [--pid-file FILE]\n"
		       "       [--preserve-fds N] [--no-pivot] [--no-new-keyring]\n"
		       "       [--sandbox vm|container] [--network NAME] [--publish H:C[/proto]] ID",
	      .summary = "create a container; its process waits for `start`",
	      .main = cmd_create);
