/* hutch: an OCI container runtime.  main() parses the global options and
 * dispatches to a command (runtime/<command>.c). */
#include <getopt.h>
#include <string.h>

#include "runtime/runtime.h"

static int cmp_cmd(const void *a, const void *b)
{
	const struct command *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void usage(FILE *f)
{
	const struct command *cmds[64];
	size_t n = 0;

	fprintf(f,
		"usage: hutch [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
		"An OCI container runtime; containers run in Linux namespaces or,\n"
		"with --sandbox=vm (or as hutch-vm), inside a KVM microVM.\n\n"
		"Commands:\n");
	for (const struct command *c = __start_hutch_commands;
	     c < __stop_hutch_commands && n < 64; c++)
		cmds[n++] = c;
	qsort(cmds, n, sizeof(cmds[0]), cmp_cmd);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-11s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f,
		"\nGlobal options:\n"
		"  --root DIR            state directory (default /run/hutch)\n"
		"  --log FILE            write errors and debug output to FILE\n"
		"  --log-format FORMAT   text or json\n"
		"  --debug               log debug messages\n"
		"  --systemd-cgroup      accepted for compatibility (cgroupfs is used)\n"
		"  --rootless VALUE      accepted for compatibility\n"
		"  --version, -v         print the version\n"
		"  --help, -h            this text\n\n"
		"`hutch COMMAND --help` describes a command.\n");
}

const struct command *command_find(const char *name)
{
	for (const struct command *c = __start_hutch_commands;
	     c < __stop_hutch_commands; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG,
	       OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };
	static const struct option opts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"log", required_argument, NULL, OPT_LOG},
		{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
		{"rootless", required_argument, NULL, OPT_ROOTLESS},
		{"criu", required_argument, NULL, OPT_CRIU},
		{"version", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct globals g = {.root = "/run/hutch", .argv0 = argv[0]};
	const struct command *cmd;
	const char *base = strrchr(argv[0], '/');
	int c;

	g.sandbox_vm = !strcmp(base ? base + 1 : argv[0], "hutch-vm");
	/* '+': stop at the first non-option, the command name */
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: g.root = optarg; break;
		case OPT_LOG: g.log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr, "hutch: --log-format: unknown format "
					"`%s` (text or json)\n", optarg);
				return 1;
			}
			g.log_json = !strcmp(optarg, "json");
			break;
		case OPT_DEBUG: g.debug = true; break;
		case OPT_SYSTEMD: g.systemd_cgroup = true; break;
		case OPT_ROOTLESS: g.rootless = !strcmp(optarg, "true"); break;
		case OPT_CRIU: break;
		case 'v':
			printf("hutch version %s\ncommit: %s\nspec: 1.2.0\n",
			       HUTCH_VERSION, HUTCH_GIT_REV);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = command_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "hutch: unknown command `%s` (see hutch --help)\n",
			argv[optind]);
		return 1;
	}
	log_init(&g);
	{
		int first = optind;
		optind = 0; /* reset getopt for the command's own options */
		return cmd->main(&g, argc - first, argv + first);
	}
}
