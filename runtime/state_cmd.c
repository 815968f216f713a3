/* hutch state ID: the runtime-spec state JSON. */
#include <string.h>

#include "runtime/runtime.h"

static int cmd_state(struct globals *g, int argc, char **argv)
{
	_cleanup_container_ struct container *c = NULL;
	_cleanup_free_ char *json = NULL;
	struct herr e;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return command_usage("state", stdout), 0;
	if (argc != 2) {
		fprintf(stderr, "hutch state: expected one container id\n");
		return 1;
	}
	if (container_load(g->root, argv[1], &c, &e) < 0)
		return log_fail(&e);
	json = container_state_json(c, true);
	printf("%s\n", json);
	return 0;
}

HUTCH_COMMAND(state, .name = "state", .usage = "ID",
	      .summary = "print the state of a container (runtime-spec JSON)",
	      .main = cmd_state);
