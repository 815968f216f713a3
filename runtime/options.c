/* Flags of `create` and `run` (runc's names, DESIGN.md section 4). */
#include <getopt.h>
#include <string.h>

#include "runtime/runtime.h"

void command_usage(const char *name, FILE *f)
{
	const struct command *c = command_find(name);

	if (c)
		fprintf(f, "usage: hutch %s %s\n\n%s\n", c->name, c->usage,
			c->summary);
}

static int bad_flag(const char *cmd)
{
	fprintf(stderr, "hutch %s: see `hutch %s --help`\n", cmd, cmd);
	return 1;
}

static int parse_sandbox(const char *v, struct create_opts *o)
{
	if (!strcmp(v, "vm"))
		o->sandbox_vm = true;
	else if (!strcmp(v, "none") || !strcmp(v, "container"))
		o->sandbox_vm = false;
	else {
		fprintf(stderr, "hutch: --sandbox: unknown mode `%s` (vm or "
			"container)\n", v);
		return -1;
	}
	return 0;
}

int parse_create_args(struct globals *g, int argc, char **argv,
		      struct create_opts *o, struct run_flags *rf)
{
	enum { O_CONSOLE = 256, O_PIDFILE, O_PRESERVE, O_NOPIVOT, O_NOKEYRING,
	       O_SANDBOX, O_NETWORK, O_PUBLISH, O_KEEP, O_IGNORED };
	static const struct option opts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"console-socket", required_argument, NULL, O_CONSOLE},
		{"pid-file", required_argument, NULL, O_PIDFILE},
		{"preserve-fds", required_argument, NULL, O_PRESERVE},
		{"no-pivot", no_argument, NULL, O_NOPIVOT},
		{"no-new-keyring", no_argument, NULL, O_NOKEYRING},
		{"sandbox", required_argument, NULL, O_SANDBOX},
		{"network", required_argument, NULL, O_NETWORK},
		{"publish", required_argument, NULL, O_PUBLISH},
		{"detach", no_argument, NULL, 'd'},
		{"keep", no_argument, NULL, O_KEEP},
		{"no-subreaper", no_argument, NULL, O_IGNORED},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *cmd = argv[0];
	static char publish[4096];
	uint64_t n;
	int c;

	memset(o, 0, sizeof(*o));
	o->sandbox_vm = g->sandbox_vm;
	while ((c = getopt_long(argc, argv, rf ? "+b:dh" : "+b:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_PIDFILE: o->pid_file = optarg; break;
		case O_PRESERVE:
			if (parse_u64(optarg, &n) < 0 || n > 4096) {
				fprintf(stderr, "hutch %s: --preserve-fds: not a "
					"count: `%s`\n", cmd, optarg);
				return 1;
			}
			o->preserve_fds = n;
			break;
		case O_NOPIVOT: o->no_pivot = true; break;
		case O_NOKEYRING: o->no_new_keyring = true; break;
		case O_SANDBOX:
			if (parse_sandbox(optarg, o) < 0)
				return 1;
			break;
		case O_NETWORK: o->network = optarg; break;
		case O_PUBLISH:
			/* repeatable: joined with commas like org.hutch.ports */
			if (publish[0])
				strncat(publish, ",", sizeof(publish) - strlen(publish) - 1);
			strncat(publish, optarg, sizeof(publish) - strlen(publish) - 1);
			o->publish = publish;
			break;
		case 'd':
			if (!rf)
				return bad_flag(cmd);
			rf->detach = true;
			break;
		case O_KEEP:
			if (!rf)
				return bad_flag(cmd);
			rf->keep = true;
			break;
		case O_IGNORED: break;
		case 'h': command_usage(cmd, stdout); return 2; /* exit 0 */
		default: return bad_flag(cmd);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "hutch %s: expected one container id, got %d "
			"arguments\n", cmd, argc - optind);
		return 1;
	}
	o->id = argv[optind];
	return 0;
}
