/* hutch start: release a created container's process (runtime.md start). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "runtime/runtime.h"

/* the config as `create` saw it, when it was kept for later hooks */
struct spec *container_saved_spec(struct container *c)
{
	_cleanup_free_ char *json = NULL;
	struct spec *s = NULL;
	struct herr e;
	size_t len;

	if (read_file_at(c->dir_fd, "config.json", &json, &len, 0, &e) < 0)
		return NULL;
	if (spec_parse(json, len, &s, &e) < 0) {
		log_warn("container `%s`: saved config: %s", c->id, e.msg);
		return NULL;
	}
	return s;
}

int container_start(struct container *c, struct herr *e)
{
	enum cstatus st = container_status(c);
	_cleanup_close_ int fd = -1;
	struct spec *s;

	if (st != ST_CREATED)
		return herr_set(e, 0, "container `%s` is %s, not created",
				c->id, cstatus_name(st));
	/* the init holds the only reader; ENXIO means it is gone */
	fd = openat(c->dir_fd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "start container `%s`", c->id);
	if (write(fd, "0", 1) != 1)
		return herr_sys(e, "start container `%s`", c->id);
	unlinkat(c->dir_fd, "exec.fifo", 0);
	/* runtime.md: a failing poststart hook is a warning only */
	s = container_saved_spec(c);
	if (s && s->hooks.npoststart) {
		_cleanup_free_ char *json = container_state_json(c, false);
		struct herr he;
		if (hooks_run(s->hooks.poststart, s->hooks.npoststart,
			      "poststart", json, &he) < 0)
			log_warn("container `%s`: %s", c->id, he.msg);
	}
	spec_free(s);
	return 0;
}

static int cmd_start(struct globals *g, int argc, char **argv)
{
	_cleanup_container_ struct container *c = NULL;
	struct herr e;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		command_usage("start", stdout);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "hutch start: expected one container id\n");
		return 1;
	}
	if (container_load(g->root, argv[1], &c, &e) < 0 ||
	    container_start(c, &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(start, .name = "start", .usage = "ID",
	      .summary = "start the process of a created container",
	      .main = cmd_start);
