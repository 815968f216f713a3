/* hutch spec [--bundle DIR] [--rootless]: a default config.json, like
 * `runc spec`; hutch features: the runtime-spec features document. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>

#include "runtime/runtime.h"

static int cmd_spec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"rootless", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *bundle = ".";
	bool rootless = false;
	_cleanup_free_ char *json = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	struct herr e;
	int c;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
		else if (c == 'h')
			return command_usage("spec", stdout), 0;
		else
			return 1;
	}
	json = spec_default_json(rootless);
	path = xasprintf("%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			herr_set(&e, 0, "spec: `%s` exists: remove it first", path);
		else
			herr_sys(&e, "spec: create `%s`", path);
		return log_fail(&e);
	}
	if (write_all(fd, json, strlen(json)) < 0) {
		herr_sys(&e, "spec: write `%s`", path);
		return log_fail(&e);
	}
	return 0;
}

static int cmd_features(struct globals *g, int argc, char **argv)
{
	_cleanup_free_ char *json = spec_features_json();

	fputs(json, stdout); /* ends with its own newline */
	return 0;
}

HUTCH_COMMAND(spec, .name = "spec", .usage = "[--bundle DIR] [--rootless]",
	      .summary = "write a default config.json into the bundle",
	      .main = cmd_spec);
HUTCH_COMMAND(features, .name = "features", .usage = "",
	      .summary = "print what this runtime supports (features JSON)",
	      .main = cmd_features);
